//! A telephony user: NetSapiens' "Create User in Domain", field for field and with its names,
//! plus Servetel's status and login switches, and what is created with the user in the same step
//! (Wazo's "new way"): a SIP device, the voicemail box, phone numbers, an answer rule, groups.
//!
//! [`USER_FIELDS`] is the one description of the form: the wizard renders its steps from it and
//! checks each field with its `check`, which is the parser [`UserForm::parse`] runs on the server.

use super::domain::DomainSettings;
use super::{
    optional, text_of, AreaCode, CallLimit, CallerIdName, Department, Destination, DeviceName,
    DialPlan, DialPolicy, DomainName, DtmfMapping, DtmfOrder, EmailList, EmergencyAddressId,
    Extension, FieldErrors, GreetingIndex, GroupName, Invalid, Language, Login, Parse, PersonName,
    PhoneNumber, Pin, Recording, Scope, Seconds3600, ServiceCode, SipPassword, SiteName,
    StatusMessage, StorageKilobytes, TimeZone, Transcription, UserStatus, VoicemailEmailBehavior,
    YesNo,
};
use serde::{Deserialize, Serialize};

/// The wizard's steps, in order (the review step follows the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    Identity,
    Login,
    Organization,
    Voicemail,
    CallerId,
    Devices,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Identity,
        Step::Login,
        Step::Organization,
        Step::Voicemail,
        Step::CallerId,
        Step::Devices,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::Identity => "Identity",
            Step::Login => "Login & scope",
            Step::Organization => "Organization",
            Step::Voicemail => "Voicemail",
            Step::CallerId => "Caller ID & calling",
            Step::Devices => "Devices & numbers",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Step::Identity => "identity",
            Step::Login => "login",
            Step::Organization => "organization",
            Step::Voicemail => "voicemail",
            Step::CallerId => "caller-id",
            Step::Devices => "devices",
        }
    }

    /// The step a field (or a field path such as `phone-numbers[1]`) is shown on.
    pub fn of_field(path: &str) -> Step {
        let name = path.split('[').next().unwrap_or(path);
        USER_FIELDS
            .iter()
            .find(|f| f.name == name)
            .map_or(Step::Identity, |f| f.step)
    }
}

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Text,
    /// Not echoed on screen, and never sent back with an error.
    Secret,
    YesNo,
    /// One of fixed choices: (value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A name from the IANA database, with suggestions.
    TimeZone,
}

/// What checking a field needs to know about its domain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldContext {
    /// The domain allows extensions with letters.
    pub alphanumeric_extensions: bool,
}

/// One field of the user form.
pub struct UserField {
    /// The NetSapiens name, used on the wire and as the form input's name.
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub step: Step,
    pub control: Control,
    /// Must not be left blank.
    pub required: bool,
    /// The check run as the field is typed: the same parser the server runs.
    pub check: fn(&str, &FieldContext) -> Result<(), Invalid>,
    pub get: fn(&UserForm) -> &str,
}

fn req<T: Parse>(raw: &str, _: &FieldContext) -> Result<(), Invalid> {
    T::parse(raw).map(drop)
}

fn opt<T: Parse>(raw: &str, _: &FieldContext) -> Result<(), Invalid> {
    optional::<T>(raw).map(drop)
}

fn check_extension(raw: &str, cx: &FieldContext) -> Result<(), Invalid> {
    parse_extension(raw, cx).map(drop)
}

fn check_extensions(raw: &str, cx: &FieldContext) -> Result<(), Invalid> {
    split_list(raw).try_for_each(|item| parse_extension(item, cx).map(drop))
}

fn check_list<T: Parse>(raw: &str, _: &FieldContext) -> Result<(), Invalid> {
    split_list(raw).try_for_each(|item| T::parse(item).map(drop))
}

fn parse_extension(raw: &str, cx: &FieldContext) -> Result<Extension, Invalid> {
    if cx.alphanumeric_extensions {
        Extension::parse_alphanumeric(raw)
    } else {
        Extension::parse(raw)
    }
}

/// The items of a list typed as text: separated by commas, semicolons or line breaks (not by
/// spaces, which phone numbers and group names contain), trimmed, blanks skipped.
pub fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

const SCOPES: &[(&str, &str)] = &[
    ("Basic User", "Basic User"),
    ("Simple User", "Simple User"),
    ("Advanced User", "Advanced User"),
    ("Call Center Agent", "Call Center Agent"),
    ("Call Center Supervisor", "Call Center Supervisor"),
    ("Site Manager", "Site Manager"),
    ("Office Manager", "Office Manager"),
    ("Reseller", "Reseller"),
    ("Super User", "Super User"),
    ("NDP", "NDP"),
    ("No Portal", "No Portal"),
];
const STATUSES: &[(&str, &str)] = &[("enabled", "Enabled"), ("disabled", "Disabled")];
const VOICEMAIL_EMAIL: &[(&str, &str)] = &[
    ("no", "No e-mail"),
    ("yes", "E-mail a notice"),
    ("attnew", "Attach, keep as new"),
    ("attsave", "Attach, save"),
    ("atttrash", "Attach, delete"),
    ("brief", "Brief notice"),
    ("briefattnew", "Brief, attach, keep as new"),
    ("briefattsave", "Brief, attach, save"),
    ("briefatttrash", "Brief, attach, delete"),
];
const TRANSCRIPTION: &[(&str, &str)] = &[
    ("no", "None"),
    ("Deepgram", "Deepgram"),
    ("Google", "Google"),
    ("Mutare", "Mutare"),
    ("Voicebase", "Voicebase"),
];
const RECORDING: &[(&str, &str)] = &[
    ("no", "Do not record"),
    ("yes", "Record"),
    ("yes-with-transcription", "Record and transcribe"),
    (
        "yes-with-transcription-and-sentiment",
        "Record, transcribe, analyse sentiment",
    ),
];

macro_rules! field {
    ($name:literal, $member:ident, $label:literal, $hint:literal, $step:ident, $control:expr, $required:literal, $check:expr) => {
        UserField {
            name: $name,
            label: $label,
            hint: $hint,
            step: Step::$step,
            control: $control,
            required: $required,
            check: $check,
            get: |f| &f.$member,
        }
    };
}

use Control::{Choice, Secret, Text, YesNo as Switch};

