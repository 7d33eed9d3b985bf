//! Devices (SIP registrations) and where calls are forwarded.

use super::extension::check_name_characters;
use super::field::{text_newtype, Invalid, Parse};
use super::{DomainName, Extension, PhoneNumber};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A device of a domain, with the user it belongs to: a row of the domain's devices list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DomainDevice {
    pub device: DeviceName,
    pub domain: DomainName,
    pub user: Extension,
    /// Shown only to a caller that may act on the user (none whose scope is above its own).
    pub device_sip_registration_password: Option<String>,
    /// `registered` while the SIP server holds a live registration of it, else `unregistered`.
    pub device_sip_registration_state: String,
    /// The MAC address of the phone it is provisioned on, if one is linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_provisioning_mac_address: Option<MacAddress>,
    /// That phone's model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_models_model: Option<DeviceModel>,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl DomainDevice {
    pub fn is_registered(&self) -> bool {
        self.device_sip_registration_state == super::user::Registration::REGISTERED
    }
}

/// A page of a domain's devices and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceList {
    pub total: u64,
    pub items: Vec<DomainDevice>,
}

/// A device's SIP registration password (`device-sip-registration-password`) when one is given
/// (otherwise NetSapiens makes a random one): 16 to 64 printable ASCII characters, no spaces.
///
/// Deliberately not `Serialize`, so it cannot go out in a response by accident; `Debug` hides it;
/// [`SipPassword::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct SipPassword(String);

pub const SIP_PASSWORD_MIN_LEN: usize = 16;
pub const SIP_PASSWORD_MAX_LEN: usize = 64;
/// A given SIP password needs this many different characters, and about this many bits by the
/// usual estimate (its length times the bits of the alphabets it draws on). A generated one (20
/// letters and digits, about 119 bits) always has both.
pub const SIP_PASSWORD_MIN_DISTINCT: usize = 10;
pub const SIP_PASSWORD_MIN_BITS: u32 = 80;

/// Whether a SIP password (visible ASCII, long enough) is strong enough: enough different
/// characters, and enough bits for the alphabets it uses (lower case 26, upper case 26, digits
/// 10, symbols 32). Sixteen `a`s, `abcdefghijklmnop` and `1234567890123456` are not.
fn strong_enough(password: &str) -> bool {
    let distinct = password
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let has = |class: fn(&char) -> bool| password.chars().any(|c| class(&c));
    let alphabet = [
        (has(char::is_ascii_lowercase), 26.0),
        (has(char::is_ascii_uppercase), 26.0),
        (has(char::is_ascii_digit), 10.0),
        (has(char::is_ascii_punctuation), 32.0),
    ]
    .iter()
    .filter(|(used, _)| *used)
    .map(|(_, size)| size)
    .sum::<f64>();
    let bits = password.chars().count() as f64 * alphabet.log2();
    distinct >= SIP_PASSWORD_MIN_DISTINCT && bits >= f64::from(SIP_PASSWORD_MIN_BITS)
}

impl SipPassword {
    /// The password itself, to hand to the PBX.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Parse for SipPassword {
    /// Not trimmed: spaces are refused rather than silently removed from a secret.
    fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.is_empty() {
            return Err(Invalid::new("Required."));
        }
        let length = raw.chars().count();
        if length < SIP_PASSWORD_MIN_LEN {
            return Err(Invalid::new(format!(
                "At least {SIP_PASSWORD_MIN_LEN} characters (this has {length})."
            )));
        }
        if length > SIP_PASSWORD_MAX_LEN {
            return Err(Invalid::new(format!(
                "At most {SIP_PASSWORD_MAX_LEN} characters (this has {length})."
            )));
        }
        // The refused character is not named: the message might be logged, the password must not.
        if raw.chars().any(char::is_whitespace) {
            return Err(Invalid::new("No spaces, tabs or line breaks."));
        }
        if !raw.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Invalid::new(
                "Only letters, digits and the symbols of a US keyboard (no accented letters).",
            ));
        }
        if !strong_enough(raw) {
            return Err(Invalid::new(format!(
                "Too easy to guess: use at least {SIP_PASSWORD_MIN_DISTINCT} different characters \
                 and mix letters, digits and symbols (about {SIP_PASSWORD_MIN_BITS} bits), or \
                 leave it blank to have a strong one generated."
            )));
        }
        Ok(Self(raw.to_owned()))
    }
}

