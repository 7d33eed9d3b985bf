//! Text forms from JSON: how an API body becomes the same form a person types.
//!
//! Every form in Roster is a struct of text fields named as in NetSapiens, parsed by one `parse`.
//! API clients send JSON, where `caller-id-number` may be a number and `privacy` a boolean, as
//! NetSapiens' own examples do. This turns such a body into the form, so the API runs the very
//! parser the wizard runs. It refuses, all at once and each by name, fields the form does not
//! have and values of a type no field takes.

use super::fields::{Field, Patch};
use super::FieldErrors;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};

/// What a form accepts beyond its own fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape<'a> {
    /// Fields that hold a list: a JSON array of text or numbers is accepted and joined.
    pub lists: &'a [&'a str],
    /// Other names for fields: (alias, field).
    pub aliases: &'a [(&'a str, &'a str)],
    /// Members handled by the caller (nested resources, `synchronous`): not the form's business.
    pub skip: &'a [&'a str],
}

/// What a read answers and a change cannot set (NetSapiens' read-only members, and Roster's own):
/// a client that sends back what it read has them accepted and left alone, rather than refused
/// as unknown fields.
pub const READ_ONLY: &[&str] = &[
    // Where a resource is (its path names them) in the bodies whose fields they are not.
    "domain",
    "user",
    "device-sip-registration-uri",
    "created-datetime",
    "last-modified-datetime",
    "lastused-datetime",
    "active-calls-total-current",
    "active-calls-against-license-count",
    "active-calls-offnet-current",
    "count-subcriber-resources-total",
    "account-status",
    "user-presence-status",
    "domains-total",
    "users-total",
    "user-count",
    "inherited",
    "registered",
    "voicemail-box",
    "voicemail-pin-set",
    "email-send-smtp-password-set",
    "device-sip-registration-state",
    "device-sip-registration-contact",
    "device-sip-registration-ip-address",
    "device-sip-registration-user-agent",
    "device-sip-registration-expires-datetime",
    "device-sip-registration-datetime",
    "device-sip-registration-core-server",
    "device-sip-latency-seconds-current",
    "device-sip-latency-seconds-average",
    "error-reading-from-endpoint-module",
    "login-username",
    "name-full-name",
];

/// The field names of the text form `T`, as they appear on the wire.
pub fn field_names<T: Default + Serialize>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(map)) => map.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    }
}

/// One JSON value as the text a form field holds: text as is, numbers in decimal, booleans as
/// `yes`/`no` (NetSapiens' spelling), null as blank; arrays only for list fields.
pub fn text_of_value(value: &Value, list: bool) -> Result<String, &'static str> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(if *b { "yes" } else { "no" }.to_owned()),
        Value::Null => Ok(String::new()),
        Value::Array(items) if list => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err("Must be a list of text or numbers."),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| items.join(", ")),
        Value::Array(_) => Err("Must be text, a number or yes/no, not a list."),
        Value::Object(_) => Err("Must be text, a number or yes/no, not an object."),
    }
}

/// The form `T` from a JSON object, or every unknown member and wrongly typed value, each named.
/// `prefix` is put before each field in error paths (`voicemail.` for a nested block).
pub fn form_from_json<T>(body: &Map<String, Value>, shape: Shape<'_>) -> Result<T, FieldErrors>
where
    T: Default + Serialize + DeserializeOwned,
{
    let known = field_names::<T>();
    let mut errors = FieldErrors::default();
    let mut fields = Map::new();
    for (name, value) in body {
        if shape.skip.contains(&name.as_str()) {
            continue;
        }
        let field = shape
            .aliases
            .iter()
            .find(|(alias, _)| alias == name)
            .map_or(name.as_str(), |(_, field)| field);
        if !known.iter().any(|k| k == field) {
            if !READ_ONLY.contains(&field) {
                errors.add(name.as_str(), "Unknown field.");
            }
            continue;
        }
        match text_of_value(value, shape.lists.contains(&field)) {
            Ok(text) => {
                fields.insert(field.to_owned(), Value::String(text));
            }
            Err(message) => errors.add(name.as_str(), message),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| FieldErrors::one("body", format!("Cannot be read: {e}")))
}

/// The change a JSON body names, field by field of `table` (aliases read as their field): each
/// value as the text a form holds (lists only for list fields). Members in `skip` are the
/// caller's business; every unknown member and wrongly typed value is named, all at once.
pub fn patch_from_json<F, S>(
    table: &[Field<F, S>],
    body: &Map<String, Value>,
    skip: &[&str],
) -> Result<Patch, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut patch = Patch::default();
    for (name, value) in body {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let Some(field) = super::fields::find(table, name)
            .filter(|f| f.name == name.as_str() || f.alias == Some(name.as_str()))
        else {
            if !READ_ONLY.contains(&name.as_str()) {
                errors.add(name.as_str(), "Unknown field.");
            }
            continue;
        };
        if patch.names().any(|n| n == field.name) {
            errors.add(
                name.as_str(),
                format!("Also given as {}: give it once.", field.name),
            );
            continue;
        }
        match text_of_value(value, field.list) {
            Ok(text) => patch.0.push((field.name.to_owned(), text)),
            Err(message) => errors.add(name.as_str(), message),
        }
    }
    if errors.is_empty() {
        Ok(patch)
    } else {
        Err(errors)
    }
}

/// A blank form of `table` with the fields of `patch` written in (what a create sends).
pub fn form_of<F: Default, S>(table: &[Field<F, S>], patch: &Patch) -> F {
    let mut form = F::default();
    for (name, text) in &patch.0 {
        if let Some(field) = super::fields::find(table, name) {
            *(field.get_mut)(&mut form) = text.clone();
        }
    }
    form
}

/// The JSON object a body must be, or why it is not one.
pub fn object(body: Value) -> Result<Map<String, Value>, FieldErrors> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(FieldErrors::one("body", "Must be a JSON object.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user::UserForm;
    use serde_json::json;

    const USER: Shape = Shape {
        lists: &["phone-numbers"],
        aliases: &[("email-address", "email")],
        skip: &["synchronous"],
    };

    fn map(v: Value) -> Map<String, Value> {
        object(v).unwrap()
    }

    #[test]
    fn numbers_booleans_and_aliases_become_the_text_the_wizard_would_send() {
        let form: UserForm = form_from_json(
            &map(json!({
                "user": 1001, "name-first-name": "Ann", "email-address": "ann@example.com",
                "privacy": true, "area-code": 612, "phone-numbers": ["+16125550100", 16125550101u64],
                "synchronous": "yes", "site": null
            })),
            USER,
        )
        .unwrap();
        assert_eq!(form.user, "1001");
        assert_eq!(form.email, "ann@example.com");
        assert_eq!(form.privacy, "yes");
        assert_eq!(form.area_code, "612");
        assert_eq!(form.phone_numbers, "+16125550100, 16125550101");
        assert_eq!(form.site, "");
    }

    #[test]
    fn unknown_members_and_wrong_types_are_each_named() {
        let errors = form_from_json::<UserForm>(
            &map(json!({
                "user": {"a": 1}, "favourite-colour": "blue", "name-first-name": [1, 2],
                "phone-numbers": [{"n": 1}], "name-last-name": "Ok"
            })),
            USER,
        )
        .unwrap_err();
        for field in [
            "user",
            "favourite-colour",
            "name-first-name",
            "phone-numbers",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
        assert!(errors.message_for("name-last-name").is_none());
        assert_eq!(
            errors.message_for("favourite-colour"),
            Some("Unknown field.")
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert!(object(json!([1, 2])).is_err());
        assert!(object(json!("text")).is_err());
    }
}