/// Every field of the form, in the order of the wizard.
pub const USER_FIELDS: &[UserField] = &[
    field!(
        "user",
        user,
        "Extension",
        "The user's main extension.",
        Identity,
        Text,
        true,
        check_extension
    ),
    field!(
        "name-first-name",
        name_first_name,
        "First name",
        "",
        Identity,
        Text,
        true,
        req::<PersonName>
    ),
    field!(
        "name-last-name",
        name_last_name,
        "Last name",
        "",
        Identity,
        Text,
        true,
        req::<PersonName>
    ),
    field!(
        "login-username",
        login_username,
        "Portal login",
        "Blank for extension@domain. Unique across the system.",
        Login,
        Text,
        false,
        opt::<Login>
    ),
    field!(
        "email",
        email,
        "E-mail",
        "One or more addresses, separated by ;",
        Login,
        Text,
        true,
        req::<EmailList>
    ),
    field!(
        "user-scope",
        user_scope,
        "Scope",
        "What the user may do in the portal.",
        Login,
        Choice(SCOPES),
        true,
        req::<Scope>
    ),
    field!(
        "status",
        status,
        "Status",
        "A disabled user cannot log in or make calls.",
        Login,
        Choice(STATUSES),
        true,
        req::<UserStatus>
    ),
    field!(
        "block-web-login",
        block_web_login,
        "Block web login",
        "",
        Login,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "login-based-calling",
        login_based_calling,
        "Login-based calling",
        "Calls work only while logged in to the app.",
        Login,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "department",
        department,
        "Department",
        "Free text; existing ones are suggested.",
        Organization,
        Text,
        false,
        opt::<Department>
    ),
    field!(
        "site",
        site,
        "Site",
        "A new name creates the site.",
        Organization,
        Text,
        false,
        opt::<SiteName>
    ),
    field!(
        "time-zone",
        time_zone,
        "Time zone",
        "",
        Organization,
        Control::TimeZone,
        true,
        req::<TimeZone>
    ),
    field!(
        "language-token",
        language_token,
        "Language",
        "Such as en_US.",
        Organization,
        Text,
        true,
        req::<Language>
    ),
    field!(
        "status-message",
        status_message,
        "Status message",
        "",
        Organization,
        Text,
        false,
        req::<StatusMessage>
    ),
    field!(
        "service-code",
        service_code,
        "Service code",
        "Billing tag; codes starting with system- are hidden from lists.",
        Organization,
        Text,
        false,
        opt::<ServiceCode>
    ),
    field!(
        "voicemail-enabled",
        voicemail_enabled,
        "Voicemail",
        "Creates the user's voicemail box.",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "voicemail-login-pin",
        voicemail_login_pin,
        "Voicemail PIN",
        "4 to 15 digits.",
        Voicemail,
        Secret,
        false,
        opt::<Pin>
    ),
    field!(
        "voicemail-greeting-index",
        voicemail_greeting_index,
        "Greeting",
        "0 plays the standard greeting.",
        Voicemail,
        Text,
        true,
        req::<GreetingIndex>
    ),
    field!(
        "voicemail-user-control-enabled",
        voicemail_user_control_enabled,
        "User may manage voicemail",
        "",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "voicemail-receive-broadcast-enabled",
        voicemail_receive_broadcast_enabled,
        "Receive broadcasts",
        "",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "voicemail-playback-announce-datetime-received",
        voicemail_playback_announce_datetime_received,
        "Announce when received",
        "",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "voicemail-playback-announce-caller-id",
        voicemail_playback_announce_caller_id,
        "Announce caller ID",
        "",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "voicemail-playback-sort-newest-to-oldest",
        voicemail_playback_sort_newest_to_oldest,
        "Newest first",
        "",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "email-send-alert-new-voicemail-behavior",
        email_send_alert_new_voicemail_behavior,
        "New voicemail e-mail",
        "",
        Voicemail,
        Choice(VOICEMAIL_EMAIL),
        true,
        req::<VoicemailEmailBehavior>
    ),
    field!(
        "email-send-alert-new-voicemail-cc-list-csv",
        email_send_alert_new_voicemail_cc_list_csv,
        "Copy new voicemail to",
        "Extensions of this domain, separated by commas.",
        Voicemail,
        Text,
        false,
        check_extensions
    ),
    field!(
        "voicemail-transcription-enabled",
        voicemail_transcription_enabled,
        "Transcription",
        "",
        Voicemail,
        Choice(TRANSCRIPTION),
        true,
        req::<Transcription>
    ),
    field!(
        "limits-max-data-storage-kilobytes",
        limits_max_data_storage_kilobytes,
        "Storage limit (KB)",
        "Blank for no limit.",
        Voicemail,
        Text,
        false,
        opt::<StorageKilobytes>
    ),
    field!(
        "email-send-alert-new-missed-call-enabled",
        email_send_alert_new_missed_call_enabled,
        "E-mail missed calls",
        "",
        Voicemail,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "caller-id-name",
        caller_id_name,
        "Caller ID name",
        "",
        CallerId,
        Text,
        false,
        opt::<CallerIdName>
    ),
    field!(
        "caller-id-number",
        caller_id_number,
        "Caller ID number",
        "With its country code, e.g. +1 612 555 0100.",
        CallerId,
        Text,
        false,
        opt::<PhoneNumber>
    ),
    field!(
        "caller-id-number-emergency",
        caller_id_number_emergency,
        "Emergency caller ID",
        "The number sent with emergency calls.",
        CallerId,
        Text,
        false,
        opt::<PhoneNumber>
    ),
    field!(
        "emergency-address-id",
        emergency_address_id,
        "Emergency address ID",
        "",
        CallerId,
        Text,
        false,
        opt::<EmergencyAddressId>
    ),
    field!(
        "area-code",
        area_code,
        "Area code",
        "Used when the user dials seven digits.",
        CallerId,
        Text,
        false,
        opt::<AreaCode>
    ),
    field!(
        "privacy",
        privacy,
        "Hide caller ID",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "dial-plan",
        dial_plan,
        "Dial plan",
        "",
        CallerId,
        Text,
        true,
        req::<DialPlan>
    ),
    field!(
        "dial-policy",
        dial_policy,
        "Dial policy",
        "",
        CallerId,
        Text,
        true,
        req::<DialPolicy>
    ),
    field!(
        "ring-no-answer-timeout-seconds",
        ring_no_answer_timeout_seconds,
        "Ring time (seconds)",
        "0 to 3600.",
        CallerId,
        Text,
        true,
        req::<Seconds3600>
    ),
    field!(
        "limits-max-active-calls-total",
        limits_max_active_calls_total,
        "Simultaneous calls",
        "Blank for no limit.",
        CallerId,
        Text,
        false,
        opt::<CallLimit>
    ),
    field!(
        "reject-anonymous-calls-enabled",
        reject_anonymous_calls_enabled,
        "Reject anonymous calls",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "call-screening-enabled",
        call_screening_enabled,
        "Call screening",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "phone-numbers-to-allow-enabled",
        phone_numbers_to_allow_enabled,
        "Allow list",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "phone-numbers-to-reject-enabled",
        phone_numbers_to_reject_enabled,
        "Reject list",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "recording-configuration",
        recording_configuration,
        "Call recording",
        "",
        CallerId,
        Choice(RECORDING),
        true,
        req::<Recording>
    ),
    field!(
        "call-recordings-hide-from-others-enabled",
        call_recordings_hide_from_others_enabled,
        "Hide recordings from others",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "music-on-hold-randomized-enabled",
        music_on_hold_randomized_enabled,
        "Shuffle music on hold",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "music-on-hold-comfort-message-repeat-interval-seconds",
        music_on_hold_comfort_message_repeat_interval_seconds,
        "Hold message every (seconds)",
        "Blank for none.",
        CallerId,
        Text,
        false,
        opt::<Seconds3600>
    ),
    field!(
        "directory-name-number-dtmf-mapping",
        directory_name_number_dtmf_mapping,
        "Dial-by-name digits",
        "Blank to compute from the last name (Smith → 764).",
        CallerId,
        Text,
        false,
        opt::<DtmfMapping>
    ),
    field!(
        "directory-override-order-duplicate-dtmf-mapping",
        directory_override_order_duplicate_dtmf_mapping,
        "Dial-by-name order",
        "0 to 100, for users sharing digits.",
        CallerId,
        Text,
        false,
        opt::<DtmfOrder>
    ),
    field!(
        "directory-announce-in-dial-by-name-enabled",
        directory_announce_in_dial_by_name_enabled,
        "Announce in dial-by-name",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "directory-name-visible-in-list-enabled",
        directory_name_visible_in_list_enabled,
        "Listed in the directory",
        "",
        CallerId,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "device",
        device,
        "SIP device",
        "The user part of sip:device@domain. Blank for the extension.",
        Devices,
        Text,
        false,
        opt::<DeviceName>
    ),
    field!(
        "device-sip-registration-password",
        device_sip_registration_password,
        "SIP password",
        "Blank to generate one (16+ characters).",
        Devices,
        Secret,
        false,
        opt::<SipPassword>
    ),
    field!(
        "phone-numbers",
        phone_numbers,
        "Phone numbers (DIDs)",
        "Routed to this user; separated by commas.",
        Devices,
        Text,
        false,
        check_list::<PhoneNumber>
    ),
    field!(
        "forward-always",
        forward_always,
        "Always forward to",
        "An extension, a phone number, or voicemail.",
        Devices,
        Text,
        false,
        opt::<Destination>
    ),
    field!(
        "forward-on-busy",
        forward_on_busy,
        "When busy, forward to",
        "",
        Devices,
        Text,
        false,
        opt::<Destination>
    ),
    field!(
        "forward-no-answer",
        forward_no_answer,
        "When not answered, forward to",
        "",
        Devices,
        Text,
        false,
        opt::<Destination>
    ),
    field!(
        "forward-when-unregistered",
        forward_when_unregistered,
        "When offline, forward to",
        "",
        Devices,
        Text,
        false,
        opt::<Destination>
    ),
    field!(
        "do-not-disturb",
        do_not_disturb,
        "Do not disturb",
        "",
        Devices,
        Switch,
        true,
        req::<YesNo>
    ),
    field!(
        "simultaneous-ring",
        simultaneous_ring,
        "Also ring",
        "Destinations rung with the user, separated by commas.",
        Devices,
        Text,
        false,
        check_list::<Destination>
    ),
    field!(
        "groups",
        groups,
        "Groups",
        "Existing groups of the domain, separated by commas.",
        Devices,
        Text,
        false,
        check_list::<GroupName>
    ),
];

