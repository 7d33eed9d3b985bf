//! Devices (SIP registrations): their names, passwords, the phones they are provisioned on and
//! their settings (NetSapiens' device fields, declared once in [`DEVICE_FIELDS`]); and where
//! calls are forwarded.

use super::extension::check_name_characters;
use super::field::{text_newtype, Invalid, Parse};
use super::fields::{declare_form, FieldContext};
use super::text::bounded_text;
use super::user::Device;
use super::user_settings::number_newtype;
use super::wire_enum::wire_enum;
use super::{
    Description, EmergencyAddressId, Extension, FieldErrors, Hostname, PhoneNumber, Recording,
    Seconds3600, SmtpPassword, YesNo,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A page of a domain's devices and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceList {
    pub total: u64,
    pub items: Vec<Device>,
}

/// The parts of a device's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeviceSection {
    /// What its calls carry and do: emergency caller ID and address, recording, answering.
    Calls,
    /// How it registers and talks SIP.
    Sip,
    /// How its phone is provisioned.
    Provisioning,
}

impl DeviceSection {
    pub const ALL: [DeviceSection; 3] = [
        DeviceSection::Calls,
        DeviceSection::Sip,
        DeviceSection::Provisioning,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DeviceSection::Calls => "Calls",
            DeviceSection::Sip => "SIP",
            DeviceSection::Provisioning => "Provisioning",
        }
    }
}

declare_form! {
    /// A device's settings as typed (or sent to the API), every one text, named as in
    /// NetSapiens' device. A blank one takes NetSapiens' default.
    form DeviceSettingsForm;
    /// A device's settings, every one valid. Roster stores and returns them; its SIP server acts
    /// on none of them, and it provisions no phones (see the README).
    values DeviceSettings;
    /// Every setting of a device, in order: every member of NetSapiens' device body beside the
    /// device's name, SIP password, MAC address and model (which have columns of their own).
    table DEVICE_FIELDS: [DeviceSection];

    setting caller_id_number_emergency: req EmergencyCallerId = "[*]",
        "caller-id-number-emergency", Calls,
        "Emergency caller ID", "A number with its country code, or [*] (or blank): the user's.";
    setting emergency_address_id: opt EmergencyAddressId, "emergency-address-id", Calls,
        "Emergency address ID", "The address given to emergency services for calls from this device. Blank: the user's.";
    setting recording_configuration: req Recording = "no", "recording-configuration", Calls,
        "Call recording", "Whether this device's calls are recorded.";
    setting device_level_call_recording_enabled: req YesNo = "no",
        "device-level-call-recording-enabled", Calls,
        "Record at the device", "Recording set on the device rather than on its user.";
    setting auto_answer_enabled: req YesNo = "no", "auto-answer-enabled", Calls,
        "Auto answer", "The phone answers calls by itself (intercom).";
    setting device_force_notify_new_voicemails_enabled: req YesNo = "no",
        "device-force-notify-new-voicemails-enabled", Calls,
        "Always notify new voicemail", "Tell the phone of new voicemail even when it did not ask.";
    setting device_push_enabled: req YesNo = "yes", "device-push-enabled", Calls,
        "Push notifications", "Wake a mobile app with a push notification for a call.";
    setting device_sip_registration_expiry_seconds: req Seconds3600 = "60",
        "device-sip-registration-expiry-seconds", Sip,
        "Registration expiry (seconds)", "How often the device is asked to register again: 0 to 3600.";
    setting device_sip_allowed_user_agent: opt Description, "device-sip-allowed-user-agent", Sip,
        "Allowed user agent", "Only a device whose user agent contains this may register. Blank: any.";
    setting device_sip_nat_traversal_enabled: req NatTraversal = "automatic",
        "device-sip-nat-traversal-enabled", Sip,
        "NAT traversal", "How a device behind NAT is reached; automatic suits nearly all.";
    setting device_srtp_enabled: req Srtp = "no", "device-srtp-enabled", Sip,
        "SRTP", "Encrypted audio: always, never, or when the other end offers it.";
    setting device_sip_no_to_tag_in_cancel: req YesNo = "no", "device-sip-no-to-tag-in-cancel", Sip,
        "No To tag in CANCEL", "For phones that refuse a CANCEL whose To carries a tag.";
    setting device_sip_registration_ignore_for_presence_calculation: req YesNo = "no",
        "device-sip-registration-ignore-for-presence-calculation", Sip,
        "Ignore for presence", "Its registration does not count toward its user being online.";
    setting device_sip_registration_ignore_report_enabled: req YesNo = "no",
        "device-sip-registration-ignore-report-enabled", Sip,
        "Leave out of registration reports", "";
    setting device_provisioning_registration_core_server: opt Hostname,
        "device-provisioning-registration-core-server", Provisioning,
        "Registration server", "The SIP server the phone is provisioned to register with, such as sip.example.com.";
    setting device_provisioning_sip_transport_protocol: req SipTransport = "udp",
        "device-provisioning-sip-transport-protocol", Provisioning,
        "SIP transport", "What the phone is provisioned to register over.";
    setting device_provisioning_username: opt ProvisioningUsername, "device-provisioning-username",
        Provisioning,
        "Provisioning username", "What the phone logs in with to fetch its configuration.";
    /// Any bounded secret text will do: the phone's password, kept and never shown.
    setting device_provisioning_password: secret SmtpPassword, "device-provisioning-password",
        Provisioning,
        "Provisioning password", "Kept and never shown; blank keeps it.";
    setting device_provisioning_line: opt ProvisioningLine, "device-provisioning-line", Provisioning,
        "Line", "Which line of the phone this device is: 1 to 99.";
    setting device_provisioning_overrides: opt ProvisioningOverrides,
        "device-provisioning-overrides", Provisioning,
        "Overrides", "Lines added to the phone's configuration, as its maker writes them.";
}

