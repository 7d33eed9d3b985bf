//! Extensions: the `user` of a domain, and the names that share its character set.

use super::field::{Invalid, Parse};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a refused character is named in a message (a space is invisible between quotes).
pub(super) fn shown(c: char) -> String {
    if c == ' ' {
        "a space".to_owned()
    } else {
        format!("“{c}”")
    }
}

/// Checks that `name` is 1 to `max` characters of `A-Z a-z 0-9 . _ -`, the characters NetSapiens
/// allows in names that appear in SIP addresses and URL paths.
pub(super) fn check_name_characters(name: &str, max: usize) -> Result<(), Invalid> {
    if name.is_empty() {
        return Err(Invalid::new("Required."));
    }
    let length = name.chars().count();
    if length > max {
        return Err(Invalid::new(format!(
            "At most {max} characters (this has {length})."
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(Invalid::new(format!(
            "Only letters, digits, dots, underscores and hyphens are allowed, not {}.",
            shown(bad)
        )));
    }
    Ok(())
}

/// A user's main extension (NetSapiens' `user`, at most 16 characters on its item routes).
///
/// Always 1 to 16 characters of `a-z 0-9 . _ -`, starting with a letter or digit, in lower case.
/// [`Parse`] is the usual, stricter rule for a new user: digits only (leading zeros kept).
/// [`Extension::parse_alphanumeric`] is for domains that allow names such as `front-desk`; it is
/// also what deserialising checks, so that extensions already saved in such domains can be read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Extension(String);

pub const MAX_LEN: usize = 16;

impl Extension {
    /// Letters, digits, dots, underscores and hyphens, starting with a letter or digit; stored in
    /// lower case.
    pub fn parse_alphanumeric(raw: &str) -> Result<Self, Invalid> {
        let extension = raw.trim();
        check_name_characters(extension, MAX_LEN)?;
        if !extension.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(Invalid::new("Must start with a letter or a digit."));
        }
        // `/domains/<d>/users/new` is the Create User wizard.
        if extension.eq_ignore_ascii_case("new") {
            return Err(Invalid::new("“new” is reserved; choose another name."));
        }
        Ok(Self(extension.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the extension is digits only.
    pub fn is_numeric(&self) -> bool {
        self.0.bytes().all(|b| b.is_ascii_digit())
    }

    /// The next number up, keeping the width (`0999` → `1000`, `199` → `200`) or growing by one
    /// digit when every digit is a 9 (`999` → `1000`): a suggestion for the next free extension.
    /// `None` for an extension with letters, or when the next number would exceed 16 digits.
    pub fn next_after(&self) -> Option<Extension> {
        if !self.is_numeric() {
            return None;
        }
        let mut digits: Vec<u8> = self.0.bytes().collect();
        // Add one from the right, carrying through nines.
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                return Some(Self(digits.into_iter().map(char::from).collect()));
            }
        }
        if digits.len() == MAX_LEN {
            return None;
        }
        digits.insert(0, b'1');
        Some(Self(digits.into_iter().map(char::from).collect()))
    }
}

impl Parse for Extension {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let extension = raw.trim();
        if extension.is_empty() {
            return Err(Invalid::new("Required."));
        }
        let length = extension.chars().count();
        if length > MAX_LEN {
            return Err(Invalid::new(format!(
                "At most {MAX_LEN} characters (this has {length})."
            )));
        }
        if let Some(bad) = extension.chars().find(|c| !c.is_ascii_digit()) {
            return Err(Invalid::new(format!(
                "Digits only, such as 101, not {}.",
                shown(bad)
            )));
        }
        Ok(Self(extension.to_owned()))
    }
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Extension {
    type Error = Invalid;
    fn try_from(raw: String) -> Result<Self, Invalid> {
        Self::parse_alphanumeric(&raw)
    }
}

impl From<Extension> for String {
    fn from(extension: Extension) -> String {
        extension.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ext(raw: &str) -> Extension {
        Extension::parse(raw).unwrap()
    }

    #[test]
    fn a_numeric_extension_is_accepted_with_its_leading_zeros() {
        assert_eq!(ext(" 101 ").as_str(), "101");
        assert_eq!(ext("0042").as_str(), "0042");
    }

    #[test]
    fn the_usual_rule_refuses_letters_and_names_them() {
        assert_eq!(
            Extension::parse("10a").unwrap_err().0,
            "Digits only, such as 101, not “a”."
        );
        assert!(Extension::parse("1 01").unwrap_err().0.contains("a space"));
        assert_eq!(Extension::parse("").unwrap_err().0, "Required.");
    }

    #[test]
    fn sixteen_characters_is_the_limit() {
        assert!(Extension::parse(&"1".repeat(16)).is_ok());
        assert!(Extension::parse(&"1".repeat(17))
            .unwrap_err()
            .0
            .contains("(this has 17)"));
        assert!(Extension::parse_alphanumeric(&"a".repeat(17)).is_err());
    }

    #[test]
    fn domains_that_allow_names_get_them_in_lower_case() {
        assert_eq!(
            Extension::parse_alphanumeric("Front-Desk.2")
                .unwrap()
                .as_str(),
            "front-desk.2"
        );
        assert_eq!(
            Extension::parse_alphanumeric("_front").unwrap_err().0,
            "Must start with a letter or a digit."
        );
        assert!(Extension::parse_alphanumeric("front desk")
            .unwrap_err()
            .0
            .contains("a space"));
        assert!(Extension::parse_alphanumeric("../etc").is_err());
    }

    #[test]
    fn the_next_extension_keeps_the_width_or_grows_by_a_digit() {
        for (from, to) in [
            ("101", "102"),
            ("199", "200"),
            ("0999", "1000"),
            ("0009", "0010"),
            ("999", "1000"),
            ("9", "10"),
        ] {
            assert_eq!(ext(from).next_after().unwrap().as_str(), to, "{from}");
        }
    }

    #[test]
    fn there_is_no_next_extension_for_names_or_past_sixteen_digits() {
        let name = Extension::parse_alphanumeric("front-desk").unwrap();
        assert_eq!(name.next_after(), None);
        assert_eq!(ext(&"9".repeat(16)).next_after(), None);
        assert_eq!(
            ext(&"9".repeat(15)).next_after().unwrap().as_str(),
            format!("1{}", "0".repeat(15))
        );
    }

    #[test]
    fn an_extension_saved_in_a_domain_that_allows_names_reads_back() {
        let name = Extension::parse_alphanumeric("front-desk").unwrap();
        let json = serde_json::to_string(&name).unwrap();
        assert_eq!(json, r#""front-desk""#);
        assert_eq!(serde_json::from_str::<Extension>(&json).unwrap(), name);
        assert!(serde_json::from_str::<Extension>(r#""front desk""#).is_err());
    }

    proptest! {
        #[test]
        fn every_digit_string_up_to_sixteen_is_accepted_unchanged(digits in "[0-9]{1,16}") {
            prop_assert_eq!(ext(&digits).to_string(), digits);
        }

        #[test]
        fn the_next_extension_is_one_more_and_never_narrower(digits in "[0-9]{1,15}") {
            let next = ext(&digits).next_after().unwrap();
            prop_assert!(next.is_numeric());
            prop_assert!(next.as_str().len() >= digits.len());
            prop_assert_eq!(
                next.as_str().parse::<u64>().unwrap(),
                digits.parse::<u64>().unwrap() + 1
            );
            prop_assert_eq!(Extension::parse(next.as_str()).unwrap(), next.clone());
        }

        #[test]
        fn anything_accepted_fits_the_netsapiens_pattern(raw in "\\PC{0,20}") {
            if let Ok(e) = Extension::parse_alphanumeric(&raw) {
                let s = e.as_str();
                prop_assert!((1..=16).contains(&s.len()));
                prop_assert!(s.starts_with(|c: char| c.is_ascii_alphanumeric()));
                prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
            }
            if let Ok(e) = Extension::parse(&raw) {
                prop_assert!(e.is_numeric() && (1..=16).contains(&e.as_str().len()));
            }
        }
    }
}