/// The user form as typed (or as sent to the API): every field is text, named as in NetSapiens.
/// Blank optional fields take the domain's defaults (see [`UserForm::parse`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct UserForm {
    pub user: String,
    pub name_first_name: String,
    pub name_last_name: String,
    pub login_username: String,
    #[serde(alias = "email-address")]
    pub email: String,
    pub user_scope: String,
    pub status: String,
    pub block_web_login: String,
    pub login_based_calling: String,
    pub department: String,
    pub site: String,
    pub time_zone: String,
    pub language_token: String,
    pub status_message: String,
    pub service_code: String,
    pub voicemail_enabled: String,
    pub voicemail_login_pin: String,
    pub voicemail_greeting_index: String,
    pub voicemail_user_control_enabled: String,
    pub voicemail_receive_broadcast_enabled: String,
    pub voicemail_playback_announce_datetime_received: String,
    pub voicemail_playback_announce_caller_id: String,
    pub voicemail_playback_sort_newest_to_oldest: String,
    pub email_send_alert_new_voicemail_behavior: String,
    pub email_send_alert_new_voicemail_cc_list_csv: String,
    pub voicemail_transcription_enabled: String,
    pub limits_max_data_storage_kilobytes: String,
    pub email_send_alert_new_missed_call_enabled: String,
    pub caller_id_name: String,
    pub caller_id_number: String,
    pub caller_id_number_emergency: String,
    pub emergency_address_id: String,
    pub area_code: String,
    pub privacy: String,
    pub dial_plan: String,
    pub dial_policy: String,
    pub ring_no_answer_timeout_seconds: String,
    pub limits_max_active_calls_total: String,
    pub reject_anonymous_calls_enabled: String,
    pub call_screening_enabled: String,
    pub phone_numbers_to_allow_enabled: String,
    pub phone_numbers_to_reject_enabled: String,
    pub recording_configuration: String,
    pub call_recordings_hide_from_others_enabled: String,
    pub music_on_hold_randomized_enabled: String,
    pub music_on_hold_comfort_message_repeat_interval_seconds: String,
    pub directory_name_number_dtmf_mapping: String,
    pub directory_override_order_duplicate_dtmf_mapping: String,
    pub directory_announce_in_dial_by_name_enabled: String,
    pub directory_name_visible_in_list_enabled: String,
    pub device: String,
    pub device_sip_registration_password: String,
    pub phone_numbers: String,
    pub forward_always: String,
    pub forward_on_busy: String,
    pub forward_no_answer: String,
    pub forward_when_unregistered: String,
    pub do_not_disturb: String,
    pub simultaneous_ring: String,
    pub groups: String,
}

