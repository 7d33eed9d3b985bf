//! The name of a domain (tenant), as NetSapiens has it.

use super::extension::check_name_characters;
use super::field::{text_newtype, Invalid, Parse};
use serde::{Deserialize, Serialize};

/// A domain name: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, starting with a letter or digit,
/// with no empty part between dots, stored in lower case (domain names, like DNS names, do not
/// differ by case). The fully-qualified form with its final dot (`b.example.`) is the same name
/// (`b.example`), so it can never be a second domain beside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);
text_newtype!(DomainName);

pub const MAX_LEN: usize = 64;

impl Parse for DomainName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        let name = name.strip_suffix('.').unwrap_or(name);
        check_name_characters(name, MAX_LEN)?;
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(Invalid::new("Must start with a letter or a digit."));
        }
        if name.split('.').any(str::is_empty) {
            return Err(Invalid::new(
                "Has an empty part between two dots (“..”): remove one.",
            ));
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
    fn a_final_dot_names_the_same_domain_and_empty_parts_are_refused() {
        assert_eq!(
            DomainName::parse("B.Example.").unwrap().as_str(),
            "b.example"
        );
        for bad in ["b..example", "b.example..", ".", ".b.example"] {
            assert!(DomainName::parse(bad).is_err(), "{bad}");
        }
        assert!(DomainName::parse("b..example")
            .unwrap_err()
            .0
            .contains("“..”"));
    }

    #[test]
    fn a_name_of_dots_cannot_escape_a_url_path() {
        assert!(DomainName::parse("..").is_err());
        assert!(DomainName::parse(".hidden").is_err());
    }

    proptest! {
        #[test]
        fn every_valid_name_is_accepted_lowercased(name in "[A-Za-z0-9][A-Za-z0-9_-]{0,20}(\\.[A-Za-z0-9_-]{1,20}){0,2}") {
            prop_assert_eq!(DomainName::parse(&name).unwrap().to_string(), name.to_ascii_lowercase());
        }

        #[test]
        fn anything_accepted_fits_the_netsapiens_pattern(raw in "\\PC{0,70}") {
            if let Ok(name) = DomainName::parse(&raw) {
                let s = name.as_str();
                prop_assert!(!s.is_empty() && s.len() <= 64);
                prop_assert!(!s.ends_with('.') && !s.contains(".."));
                prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
            }
        }
    }
}
