//! Voicemail: the PIN for the voicemail menu, the greeting in use, how new messages are e-mailed,
//! and who transcribes them.

use super::extension::shown;
use super::field::{text_newtype, Invalid, Parse};
use super::user_settings::number_newtype;
use super::wire_enum::wire_enum;
use serde::{Deserialize, Serialize};

/// The PIN a user types to reach voicemail by phone (`voicemail-login-pin`): 4 to 15 digits, kept
/// as text so leading zeros survive. Never one digit repeated (`0000`) nor a straight run up or
/// down (`1234`, `4321`, also through 0: `7890`), the first PINs anyone tries.
/// Its `Debug` does not show the digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pin(String);
text_newtype!(Pin);

/// How a PIN is kept: `pin-sha256$<salt, 32 hex>$<SHA-256 of salt and PIN, 64 hex>`. Only the
/// server makes and checks these (`crate::ssr::hash_pin`); a PIN read back from storage holds
/// one, never its digits.
pub const PIN_HASH_PREFIX: &str = "pin-sha256$";

impl Pin {
    /// Whether `text` is a kept PIN's hash (see [`PIN_HASH_PREFIX`]).
    pub fn is_hash(text: &str) -> bool {
        text.strip_prefix(PIN_HASH_PREFIX)
            .and_then(|rest| rest.split_once('$'))
            .is_some_and(|(salt, hash)| {
                salt.len() == 32
                    && hash.len() == 64
                    && (salt.chars().chain(hash.chars())).all(|c| c.is_ascii_hexdigit())
            })
    }

    /// A PIN as read back from storage: its hash.
    pub fn from_hash(text: &str) -> Option<Self> {
        Self::is_hash(text).then(|| Self(text.to_owned()))
    }
}

pub const PIN_MIN_LEN: usize = 4;
pub const PIN_MAX_LEN: usize = 15;

impl Parse for Pin {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let pin = raw.trim();
        if pin.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if let Some(bad) = pin.chars().find(|c| !c.is_ascii_digit()) {
            return Err(Invalid::new(format!("Digits only, not {}.", shown(bad))));
        }
        let length = pin.len();
        if length < PIN_MIN_LEN {
            return Err(Invalid::new(format!(
                "At least {PIN_MIN_LEN} digits (this has {length})."
            )));
        }
        if length > PIN_MAX_LEN {
            return Err(Invalid::new(format!(
                "At most {PIN_MAX_LEN} digits (this has {length})."
            )));
        }
        let digits = pin.as_bytes();
        if digits.iter().all(|&d| d == digits[0]) {
            return Err(Invalid::new(
                "One digit repeated, like 0000, is too easy to guess.",
            ));
        }
        if is_straight_run(digits, 1) || is_straight_run(digits, 9) {
            return Err(Invalid::new(
                "A straight run, like 1234 or 4321, is too easy to guess.",
            ));
        }
        Ok(Self(pin.to_owned()))
    }
}

