//! Portal passwords: the rules of NIST SP 800-63B and OWASP, no composition rules.

use super::field::Invalid;

/// A portal password that passed the rules: 15 to 128 characters, not a commonly used password,
/// and not built from the account's own login, extension or names. It is never stored or shown;
/// only its Argon2id hash is kept. (Deliberately not `Serialize`.)
#[derive(Clone)]
pub struct Password(String);

pub const MIN_LEN: usize = 15;
pub const MAX_LEN: usize = 128;

/// Passwords seen first in every breach corpus, and the words people build long ones from.
const COMMON: &[&str] = &[
    "12345",
    "1234",
    "abcdef",
    "password",
    "passw0rd",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "qwertyuiop",
    "111111",
    "000000",
    "abc123",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "monkey",
    "dragon",
    "sunshine",
    "football",
    "baseball",
    "princess",
    "trustno1",
    "changeme",
    "roster",
    "voicemail",
    "asdfghjkl",
    "zxcvbnm",
    "superuser",
    "secret",
];

impl Password {
    /// Checks `raw` against the rules. `personal` holds the account's own words (login,
    /// extension, first and last name): a password containing one of them is refused.
    pub fn parse(raw: &str, personal: &[&str]) -> Result<Self, Invalid> {
        let length = raw.chars().count();
        if length < MIN_LEN {
            return Err(Invalid::new(format!(
                "At least {MIN_LEN} characters (this has {length}). A few unrelated words make a good one."
            )));
        }
        if length > MAX_LEN {
            return Err(Invalid::new(format!("At most {MAX_LEN} characters.")));
        }
        let folded: String = raw
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        if let Some(word) = personal
            .iter()
            .map(|w| w.to_lowercase())
            .find(|w| w.chars().count() >= 3 && folded.contains(&strip(w)))
        {
            return Err(Invalid::new(format!(
                "Must not contain your own login, extension or name (“{word}”)."
            )));
        }
        // What is left once the common words are taken out must still be a password.
        let mut rest = folded.clone();
        let mut common: Vec<&str> = COMMON.to_vec();
        common.sort_by_key(|w| std::cmp::Reverse(w.len()));
        for word in common {
            rest = rest.replace(word, "");
        }
        let unique: std::collections::HashSet<char> = folded.chars().collect();
        if unique.len() <= 3 || rest.chars().count() < 8 {
            return Err(Invalid::new(
                "Too common or too easy to guess: choose something less predictable.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn strip(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).collect()
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_is_the_rule_not_composition() {
        assert!(Password::parse("correct horse battery staple", &[]).is_ok());
        assert!(Password::parse("short one", &[]).is_err());
        assert!(Password::parse(&"ab".repeat(65), &[]).is_err());
    }

    #[test]
    fn common_passwords_padded_to_length_are_refused() {
        assert!(Password::parse("password1234567", &[]).is_err());
        assert!(Password::parse("qwertyuiop12345", &[]).is_err());
        assert!(Password::parse("aaaaaaaaaaaaaaaa", &[]).is_err());
    }

    #[test]
    fn the_accounts_own_words_are_refused_and_named() {
        let err = Password::parse(
            "Smith-rules-the-office",
            &["jsmith@acme", "101", "John", "Smith"],
        )
        .unwrap_err();
        assert!(err.0.contains("smith"), "{err}");
        assert!(
            Password::parse("my desk is 42 by the window", &["42"]).is_ok(),
            "words under 3 characters are not checked"
        );
        assert!(
            Password::parse("call me at 101 any time", &["101"]).is_err(),
            "an extension is"
        );
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let p = Password::parse("correct horse battery staple", &[]).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    proptest! {
        #[test]
        fn every_accepted_password_is_within_the_length_bounds(raw in "\\PC{0,140}") {
            if let Ok(p) = Password::parse(&raw, &[]) {
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&p.expose().chars().count()));
            }
        }
    }
}
