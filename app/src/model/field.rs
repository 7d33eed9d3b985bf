//! How refusals are reported: [`Invalid`] from one parser, [`FieldErrors`] for a whole submission.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why one value was refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(capped(message.into(), MAX_MESSAGE_CHARS))
    }
}

/// The longest message an error carries, and the longest field name it names: a refusal may quote
/// what was sent (an address, a field name), and what was sent may be 100,000 characters long.
pub const MAX_MESSAGE_CHARS: usize = 300;
pub const MAX_FIELD_CHARS: usize = 100;

/// `text` cut to at most `max` characters by leaving out its middle (marked `…`), so that a
/// message keeps both its start and its end (where it says what is wrong).
pub fn capped(text: String, max: usize) -> String {
    let length = text.chars().count();
    if length <= max {
        return text;
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(length - tail).collect();
    format!("{start}…{end}")
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// A type that can only be built from text by checking it.
pub trait Parse: Sized {
    fn parse(raw: &str) -> Result<Self, Invalid>;
}

/// Parses an optional field: blank means "not set".
pub fn optional<T: Parse>(raw: &str) -> Result<Option<T>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        T::parse(raw).map(Some)
    }
}

/// An optional value as a form shows it: blank when absent.
pub fn text_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// One refused field: its path in the form or body (`caller-id-number`, `devices[0].mac`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every refused field of one submission, in the order the fields were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// One error on one field.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// Records a problem of `field` (both cut to a readable length: see [`capped`]).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: capped(field.into(), MAX_FIELD_CHARS),
            message: capped(message.into(), MAX_MESSAGE_CHARS),
        });
    }

    /// Keeps the value of a parse, or records its problem under `field` and keeps nothing.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(Invalid(message)) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message recorded for `field`, if any.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// The fields named, in order (a field with several messages, each time).
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|e| e.field.as_str()).collect()
    }
}

/// Implements the string plumbing every text newtype shares: `as_str`, `Display`, and the
/// conversions serde uses so that nothing deserialized skips `parse`.
macro_rules! text_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = $crate::model::Invalid;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                <$name as $crate::model::Parse>::parse(&raw)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}
pub(crate) use text_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_kept_with_its_field() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.check("a", Ok::<_, Invalid>(1)), Some(1));
        assert_eq!(errors.check::<u8>("b", Err(Invalid::new("bad b"))), None);
        assert_eq!(errors.check::<u8>("c", Err(Invalid::new("bad c"))), None);
        assert_eq!(errors.0.len(), 2);
        assert_eq!(errors.message_for("b"), Some("bad b"));
        assert_eq!(errors.message_for("a"), None);
    }
}

#[cfg(test)]
mod capped_tests {
    use super::*;

    #[test]
    fn a_long_quote_is_cut_and_a_short_one_kept() {
        let long = format!("“{}” is not an e-mail address.", "a".repeat(100_000));
        let mut errors = FieldErrors::default();
        errors.add("email", long);
        errors.add("x".repeat(5_000), "Unknown field.");
        assert_eq!(errors.0[0].message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(errors.0[0].message.contains('…'));
        assert!(
            errors.0[0].message.ends_with("is not an e-mail address."),
            "the end says what is wrong"
        );
        assert_eq!(errors.0[1].field.chars().count(), MAX_FIELD_CHARS);
        assert_eq!(Invalid::new("Required.").0, "Required.");
        assert_eq!(capped("é".repeat(301), 300).chars().count(), 300);
    }
}