/// Whether each digit is the one before plus `step`, modulo 10 (1 counts up, 9 counts down).
fn is_straight_run(digits: &[u8], step: u8) -> bool {
    digits
        .windows(2)
        .all(|pair| (pair[1] + 10 - pair[0]) % 10 == step)
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// Which recorded greeting plays (`voicemail-greeting-index`): 0 to 99, where 0 is the generic
/// "[name] is not available".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct GreetingIndex(u32);
number_newtype!(GreetingIndex, 0..=99, "A greeting number from 0 to 99.");

wire_enum! {
    /// What happens when a voicemail is left (`email-send-alert-new-voicemail-behavior`): whether
    /// an e-mail is sent, brief or full, and whether the recording is attached and then kept as
    /// new, saved, or moved to the trash.
    #[derive(Default)]
    pub enum VoicemailEmailBehavior {
        #[default]
        No = "no", "No e-mail";
        Yes = "yes", "E-mail a notice";
        AttachKeepNew = "attnew", "Attach, keep as new";
        AttachSave = "attsave", "Attach, move to saved";
        AttachTrash = "atttrash", "Attach, move to trash";
        Brief = "brief", "Brief notice";
        BriefAttachKeepNew = "briefattnew", "Brief, attach, keep as new";
        BriefAttachSave = "briefattsave", "Brief, attach, move to saved";
        BriefAttachTrash = "briefatttrash", "Brief, attach, move to trash";
    }
}

wire_enum! {
    /// Who transcribes new voicemails (`voicemail-transcription-enabled`), or `no` for nobody.
    /// The vendors are spelled as NetSapiens spells them, capitals included.
    #[derive(Default)]
    pub enum Transcription {
        #[default]
        No = "no", "No transcription";
        Deepgram = "Deepgram", "Deepgram";
        Google = "Google", "Google";
        Mutare = "Mutare", "Mutare";
        Voicebase = "Voicebase", "Voicebase";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_pin_keeps_its_leading_zeros() {
        assert_eq!(Pin::parse(" 0472 ").unwrap().as_str(), "0472");
        assert_eq!(
            serde_json::to_string(&Pin::parse("0472").unwrap()).unwrap(),
            r#""0472""#
        );
    }

    #[test]
    fn a_pin_is_4_to_15_digits_and_says_how_many_it_has() {
        assert_eq!(
            Pin::parse("472").unwrap_err().0,
            "At least 4 digits (this has 3)."
        );
        assert_eq!(
            Pin::parse("1357913579135791").unwrap_err().0,
            "At most 15 digits (this has 16)."
        );
        assert!(Pin::parse("135791357913579").is_ok());
        assert_eq!(Pin::parse("47a2").unwrap_err().0, "Digits only, not “a”.");
        assert_eq!(Pin::parse("").unwrap_err().0, "Required.");
    }

    #[test]
    fn one_digit_repeated_is_refused_with_a_reason() {
        for pin in ["0000", "1111", "999999999999999"] {
            assert!(Pin::parse(pin).unwrap_err().0.contains("repeated"), "{pin}");
        }
    }

    #[test]
    fn straight_runs_up_or_down_are_refused_with_a_reason() {
        for pin in [
            "1234",
            "4321",
            "0123",
            "3210",
            "7890",
            "123456789",
            "9876543210",
        ] {
            assert!(
                Pin::parse(pin).unwrap_err().0.contains("straight run"),
                "{pin}"
            );
        }
        for pin in ["1243", "1235", "2468", "1212", "0472"] {
            assert!(Pin::parse(pin).is_ok(), "{pin}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_pin() {
        let pin = Pin::parse("8264").unwrap();
        assert!(!format!("{pin:?}").contains("8264"));
    }

    #[test]
    fn greeting_numbers_run_from_0_to_99() {
        assert_eq!(GreetingIndex::parse("0").unwrap().get(), 0);
        assert_eq!(GreetingIndex::parse("99").unwrap().to_string(), "99");
        assert_eq!(
            GreetingIndex::parse("100").unwrap_err().0,
            "A greeting number from 0 to 99."
        );
        assert!(serde_json::from_str::<GreetingIndex>("100").is_err());
    }

    #[test]
    fn every_email_behavior_parses_from_its_wire_name_and_serialises_to_it() {
        let wire =
            "no, yes, attnew, attsave, atttrash, brief, briefattnew, briefattsave, briefatttrash";
        let names: Vec<&str> = VoicemailEmailBehavior::ALL
            .iter()
            .map(|b| b.as_str())
            .collect();
        assert_eq!(names.join(", "), wire);
        for behavior in VoicemailEmailBehavior::ALL {
            assert_eq!(
                VoicemailEmailBehavior::parse(&behavior.as_str().to_uppercase()).unwrap(),
                behavior
            );
            assert_eq!(
                serde_json::to_string(&behavior).unwrap(),
                format!("\"{behavior}\"")
            );
        }
        assert_eq!(
            VoicemailEmailBehavior::default(),
            VoicemailEmailBehavior::No
        );
        assert_eq!(
            VoicemailEmailBehavior::AttachKeepNew.label(),
            "Attach, keep as new"
        );
        assert_eq!(
            VoicemailEmailBehavior::parse("attach").unwrap_err().0,
            format!("One of: {wire}.")
        );
    }

    #[test]
    fn every_email_behavior_has_its_own_label() {
        let labels: std::collections::HashSet<&str> = VoicemailEmailBehavior::ALL
            .iter()
            .map(|b| b.label())
            .collect();
        assert_eq!(labels.len(), VoicemailEmailBehavior::ALL.len());
    }

    #[test]
    fn transcription_vendors_keep_their_capitals_on_the_wire() {
        for vendor in Transcription::ALL {
            assert_eq!(Transcription::parse(vendor.as_str()).unwrap(), vendor);
            assert_eq!(
                serde_json::to_string(&vendor).unwrap(),
                format!("\"{vendor}\"")
            );
        }
        assert_eq!(
            Transcription::parse("deepgram").unwrap(),
            Transcription::Deepgram
        );
        assert_eq!(Transcription::parse("NO").unwrap(), Transcription::No);
        assert_eq!(Transcription::default().as_str(), "no");
        assert!(Transcription::parse("Whisper").is_err());
    }

    /// The rule written out the long way, to check the parser against.
    fn guessable(pin: &str) -> bool {
        let d: Vec<i32> = pin.bytes().map(|b| i32::from(b - b'0')).collect();
        let steps: Vec<i32> = d.windows(2).map(|w| (w[1] - w[0]).rem_euclid(10)).collect();
        steps.iter().all(|&s| s == 0)
            || steps.iter().all(|&s| s == 1)
            || steps.iter().all(|&s| s == 9)
    }

    proptest! {
        #[test]
        fn a_digit_string_of_4_to_15_is_a_pin_unless_it_is_guessable(pin in "[0-9]{4,15}") {
            prop_assert_eq!(Pin::parse(&pin).is_ok(), !guessable(&pin));
        }

        #[test]
        fn whatever_pin_is_accepted_is_digits_and_parses_to_itself(raw in "[0-9a ]{0,18}") {
            if let Ok(pin) = Pin::parse(&raw) {
                let s = pin.as_str();
                prop_assert!((4..=15).contains(&s.len()));
                prop_assert!(s.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(Pin::parse(s).unwrap(), pin.clone());
            }
        }

        #[test]
        fn greeting_numbers_accept_exactly_0_to_99(n in any::<u32>()) {
            prop_assert_eq!(GreetingIndex::try_from(n).is_ok(), n <= 99);
        }
    }
}
