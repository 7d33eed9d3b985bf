//! How Roster's forms are declared: each field once.
//!
//! A form (a user, a domain) is one [`declare_form!`] table with a row per field:
//!
//! ```text
//! setting time_zone: opt TimeZone, "time-zone", Organization, inherits time_zone,
//!     "Time zone", "From the IANA database.";
//! ```
//!
//! that is: where the value is kept (`setting`: in the record's settings document; `own`: in a
//! column or table of its own, written by the repository), the member, its *kind* and type, an
//! optional default (`= "yes"`), the wire name (NetSapiens', with an optional `| "alias"`), the
//! wizard step or form section, the domain setting it inherits (if any), its label and hint.
//!
//! From that row alone come the text form (`UserForm`, one `String` per field, what a page posts
//! and the API's JSON becomes), the typed values (`UserValues`, one member per field, valid by
//! construction), the field table (`USER_FIELDS`: what the wizard draws and checks as it is typed,
//! the CSV columns, the OpenAPI properties, the audit diff), parsing with every bad field named,
//! patching only the fields a request names, the settings document, and the effective values (a
//! setting left to inherit takes its domain's value, at every read, so changing the domain changes
//! every inheriting user at once).
//!
//! A macro table rather than a derive: the rows read as a table, a row is the whole truth about
//! its field, and there is no proc-macro crate to build for both the server and the browser.
//!
//! The *kind* says what blank means and how the member is held:
//! - `req T`: a value is needed; a blank takes the row's default, if it has one. Member: `T`.
//! - `opt T`: blank means none (or, for a row that `inherits`, "as the domain"). Member: `Option<T>`.
//! - `list T`: items separated by commas, semicolons or line breaks. Member: `Vec<T>`.
//! - `secret T`: like `opt`, but never shown, never serialised, and a blank in a change keeps the
//!   stored value. Member: [`Secret<T>`].

mod declare;
mod kinds;

pub(crate) use declare::{
    __control, __field_default, __field_inherits, __if_setting, __keep_secret, __storage,
    declare_form,
};
pub use kinds::{list, opt, req, secret};

use super::{FieldErrors, Invalid};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Text,
    /// Not echoed on screen, and never sent back with an error.
    Secret,
    /// NetSapiens' yes/no.
    YesNo,
    /// One of fixed choices: (wire value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A name from the IANA database, with suggestions.
    TimeZone,
    /// Text with suggestions from the page's list of this id (its `<datalist>`).
    Suggested(&'static str),
}

/// The id of the time zones' list of suggestions.
pub const TIME_ZONE_LIST: &str = "time-zones";

impl Control {
    /// The id of the list of suggestions this control offers, if it offers any.
    pub fn suggestions(self) -> Option<&'static str> {
        match self {
            Control::TimeZone => Some(TIME_ZONE_LIST),
            Control::Suggested(list) => Some(list),
            _ => None,
        }
    }

    /// A value in words, as this control would show it (`text` is the value as a form holds it).
    pub fn shown(self, text: &str) -> String {
        match self {
            Control::YesNo => match text {
                "yes" => "Yes".to_owned(),
                "no" => "No".to_owned(),
                "" => "None".to_owned(),
                other => other.to_owned(),
            },
            Control::Choice(options) => options
                .iter()
                .find(|(value, _)| *value == text)
                .map_or_else(|| text.to_owned(), |(_, label)| (*label).to_owned()),
            _ if text.is_empty() => "None".to_owned(),
            _ => text.to_owned(),
        }
    }
}

/// What checking a field needs to know about its domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldContext {
    /// The domain allows extensions with letters.
    pub alphanumeric_extensions: bool,
    /// What is read was stored by Roster (which keeps some values, such as PINs, as hashes that
    /// no form may send).
    pub stored: bool,
}

impl FieldContext {
    /// The context for reading back what was stored: everything that was valid when written.
    pub const STORED: FieldContext = FieldContext {
        alphanumeric_extensions: true,
        stored: true,
    };
}

/// Where a field's value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// In the record's settings document (a JSON object by wire name; absent when unset).
    Setting,
    /// In a column or a table of its own, which the repository writes.
    Own,
}

/// One row of a form's field table.
pub struct Field<F: 'static, S: 'static> {
    /// The wire name (NetSapiens'), also the form input's name.
    pub name: &'static str,
    /// Another name the API accepts for it (NetSapiens' `email-address` for `email`).
    pub alias: Option<&'static str>,
    /// The member of the form and the values.
    pub member: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    /// The wizard step or form section it is shown in.
    pub step: S,
    pub control: Control,
    /// Must be given: blank is refused.
    pub required: bool,
    /// What a blank becomes.
    pub default: Option<&'static str>,
    /// The domain setting (its member) a blank inherits.
    pub inherits: Option<&'static str>,
    /// A list of items, separated by commas.
    pub list: bool,
    pub storage: Storage,
    /// The check run as the field is typed: the parser the server runs.
    pub check: fn(&str, &FieldContext) -> Result<(), Invalid>,
    /// Valid values of the field, as typed (one item each, for a list).
    pub examples: &'static [&'static str],
    pub get: fn(&F) -> &str,
    pub get_mut: fn(&mut F) -> &mut String,
}

