//! Free-text settings with a length limit: descriptions, dial plan names, caller ID names.

use super::field::{text_newtype, Invalid, Parse};
use serde::{Deserialize, Serialize};

/// Trims `raw` and checks it is `min..=max` characters with no control characters.
pub(super) fn bounded_text(raw: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let text = raw.trim();
    let length = text.chars().count();
    if length < min {
        return Err(Invalid::new("Required."));
    }
    if length > max {
        return Err(Invalid::new(format!(
            "At most {max} characters (this has {length})."
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(
            "Tabs, line breaks and control characters are not allowed.",
        ));
    }
    Ok(text.to_owned())
}

/// A domain's free-form description: at most 255 characters, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub struct Description(String);
text_newtype!(Description);

impl Parse for Description {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 0, 255).map(Self)
    }
}

/// The name of a dial plan (the rules applied to what a user dials): 1 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DialPlan(String);
text_newtype!(DialPlan);

impl Parse for DialPlan {
    /// Letters, digits, spaces, dots, hyphens and underscores: a name, not a place for markup or
    /// control characters.
    fn parse(raw: &str) -> Result<Self, Invalid> {
        plain_name(raw, 1, "A dial plan's name").map(Self)
    }
}

/// A name of `min` to 64 letters, digits, spaces, dots, hyphens and underscores (`what` names it
/// in the error): a name, not a place for markup or control characters.
fn plain_name(raw: &str, min: usize, what: &str) -> Result<String, Invalid> {
    let name = bounded_text(raw, min, 64)?;
    match name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_')))
    {
        Some(bad) => Err(Invalid::new(format!(
            "{what} has letters, digits, spaces, dots, hyphens and underscores, not {}.",
            super::extension::shown(bad)
        ))),
        None => Ok(name),
    }
}

/// The name shown with outgoing calls: 1 to 35 characters (the longest carriers pass on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CallerIdName(String);
text_newtype!(CallerIdName);

impl Parse for CallerIdName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 1, 35).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn surrounding_spaces_are_trimmed() {
        assert_eq!(
            DialPlan::parse("  acme plan ").unwrap().as_str(),
            "acme plan"
        );
        assert!(DialPlan::parse("<b>plan</b>").is_err());
    }

    #[test]
    fn an_empty_dial_plan_is_required_but_an_empty_description_is_fine() {
        assert_eq!(DialPlan::parse("   ").unwrap_err().0, "Required.");
        assert_eq!(Description::parse("").unwrap().as_str(), "");
    }

    #[test]
    fn a_caller_id_name_longer_than_35_characters_is_refused_with_its_length() {
        let err = CallerIdName::parse(&"x".repeat(36)).unwrap_err();
        assert!(err.0.contains("35") && err.0.contains("36"), "{err}");
    }

    #[test]
    fn line_breaks_are_refused() {
        assert!(Description::parse("one\ntwo").is_err());
    }

    proptest! {
        #[test]
        fn whatever_is_accepted_is_trimmed_bounded_and_printable(raw in "\\PC{0,80}") {
            if let Ok(plan) = DialPlan::parse(&raw) {
                let s = plan.as_str();
                prop_assert_eq!(s, s.trim());
                prop_assert!((1..=64).contains(&s.chars().count()));
                prop_assert!(!s.chars().any(char::is_control));
            }
        }

        #[test]
        fn parsing_what_was_accepted_gives_it_back(raw in "[ -~]{0,70}") {
            if let Ok(name) = CallerIdName::parse(&raw) {
                prop_assert_eq!(CallerIdName::parse(name.as_str()).unwrap(), name);
            }
        }
    }
}

/// The status message a user shows others (an away message): at most 255 characters, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub struct StatusMessage(String);
text_newtype!(StatusMessage);

impl Parse for StatusMessage {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 0, 255).map(Self)
    }
}

/// The reseller that owns a domain (NetSapiens `reseller`): a listed reseller's name, or empty
/// when no reseller does. Resellers manage every domain that names them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub struct Reseller(String);
text_newtype!(Reseller);

impl Parse for Reseller {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        plain_name(raw, 0, "A reseller's name").map(Self)
    }
}

/// A reseller's own name (NetSapiens `reseller`, its key): 1 to 64 letters, digits, spaces,
/// dots, hyphens and underscores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResellerName(String);
text_newtype!(ResellerName);

impl Parse for ResellerName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        plain_name(raw, 1, "A reseller's name").map(Self)
    }
}

impl From<ResellerName> for Reseller {
    fn from(name: ResellerName) -> Self {
        Reseller(name.0)
    }
}

/// The host name (or address) of an SMTP relay: at most 253 letters, digits, dots and hyphens,
/// or an IPv6 address in brackets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hostname(String);
text_newtype!(Hostname);

impl Parse for Hostname {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let host = bounded_text(raw, 1, 253)?.to_ascii_lowercase();
        let bracketed = host.starts_with('[') && host.ends_with(']');
        let fine = if bracketed {
            host[1..host.len() - 1]
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        } else {
            host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        };
        if fine {
            Ok(Self(host))
        } else {
            Err(Invalid::new(
                "A host name such as smtp.example.com (letters, digits, hyphens and dots), or an address.",
            ))
        }
    }
}

/// A user name for logging in to an SMTP relay: 1 to 255 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SmtpUser(String);
text_newtype!(SmtpUser);

impl Parse for SmtpUser {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 1, 255).map(Self)
    }
}

/// The password for logging in to an SMTP relay: 1 to 255 characters, kept and never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpPassword(String);

impl SmtpPassword {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmtpPassword(***)")
    }
}

impl Parse for SmtpPassword {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        // Taken as given (a password may start or end with a space), but never a control character.
        let length = raw.chars().count();
        if raw.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if length > 255 {
            return Err(Invalid::new(format!(
                "At most 255 characters (this has {length})."
            )));
        }
        if raw.chars().any(char::is_control) {
            return Err(Invalid::new("Control characters are not allowed."));
        }
        Ok(Self(raw.to_owned()))
    }
}