/// Everything about a user beyond who it is and where it sits: NetSapiens' settings, with their
/// names. Stored as one document; every value is valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserSettings {
    pub time_zone: TimeZone,
    pub language_token: Language,
    pub status_message: StatusMessage,
    pub block_web_login: YesNo,
    pub login_based_calling: YesNo,
    pub voicemail_enabled: YesNo,
    pub voicemail_login_pin: Option<Pin>,
    pub voicemail_greeting_index: GreetingIndex,
    pub voicemail_user_control_enabled: YesNo,
    pub voicemail_receive_broadcast_enabled: YesNo,
    pub voicemail_playback_announce_datetime_received: YesNo,
    pub voicemail_playback_announce_caller_id: YesNo,
    pub voicemail_playback_sort_newest_to_oldest: YesNo,
    pub email_send_alert_new_voicemail_behavior: VoicemailEmailBehavior,
    pub email_send_alert_new_voicemail_cc_list_csv: Vec<Extension>,
    pub voicemail_transcription_enabled: Transcription,
    pub limits_max_data_storage_kilobytes: Option<StorageKilobytes>,
    pub email_send_alert_new_missed_call_enabled: YesNo,
    pub caller_id_name: Option<CallerIdName>,
    pub caller_id_number: Option<PhoneNumber>,
    pub caller_id_number_emergency: Option<PhoneNumber>,
    pub emergency_address_id: Option<EmergencyAddressId>,
    pub area_code: Option<AreaCode>,
    pub privacy: YesNo,
    pub dial_plan: DialPlan,
    pub dial_policy: DialPolicy,
    pub ring_no_answer_timeout_seconds: Seconds3600,
    pub limits_max_active_calls_total: Option<CallLimit>,
    pub reject_anonymous_calls_enabled: YesNo,
    pub call_screening_enabled: YesNo,
    pub phone_numbers_to_allow_enabled: YesNo,
    pub phone_numbers_to_reject_enabled: YesNo,
    pub recording_configuration: Recording,
    pub call_recordings_hide_from_others_enabled: YesNo,
    pub music_on_hold_randomized_enabled: YesNo,
    pub music_on_hold_comfort_message_repeat_interval_seconds: Option<Seconds3600>,
    pub directory_name_number_dtmf_mapping: Option<DtmfMapping>,
    pub directory_override_order_duplicate_dtmf_mapping: Option<DtmfOrder>,
    pub directory_announce_in_dial_by_name_enabled: YesNo,
    pub directory_name_visible_in_list_enabled: YesNo,
}

/// A user's default answer rule (time frame `*`): forwards, do-not-disturb, simultaneous ring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AnswerRule {
    pub forward_always: Option<Destination>,
    pub forward_on_busy: Option<Destination>,
    pub forward_no_answer: Option<Destination>,
    pub forward_when_unregistered: Option<Destination>,
    pub do_not_disturb: bool,
    pub simultaneous_ring: Vec<Destination>,
}

/// A SIP device to create with the user. Without a password, the server generates one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NewDevice {
    pub device: DeviceName,
    pub sip_password: Option<SipPassword>,
}

/// A user ready to be created in a domain, with everything to attach to it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub user: Extension,
    pub name_first_name: PersonName,
    pub name_last_name: PersonName,
    pub login_username: Login,
    pub email: EmailList,
    pub user_scope: Scope,
    pub status: UserStatus,
    pub department: Option<Department>,
    pub site: Option<SiteName>,
    pub service_code: Option<ServiceCode>,
    pub settings: UserSettings,
    pub devices: Vec<NewDevice>,
    pub phone_numbers: Vec<PhoneNumber>,
    pub answer_rule: AnswerRule,
    pub groups: Vec<GroupName>,
}

impl UserForm {
    /// A blank form for a new user of this domain, filled with the domain's defaults and
    /// NetSapiens' own.
    pub fn for_domain(d: &DomainSettings) -> Self {
        let yes = || "yes".to_owned();
        let no = || "no".to_owned();
        let text = |v: Option<String>| v.unwrap_or_default();
        Self {
            user_scope: Scope::BasicUser.as_str().to_owned(),
            status: UserStatus::Enabled.as_str().to_owned(),
            block_web_login: no(),
            login_based_calling: no(),
            time_zone: d.time_zone.to_string(),
            language_token: d.language_token.to_string(),
            voicemail_enabled: d.voicemail_enabled.as_str().to_owned(),
            voicemail_greeting_index: "0".into(),
            voicemail_user_control_enabled: yes(),
            voicemail_receive_broadcast_enabled: yes(),
            voicemail_playback_announce_datetime_received: no(),
            voicemail_playback_announce_caller_id: no(),
            voicemail_playback_sort_newest_to_oldest: yes(),
            email_send_alert_new_voicemail_behavior: "no".into(),
            voicemail_transcription_enabled: "no".into(),
            email_send_alert_new_missed_call_enabled: no(),
            caller_id_name: text(d.caller_id_name.as_ref().map(ToString::to_string)),
            caller_id_number: text(d.caller_id_number.as_ref().map(ToString::to_string)),
            area_code: text(d.area_code.map(|a| a.to_string())),
            privacy: no(),
            dial_plan: d.dial_plan.to_string(),
            dial_policy: d.dial_policy.to_string(),
            ring_no_answer_timeout_seconds: "25".into(),
            reject_anonymous_calls_enabled: no(),
            call_screening_enabled: yes(),
            phone_numbers_to_allow_enabled: yes(),
            phone_numbers_to_reject_enabled: yes(),
            recording_configuration: "no".into(),
            call_recordings_hide_from_others_enabled: no(),
            music_on_hold_randomized_enabled: no(),
            directory_announce_in_dial_by_name_enabled: yes(),
            directory_name_visible_in_list_enabled: yes(),
            do_not_disturb: no(),
            ..Self::default()
        }
    }

    /// Fills every blank field that has a default from the domain or NetSapiens, so that an API
    /// client may send only what it wants to set.
    pub fn with_defaults(&self, d: &DomainSettings) -> Self {
        let defaults = Self::for_domain(d);
        let mut form = self.clone();
        macro_rules! fill {
            ($($member:ident),*) => {$(
                if form.$member.trim().is_empty() { form.$member = defaults.$member.clone(); }
            )*};
        }
        fill!(
            user_scope,
            status,
            block_web_login,
            login_based_calling,
            time_zone,
            language_token,
            voicemail_enabled,
            voicemail_greeting_index,
            voicemail_user_control_enabled,
            voicemail_receive_broadcast_enabled,
            voicemail_playback_announce_datetime_received,
            voicemail_playback_announce_caller_id,
            voicemail_playback_sort_newest_to_oldest,
            email_send_alert_new_voicemail_behavior,
            voicemail_transcription_enabled,
            email_send_alert_new_missed_call_enabled,
            caller_id_name,
            caller_id_number,
            area_code,
            privacy,
            dial_plan,
            dial_policy,
            ring_no_answer_timeout_seconds,
            reject_anonymous_calls_enabled,
            call_screening_enabled,
            phone_numbers_to_allow_enabled,
            phone_numbers_to_reject_enabled,
            recording_configuration,
            call_recordings_hide_from_others_enabled,
            music_on_hold_randomized_enabled,
            directory_announce_in_dial_by_name_enabled,
            directory_name_visible_in_list_enabled,
            do_not_disturb
        );
        form
    }