impl<F, S> Field<F, S> {
    /// Whether the field holds a secret (never shown; blank keeps it).
    pub fn is_secret(&self) -> bool {
        self.control == Control::Secret
    }
}

/// The row named `name` (or a field path such as `phone-numbers[1]`, or an alias) of `table`.
pub fn find<'a, F, S>(table: &'a [Field<F, S>], path: &str) -> Option<&'a Field<F, S>> {
    let name = path.split(['[', '.']).next().unwrap_or(path);
    table
        .iter()
        .find(|f| f.name == name || f.alias == Some(name))
}

/// The fields of `form` that `table`'s checks refuse, in table order: what parsing it reports.
pub fn refused<'a, F, S>(table: &'a [Field<F, S>], form: &F, cx: &FieldContext) -> Vec<&'a str> {
    table
        .iter()
        .filter(|f| (f.check)((f.get)(form), cx).is_err())
        .map(|f| f.name)
        .collect()
}

/// A blank form of `table` with each field's default filled in: what a new record starts from.
pub fn with_defaults<F: Default, S>(table: &[Field<F, S>]) -> F {
    let mut form = F::default();
    for field in table {
        if let Some(default) = field.default {
            *(field.get_mut)(&mut form) = default.to_owned();
        }
    }
    form
}

/// Reads the yes/no fields a page showed as switches (`switches`, by name) that came back blank
/// as `no`: an unticked checkbox sends nothing, and blank would otherwise take the default.
pub fn switched_off<F, S>(table: &[Field<F, S>], form: &mut F, switches: &[String]) {
    for field in table
        .iter()
        .filter(|f| f.control == Control::YesNo && switches.iter().any(|s| s == f.name))
    {
        let value = (field.get_mut)(form);
        if value.trim().is_empty() {
            *value = "no".to_owned();
        }
    }
}

/// The prefix of a tick-box's value in `ticked[]`: the list field it belongs to, then `:`.
pub fn ticked_value(field: &str, item: &str) -> String {
    format!("{field}:{item}")
}

/// Reads the list fields a page showed as tick-boxes (`ticked`: `<field>:` for each such field,
/// and `<field>:<item>` for each box ticked) into `form`, as the comma-separated lists they
/// hold: a list shown with nothing ticked is empty.
pub fn ticked_lists<F, S>(table: &[Field<F, S>], form: &mut F, ticked: &[String]) {
    for field in table.iter().filter(|f| f.list) {
        let prefix = ticked_value(field.name, "");
        if !ticked.iter().any(|t| *t == prefix) {
            continue;
        }
        let items: Vec<&str> = ticked
            .iter()
            .filter_map(|t| t.strip_prefix(&prefix))
            .filter(|item| !item.trim().is_empty())
            .collect();
        *(field.get_mut)(form) = items.join(", ");
    }
}

/// What differs between two forms of `table`, field by field in table order, as
/// (field, before, after); secrets show as `***` where they have a value.
pub fn diff<F, S>(
    table: &[Field<F, S>],
    before: &F,
    after: &F,
) -> Vec<(&'static str, String, String)> {
    table
        .iter()
        .filter_map(|f| {
            let (old, new) = ((f.get)(before), (f.get)(after));
            (old != new).then(|| {
                let shown = |v: &str| {
                    if f.is_secret() && !v.is_empty() {
                        MASK.to_owned()
                    } else {
                        v.to_owned()
                    }
                };
                (f.name, shown(old), shown(new))
            })
        })
        .collect()
}

/// `shown` (a form made from stored values, whose secrets are blank) with the secrets `typed`
/// gives: what a change is compared with, so that a new secret counts as a change (shown as
/// [`MASK`]) and a blank one as none.
pub fn with_typed_secrets<F, S>(table: &[Field<F, S>], mut shown: F, typed: &F) -> F {
    for field in table.iter().filter(|f| f.is_secret()) {
        *(field.get_mut)(&mut shown) = (field.get)(typed).to_owned();
    }
    shown
}

/// A change to a record: the fields a request names, by wire name, with their new text. Fields
/// it does not name keep their values; a blank inherited setting follows its domain again; a
/// blank secret keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch(pub Vec<(String, String)>);

