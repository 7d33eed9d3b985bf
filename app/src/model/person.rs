//! Who a user is: first and last name, and the e-mail addresses NetSapiens writes to.

use super::extension::shown;
use super::field::{text_newtype, Invalid, Parse};
use super::text::bounded_text;
use serde::{Deserialize, Serialize};

/// A first or last name (`name-first-name`, `name-last-name`): trimmed, 1 to 128 characters, no
/// control characters. Any script and any punctuation people use in names is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);
text_newtype!(PersonName);

impl Parse for PersonName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 1, 128).map(Self)
    }
}

/// NetSapiens' `email` (`email-address`): 1 to 10 plausible e-mail addresses, no two alike, stored
/// joined by `;` without spaces, each with its domain in lower case (the part before the `@` is
/// kept as typed: only the receiving server may decide that its case does not matter).
///
/// "Plausible" means: one `@`; 1 to 64 characters before it, from the set RFC 5322 allows without
/// quoting; after it a domain with at least one dot whose labels are letters, digits and hyphens,
/// neither starting nor ending with a hyphen; at most 254 characters in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailList(String);
text_newtype!(EmailList);

pub const MAX_ADDRESSES: usize = 10;

impl EmailList {
    /// Each address, in the order typed.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.0.split(';')
    }
}

impl Parse for EmailList {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let list = raw.trim();
        // Mail programs end copied lists with a separator; one at the very end is not an error.
        let list = list.strip_suffix(';').unwrap_or(list);
        if list.trim().is_empty() {
            return Err(Invalid::new("Required."));
        }
        if list.contains(',') {
            return Err(Invalid::new(
                "Separate addresses with a semicolon (;), not a comma.",
            ));
        }
        let items: Vec<&str> = list.split(';').map(str::trim).collect();
        if items.iter().any(|item| item.is_empty()) {
            return Err(Invalid::new(
                "There is nothing between two semicolons: remove the extra “;”.",
            ));
        }
        if items.len() > MAX_ADDRESSES {
            return Err(Invalid::new(format!(
                "At most {MAX_ADDRESSES} addresses (this has {}).",
                items.len()
            )));
        }
        let mut addresses: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            let address = address(item)?;
            if addresses.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
                return Err(Invalid::new(format!("“{item}” is listed twice.")));
            }
            addresses.push(address);
        }
        Ok(Self(addresses.join(";")))
    }
}

/// One e-mail address, checked as each of an [`EmailList`]'s is (a domain's `email-send-from-address`,
/// a Reply-To, an address typed to ask for a password reset).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);
text_newtype!(EmailAddress);

impl Parse for EmailAddress {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let item = raw.trim();
        if item.is_empty() {
            return Err(Invalid::new("Required."));
        }
        address(item).map(Self)
    }
}

pub const MAX_ADDRESS_LEN: usize = 254;
pub const MAX_LOCAL_LEN: usize = 64;

