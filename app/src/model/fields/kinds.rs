//! The kinds of field (`req`, `opt`, `list`, `secret`): what blank means for each, and how its
//! member is read, written as text and kept in the settings document.

use super::{split_list, FieldContext, FieldErrors, Invalid, Leaf, Secret};
use serde::Serialize;
use serde_json::Value;

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