impl DeviceSettings {
    /// The settings kept in a stored document (by wire name), as they were written; a setting
    /// the document leaves out is its default (a device stored before it had settings has `{}`).
    pub fn from_document(
        doc: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, FieldErrors> {
        let mut form = DeviceSettingsForm::default();
        form.read_settings(doc);
        form.parse(&FieldContext::STORED)
    }
}

impl DeviceSettingsForm {
    /// What a new device's settings start with: NetSapiens' defaults.
    pub fn new_device() -> Self {
        super::fields::with_defaults(DEVICE_FIELDS)
    }
}

wire_enum! {
    /// Whether a device's audio is encrypted (`device-srtp-enabled`).
    pub enum Srtp {
        Yes = "yes", "Always";
        No = "no", "Never";
        Opportunistic = "opportunistic", "When the other end offers it";
    }
}

wire_enum! {
    /// How a device behind NAT is reached (`device-sip-nat-traversal-enabled`).
    pub enum NatTraversal {
        Automatic = "automatic", "Automatic";
        Off = "none", "None";
        Never = "never", "Never";
        Fixed = "fixed", "Fixed";
    }
}

wire_enum! {
    /// The transport a phone is provisioned to use (`device-provisioning-sip-transport-protocol`).
    pub enum SipTransport {
        Udp = "udp", "UDP";
        Tcp = "tcp", "TCP";
        Tls = "tls", "TLS";
    }
}

/// The emergency caller ID of a device (`caller-id-number-emergency`): NetSapiens' `[*]`, the
/// user's (what a blank means too), or a phone number of the device's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum EmergencyCallerId {
    Users,
    Number(PhoneNumber),
}

impl EmergencyCallerId {
    /// How NetSapiens writes "the user's".
    pub const USERS: &'static str = "[*]";

    pub fn as_str(&self) -> &str {
        match self {
            EmergencyCallerId::Users => Self::USERS,
            EmergencyCallerId::Number(number) => number.as_str(),
        }
    }
}

impl Parse for EmergencyCallerId {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "" | Self::USERS => Ok(EmergencyCallerId::Users),
            number => PhoneNumber::parse(number).map(EmergencyCallerId::Number),
        }
    }
}

impl fmt::Display for EmergencyCallerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for EmergencyCallerId {
    type Error = Invalid;
    fn try_from(raw: String) -> Result<Self, Invalid> {
        Self::parse(&raw)
    }
}

impl From<EmergencyCallerId> for String {
    fn from(id: EmergencyCallerId) -> String {
        id.as_str().to_owned()
    }
}