impl Patch {
    /// Every field of `form` (a page's form, which shows them all).
    pub fn whole<F, S>(table: &[Field<F, S>], form: &F) -> Self {
        Self::of(table, form, |_| true)
    }

    /// The fields of `form` that `shown` picks (a page's form that shows some of them).
    pub fn of<F, S>(table: &[Field<F, S>], form: &F, shown: impl Fn(&Field<F, S>) -> bool) -> Self {
        Self(
            table
                .iter()
                .filter(|f| shown(f))
                .map(|f| (f.name.to_owned(), (f.get)(form).to_owned()))
                .collect(),
        )
    }

    /// One field.
    pub fn one(name: &str, text: impl Into<String>) -> Self {
        Self(vec![(name.to_owned(), text.into())])
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    pub fn names_any(&self, names: &[&str]) -> bool {
        self.names().any(|n| names.contains(&n))
    }
}

/// How a secret shows in a diff or a log: that it has a value, never what it is.
pub const MASK: &str = "***";

/// A value that can be a field: parsed from what is typed, shown as text.
pub trait Leaf: Sized + Clone + PartialEq {
    /// How it is entered.
    const CONTROL: Control = Control::Text;
    /// Valid values, as typed: for the API's documentation and for tests that try every field.
    const EXAMPLES: &'static [&'static str];
    fn read(raw: &str, cx: &FieldContext) -> Result<Self, Invalid>;
    /// The text that parses back to this value.
    fn text(&self) -> String;
}

/// Implements [`Leaf`] for types whose parser needs no context and whose `Display` is their text,
/// each with its examples.
macro_rules! leaf {
    ($control:expr => { $($ty:ty: [$($example:literal),* $(,)?]),* $(,)? }) => {$(
        impl $crate::model::fields::Leaf for $ty {
            const CONTROL: $crate::model::fields::Control = $control;
            const EXAMPLES: &'static [&'static str] = &[$($example),*];
            fn read(
                raw: &str,
                _: &$crate::model::fields::FieldContext,
            ) -> Result<Self, $crate::model::Invalid> {
                <$ty as $crate::model::Parse>::parse(raw)
            }
            fn text(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
pub(crate) use leaf;

/// A secret value: kept on the server, never serialised (it goes out as `null` and comes in as
/// nothing), and `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<T>(pub Option<T>);

impl<T> Secret<T> {
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Secret(***)"
        } else {
            "Secret(none)"
        })
    }
}

impl<T> Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

impl<'de, T> Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read as an option, so that a secret left out (as the API leaves out every `null`)
        // reads as well as one sent as `null` or with a value.
        Option::<serde::de::IgnoredAny>::deserialize(d).map(|_| Secret(None))
    }
}

/// The text a stored JSON value stands for, as a form holds it: text as is, numbers in decimal,
/// booleans as `yes`/`no` (NetSapiens' spelling), null as blank, arrays joined with `, `.
pub fn text_of_json(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        Value::Null => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Array(_) | Value::Object(_) => None,
                other => text_of_json(other),
            })
            .collect::<Option<Vec<_>>>()
            .map(|items| items.join(", ")),
        Value::Object(_) => None,
    }
}

/// The items of a list typed as text: separated by commas, semicolons or line breaks (not by
/// spaces, which phone numbers and group names contain), trimmed, blanks skipped.
pub fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first refusal among `errors`, for a check of one field.
pub fn first_refusal(errors: FieldErrors) -> Result<(), Invalid> {
    match errors.0.into_iter().next() {
        Some(error) => Err(Invalid(error.message)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_json_reads_as_the_text_a_form_holds() {
        assert_eq!(text_of_json(&json!(25)).as_deref(), Some("25"));
        assert_eq!(text_of_json(&json!(true)).as_deref(), Some("yes"));
        assert_eq!(text_of_json(&json!(null)).as_deref(), Some(""));
        assert_eq!(
            text_of_json(&json!(["101", 102])).as_deref(),
            Some("101, 102")
        );
        assert_eq!(text_of_json(&json!({"a": 1})), None);
    }

    #[test]
    fn lists_split_on_commas_not_on_the_spaces_inside_numbers() {
        let items: Vec<&str> =
            split_list(" +1 612 555 0101, +1 612 555 0102;\nSales Team ,, ").collect();
        assert_eq!(items, ["+1 612 555 0101", "+1 612 555 0102", "Sales Team"]);
    }

    #[test]
    fn a_secret_never_goes_out_and_never_comes_in() {
        let secret = Secret(Some(7));
        assert_eq!(serde_json::to_string(&secret).unwrap(), "null");
        let back: Secret<i32> = serde_json::from_str("\"1234\"").unwrap();
        assert!(!back.is_set());
        assert_eq!(format!("{secret:?}"), "Secret(***)");
    }
}
