//! Every field of a user, declared once (see [`crate::model::fields`] for how a row reads): the
//! Create User form of NetSapiens, field for field with its names, in the order of the wizard,
//! plus Servetel's status and login switches and what is created with the user (Wazo's "new
//! way"): its first SIP device, phone numbers, the default answer rule, the call queues it is an
//! agent of.
//!
//! A setting that `inherits` a domain setting is left blank to follow its domain: the domain's
//! value is the user's until the user is given its own, and clearing it follows the domain again.

use super::Step;
use crate::model::domain::DomainSettings;
use crate::model::fields::declare_form;
use crate::model::{
    AreaCode, CallLimit, CallerIdName, Department, Destination, DeviceName, DialPlan, DialPolicy,
    DtmfMapping, DtmfOrder, EmailList, EmergencyAddressId, Extension, GreetingIndex, Language,
    Login, PersonName, PhoneNumber, Pin, Recording, Scope, Seconds3600, ServiceCode, SipPassword,
    SiteName, StatusMessage, StorageKilobytes, TimeZone, Transcription, UserStatus,
    VoicemailEmailBehavior, YesNo,
};

declare_form! {
    /// The user form as typed (or as sent to the API): every field is text, named as in
    /// NetSapiens. Blank fields take their defaults; blank inherited settings follow the domain.
    form UserForm;
    /// A user's values, every one valid. As stored, an inherited setting that follows its domain
    /// is `None`; [`UserValues::effective`] fills it with the domain's.
    values UserValues;
    /// Every field of the user form, in the order of the wizard.
    table USER_FIELDS: [Step] inherits DomainSettings;

    own user: req Extension, "user", Identity,
        "Extension", "The user's main extension.";
    own name_first_name: req PersonName, "name-first-name", Identity,
        "First name", "";
    own name_last_name: req PersonName, "name-last-name", Identity,
        "Last name", "";

    own login_username: opt Login, "login-username", Login,
        "Portal login", "Blank for extension@domain; a name alone gets @domain added.";
    own email: req EmailList, "email" | "email-address", Login,
        "E-mail", "One or more addresses, separated by ;";
    own user_scope: req Scope = "Basic User", "user-scope", Login,
        "Scope", "What the user may do in the portal.";
    own status: req UserStatus = "enabled", "status", Login,
        "Status", "A disabled user cannot log in or make calls.";
    setting block_web_login: req YesNo = "no", "block-web-login", Login,
        "Block web login", "";
    setting login_based_calling: req YesNo = "no", "login-based-calling", Login,
        "Login-based calling", "Calls work only while logged in to the app.";

    own department: opt Department, "department", Organization,
        "Department", "Free text; existing ones are suggested.";
    own site: opt SiteName, "site", Organization,
        "Site", "A new name creates the site.";
    setting time_zone: opt TimeZone, "time-zone", Organization, inherits time_zone,
        "Time zone", "";
    setting language_token: opt Language, "language-token", Organization, inherits language_token,
        "Language", "Such as en_US.";
    setting status_message: req StatusMessage = "", "status-message", Organization,
        "Status message", "";
    own service_code: opt ServiceCode, "service-code", Organization,
        "Service code", "Billing tag; codes starting with system- are hidden from lists.";

    setting voicemail_enabled: opt YesNo, "voicemail-enabled", Voicemail, inherits voicemail_enabled,
        "Voicemail", "Gives the user a voicemail box.";
    setting voicemail_login_pin: secret Pin, "voicemail-login-pin", Voicemail,
        "Voicemail PIN", "4 to 15 digits.";
    setting voicemail_greeting_index: req GreetingIndex = "0", "voicemail-greeting-index", Voicemail,
        "Greeting", "0 plays the standard greeting.";
    setting voicemail_user_control_enabled: req YesNo = "yes",
        "voicemail-user-control-enabled", Voicemail,
        "User may manage voicemail", "";
    setting voicemail_receive_broadcast_enabled: req YesNo = "yes",
        "voicemail-receive-broadcast-enabled", Voicemail,
        "Receive broadcasts", "";
    setting voicemail_playback_announce_datetime_received: req YesNo = "no",
        "voicemail-playback-announce-datetime-received", Voicemail,
        "Announce when received", "";
    setting voicemail_playback_announce_caller_id: req YesNo = "no",
        "voicemail-playback-announce-caller-id", Voicemail,
        "Announce caller ID", "";
    setting voicemail_playback_sort_newest_to_oldest: req YesNo = "yes",
        "voicemail-playback-sort-newest-to-oldest", Voicemail,
        "Newest first", "";
    setting email_send_alert_new_voicemail_behavior: req VoicemailEmailBehavior = "no",
        "email-send-alert-new-voicemail-behavior", Voicemail,
        "New voicemail e-mail", "";
    setting email_send_alert_new_voicemail_cc_list_csv: list Extension,
        "email-send-alert-new-voicemail-cc-list-csv", Voicemail,
        "Copy new voicemail to", "Extensions of this domain, separated by commas.";
    setting voicemail_transcription_enabled: opt Transcription,
        "voicemail-transcription-enabled", Voicemail, inherits voicemail_transcription_enabled,
        "Transcription", "";
    setting limits_max_data_storage_kilobytes: opt StorageKilobytes,
        "limits-max-data-storage-kilobytes", Voicemail,
        "Storage limit (KB)", "Blank for no limit.";
    setting email_send_alert_new_missed_call_enabled: req YesNo = "no",
        "email-send-alert-new-missed-call-enabled", Voicemail,
        "E-mail missed calls", "";
    setting email_send_alert_new_voicemail_enabled: req YesNo = "no",
        "email-send-alert-new-voicemail-enabled", Voicemail,
        "E-mail new voicemail", "Whether new voicemail is e-mailed (how: New voicemail e-mail).";
    setting email_send_alert_data_storage_limit_reached_enabled: req YesNo = "no",
        "email-send-alert-data-storage-limit-reached-enabled", Voicemail,
        "E-mail when storage is full", "";

    setting caller_id_name: opt CallerIdName, "caller-id-name", CallerId, inherits caller_id_name,
        "Caller ID name", "";
    setting caller_id_number: opt PhoneNumber, "caller-id-number", CallerId,
        inherits caller_id_number,
        "Caller ID number", "With its country code, e.g. +1 612 555 0100.";
    setting caller_id_number_emergency: opt PhoneNumber, "caller-id-number-emergency", CallerId,
        inherits caller_id_number_emergency,
        "Emergency caller ID", "The number sent with emergency calls.";
    setting emergency_address_id: opt EmergencyAddressId, "emergency-address-id", CallerId,
        inherits emergency_address_id,
        "Emergency address ID", "";
    setting area_code: opt AreaCode, "area-code", CallerId, inherits area_code,
        "Area code", "Used when the user dials seven digits.";
    setting privacy: req YesNo = "no", "privacy", CallerId,
        "Hide caller ID", "";
    setting dial_plan: opt DialPlan, "dial-plan", CallerId, inherits dial_plan,
        "Dial plan", "";
    setting dial_policy: opt DialPolicy, "dial-policy", CallerId, inherits dial_policy,
        "Dial policy", "";
    setting ring_no_answer_timeout_seconds: req Seconds3600 = "25",
        "ring-no-answer-timeout-seconds", CallerId,
        "Ring time (seconds)", "0 to 3600.";
    setting limits_max_active_calls_total: opt CallLimit, "limits-max-active-calls-total", CallerId,
        "Simultaneous calls", "Blank for no limit.";
    setting reject_anonymous_calls_enabled: req YesNo = "no",
        "reject-anonymous-calls-enabled", CallerId,
        "Reject anonymous calls", "";
    setting call_screening_enabled: req YesNo = "yes", "call-screening-enabled", CallerId,
        "Call screening", "";
    setting phone_numbers_to_allow_enabled: req YesNo = "yes",
        "phone-numbers-to-allow-enabled", CallerId,
        "Allow list", "";
    setting phone_numbers_to_reject_enabled: req YesNo = "yes",
        "phone-numbers-to-reject-enabled", CallerId,
        "Reject list", "";
    setting recording_configuration: opt Recording, "recording-configuration", CallerId,
        inherits recording_configuration,
        "Call recording", "";
    setting call_recordings_hide_from_others_enabled: req YesNo = "no",
        "call-recordings-hide-from-others-enabled", CallerId,
        "Hide recordings from others", "";
    setting music_on_hold_randomized_enabled: opt YesNo,
        "music-on-hold-randomized-enabled", CallerId, inherits music_on_hold_randomized_enabled,
        "Shuffle music on hold", "";
    setting music_on_hold_comfort_message_repeat_interval_seconds: opt Seconds3600,
        "music-on-hold-comfort-message-repeat-interval-seconds", CallerId,
        "Hold message every (seconds)", "Blank for none.";
    setting directory_name_number_dtmf_mapping: opt DtmfMapping,
        "directory-name-number-dtmf-mapping", CallerId,
        "Dial-by-name digits", "Blank to compute from the last name (Smith → 764).";
    setting directory_override_order_duplicate_dtmf_mapping: opt DtmfOrder,
        "directory-override-order-duplicate-dtmf-mapping", CallerId,
        "Dial-by-name order", "0 to 100, for users sharing digits.";
    setting directory_announce_in_dial_by_name_enabled: req YesNo = "yes",
        "directory-announce-in-dial-by-name-enabled", CallerId,
        "Announce in dial-by-name", "";
    setting directory_name_visible_in_list_enabled: req YesNo = "yes",
        "directory-name-visible-in-list-enabled", CallerId,
        "Listed in the directory", "";

    own device: opt DeviceName, "device", Devices,
        "SIP device", "The user part of sip:device@domain. Blank for the extension.";
    own device_sip_registration_password: secret SipPassword,
        "device-sip-registration-password", Devices,
        "SIP password", "Blank to generate one (16+ characters).";
    own phone_numbers: list PhoneNumber, "phone-numbers", Devices,
        "Phone numbers (DIDs)", "Routed to this user; separated by commas.";
    own forward_always: opt Destination, "forward-always", Devices,
        "Always forward to", "An extension, a phone number, or voicemail.";
    own forward_on_busy: opt Destination, "forward-on-busy", Devices,
        "When busy, forward to", "";
    own forward_no_answer: opt Destination, "forward-no-answer", Devices,
        "When not answered, forward to", "";
    own forward_when_unregistered: opt Destination, "forward-when-unregistered", Devices,
        "When offline, forward to", "";
    own do_not_disturb: req YesNo = "no", "do-not-disturb", Devices,
        "Do not disturb", "";
    own simultaneous_ring: list Destination, "simultaneous-ring", Devices,
        "Also ring", "Destinations rung with the user, separated by commas.";
    /// The queues it is an agent of (a `groups` member before queues replaced groups; the name
    /// stays for the clients that send it).
    own groups: list Extension, "groups", Devices,
        "Call queues", "Extensions of the domain's call queues the user is an agent of, separated by commas.";
}