    /// The form with its secrets blanked, safe to send back with an error or to log.
    pub fn without_secrets(&self) -> Self {
        Self {
            voicemail_login_pin: String::new(),
            device_sip_registration_password: String::new(),
            ..self.clone()
        }
    }

    /// Parses every field for a new user of `domain`, reporting every bad one at once. Blank
    /// defaults are filled first ([`UserForm::with_defaults`]).
    pub fn parse(
        &self,
        domain: &DomainSettings,
        cx: &FieldContext,
    ) -> Result<NewUser, FieldErrors> {
        let f = self.with_defaults(domain);
        let mut e = FieldErrors::default();
        let user = e.check("user", parse_extension(&f.user, cx));
        let first = e.check("name-first-name", PersonName::parse(&f.name_first_name));
        let last = e.check("name-last-name", PersonName::parse(&f.name_last_name));
        let login = e.check("login-username", optional::<Login>(&f.login_username));
        let email = e.check("email", EmailList::parse(&f.email));
        let scope = e.check("user-scope", Scope::parse(&f.user_scope));
        let status = e.check("status", UserStatus::parse(&f.status));
        let department = e.check("department", optional::<Department>(&f.department));
        let site = e.check("site", optional::<SiteName>(&f.site));
        let service_code = e.check("service-code", optional::<ServiceCode>(&f.service_code));
        let settings = parse_settings(&f, cx, &mut e);
        let device = e.check("device", optional::<DeviceName>(&f.device));
        let sip_password = e.check(
            "device-sip-registration-password",
            optional::<SipPassword>(&f.device_sip_registration_password),
        );
        let phone_numbers = parse_list::<PhoneNumber>("phone-numbers", &f.phone_numbers, &mut e);
        let answer_rule = parse_answer_rule(&f, &mut e);
        let groups = parse_list::<GroupName>("groups", &f.groups, &mut e);

        let (
            Some(user),
            Some(first),
            Some(last),
            Some(login),
            Some(email),
            Some(scope),
            Some(status),
            Some(department),
            Some(site),
            Some(service_code),
            Some(mut settings),
            Some(device),
            Some(sip_password),
            Some(phone_numbers),
            Some(answer_rule),
            Some(groups),
        ) = (
            user,
            first,
            last,
            login,
            email,
            scope,
            status,
            department,
            site,
            service_code,
            settings,
            device,
            sip_password,
            phone_numbers,
            answer_rule,
            groups,
        )
        else {
            return Err(e);
        };
        if settings.directory_name_number_dtmf_mapping.is_none() {
            settings.directory_name_number_dtmf_mapping = DtmfMapping::from_name(last.as_str());
        }
        let login_username = match login {
            Some(login) => login,
            None => default_login(&user, &domain.domain)
                .map_err(|m| FieldErrors::one("login-username", m.0))?,
        };
        // NetSapiens registers a user's first device under its extension unless told otherwise.
        let device = match device {
            Some(device) => device,
            None => {
                DeviceName::parse(user.as_str()).map_err(|m| FieldErrors::one("device", m.0))?
            }
        };
        Ok(NewUser {
            user,
            name_first_name: first,
            name_last_name: last,
            login_username,
            email,
            user_scope: scope,
            status,
            department,
            site,
            service_code,
            settings,
            devices: vec![NewDevice {
                device,
                sip_password,
            }],
            phone_numbers,
            answer_rule,
            groups,
        })
    }
}

/// NetSapiens' default login: `extension@domain`.
pub fn default_login(user: &Extension, domain: &DomainName) -> Result<Login, Invalid> {
    Login::parse(&format!("{user}@{domain}"))
}

fn parse_list<T: Parse>(field: &str, raw: &str, e: &mut FieldErrors) -> Option<Vec<T>> {
    let mut items = Vec::new();
    let mut ok = true;
    for (i, item) in split_list(raw).enumerate() {
        match T::parse(item) {
            Ok(v) => items.push(v),
            Err(Invalid(message)) => {
                e.add(format!("{field}[{i}]"), format!("{item}: {message}"));
                ok = false;
            }
        }
    }
    ok.then_some(items)
}

fn parse_answer_rule(f: &UserForm, e: &mut FieldErrors) -> Option<AnswerRule> {
    let always = e.check("forward-always", optional::<Destination>(&f.forward_always));
    let busy = e.check(
        "forward-on-busy",
        optional::<Destination>(&f.forward_on_busy),
    );
    let no_answer = e.check(
        "forward-no-answer",
        optional::<Destination>(&f.forward_no_answer),
    );
    let offline = e.check(
        "forward-when-unregistered",
        optional::<Destination>(&f.forward_when_unregistered),
    );
    let dnd = e.check("do-not-disturb", YesNo::parse(&f.do_not_disturb));
    let ring = parse_list::<Destination>("simultaneous-ring", &f.simultaneous_ring, e);
    Some(AnswerRule {
        forward_always: always?,
        forward_on_busy: busy?,
        forward_no_answer: no_answer?,
        forward_when_unregistered: offline?,
        do_not_disturb: dnd? == YesNo::Yes,
        simultaneous_ring: ring?,
    })
}

