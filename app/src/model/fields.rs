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
}

/// What checking a field needs to know about its domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldContext {
    /// The domain allows extensions with letters.
    pub alphanumeric_extensions: bool,
}

impl FieldContext {
    /// The context for reading back what was stored: everything that was valid when written.
    pub const STORED: FieldContext = FieldContext {
        alphanumeric_extensions: true,
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

/// A change to a record: the fields a request names, by wire name, with their new text. Fields
/// it does not name keep their values; a blank inherited setting follows its domain again; a
/// blank secret keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch(pub Vec<(String, String)>);

impl Patch {
    /// Every field of `form` (a page's form, which shows them all).
    pub fn whole<F, S>(table: &[Field<F, S>], form: &F) -> Self {
        Self(
            table
                .iter()
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
        f.write_str(if self.0.is_some() { "Secret(***)" } else { "Secret(none)" })
    }
}

impl<T> Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

impl<'de, T> Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Secret(None))
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

fn with_default<'a>(raw: &'a str, default: Option<&'static str>) -> &'a str {
    match default {
        Some(default) if raw.trim().is_empty() => default,
        _ => raw,
    }
}

fn json_of<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `req T`: a value is needed; a blank takes the default.
pub mod req {
    use super::*;
    pub type Member<T> = T;
    pub const REQUIRED: bool = true;
    pub const LIST: bool = false;

    pub fn read<T: Leaf>(
        name: &str,
        raw: &str,
        default: Option<&'static str>,
        cx: &FieldContext,
        errors: &mut FieldErrors,
    ) -> Option<T> {
        errors.check(name, T::read(with_default(raw, default), cx))
    }
    pub fn text<T: Leaf>(value: &T) -> String {
        value.text()
    }
    pub fn doc<T: Serialize>(value: &T) -> Option<Value> {
        Some(json_of(value))
    }
}

/// `opt T`: blank means none, or "as the domain" for an inherited setting.
pub mod opt {
    use super::*;
    pub type Member<T> = Option<T>;
    pub const REQUIRED: bool = false;
    pub const LIST: bool = false;

    pub fn read<T: Leaf>(
        name: &str,
        raw: &str,
        default: Option<&'static str>,
        cx: &FieldContext,
        errors: &mut FieldErrors,
    ) -> Option<Option<T>> {
        let raw = with_default(raw, default);
        if raw.trim().is_empty() {
            return Some(None);
        }
        errors.check(name, T::read(raw, cx)).map(Some)
    }
    pub fn text<T: Leaf>(value: &Option<T>) -> String {
        value.as_ref().map(Leaf::text).unwrap_or_default()
    }
    pub fn doc<T: Serialize>(value: &Option<T>) -> Option<Value> {
        value.as_ref().map(json_of)
    }
}

/// `list T`: items separated by commas; a bad item is reported as `name[i]`.
pub mod list {
    use super::*;
    pub type Member<T> = Vec<T>;
    pub const REQUIRED: bool = false;
    pub const LIST: bool = true;

    pub fn read<T: Leaf>(
        name: &str,
        raw: &str,
        default: Option<&'static str>,
        cx: &FieldContext,
        errors: &mut FieldErrors,
    ) -> Option<Vec<T>> {
        let mut items = Vec::new();
        let mut ok = true;
        for (i, item) in split_list(with_default(raw, default)).enumerate() {
            match T::read(item, cx) {
                Ok(v) => items.push(v),
                Err(Invalid(message)) => {
                    errors.add(format!("{name}[{i}]"), format!("{item}: {message}"));
                    ok = false;
                }
            }
        }
        ok.then_some(items)
    }
    pub fn text<T: Leaf>(value: &[T]) -> String {
        value.iter().map(Leaf::text).collect::<Vec<_>>().join(", ")
    }
    pub fn doc<T: Serialize>(value: &[T]) -> Option<Value> {
        (!value.is_empty()).then(|| Value::Array(value.iter().map(json_of).collect()))
    }
}

/// `secret T`: never shown nor serialised; a blank in a change keeps the stored value.
pub mod secret {
    use super::*;
    pub type Member<T> = Secret<T>;
    pub const REQUIRED: bool = false;
    pub const LIST: bool = false;

    pub fn read<T: Leaf>(
        name: &str,
        raw: &str,
        default: Option<&'static str>,
        cx: &FieldContext,
        errors: &mut FieldErrors,
    ) -> Option<Secret<T>> {
        opt::read(name, raw, default, cx, errors).map(Secret)
    }
    /// Forms never show a secret.
    pub fn text<T: Leaf>(_: &Secret<T>) -> String {
        String::new()
    }
    /// The settings document keeps the secret's own text.
    pub fn doc<T: Leaf>(value: &Secret<T>) -> Option<Value> {
        value.0.as_ref().map(|v| Value::String(v.text()))
    }
}

/// `Some(default)` for a row that has one.
macro_rules! __field_default {
    () => {
        None
    };
    ($default:literal) => {
        Some($default)
    };
}

/// `Some(member)` for a row that inherits a domain setting.
macro_rules! __field_inherits {
    () => {
        None
    };
    ($from:ident) => {
        Some(stringify!($from))
    };
}

/// Runs its block only for a row kept in the settings document.
macro_rules! __if_setting {
    (setting, $($then:tt)*) => { $($then)* };
    (own, $($then:tt)*) => {};
}

/// The [`Storage`] of a row.
macro_rules! __storage {
    (setting) => {
        $crate::model::fields::Storage::Setting
    };
    (own) => {
        $crate::model::fields::Storage::Own
    };
}

/// The control a row's value is entered with: a secret's is [`Control::Secret`].
macro_rules! __control {
    (secret, $ty:ty) => {
        $crate::model::fields::Control::Secret
    };
    ($kind:ident, $ty:ty) => {
        <$ty as $crate::model::fields::Leaf>::CONTROL
    };
}

/// Declares a form: its text form, its typed values, its field table, and what they do (see the
/// module's documentation for the rows).
macro_rules! declare_form {
    (
        $(#[$form_attr:meta])*
        form $Form:ident;
        $(#[$values_attr:meta])*
        values $Values:ident;
        $(#[$table_attr:meta])*
        table $TABLE:ident: [$Step:ident] $(inherits $Domain:ty)?;
        $(
            $(#[doc = $doc:expr])*
            $storage:ident $member:ident: $kind:ident $ty:ty $(= $default:literal)?,
            $name:literal $(| $alias:literal)?, $step:ident $(, inherits $from:ident)?,
            $label:literal, $hint:literal;
        )*
    ) => {
        $(#[$form_attr])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(default)]
        pub struct $Form {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name $(, alias = $alias)?)]
                pub $member: String,
            )*
        }

        $(#[$values_attr])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct $Values {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                pub $member: $crate::model::fields::$kind::Member<$ty>,
            )*
        }

        $(#[$table_attr])*
        pub const $TABLE: &[$crate::model::fields::Field<$Form, $Step>] = &[$(
            $crate::model::fields::Field {
                name: $name,
                alias: $crate::model::fields::__field_default!($($alias)?),
                member: stringify!($member),
                label: $label,
                hint: $hint,
                step: $Step::$step,
                control: $crate::model::fields::__control!($kind, $ty),
                required: $crate::model::fields::$kind::REQUIRED && {
                    let default: Option<&str> = $crate::model::fields::__field_default!($($default)?);
                    default.is_none()
                },
                default: $crate::model::fields::__field_default!($($default)?),
                inherits: $crate::model::fields::__field_inherits!($($from)?),
                list: $crate::model::fields::$kind::LIST,
                storage: $crate::model::fields::__storage!($storage),
                check: |raw, cx| {
                    let mut errors = $crate::model::FieldErrors::default();
                    $crate::model::fields::$kind::read::<$ty>(
                        "", raw, $crate::model::fields::__field_default!($($default)?), cx, &mut errors,
                    );
                    $crate::model::fields::first_refusal(errors)
                },
                examples: <$ty as $crate::model::fields::Leaf>::EXAMPLES,
                get: |form| &form.$member,
                get_mut: |form| &mut form.$member,
            },
        )*];

        impl $Form {
            /// Parses every field, reporting every bad one at once (blanks take their defaults).
            pub fn parse(
                &self,
                cx: &$crate::model::fields::FieldContext,
            ) -> Result<$Values, $crate::model::FieldErrors> {
                let mut errors = $crate::model::FieldErrors::default();
                $(
                    let $member = $crate::model::fields::$kind::read::<$ty>(
                        $name, &self.$member, $crate::model::fields::__field_default!($($default)?), cx, &mut errors,
                    );
                )*
                let ($(Some($member),)*) = ($($member,)*) else {
                    return Err(errors);
                };
                Ok($Values { $($member,)* })
            }

            /// Sets the field called `name` (or one of its aliases); `false` if there is none.
            pub fn set(&mut self, name: &str, text: String) -> bool {
                match name {
                    $($name $(| $alias)? => self.$member = text,)*
                    _ => return false,
                }
                true
            }

            /// Fills the settings kept in a stored document (values by wire name).
            pub fn read_settings(&mut self, doc: &::serde_json::Map<String, ::serde_json::Value>) {
                $(
                    $crate::model::fields::__if_setting!($storage, if let Some(text) = doc
                        .get($name)
                        .and_then($crate::model::fields::text_of_json)
                    {
                        self.$member = text;
                    });
                )*
            }

            /// The form with its secrets blanked, safe to send back with an error or to log.
            pub fn without_secrets(&self) -> Self {
                let mut form = self.clone();
                for field in $TABLE.iter().filter(|f| f.is_secret()) {
                    (field.get_mut)(&mut form).clear();
                }
                form
            }
        }

        impl $Values {
            /// The form that shows these values (secrets blank).
            pub fn to_form(&self) -> $Form {
                $Form {
                    $($member: $crate::model::fields::$kind::text(&self.$member),)*
                }
            }

            /// Changes the field called `name` (or an alias) to what `raw` parses to, or records
            /// why it cannot; `false` if there is no such field. A blank secret keeps its value.
            pub fn apply(
                &mut self,
                name: &str,
                raw: &str,
                cx: &$crate::model::fields::FieldContext,
                errors: &mut $crate::model::FieldErrors,
            ) -> bool {
                match name {
                    $($name $(| $alias)? => {
                        let keep = $crate::model::fields::__control!($kind, $ty)
                            == $crate::model::fields::Control::Secret
                            && raw.trim().is_empty();
                        if !keep {
                            if let Some(value) = $crate::model::fields::$kind::read::<$ty>(
                                $name, raw, $crate::model::fields::__field_default!($($default)?), cx, errors,
                            ) {
                                self.$member = value;
                            }
                        }
                    })*
                    _ => return false,
                }
                true
            }

            /// The settings document: every `setting` row that has a value, by wire name.
            pub fn settings(&self) -> ::serde_json::Map<String, ::serde_json::Value> {
                #[allow(unused_mut)]
                let mut doc = ::serde_json::Map::new();
                $(
                    $crate::model::fields::__if_setting!($storage,
                        if let Some(value) = $crate::model::fields::$kind::doc(&self.$member) {
                            doc.insert($name.to_owned(), value);
                        }
                    );
                )*
                doc
            }
        }

        $crate::model::fields::declare_form!(@inherits $Values $(, $Domain)?; $([$member $name $($from)?])*);
    };

    (@inherits $Values:ident; $([$member:ident $name:literal])*) => {};
    (@inherits $Values:ident, $Domain:ty; $([$member:ident $name:literal $($from:ident)?])*) => {
        impl $Values {
            /// The values in effect: each inherited setting left blank takes `domain`'s value.
            pub fn effective(&self, domain: &$Domain) -> Self {
                #[allow(unused_mut)]
                let mut values = self.clone();
                $($(
                    if values.$member.is_none() {
                        values.$member = domain.$from.clone().into();
                    }
                )?)*
                values
            }

            /// The wire names of the settings that inherit their domain's value.
            pub fn inherited(&self) -> Vec<&'static str> {
                #[allow(unused_mut)]
                let mut names = Vec::new();
                $($(
                    let _ = stringify!($from);
                    if self.$member.is_none() {
                        names.push($name);
                    }
                )?)*
                names
            }

            /// These values with the settings named in `inherited` back to inheriting (the
            /// stored form of values read as in effect).
            pub fn without_inherited(&self, inherited: &[String]) -> Self {
                #[allow(unused_mut)]
                let mut values = self.clone();
                $($(
                    let _ = stringify!($from);
                    if inherited.iter().any(|n| n == $name) {
                        values.$member = None;
                    }
                )?)*
                values
            }
        }
    };
}
pub(crate) use {__control, __field_default, __field_inherits, __if_setting, __storage, declare_form};

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