impl TryFrom<String> for SipPassword {
    type Error = Invalid;
    fn try_from(raw: String) -> Result<Self, Invalid> {
        Self::parse(&raw)
    }
}

impl fmt::Debug for SipPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SipPassword(********)")
    }
}

/// The name of a device, the user part of `sip:[device]@[domain]` (such as `101a`): 1 to 32
/// characters of `a-z 0-9 . _ -`, stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceName(String);
text_newtype!(DeviceName);

impl Parse for DeviceName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        check_name_characters(name, 32)?;
        Ok(Self(name.to_ascii_lowercase()))
    }
}

/// The MAC address of the phone a device is provisioned on (`device-provisioning-mac-address`):
/// twelve hexadecimal digits, written with or without `:`, `-` or `.` between them, stored in
/// lower case without them (`0015651a2b3c`). A phone's own address is unicast and not all zeros.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MacAddress(String);
text_newtype!(MacAddress);

impl MacAddress {
    /// As phones' labels print it: pairs of digits between colons.
    pub fn shown(&self) -> String {
        self.0
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(":")
    }
}

impl Parse for MacAddress {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        const HINT: &str = "Twelve hexadecimal digits, such as 00:15:65:1a:2b:3c.";
        let digits: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ':' | '-' | '.'))
            .collect();
        if digits.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Invalid::new(HINT));
        }
        let digits = digits.to_ascii_lowercase();
        let first = u8::from_str_radix(&digits[..2], 16).map_err(|_| Invalid::new(HINT))?;
        if first & 1 == 1 {
            return Err(Invalid::new(
                "A group (multicast) address, not a phone's own: check its first two digits.",
            ));
        }
        if digits.chars().all(|c| c == '0') {
            return Err(Invalid::new("All zeros is no phone's address."));
        }
        Ok(Self(digits))
    }
}

/// The model of the phone a device is provisioned on (`device-models-model`), such as
/// `Yealink T54W`: 1 to 64 printable characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceModel(String);
text_newtype!(DeviceModel);

impl Parse for DeviceModel {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let model = raw.trim();
        if model.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if model.chars().count() > 64 || model.chars().any(char::is_control) {
            return Err(Invalid::new(
                "At most 64 printable characters, such as Yealink T54W.",
            ));
        }
        Ok(Self(model.to_owned()))
    }
}

/// What a change does to one optional value: keeps it, clears it, or sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T: Parse> Change<T> {
    /// The change a form's field asks for: absent keeps, blank clears, anything else sets.
    pub fn parse(raw: Option<&str>) -> Result<Self, Invalid> {
        match raw.map(str::trim) {
            None => Ok(Change::Keep),
            Some("") => Ok(Change::Clear),
            Some(text) => T::parse(text).map(Change::Set),
        }
    }
}

impl<T> Change<T> {
    /// The value it sets, if it sets one.
    pub fn set(&self) -> Option<&T> {
        match self {
            Change::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T: Clone> Change<T> {
    /// The value after this change of `current`.
    pub fn applied_to(&self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(value) => Some(value.clone()),
        }
    }
}

/// Which phone a device is provisioned on: its MAC address and model, as a change asks for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provisioning {
    pub mac: Change<MacAddress>,
    pub model: Change<DeviceModel>,
}

impl Provisioning {
    /// Whether it changes anything.
    pub fn changes(&self) -> bool {
        self.mac != Change::Keep || self.model != Change::Keep
    }