fn parse_settings(f: &UserForm, cx: &FieldContext, e: &mut FieldErrors) -> Option<UserSettings> {
    macro_rules! req {
        ($t:ty, $name:literal, $member:ident) => {
            e.check($name, <$t>::parse(&f.$member))
        };
    }
    macro_rules! opt {
        ($t:ty, $name:literal, $member:ident) => {
            e.check($name, optional::<$t>(&f.$member))
        };
    }
    let cc = {
        let mut list = Vec::new();
        let mut ok = true;
        for (i, item) in split_list(&f.email_send_alert_new_voicemail_cc_list_csv).enumerate() {
            match parse_extension(item, cx) {
                Ok(x) => list.push(x),
                Err(Invalid(m)) => {
                    e.add(
                        format!("email-send-alert-new-voicemail-cc-list-csv[{i}]"),
                        format!("{item}: {m}"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(list)
    };
    let s = (
        req!(TimeZone, "time-zone", time_zone),
        req!(Language, "language-token", language_token),
        req!(StatusMessage, "status-message", status_message),
        req!(YesNo, "block-web-login", block_web_login),
        req!(YesNo, "login-based-calling", login_based_calling),
        req!(YesNo, "voicemail-enabled", voicemail_enabled),
        opt!(Pin, "voicemail-login-pin", voicemail_login_pin),
        req!(
            GreetingIndex,
            "voicemail-greeting-index",
            voicemail_greeting_index
        ),
        req!(
            YesNo,
            "voicemail-user-control-enabled",
            voicemail_user_control_enabled
        ),
        req!(
            YesNo,
            "voicemail-receive-broadcast-enabled",
            voicemail_receive_broadcast_enabled
        ),
    );
    let t = (
        req!(
            YesNo,
            "voicemail-playback-announce-datetime-received",
            voicemail_playback_announce_datetime_received
        ),
        req!(
            YesNo,
            "voicemail-playback-announce-caller-id",
            voicemail_playback_announce_caller_id
        ),
        req!(
            YesNo,
            "voicemail-playback-sort-newest-to-oldest",
            voicemail_playback_sort_newest_to_oldest
        ),
        req!(
            VoicemailEmailBehavior,
            "email-send-alert-new-voicemail-behavior",
            email_send_alert_new_voicemail_behavior
        ),
        req!(
            Transcription,
            "voicemail-transcription-enabled",
            voicemail_transcription_enabled
        ),
        opt!(
            StorageKilobytes,
            "limits-max-data-storage-kilobytes",
            limits_max_data_storage_kilobytes
        ),
        req!(
            YesNo,
            "email-send-alert-new-missed-call-enabled",
            email_send_alert_new_missed_call_enabled
        ),
        opt!(CallerIdName, "caller-id-name", caller_id_name),
        opt!(PhoneNumber, "caller-id-number", caller_id_number),
        opt!(
            PhoneNumber,
            "caller-id-number-emergency",
            caller_id_number_emergency
        ),
    );
    let u = (
        opt!(
            EmergencyAddressId,
            "emergency-address-id",
            emergency_address_id
        ),
        opt!(AreaCode, "area-code", area_code),
        req!(YesNo, "privacy", privacy),
        req!(DialPlan, "dial-plan", dial_plan),
        req!(DialPolicy, "dial-policy", dial_policy),
        req!(
            Seconds3600,
            "ring-no-answer-timeout-seconds",
            ring_no_answer_timeout_seconds
        ),
        opt!(
            CallLimit,
            "limits-max-active-calls-total",
            limits_max_active_calls_total
        ),
        req!(
            YesNo,
            "reject-anonymous-calls-enabled",
            reject_anonymous_calls_enabled
        ),
        req!(YesNo, "call-screening-enabled", call_screening_enabled),
        req!(
            YesNo,
            "phone-numbers-to-allow-enabled",
            phone_numbers_to_allow_enabled
        ),
    );
    let v = (
        req!(
            YesNo,
            "phone-numbers-to-reject-enabled",
            phone_numbers_to_reject_enabled
        ),
        req!(
            Recording,
            "recording-configuration",
            recording_configuration
        ),
        req!(
            YesNo,
            "call-recordings-hide-from-others-enabled",
            call_recordings_hide_from_others_enabled
        ),
        req!(
            YesNo,
            "music-on-hold-randomized-enabled",
            music_on_hold_randomized_enabled
        ),
        opt!(
            Seconds3600,
            "music-on-hold-comfort-message-repeat-interval-seconds",
            music_on_hold_comfort_message_repeat_interval_seconds
        ),
        opt!(
            DtmfMapping,
            "directory-name-number-dtmf-mapping",
            directory_name_number_dtmf_mapping
        ),
        opt!(
            DtmfOrder,
            "directory-override-order-duplicate-dtmf-mapping",
            directory_override_order_duplicate_dtmf_mapping
        ),
        req!(
            YesNo,
            "directory-announce-in-dial-by-name-enabled",
            directory_announce_in_dial_by_name_enabled
        ),
        req!(
            YesNo,
            "directory-name-visible-in-list-enabled",
            directory_name_visible_in_list_enabled
        ),
    );
    let cc = cc?;
    Some(UserSettings {
        time_zone: s.0?,
        language_token: s.1?,
        status_message: s.2?,
        block_web_login: s.3?,
        login_based_calling: s.4?,
        voicemail_enabled: s.5?,
        voicemail_login_pin: s.6?,
        voicemail_greeting_index: s.7?,
        voicemail_user_control_enabled: s.8?,
        voicemail_receive_broadcast_enabled: s.9?,
        voicemail_playback_announce_datetime_received: t.0?,
        voicemail_playback_announce_caller_id: t.1?,
        voicemail_playback_sort_newest_to_oldest: t.2?,
        email_send_alert_new_voicemail_behavior: t.3?,
        email_send_alert_new_voicemail_cc_list_csv: cc,
        voicemail_transcription_enabled: t.4?,
        limits_max_data_storage_kilobytes: t.5?,
        email_send_alert_new_missed_call_enabled: t.6?,
        caller_id_name: t.7?,
        caller_id_number: t.8?,
        caller_id_number_emergency: t.9?,
        emergency_address_id: u.0?,
        area_code: u.1?,
        privacy: u.2?,
        dial_plan: u.3?,
        dial_policy: u.4?,
        ring_no_answer_timeout_seconds: u.5?,
        limits_max_active_calls_total: u.6?,
        reject_anonymous_calls_enabled: u.7?,
        call_screening_enabled: u.8?,
        phone_numbers_to_allow_enabled: u.9?,
        phone_numbers_to_reject_enabled: v.0?,
        recording_configuration: v.1?,
        call_recordings_hide_from_others_enabled: v.2?,
        music_on_hold_randomized_enabled: v.3?,
        music_on_hold_comfort_message_repeat_interval_seconds: v.4?,
        directory_name_number_dtmf_mapping: v.5?,
        directory_override_order_duplicate_dtmf_mapping: v.6?,
        directory_announce_in_dial_by_name_enabled: v.7?,
        directory_name_visible_in_list_enabled: v.8?,
    })
}

/// A stored user, as the managers of its domain see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct User {
    pub domain: DomainName,
    pub user: Extension,
    pub name_first_name: PersonName,
    pub name_last_name: PersonName,
    pub login_username: Login,
    pub email: EmailList,
    pub user_scope: Scope,
    pub status: UserStatus,
    pub department: Option<Department>,
    pub site: Option<SiteName>,
    pub service_code: Option<ServiceCode>,
    #[serde(flatten)]
    pub settings: UserSettings,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// A SIP device of a user. The password is present only for callers allowed to see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Device {
    pub device: DeviceName,
    pub device_sip_registration_password: Option<String>,
}

/// A user with everything attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: User,
    pub devices: Vec<Device>,
    /// The mailbox of the user's voicemail box, if it has one.
    pub voicemail_box: Option<Extension>,
    pub phone_numbers: Vec<PhoneNumber>,
    pub answer_rule: AnswerRule,
    pub groups: Vec<GroupName>,
    /// Whether the user has a voicemail PIN (the PIN itself never leaves the server).
    #[serde(default)]
    pub voicemail_pin_set: bool,
}

impl UserDetail {
    /// The detail as it may be sent out: the voicemail PIN is replaced by whether one is set.
    pub fn without_pin(mut self) -> Self {
        self.voicemail_pin_set = self.user.settings.voicemail_login_pin.is_some();
        self.user.settings.voicemail_login_pin = None;
        self
    }

    /// The detail as its own user sees it: no voicemail PIN and no SIP passwords (those are for
    /// managers of the domain).
    pub fn without_secrets(mut self) -> Self {
        for device in &mut self.devices {
            device.device_sip_registration_password = None;
        }
        self.without_pin()
    }
}

impl From<&UserDetail> for UserForm {
    /// The form that shows a stored user, for editing. Secrets (the voicemail PIN, SIP
    /// passwords) are left blank: blank means "keep" when the form comes back.
    fn from(d: &UserDetail) -> Self {
        fn list<T: ToString>(items: &[T]) -> String {
            items
                .iter()
                .map(T::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
        let u = &d.user;
        let s = &u.settings;
        let r = &d.answer_rule;
        let yn = |v: YesNo| v.as_str().to_owned();
        Self {
            user: u.user.to_string(),
            name_first_name: u.name_first_name.to_string(),
            name_last_name: u.name_last_name.to_string(),
            login_username: u.login_username.to_string(),
            email: u.email.to_string(),
            user_scope: u.user_scope.as_str().to_owned(),
            status: u.status.as_str().to_owned(),
            block_web_login: yn(s.block_web_login),
            login_based_calling: yn(s.login_based_calling),
            department: text_of(&u.department),
            site: text_of(&u.site),
            time_zone: s.time_zone.to_string(),
            language_token: s.language_token.to_string(),
            status_message: s.status_message.to_string(),
            service_code: text_of(&u.service_code),
            voicemail_enabled: yn(s.voicemail_enabled),
            voicemail_login_pin: String::new(),
            voicemail_greeting_index: s.voicemail_greeting_index.to_string(),
            voicemail_user_control_enabled: yn(s.voicemail_user_control_enabled),
            voicemail_receive_broadcast_enabled: yn(s.voicemail_receive_broadcast_enabled),
            voicemail_playback_announce_datetime_received: yn(
                s.voicemail_playback_announce_datetime_received
            ),
            voicemail_playback_announce_caller_id: yn(s.voicemail_playback_announce_caller_id),
            voicemail_playback_sort_newest_to_oldest: yn(s.voicemail_playback_sort_newest_to_oldest),
            email_send_alert_new_voicemail_behavior: s
                .email_send_alert_new_voicemail_behavior
                .as_str()
                .to_owned(),
            email_send_alert_new_voicemail_cc_list_csv: list(
                &s.email_send_alert_new_voicemail_cc_list_csv,
            ),
            voicemail_transcription_enabled: s.voicemail_transcription_enabled.as_str().to_owned(),
            limits_max_data_storage_kilobytes: text_of(&s.limits_max_data_storage_kilobytes),
            email_send_alert_new_missed_call_enabled: yn(s.email_send_alert_new_missed_call_enabled),
            caller_id_name: text_of(&s.caller_id_name),
            caller_id_number: text_of(&s.caller_id_number),
            caller_id_number_emergency: text_of(&s.caller_id_number_emergency),
            emergency_address_id: text_of(&s.emergency_address_id),
            area_code: text_of(&s.area_code),
            privacy: yn(s.privacy),
            dial_plan: s.dial_plan.to_string(),
            dial_policy: s.dial_policy.to_string(),
            ring_no_answer_timeout_seconds: s.ring_no_answer_timeout_seconds.to_string(),
            limits_max_active_calls_total: text_of(&s.limits_max_active_calls_total),
            reject_anonymous_calls_enabled: yn(s.reject_anonymous_calls_enabled),
            call_screening_enabled: yn(s.call_screening_enabled),
            phone_numbers_to_allow_enabled: yn(s.phone_numbers_to_allow_enabled),
            phone_numbers_to_reject_enabled: yn(s.phone_numbers_to_reject_enabled),
            recording_configuration: s.recording_configuration.as_str().to_owned(),
            call_recordings_hide_from_others_enabled: yn(s.call_recordings_hide_from_others_enabled),
            music_on_hold_randomized_enabled: yn(s.music_on_hold_randomized_enabled),
            music_on_hold_comfort_message_repeat_interval_seconds: text_of(
                &s.music_on_hold_comfort_message_repeat_interval_seconds,
            ),
            directory_name_number_dtmf_mapping: text_of(&s.directory_name_number_dtmf_mapping),
            directory_override_order_duplicate_dtmf_mapping: text_of(
                &s.directory_override_order_duplicate_dtmf_mapping,
            ),
            directory_announce_in_dial_by_name_enabled: yn(
                s.directory_announce_in_dial_by_name_enabled
            ),
            directory_name_visible_in_list_enabled: yn(s.directory_name_visible_in_list_enabled),
            device: d
                .devices
                .first()
                .map(|x| x.device.to_string())
                .unwrap_or_default(),
            device_sip_registration_password: String::new(),
            phone_numbers: list(&d.phone_numbers),
            forward_always: text_of(&r.forward_always),
            forward_on_busy: text_of(&r.forward_on_busy),
            forward_no_answer: text_of(&r.forward_no_answer),
            forward_when_unregistered: text_of(&r.forward_when_unregistered),
            do_not_disturb: yn(YesNo::from(r.do_not_disturb)),
            simultaneous_ring: list(&r.simultaneous_ring),
            groups: list(&d.groups),
        }
    }
}

/// One line of the users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserSummary {
    pub user: Extension,
    pub name_first_name: PersonName,
    pub name_last_name: PersonName,
    pub login_username: Login,
    pub email: EmailList,
    pub user_scope: Scope,
    pub status: UserStatus,
    pub department: Option<Department>,
    pub site: Option<SiteName>,
}

/// What the users list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortKey {
    #[default]
    User,
    Name,
    Login,
    Department,
    Site,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::User,
        SortKey::Name,
        SortKey::Login,
        SortKey::Department,
        SortKey::Site,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::User => "user",
            SortKey::Name => "name",
            SortKey::Login => "login",
            SortKey::Department => "department",
            SortKey::Site => "site",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A page of the users list: which users (search), in what order, from where, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    /// Matches extension, first and last name, login and e-mail (case-insensitive substring).
    pub search: String,
    pub sort: SortKey,
    pub descending: bool,
    pub start: u32,
    /// 1 to 1000 (NetSapiens' bounds).
    pub limit: u32,
}

impl Default for UserQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: SortKey::User,
            descending: false,
            start: 0,
            limit: 50,
        }
    }
}

