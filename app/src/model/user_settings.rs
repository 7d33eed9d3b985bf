//! A user's settings beyond name and extension: recording, the dial-by-name directory, timeouts and
//! limits, billing and emergency tags, department and site, and whether the account is enabled.
//!
//! Also the plumbing the other user modules share: [`number_newtype!`] for whole numbers within a
//! range.

use super::extension::check_name_characters;
use super::field::{text_newtype, Invalid, Parse};
use super::text::bounded_text;
use super::wire_enum::wire_enum;
use serde::{Deserialize, Serialize};

/// Implements a whole-number newtype over `u32` within `MIN..=MAX`: the bounds, `get`, `Parse`
/// (refusing with `$refusal` outside the range), `Display`, and the conversions serde uses so that
/// nothing deserialized skips `parse`.
macro_rules! number_newtype {
    ($name:ident, $min:literal ..= $max:literal, $refusal:literal) => {
        impl $name {
            pub const MIN: u32 = $min;
            pub const MAX: u32 = $max;

            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl $crate::model::Parse for $name {
            fn parse(raw: &str) -> Result<Self, $crate::model::Invalid> {
                let n = $crate::model::numbers::whole_number(raw)?;
                if (u64::from(Self::MIN)..=u64::from(Self::MAX)).contains(&n) {
                    Ok(Self(n as u32))
                } else {
                    Err($crate::model::Invalid::new($refusal))
                }
            }
        }

        impl TryFrom<u32> for $name {
            type Error = $crate::model::Invalid;
            fn try_from(n: u32) -> Result<Self, Self::Error> {
                <$name as $crate::model::Parse>::parse(&n.to_string())
            }
        }

        impl From<$name> for u32 {
            fn from(value: $name) -> u32 {
                value.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
    };
}
pub(crate) use number_newtype;

wire_enum! {
    /// Whether the user's calls are recorded (`recording-configuration`), and what is done with
    /// the recordings.
    #[derive(Default)]
    pub enum Recording {
        Yes = "yes", "Record calls";
        YesWithTranscription = "yes-with-transcription", "Record and transcribe calls";
        YesWithTranscriptionAndSentiment = "yes-with-transcription-and-sentiment",
            "Record and transcribe calls, with sentiment";
        #[default]
        No = "no", "Do not record";
    }
}

/// The three digits that find a user in the dial-by-name directory
/// (`directory-name-number-dtmf-mapping`): 100 to 999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct DtmfMapping(u32);
number_newtype!(DtmfMapping, 100..=999, "Three digits, from 100 to 999.");

impl DtmfMapping {
    /// The keypad digits of the first three letters of `last_name` (Smith → 764), for the
    /// directory. Accented Latin letters count as their base letter (é → e, ß → ss); characters
    /// that are not letters, or not Latin, are skipped. `None` if fewer than three letters remain.
    pub fn from_name(last_name: &str) -> Option<DtmfMapping> {
        let mut letters = String::with_capacity(4);
        for c in last_name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_lowercase() {
                letters.push(c);
            } else if let Some(base) = fold_latin(c) {
                letters.push_str(base);
            }
            if letters.len() >= 3 {
                break;
            }
        }
        if letters.len() < 3 {
            return None;
        }
        let n = letters
            .bytes()
            .take(3)
            .fold(0, |n, letter| n * 10 + keypad_digit(letter));
        Some(Self(n))
    }
}

/// The digit printed with a letter on a telephone keypad (ITU E.161).
fn keypad_digit(lowercase_letter: u8) -> u32 {
    match lowercase_letter {
        b'a'..=b'c' => 2,
        b'd'..=b'f' => 3,
        b'g'..=b'i' => 4,
        b'j'..=b'l' => 5,
        b'm'..=b'o' => 6,
        b'p'..=b's' => 7,
        b't'..=b'v' => 8,
        _ => 9,
    }
}

/// The plain letters of a lower-case accented Latin letter (Latin-1 and Latin Extended-A).
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Where a user comes among users sharing a [`DtmfMapping`], low to high
/// (`directory-override-order-duplicate-dtmf-mapping`): 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct DtmfOrder(u32);
number_newtype!(DtmfOrder, 0..=100, "A whole number from 0 to 100.");

/// A whole number of seconds, 0 to 3600 (an hour): `ring-no-answer-timeout-seconds` and
/// `music-on-hold-comfort-message-repeat-interval-seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Seconds3600(u32);
number_newtype!(
    Seconds3600,
    0..=3600,
    "From 0 to 3600 seconds (an hour), whole seconds."
);

/// The most calls a user may have at once (`limits-max-active-calls-total`): 0 to 3600.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct CallLimit(u32);
number_newtype!(CallLimit, 0..=3600, "From 0 to 3600 calls.");

/// The most a user may store in voicemail, greetings and faxes
/// (`limits-max-data-storage-kilobytes`): 0 to 100,000,000 kilobytes (100 GB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct StorageKilobytes(u32);
number_newtype!(
    StorageKilobytes,
    0..=100_000_000,
    "From 0 to 100000000 kilobytes (100 GB)."
);

/// A billing and tracking tag (`service-code`): 1 to 64 characters of `A-Z a-z 0-9 . _ -`, case
/// kept. Codes starting with `system-` mark accounts that are not regular users.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCode(String);
text_newtype!(ServiceCode);

impl ServiceCode {
    /// NetSapiens hides these accounts in its portals and does not count them as regular users.
    /// The prefix is matched as the documentation writes it, in lower case.
    pub fn is_system(&self) -> bool {
        self.0.starts_with("system-")
    }
}

impl Parse for ServiceCode {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let code = raw.trim();
        check_name_characters(code, 64)?;
        Ok(Self(code.to_owned()))
    }
}

/// The id of an address for dynamic location routing of emergency calls (`emergency-address-id`),
/// matched exactly by NetSapiens: 1 to 64 characters, no spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmergencyAddressId(String);
text_newtype!(EmergencyAddressId);

impl Parse for EmergencyAddressId {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let id = raw.trim();
        if id.is_empty() {
            return Err(Invalid::new("Required."));
        }
        let length = id.chars().count();
        if length > 64 {
            return Err(Invalid::new(format!(
                "At most 64 characters (this has {length})."
            )));
        }
        if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new(
                "No spaces: an address id is one word, exactly as it was given.",
            ));
        }
        Ok(Self(id.to_owned()))
    }
}

