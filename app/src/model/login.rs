//! Portal login names.

use super::field::{text_newtype, Invalid, Parse};
use serde::{Deserialize, Serialize};

/// A portal login (NetSapiens' `login-username`, by default `user@domain`): 1 to 128 characters,
/// no spaces or control characters, compared and stored in lower case. Unique across the system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);
text_newtype!(Login);

impl Parse for Login {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let login = raw.trim();
        if login.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if login.chars().count() > 128 {
            return Err(Invalid::new("At most 128 characters."));
        }
        if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new("No spaces or control characters."));
        }
        Ok(Self(login.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn logins_are_case_insensitive() {
        assert_eq!(
            Login::parse(" 101@Acme.Example ").unwrap().as_str(),
            "101@acme.example"
        );
        assert!(Login::parse("john smith").is_err());
    }

    proptest! {
        #[test]
        fn accepted_logins_are_lower_case_and_unspaced(raw in "\\PC{0,40}") {
            if let Ok(login) = Login::parse(&raw) {
                prop_assert_eq!(login.as_str().to_lowercase(), login.as_str());
                prop_assert!(!login.as_str().chars().any(char::is_whitespace));
            }
        }
    }
}
