//! Portal and prompt languages.

use super::field::{text_newtype, Invalid, Parse};
use serde::{Deserialize, Serialize};

/// A language token as NetSapiens and Wazo write it: two lower-case letters of ISO 639-1, an
/// underscore, two upper-case letters of ISO 3166-1 (`en_US`, `fr_CA`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);
text_newtype!(Language);

impl Default for Language {
    fn default() -> Self {
        Self("en_US".to_owned())
    }
}

impl Parse for Language {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let token = raw.trim().replace('-', "_");
        let bytes = token.as_bytes();
        let well_formed = bytes.len() == 5
            && bytes[2] == b'_'
            && bytes[..2].iter().all(u8::is_ascii_alphabetic)
            && bytes[3..].iter().all(u8::is_ascii_alphabetic);
        if !well_formed {
            return Err(Invalid::new(
                "A language and country such as en_US or fr_CA.",
            ));
        }
        Ok(Self(format!(
            "{}_{}",
            token[..2].to_ascii_lowercase(),
            token[3..].to_ascii_uppercase()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_are_normalised() {
        assert_eq!(Language::parse("en-us").unwrap().as_str(), "en_US");
        assert_eq!(Language::parse("fr_CA").unwrap().as_str(), "fr_CA");
    }

    #[test]
    fn other_shapes_are_refused() {
        for bad in ["", "en", "english", "en_USA", "e1_US"] {
            assert!(Language::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn accepted_tokens_have_the_canonical_shape(raw in "\\PC{0,8}") {
            if let Ok(lang) = Language::parse(&raw) {
                let b = lang.as_str().as_bytes();
                prop_assert!(b.len() == 5 && b[..2].iter().all(u8::is_ascii_lowercase) && b[2] == b'_' && b[3..].iter().all(u8::is_ascii_uppercase));
            }
        }
    }
}