/// Checks one address and returns it with its domain in lower case.
fn address(item: &str) -> Result<String, Invalid> {
    let refuse = |why: String| Err(Invalid::new(format!("“{item}” {why}")));
    let length = item.chars().count();
    if length > MAX_ADDRESS_LEN {
        return refuse(format!(
            "is too long for an e-mail address: at most {MAX_ADDRESS_LEN} characters (this has {length})."
        ));
    }
    let (local, domain) = match item.split_once('@') {
        None => return refuse("is not an e-mail address: it has no @.".into()),
        Some((_, domain)) if domain.contains('@') => {
            return refuse("has more than one @: put a “;” between two addresses.".into())
        }
        Some(parts) => parts,
    };
    if local.is_empty() {
        return refuse("has nothing before the @.".into());
    }
    let local_length = local.chars().count();
    if local_length > MAX_LOCAL_LEN {
        return refuse(format!(
            "has too much before the @: at most {MAX_LOCAL_LEN} characters (this has {local_length})."
        ));
    }
    if let Some(bad) = local.chars().find(|&c| !is_local_part_char(c)) {
        return refuse(format!(
            "cannot be an e-mail address: {} is not allowed before the @.",
            shown(bad)
        ));
    }
    if domain.is_empty() {
        return refuse("has nothing after the @.".into());
    }
    if !domain.contains('.') {
        return refuse("needs a full domain after the @, with a dot, such as example.com.".into());
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return refuse("has two dots together, or a dot at an end of the domain.".into());
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return refuse(format!(
                "cannot be an e-mail address: after the @ only letters, digits, hyphens and dots are allowed, not {}.",
                shown(bad)
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return refuse(format!(
                "cannot be an e-mail address: “{label}” in the domain starts or ends with a hyphen."
            ));
        }
        if label.len() > 63 {
            return refuse(
                "cannot be an e-mail address: a part of the domain between dots is at most 63 characters."
                    .into(),
            );
        }
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// The characters RFC 5322 allows in an unquoted local part (`atext` and the dot).
fn is_local_part_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed_and_may_use_any_script() {
        assert_eq!(PersonName::parse("  Zoë ").unwrap().as_str(), "Zoë");
        assert_eq!(
            PersonName::parse("O'Brien-Łukasiewicz").unwrap().as_str(),
            "O'Brien-Łukasiewicz"
        );
        assert_eq!(PersonName::parse("李").unwrap().as_str(), "李");
    }

    #[test]
    fn an_empty_name_is_required() {
        assert_eq!(PersonName::parse("  ").unwrap_err().0, "Required.");
    }

    #[test]
    fn a_name_longer_than_128_characters_is_refused_with_its_length() {
        assert!(PersonName::parse(&"é".repeat(128)).is_ok());
        assert_eq!(
            PersonName::parse(&"x".repeat(130)).unwrap_err().0,
            "At most 128 characters (this has 130)."
        );
    }

    #[test]
    fn a_name_with_a_line_break_or_tab_is_refused() {
        assert!(PersonName::parse("John\nDoe").is_err());
        assert!(PersonName::parse("John\tDoe").is_err());
    }

    #[test]
    fn one_address_is_kept_with_its_domain_in_lower_case() {
        let list = EmailList::parse(" John.Doe@NetSapiens.COM ").unwrap();
        assert_eq!(list.as_str(), "John.Doe@netsapiens.com");
        assert_eq!(
            list.addresses().collect::<Vec<_>>(),
            ["John.Doe@netsapiens.com"]
        );
    }

    #[test]
    fn several_addresses_are_joined_by_semicolons_without_spaces() {
        let list = EmailList::parse("a@acme.example ;  b+vm@Mail.Acme.Example").unwrap();
        assert_eq!(list.as_str(), "a@acme.example;b+vm@mail.acme.example");
        assert_eq!(
            list.addresses().collect::<Vec<_>>(),
            ["a@acme.example", "b+vm@mail.acme.example"]
        );
    }

    #[test]
    fn one_semicolon_at_the_end_is_forgiven_but_an_empty_item_between_two_is_not() {
        assert_eq!(
            EmailList::parse("a@acme.example;").unwrap().as_str(),
            "a@acme.example"
        );
        assert!(EmailList::parse("a@acme.example;;b@acme.example")
            .unwrap_err()
            .0
            .contains("nothing between two semicolons"));
        assert!(EmailList::parse(";a@acme.example").is_err());
        assert_eq!(EmailList::parse(" ; ").unwrap_err().0, "Required.");
    }

    #[test]
    fn commas_are_explained_rather_than_misread() {
        let err = EmailList::parse("a@acme.example, b@acme.example").unwrap_err();
        assert!(err.0.contains("semicolon"), "{err}");
    }

    #[test]
    fn the_refusal_names_the_bad_address() {
        for (list, bad, why) in [
            ("ok@acme.example; john.doe", "john.doe", "no @"),
            (
                "john@@acme.example",
                "john@@acme.example",
                "more than one @",
            ),
            ("@acme.example", "@acme.example", "nothing before"),
            ("john@", "john@", "nothing after"),
            ("john@localhost", "john@localhost", "with a dot"),
            ("john@acme..example", "john@acme..example", "two dots"),
            ("john@.acme.example", "john@.acme.example", "two dots"),
            ("john@acme_corp.example", "john@acme_corp.example", "“_”"),
            ("john@-acme.example", "john@-acme.example", "hyphen"),
            ("john@acme-.example", "john@acme-.example", "hyphen"),
            ("john doe@acme.example", "john doe@acme.example", "a space"),
            ("<john@acme.example>", "<john@acme.example>", "“<”"),
        ] {
            let err = EmailList::parse(list).unwrap_err();
            assert!(err.0.contains(&format!("“{bad}”")), "{list}: {err}");
            assert!(err.0.contains(why), "{list}: {err}");
        }
    }

    #[test]
    fn the_local_part_is_at_most_64_and_the_address_at_most_254_characters() {
        let domain = format!(
            "{}.{}.{}.{}.example",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(50)
        );
        assert!(EmailList::parse(&format!("{}@acme.example", "x".repeat(64))).is_ok());
        assert!(
            EmailList::parse(&format!("{}@acme.example", "x".repeat(65)))
                .unwrap_err()
                .0
                .contains("(this has 65)")
        );
        let longest = format!("{}@{domain}", "x".repeat(254 - 1 - domain.len()));
        assert_eq!(longest.len(), 254);
        assert!(EmailList::parse(&longest).is_ok());
        assert!(EmailList::parse(&format!("x{longest}"))
            .unwrap_err()
            .0
            .contains("(this has 255)"));
    }

    #[test]
    fn a_domain_label_longer_than_63_characters_is_refused() {
        let label = "a".repeat(64);
        assert!(EmailList::parse(&format!("john@{label}.example")).is_err());
    }

    #[test]
    fn ten_addresses_is_the_limit() {
        let ten: Vec<String> = (0..10).map(|i| format!("u{i}@acme.example")).collect();
        assert!(EmailList::parse(&ten.join(";")).is_ok());
        let eleven = format!("{};u10@acme.example", ten.join(";"));
        assert_eq!(
            EmailList::parse(&eleven).unwrap_err().0,
            "At most 10 addresses (this has 11)."
        );
    }

    #[test]
    fn the_same_address_twice_is_refused_whatever_its_case() {
        let err = EmailList::parse("a@acme.example; A@ACME.example").unwrap_err();
        assert_eq!(err.0, "“A@ACME.example” is listed twice.");
    }

    #[test]
    fn a_list_deserialised_from_json_is_checked() {
        let list: EmailList = serde_json::from_str(r#""a@Acme.Example;b@acme.example""#).unwrap();
        assert_eq!(list.as_str(), "a@acme.example;b@acme.example");
        assert!(serde_json::from_str::<EmailList>(r#""not an address""#).is_err());
    }

    proptest! {
        #[test]
        fn whatever_name_is_accepted_is_trimmed_bounded_and_printable(raw in "\\PC{0,140}") {
            if let Ok(name) = PersonName::parse(&raw) {
                let s = name.as_str();
                prop_assert_eq!(s, s.trim());
                prop_assert!((1..=128).contains(&s.chars().count()));
                prop_assert!(!s.chars().any(char::is_control));
                prop_assert_eq!(PersonName::parse(s).unwrap(), name.clone());
            }
        }

        #[test]
        fn every_well_formed_list_is_accepted_and_keeps_its_order(
            addresses in prop::collection::vec(
                ("[A-Za-z0-9._+-]{1,20}", "[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", "[A-Za-z]{2,6}"),
                1..=10,
            )
        ) {
            let typed: Vec<String> = addresses
                .iter()
                .enumerate()
                .map(|(i, (local, host, tld))| format!("{local}{i}@{host}.{tld}"))
                .collect();
            let list = EmailList::parse(&typed.join(" ; ")).unwrap();
            let expected: Vec<String> = addresses
                .iter()
                .enumerate()
                .map(|(i, (local, host, tld))| format!("{local}{i}@{}.{}", host.to_ascii_lowercase(), tld.to_ascii_lowercase()))
                .collect();
            prop_assert_eq!(list.addresses().collect::<Vec<_>>(), expected);
        }

        #[test]
        fn anything_accepted_is_a_canonical_list_that_parses_to_itself(raw in "[a-zA-Z0-9@.;, _-]{0,60}") {
            if let Ok(list) = EmailList::parse(&raw) {
                let addresses: Vec<&str> = list.addresses().collect();
                prop_assert!((1..=MAX_ADDRESSES).contains(&addresses.len()));
                for a in &addresses {
                    let (local, domain) = a.split_once('@').unwrap();
                    prop_assert!(!local.is_empty() && !domain.contains('@') && domain.contains('.'));
                    prop_assert_eq!(domain.to_ascii_lowercase(), domain);
                    prop_assert!(!a.contains(' '));
                }
                prop_assert_eq!(EmailList::parse(list.as_str()).unwrap(), list.clone());
            }
        }
    }
}