/// The department a user belongs to: free text (departments need no setting up first), trimmed,
/// 1 to 64 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Department(String);
text_newtype!(Department);

impl Parse for Department {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 1, 64).map(Self)
    }
}

/// The site (location) a user belongs to, such as `New York`: trimmed, 1 to 64 characters, no
/// control characters. Naming a site that does not exist yet creates it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteName(String);
text_newtype!(SiteName);

impl Parse for SiteName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 1, 64).map(Self)
    }
}

wire_enum! {
    /// Whether the account may be used (Servetel's enabled / disabled).
    pub enum UserStatus {
        Enabled = "enabled", "Enabled";
        Disabled = "disabled", "Disabled";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_recording_choice_parses_from_its_wire_name_in_any_case_and_serialises_to_it() {
        for choice in Recording::ALL {
            assert_eq!(Recording::parse(choice.as_str()).unwrap(), choice);
            assert_eq!(
                Recording::parse(&choice.as_str().to_uppercase()).unwrap(),
                choice
            );
            assert_eq!(
                serde_json::to_string(&choice).unwrap(),
                format!("\"{choice}\"")
            );
            assert!(!choice.label().is_empty());
        }
        assert_eq!(Recording::default(), Recording::No);
    }

    #[test]
    fn an_unknown_recording_choice_is_refused_with_the_choices() {
        assert_eq!(
            Recording::parse("sometimes").unwrap_err().0,
            "One of: yes, yes-with-transcription, yes-with-transcription-and-sentiment, no."
        );
    }

    #[test]
    fn smith_is_764_in_the_directory() {
        assert_eq!(DtmfMapping::from_name("Smith").unwrap().get(), 764);
        assert_eq!(DtmfMapping::from_name("smith").unwrap().get(), 764);
    }

    #[test]
    fn accented_letters_count_as_their_base_letter() {
        assert_eq!(DtmfMapping::from_name("Émile").unwrap().get(), 364); // e m i
        assert_eq!(DtmfMapping::from_name("Müller").unwrap().get(), 685); // m u l
        assert_eq!(DtmfMapping::from_name("Ørsted").unwrap().get(), 677); // o r s
        assert_eq!(DtmfMapping::from_name("Łódź").unwrap().get(), 563); // l o d
        assert_eq!(DtmfMapping::from_name("Aß").unwrap().get(), 277); // a s s
    }

    #[test]
    fn other_characters_are_skipped() {
        assert_eq!(DtmfMapping::from_name("O'Brien").unwrap().get(), 627); // o b r
        assert_eq!(DtmfMapping::from_name(" de la Cruz").unwrap().get(), 335); // d e l
        assert_eq!(DtmfMapping::from_name("Wu-Xi").unwrap().get(), 989); // w u x
    }

    #[test]
    fn a_name_with_fewer_than_three_letters_has_no_mapping() {
        assert_eq!(DtmfMapping::from_name("Li"), None);
        assert_eq!(DtmfMapping::from_name("O'"), None);
        assert_eq!(DtmfMapping::from_name("李小龙"), None);
        assert_eq!(DtmfMapping::from_name(""), None);
    }

    #[test]
    fn a_typed_mapping_has_three_digits() {
        assert_eq!(DtmfMapping::parse(" 764 ").unwrap().get(), 764);
        assert_eq!(
            DtmfMapping::parse("99").unwrap_err().0,
            "Three digits, from 100 to 999."
        );
        assert!(DtmfMapping::parse("1000").is_err());
        assert_eq!(
            DtmfMapping::parse("7b4").unwrap_err().0,
            "A whole number, digits only."
        );
        assert!(serde_json::from_str::<DtmfMapping>("42").is_err());
        assert_eq!(serde_json::to_string(&DtmfMapping(764)).unwrap(), "764");
    }

    #[test]
    fn the_bounded_numbers_take_exactly_their_ranges() {
        assert_eq!(DtmfOrder::parse("100").unwrap().get(), 100);
        assert!(DtmfOrder::parse("101").is_err());
        assert_eq!(Seconds3600::parse("0").unwrap().get(), 0);
        assert_eq!(Seconds3600::parse("3600").unwrap().to_string(), "3600");
        assert!(Seconds3600::parse("3601")
            .unwrap_err()
            .0
            .contains("3600 seconds"));
        assert!(Seconds3600::parse("-5").is_err());
        assert!(Seconds3600::parse("2.5").is_err());
        assert!(CallLimit::parse("3601").is_err());
        assert_eq!(
            StorageKilobytes::parse("100000000").unwrap().get(),
            100_000_000
        );
        assert!(StorageKilobytes::parse("100000001").is_err());
        assert_eq!(
            StorageKilobytes::parse("99999999999999999999999")
                .unwrap_err()
                .0,
            "That number is far too large."
        );
    }

    #[test]
    fn a_service_code_keeps_its_case_and_knows_if_it_is_a_system_code() {
        let code = ServiceCode::parse(" system-fax ").unwrap();
        assert_eq!(code.as_str(), "system-fax");
        assert!(code.is_system());
        let code = ServiceCode::parse("Gold_Plan.2").unwrap();
        assert_eq!(code.as_str(), "Gold_Plan.2");
        assert!(!code.is_system());
        assert!(!ServiceCode::parse("systemfax").unwrap().is_system());
        assert!(ServiceCode::parse("gold plan")
            .unwrap_err()
            .0
            .contains("a space"));
        assert!(ServiceCode::parse(&"x".repeat(65)).is_err());
        assert_eq!(ServiceCode::parse("").unwrap_err().0, "Required.");
    }

    #[test]
    fn an_emergency_address_id_is_one_word() {
        assert_eq!(
            EmergencyAddressId::parse(" addr_42/HQ#3 ")
                .unwrap()
                .as_str(),
            "addr_42/HQ#3"
        );
        assert!(EmergencyAddressId::parse("addr 42").is_err());
        assert!(EmergencyAddressId::parse(&"a".repeat(64)).is_ok());
        assert!(EmergencyAddressId::parse(&"a".repeat(65)).is_err());
        assert_eq!(EmergencyAddressId::parse("").unwrap_err().0, "Required.");
    }

    #[test]
    fn departments_and_sites_are_free_text_up_to_64_characters() {
        assert_eq!(SiteName::parse(" New York ").unwrap().as_str(), "New York");
        assert_eq!(
            Department::parse("Sales & Marketing").unwrap().as_str(),
            "Sales & Marketing"
        );
        assert_eq!(
            Department::parse(&"d".repeat(65)).unwrap_err().0,
            "At most 64 characters (this has 65)."
        );
        assert_eq!(SiteName::parse("").unwrap_err().0, "Required.");
        assert!(SiteName::parse("New\nYork").is_err());
    }

    #[test]
    fn a_user_is_enabled_or_disabled() {
        for status in UserStatus::ALL {
            assert_eq!(UserStatus::parse(status.as_str()).unwrap(), status);
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{status}\"")
            );
        }
        assert_eq!(UserStatus::parse("Disabled").unwrap(), UserStatus::Disabled);
        assert!(UserStatus::parse("suspended").is_err());
    }

    proptest! {
        #[test]
        fn a_name_of_three_ascii_letters_or_more_maps_to_its_keypad_digits(name in "[A-Za-z]{3,20}") {
            let mapping = DtmfMapping::from_name(&name).unwrap();
            let expected: String = name
                .to_ascii_uppercase()
                .bytes()
                .take(3)
                .map(|b| match b {
                    b'A'..=b'C' => '2', b'D'..=b'F' => '3', b'G'..=b'I' => '4', b'J'..=b'L' => '5',
                    b'M'..=b'O' => '6', b'P'..=b'S' => '7', b'T'..=b'V' => '8', _ => '9',
                })
                .collect();
            prop_assert_eq!(mapping.to_string(), expected);
        }

        #[test]
        fn any_mapping_found_from_a_name_is_one_that_could_be_typed(name in "\\PC{0,12}") {
            if let Some(mapping) = DtmfMapping::from_name(&name) {
                prop_assert!(mapping.to_string().bytes().all(|b| (b'2'..=b'9').contains(&b)));
                prop_assert_eq!(DtmfMapping::parse(&mapping.to_string()).unwrap(), mapping);
            }
        }

        #[test]
        fn every_number_type_accepts_exactly_its_range(n in 0u64..=200_000_000) {
            let typed = n.to_string();
            prop_assert_eq!(DtmfMapping::parse(&typed).is_ok(), (100..=999).contains(&n));
            prop_assert_eq!(DtmfOrder::parse(&typed).is_ok(), n <= 100);
            prop_assert_eq!(Seconds3600::parse(&typed).is_ok(), n <= 3600);
            prop_assert_eq!(CallLimit::parse(&typed).is_ok(), n <= 3600);
            prop_assert_eq!(StorageKilobytes::parse(&typed).is_ok(), n <= 100_000_000);
        }

        #[test]
        fn a_number_in_range_round_trips_through_json(n in 0u32..=3600) {
            let seconds = Seconds3600::try_from(n).unwrap();
            let json = serde_json::to_string(&seconds).unwrap();
            prop_assert_eq!(&json, &n.to_string());
            prop_assert_eq!(serde_json::from_str::<Seconds3600>(&json).unwrap(), seconds);
        }

        #[test]
        fn accepted_service_codes_fit_the_pattern(raw in "\\PC{0,70}") {
            if let Ok(code) = ServiceCode::parse(&raw) {
                let s = code.as_str();
                prop_assert!((1..=64).contains(&s.len()));
                prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)));
                prop_assert_eq!(code.is_system(), s.starts_with("system-"));
            }
        }

        #[test]
        fn accepted_address_ids_have_no_spaces(raw in "\\PC{0,70}") {
            if let Ok(id) = EmergencyAddressId::parse(&raw) {
                prop_assert!((1..=64).contains(&id.as_str().chars().count()));
                prop_assert!(!id.as_str().chars().any(char::is_whitespace));
            }
        }

        #[test]
        fn accepted_sites_and_departments_are_trimmed_bounded_and_printable(raw in "\\PC{0,70}") {
            if let Ok(site) = SiteName::parse(&raw) {
                let s = site.as_str();
                prop_assert_eq!(s, s.trim());
                prop_assert!((1..=64).contains(&s.chars().count()));
                prop_assert!(!s.chars().any(char::is_control));
                prop_assert_eq!(Department::parse(&raw).unwrap().to_string(), s);
            }
        }
    }
}
