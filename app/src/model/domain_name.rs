//! The name of a domain (tenant), as NetSapiens has it.

use super::extension::check_name_characters;
use super::field::{text_newtype, Invalid, Parse};
use serde::{Deserialize, Serialize};

/// A domain name: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, starting with a letter or digit,
/// stored in lower case (domain names, like DNS names, do not differ by case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);
text_newtype!(DomainName);

pub const MAX_LEN: usize = 64;

impl Parse for DomainName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        check_name_characters(name, MAX_LEN)?;
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(Invalid::new("Must start with a letter or a digit."));
        }
        Ok(Self(name.to_ascii_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_typical_domain_name_is_accepted_in_lower_case() {
        assert_eq!(
            DomainName::parse(" Acme.Example-1_x ").unwrap().as_str(),
            "acme.example-1_x"
        );
    }

    #[test]
    fn spaces_and_symbols_are_named_in_the_refusal() {
        assert!(DomainName::parse("acme corp")
            .unwrap_err()
            .0
            .contains("a space"));
        assert!(DomainName::parse("acme/corp")
            .unwrap_err()
            .0
            .contains("“/”"));
        assert!(DomainName::parse("~").is_err());
    }

    #[test]
    fn sixty_four_characters_is_the_limit() {
        assert!(DomainName::parse(&"a".repeat(64)).is_ok());
        assert!(DomainName::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn a_name_of_dots_cannot_escape_a_url_path() {
        assert!(DomainName::parse("..").is_err());
        assert!(DomainName::parse(".hidden").is_err());
    }

    proptest! {
        #[test]
        fn every_valid_name_is_accepted_lowercased(name in "[A-Za-z0-9][A-Za-z0-9._-]{0,63}") {
            prop_assert_eq!(DomainName::parse(&name).unwrap().to_string(), name.to_ascii_lowercase());
        }

        #[test]
        fn anything_accepted_fits_the_netsapiens_pattern(raw in "\\PC{0,70}") {
            if let Ok(name) = DomainName::parse(&raw) {
                let s = name.as_str();
                prop_assert!(!s.is_empty() && s.len() <= 64);
                prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
            }
        }
    }
}