    /// The MAC address and model after this change of `current`, or why not: a MAC address
    /// needs its model (NetSapiens links the two in its provisioning), refused on `model_field`.
    pub fn applied_to(
        &self,
        current: (Option<MacAddress>, Option<DeviceModel>),
        model_field: &str,
    ) -> Result<(Option<MacAddress>, Option<DeviceModel>), super::FieldErrors> {
        let mac = self.mac.applied_to(current.0);
        let model = self.model.applied_to(current.1);
        if mac.is_some() && model.is_none() {
            return Err(super::FieldErrors::one(
                model_field,
                "Required with a MAC address: the phone's model, such as Yealink T54W.",
            ));
        }
        Ok((mac, model))
    }
}

/// Where a forwarded call goes: an extension of the same domain (1 to 6 digits), a phone number
/// (7 digits or more, or starting with `+`; see [`PhoneNumber`]), or the user's voicemail.
/// Written as text: `101`, `+16125550100`, `voicemail`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Destination {
    Extension(Extension),
    Number(PhoneNumber),
    Voicemail,
}

/// Fewer digits than this, and a destination is an extension; this many or more, a phone number.
pub const SHORTEST_PHONE_NUMBER: usize = 7;

impl Parse for Destination {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let destination = raw.trim();
        if destination.is_empty() {
            return Err(Invalid::new("Required."));
        }
        if destination.eq_ignore_ascii_case("voicemail") {
            return Ok(Destination::Voicemail);
        }
        if destination.len() < SHORTEST_PHONE_NUMBER
            && destination.bytes().all(|b| b.is_ascii_digit())
        {
            return Extension::parse(destination).map(Destination::Extension);
        }
        if destination.chars().any(char::is_alphabetic) {
            return Err(Invalid::new(
                "An extension such as 101, a phone number with its country code, or voicemail.",
            ));
        }
        PhoneNumber::parse(destination).map(Destination::Number)
    }
}