/// The line of its phone a device is provisioned on (`device-provisioning-line`): 1 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ProvisioningLine(u32);
number_newtype!(ProvisioningLine, 1..=99, "A line from 1 to 99.");

/// The username a phone fetches its configuration with (`device-provisioning-username`): 1 to
/// 128 characters, no spaces or control characters, case kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvisioningUsername(String);
text_newtype!(ProvisioningUsername);

impl Parse for ProvisioningUsername {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = bounded_text(raw, 1, 128)?;
        if name.chars().any(char::is_whitespace) {
            return Err(Invalid::new("No spaces."));
        }
        Ok(Self(name))
    }
}

/// The longest [`ProvisioningOverrides`], in characters.
pub const OVERRIDES_MAX_LEN: usize = 4096;

/// Lines added to a phone's configuration (`device-provisioning-overrides`), as its maker writes
/// them: 1 to 4096 characters, several lines allowed (tabs too), no other control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvisioningOverrides(String);
text_newtype!(ProvisioningOverrides);

impl Parse for ProvisioningOverrides {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        let length = text.chars().count();
        if length == 0 {
            return Err(Invalid::new("Required."));
        }
        if length > OVERRIDES_MAX_LEN {
            return Err(Invalid::new(format!(
                "At most {OVERRIDES_MAX_LEN} characters (this has {length})."
            )));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(Invalid::new(
                "Control characters other than line breaks and tabs are not allowed.",
            ));
        }
        Ok(Self(text.to_owned()))
    }
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
    use crate::model::fields::{Control, Patch};

    fn settings(given: &[(&str, &str)]) -> Result<DeviceSettings, FieldErrors> {
        let mut form = DeviceSettingsForm::default();
        for (name, text) in given {
            assert!(form.set(name, (*text).to_owned()), "{name}");
        }
        form.parse(&FieldContext::default())
    }

    #[test]
    fn a_blank_device_has_netsapiens_defaults() {
        let blank = settings(&[]).unwrap();
        assert_eq!(blank.caller_id_number_emergency, EmergencyCallerId::Users);
        assert_eq!(blank.device_push_enabled, YesNo::Yes);
        assert_eq!(blank.auto_answer_enabled, YesNo::No);
        assert_eq!(blank.device_srtp_enabled, Srtp::No);
        assert_eq!(
            blank.device_sip_nat_traversal_enabled,
            NatTraversal::Automatic
        );
        assert_eq!(
            blank.device_provisioning_sip_transport_protocol,
            SipTransport::Udp
        );
        assert_eq!(blank.device_sip_registration_expiry_seconds.get(), 60);
        assert_eq!(blank.recording_configuration, Recording::No);
        assert_eq!(blank.emergency_address_id, None);
        assert_eq!(blank.device_provisioning_line, None);
        assert!(!blank.device_provisioning_password.is_set());
        assert_eq!(
            DeviceSettingsForm::new_device().parse(&FieldContext::default()),
            Ok(blank.clone())
        );
        assert_eq!(
            DeviceSettings::from_document(&serde_json::Map::new()),
            Ok(blank),
            "a device stored before it had settings has the defaults"
        );
    }

    /// (Every row's examples are tried with the other tables', in `user::tests`.)
    #[test]
    fn every_default_of_a_device_setting_with_choices_is_one_of_them() {
        for field in DEVICE_FIELDS {
            if let (Control::Choice(choices), Some(default)) = (field.control, field.default) {
                assert!(choices.iter().any(|(v, _)| *v == default), "{}", field.name);
            }
        }
    }

    #[test]
    fn the_emergency_caller_id_is_the_users_as_star_or_blank_or_a_number() {
        for users in ["[*]", " [*] ", ""] {
            assert_eq!(
                EmergencyCallerId::parse(users).unwrap(),
                EmergencyCallerId::Users
            );
        }
        let own = EmergencyCallerId::parse("(612) 555-0911").unwrap();
        assert_eq!(own.to_string(), "+16125550911");
        assert!(EmergencyCallerId::parse("[x]").is_err());
        let json =
            serde_json::to_value(settings(&[("caller-id-number-emergency", "[*]")]).unwrap())
                .unwrap();
        assert_eq!(json["caller-id-number-emergency"], "[*]");
    }

    #[test]
    fn every_bad_device_setting_is_named_at_once() {
        let bad = settings(&[
            ("device-srtp-enabled", "sometimes"),
            ("device-sip-nat-traversal-enabled", "auto"),
            ("device-provisioning-sip-transport-protocol", "sctp"),
            ("device-sip-registration-expiry-seconds", "3601"),
            ("device-provisioning-line", "0"),
            ("device-push-enabled", "maybe"),
            ("caller-id-number-emergency", "911!"),
            ("device-provisioning-registration-core-server", "not a host"),
            ("device-provisioning-username", "two words"),
        ])
        .unwrap_err();
        assert_eq!(
            bad.names(),
            [
                "caller-id-number-emergency",
                "device-push-enabled",
                "device-sip-registration-expiry-seconds",
                "device-sip-nat-traversal-enabled",
                "device-srtp-enabled",
                "device-provisioning-registration-core-server",
                "device-provisioning-sip-transport-protocol",
                "device-provisioning-username",
                "device-provisioning-line",
            ]
        );
        assert_eq!(
            bad.message_for("device-srtp-enabled"),
            Some("One of: yes, no, opportunistic.")
        );
    }

    #[test]
    fn device_settings_survive_the_document_the_form_and_json_and_a_change_keeps_the_rest() {
        let given = settings(&[
            ("caller-id-number-emergency", "+16125550911"),
            ("device-srtp-enabled", "opportunistic"),
            ("device-sip-registration-expiry-seconds", "300"),
            ("device-provisioning-line", "2"),
            ("device-provisioning-password", "phone secret"),
            ("device-provisioning-overrides", "a = 1\nb = 2"),
        ])
        .unwrap();
        // The document keeps the secret; the form and JSON never show it.
        let doc = given.settings();
        assert_eq!(doc["device-provisioning-password"], "phone secret");
        assert_eq!(doc["device-sip-registration-expiry-seconds"], 300);
        assert_eq!(DeviceSettings::from_document(&doc), Ok(given.clone()));
        assert_eq!(given.to_form().device_provisioning_password, "");
        let json = serde_json::to_value(&given).unwrap();
        assert!(json["device-provisioning-password"].is_null());
        assert_eq!(json["device-provisioning-line"], 2);
        let mut back: DeviceSettings = serde_json::from_value(json).unwrap();
        back.device_provisioning_password = given.device_provisioning_password.clone();
        assert_eq!(back, given);
        // A change of one setting keeps the others, and a blank secret keeps its value.
        let mut changed = given.clone();
        let mut errors = FieldErrors::default();
        for (name, text) in Patch::one("auto-answer-enabled", "yes")
            .0
            .iter()
            .chain(&Patch::one("device-provisioning-password", "").0)
        {
            assert!(changed.apply(name, text, &FieldContext::default(), &mut errors));
        }
        assert!(errors.is_empty());
        assert_eq!(changed.auto_answer_enabled, YesNo::Yes);
        assert_eq!(
            changed.device_provisioning_password,
            given.device_provisioning_password
        );
        assert_eq!(changed.device_srtp_enabled, Srtp::Opportunistic);
    }

    #[test]
    fn provisioning_lines_usernames_and_overrides_are_bounded() {
        assert_eq!(ProvisioningLine::parse("99").unwrap().get(), 99);
        assert!(ProvisioningLine::parse("0").is_err());
        assert!(ProvisioningLine::parse("100").is_err());
        assert_eq!(
            ProvisioningUsername::parse(" Admin_1 ").unwrap().as_str(),
            "Admin_1"
        );
        assert!(ProvisioningUsername::parse(&"u".repeat(129)).is_err());
        let lines = "account.1.label = Desk\n\tfeatures.dnd = 1";
        assert_eq!(ProvisioningOverrides::parse(lines).unwrap().as_str(), lines);
        assert!(ProvisioningOverrides::parse("a\u{7}b").is_err());
        assert!(ProvisioningOverrides::parse(&"x".repeat(OVERRIDES_MAX_LEN)).is_ok());
        assert!(ProvisioningOverrides::parse(&"x".repeat(OVERRIDES_MAX_LEN + 1)).is_err());
    }

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