impl UserQuery {
    /// The query with its limit held to 1..=1000.
    pub fn bounded(mut self) -> Self {
        self.limit = self.limit.clamp(1, 1000);
        self.search = self.search.trim().chars().take(100).collect();
        self
    }
}

/// One page of users, and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserList {
    pub total: u64,
    pub items: Vec<UserSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::DomainForm;

    fn domain() -> DomainSettings {
        DomainForm {
            domain: "acme.example".into(),
            caller_id_number: "+1 612 555 0100".into(),
            area_code: "612".into(),
            ..DomainForm::default()
        }
        .parse()
        .unwrap()
    }

    fn smith() -> UserForm {
        UserForm {
            user: "101".into(),
            name_first_name: "John".into(),
            name_last_name: "Smith".into(),
            email: "john@acme.example".into(),
            ..UserForm::default()
        }
    }

    #[test]
    fn a_minimal_user_takes_the_domains_defaults_and_netsapiens_defaults() {
        let user = smith().parse(&domain(), &FieldContext::default()).unwrap();
        assert_eq!(user.login_username.as_str(), "101@acme.example");
        assert_eq!(user.user_scope, Scope::BasicUser);
        assert_eq!(user.settings.time_zone.as_str(), "America/New_York");
        assert_eq!(
            user.settings.caller_id_number.as_ref().unwrap().as_str(),
            "+16125550100"
        );
        assert_eq!(user.settings.area_code.unwrap().get(), 612);
        assert_eq!(user.settings.voicemail_enabled, YesNo::Yes);
        assert_eq!(user.settings.call_screening_enabled, YesNo::Yes);
        assert_eq!(
            user.settings
                .directory_name_number_dtmf_mapping
                .unwrap()
                .get(),
            764,
            "Smith → 764"
        );
        assert_eq!(
            user.devices[0].device.as_str(),
            "101",
            "the first device is the extension"
        );
        assert!(
            user.devices[0].sip_password.is_none(),
            "generated by the server"
        );
    }

    #[test]
    fn the_api_may_say_email_address_for_email() {
        let form: UserForm = serde_json::from_value(serde_json::json!({
            "user": "102", "name-first-name": "A", "name-last-name": "B", "email-address": "a@b.example"
        }))
        .unwrap();
        assert_eq!(form.email, "a@b.example");
    }

    #[test]
    fn every_bad_field_is_named_with_its_path() {
        let form = UserForm {
            user: "10x".into(),
            name_first_name: "".into(),
            email: "not-an-address".into(),
            voicemail_login_pin: "1234".into(),
            ring_no_answer_timeout_seconds: "4000".into(),
            phone_numbers: "+1 612 555 0101, 12".into(),
            forward_no_answer: "somewhere".into(),
            ..smith()
        };
        let errors = form.parse(&domain(), &FieldContext::default()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for expected in [
            "user",
            "name-first-name",
            "email",
            "voicemail-login-pin",
            "ring-no-answer-timeout-seconds",
            "phone-numbers[1]",
            "forward-no-answer",
        ] {
            assert!(
                fields.contains(&expected),
                "{expected} missing from {fields:?}"
            );
        }
        assert_eq!(Step::of_field("phone-numbers[1]"), Step::Devices);
        assert_eq!(Step::of_field("voicemail-login-pin"), Step::Voicemail);
    }

    #[test]
    fn letters_in_an_extension_need_a_domain_that_allows_them() {
        let form = UserForm {
            user: "front-desk".into(),
            ..smith()
        };
        assert!(form.parse(&domain(), &FieldContext::default()).is_err());
        let cx = FieldContext {
            alphanumeric_extensions: true,
        };
        assert_eq!(
            form.parse(&domain(), &cx).unwrap().user.as_str(),
            "front-desk"
        );
    }

    #[test]
    fn the_field_table_checks_what_parse_checks() {
        let form = UserForm {
            user: "10x".into(),
            area_code: "42".into(),
            privacy: "maybe".into(),
            ..smith()
        }
        .with_defaults(&domain());
        let cx = FieldContext::default();
        let from_table: Vec<&str> = USER_FIELDS
            .iter()
            .filter(|f| (f.check)((f.get)(&form), &cx).is_err())
            .map(|f| f.name)
            .collect();
        let from_parse: Vec<String> = form
            .parse(&domain(), &cx)
            .unwrap_err()
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(from_table, from_parse);
    }

    #[test]
    fn every_form_field_is_in_the_table_once() {
        let json = serde_json::to_value(UserForm::default()).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), USER_FIELDS.len());
        for key in keys {
            assert_eq!(
                USER_FIELDS.iter().filter(|f| f.name == key).count(),
                1,
                "{key}"
            );
        }
    }

    #[test]
    fn lists_split_on_commas_not_on_the_spaces_inside_numbers() {
        let items: Vec<&str> =
            split_list(" +1 612 555 0101, +1 612 555 0102;\nSales Team ,, ").collect();
        assert_eq!(items, ["+1 612 555 0101", "+1 612 555 0102", "Sales Team"]);
    }

    #[test]
    fn secrets_are_not_echoed() {
        let form = UserForm {
            voicemail_login_pin: "8264".into(),
            device_sip_registration_password: "x".repeat(20),
            ..smith()
        };
        let clean = form.without_secrets();
        assert!(
            clean.voicemail_login_pin.is_empty()
                && clean.device_sip_registration_password.is_empty()
        );
        assert_eq!(clean.user, "101");
    }

    #[test]
    fn a_user_survives_the_wire() {
        let new = smith().parse(&domain(), &FieldContext::default()).unwrap();
        let json = serde_json::to_string(&new.settings).unwrap();
        let back: UserSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, new.settings);
    }
}