impl Destination {
    pub fn as_str(&self) -> &str {
        match self {
            Destination::Extension(extension) => extension.as_str(),
            Destination::Number(number) => number.as_str(),
            Destination::Voicemail => "voicemail",
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Destination {
    type Error = Invalid;
    fn try_from(raw: String) -> Result<Self, Invalid> {
        Self::parse(&raw)
    }
}

impl From<Destination> for String {
    fn from(destination: Destination) -> String {
        match destination {
            Destination::Extension(extension) => extension.into(),
            Destination::Number(number) => number.into(),
            Destination::Voicemail => "voicemail".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_address_is_twelve_hex_digits_of_one_phone_stored_plainly() {
        for written in [
            "00:15:65:1A:2B:3C",
            "00-15-65-1a-2b-3c",
            "0015.651a.2b3c",
            " 0015651A2B3C ",
        ] {
            assert_eq!(
                MacAddress::parse(written).unwrap().as_str(),
                "0015651a2b3c",
                "{written}"
            );
            assert_eq!(
                MacAddress::parse(written).unwrap().shown(),
                "00:15:65:1a:2b:3c"
            );
        }
        for bad in [
            "",
            "00:15:65:1a:2b",
            "00:15:65:1a:2b:3g",
            "01:00:5e:00:00:fb",
            "00:00:00:00:00:00",
        ] {
            assert!(MacAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_mac_address_needs_its_model_and_a_change_keeps_what_it_does_not_name() {
        let mac = MacAddress::parse("0015651a2b3c").unwrap();
        let model = DeviceModel::parse("Yealink T54W").unwrap();
        let only_mac = Provisioning {
            mac: Change::Set(mac.clone()),
            model: Change::Keep,
        };
        let refused = only_mac
            .applied_to((None, None), "device-models-model")
            .unwrap_err();
        assert_eq!(refused.names(), ["device-models-model"]);
        assert_eq!(
            only_mac
                .applied_to((None, Some(model.clone())), "m")
                .unwrap(),
            (Some(mac.clone()), Some(model.clone()))
        );
        let keep = Provisioning::default();
        assert!(!keep.changes());
        assert_eq!(
            keep.applied_to((Some(mac.clone()), Some(model.clone())), "m")
                .unwrap(),
            (Some(mac), Some(model))
        );
        let clear = Provisioning {
            mac: Change::Clear,
            model: Change::Clear,
        };
        assert_eq!(clear.applied_to((None, None), "m").unwrap(), (None, None));
        assert_eq!(
            Change::<DeviceModel>::parse(Some(" ")).unwrap(),
            Change::Clear
        );
        assert_eq!(Change::<DeviceModel>::parse(None).unwrap(), Change::Keep);
    }
    use proptest::prelude::*;

    const GOOD: &str = "k3#Vq9!zR2@wL7$p";

    #[test]
    fn a_sip_password_is_16_to_64_printable_characters() {
        assert_eq!(SipPassword::parse(GOOD).unwrap().expose(), GOOD);
        assert_eq!(
            SipPassword::parse("short").unwrap_err().0,
            "At least 16 characters (this has 5)."
        );
        assert!(SipPassword::parse(&GOOD.repeat(4)).is_ok());
        assert_eq!(
            SipPassword::parse(&format!("{}x", GOOD.repeat(4)))
                .unwrap_err()
                .0,
            "At most 64 characters (this has 65)."
        );
        assert_eq!(SipPassword::parse("").unwrap_err().0, "Required.");
    }

    #[test]
    fn spaces_and_accented_letters_are_refused_without_repeating_them() {
        let err = SipPassword::parse("correct horse battery").unwrap_err();
        assert_eq!(err.0, "No spaces, tabs or line breaks.");
        let err = SipPassword::parse("pässwörd-pässwörd-1").unwrap_err();
        assert!(!err.0.contains('ä'), "{err}");
        assert!(SipPassword::parse(&format!(" {GOOD}")).is_err());
    }

    #[test]
    fn a_given_sip_password_must_be_hard_to_guess() {
        for weak in [
            "aaaaaaaaaaaaaaaa",
            "abcdefghijklmnop",
            "1234567890123456",
            "abababababababab",
            "passwordpassword",
        ] {
            let err = SipPassword::parse(weak).unwrap_err();
            assert!(err.0.starts_with("Too easy to guess"), "{weak}: {err}");
        }
        assert!(SipPassword::parse(&" ".repeat(16)).is_err());
        // Long enough in one alphabet, or mixed: fine.
        assert!(SipPassword::parse("qmzvbwxkfjtrplhgdsnc").is_ok());
        assert!(SipPassword::parse("Zx9#long-enough-pass").is_ok());
    }

    #[test]
    fn debug_output_never_shows_the_sip_password() {
        let password = SipPassword::parse(GOOD).unwrap();
        assert!(!format!("{password:?}").contains("Vq9"));
    }

    #[test]
    fn a_sip_password_is_checked_when_deserialised() {
        let json = format!("\"{GOOD}\"");
        assert_eq!(
            serde_json::from_str::<SipPassword>(&json).unwrap().expose(),
            GOOD
        );
        assert!(serde_json::from_str::<SipPassword>(r#""too short""#).is_err());
    }

    #[test]
    fn device_names_are_lower_cased_and_at_most_32_characters() {
        assert_eq!(DeviceName::parse(" 101A ").unwrap().as_str(), "101a");
        assert_eq!(
            DeviceName::parse("desk.phone_2-b").unwrap().as_str(),
            "desk.phone_2-b"
        );
        assert!(DeviceName::parse(&"d".repeat(32)).is_ok());
        assert_eq!(
            DeviceName::parse(&"d".repeat(33)).unwrap_err().0,
            "At most 32 characters (this has 33)."
        );
        assert!(DeviceName::parse("101@acme").unwrap_err().0.contains("“@”"));
        assert_eq!(DeviceName::parse(" ").unwrap_err().0, "Required.");
    }

    #[test]
    fn short_digit_strings_are_extensions_and_long_ones_phone_numbers() {
        assert_eq!(
            Destination::parse("101").unwrap(),
            Destination::Extension(Extension::parse("101").unwrap())
        );
        assert!(matches!(
            Destination::parse("123456").unwrap(),
            Destination::Extension(_)
        ));
        assert_eq!(
            Destination::parse("(612) 555-0100").unwrap(),
            Destination::Number(PhoneNumber::parse("+16125550100").unwrap())
        );
        assert_eq!(
            Destination::parse("6125550100").unwrap().to_string(),
            "+16125550100"
        );
        assert_eq!(
            Destination::parse("+44 20 7946 0958").unwrap().to_string(),
            "+442079460958"
        );
    }

    #[test]
    fn seven_digits_without_a_country_code_are_refused_as_a_phone_number() {
        let err = Destination::parse("5550100").unwrap_err();
        assert!(err.0.contains("country code"), "{err}");
    }

    #[test]
    fn voicemail_is_a_destination_in_any_case() {
        assert_eq!(
            Destination::parse(" VoiceMail ").unwrap(),
            Destination::Voicemail
        );
        assert_eq!(Destination::Voicemail.to_string(), "voicemail");
    }

    #[test]
    fn words_that_are_not_voicemail_are_refused_with_the_choices() {
        assert_eq!(
            Destination::parse("reception").unwrap_err().0,
            "An extension such as 101, a phone number with its country code, or voicemail."
        );
        assert_eq!(Destination::parse("").unwrap_err().0, "Required.");
    }

    #[test]
    fn destinations_are_strings_on_the_wire() {
        for (text, json) in [
            ("101", r#""101""#),
            ("+1 612 555 0100", r#""+16125550100""#),
            ("voicemail", r#""voicemail""#),
        ] {
            let destination = Destination::parse(text).unwrap();
            assert_eq!(serde_json::to_string(&destination).unwrap(), json);
            assert_eq!(
                serde_json::from_str::<Destination>(json).unwrap(),
                destination
            );
        }
        assert!(serde_json::from_str::<Destination>(r#""nowhere""#).is_err());
    }

    proptest! {
        #[test]
        fn every_digit_string_under_seven_is_an_extension(digits in "[0-9]{1,6}") {
            prop_assert_eq!(
                Destination::parse(&digits).unwrap(),
                Destination::Extension(Extension::parse(&digits).unwrap())
            );
        }

        #[test]
        fn every_destination_reads_back_from_what_it_writes(raw in "[+0-9 ()-]{0,20}|voicemail") {
            if let Ok(destination) = Destination::parse(&raw) {
                prop_assert_eq!(Destination::parse(&destination.to_string()).unwrap(), destination.clone());
                // Written with its `+`, a number never reads back as an extension, however
                // short its country allows it to be (`+430000`).
                if let Destination::Number(n) = &destination {
                    prop_assert!(n.as_str().starts_with('+'));
                }
            }
        }

        #[test]
        fn accepted_sip_passwords_are_printable_ascii_without_spaces(raw in "\\PC{0,70}") {
            if let Ok(password) = SipPassword::parse(&raw) {
                let s = password.expose();
                prop_assert!((16..=64).contains(&s.len()));
                prop_assert!(s.bytes().all(|b| b.is_ascii_graphic()));
            }
        }

        #[test]
        fn every_well_formed_device_name_is_accepted_lowercased(name in "[A-Za-z0-9._-]{1,32}") {
            prop_assert_eq!(DeviceName::parse(&name).unwrap().to_string(), name.to_ascii_lowercase());
        }
    }
}
