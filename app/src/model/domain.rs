//! A domain (tenant): its name, reseller, limits, and the defaults its users inherit
//! (NetSapiens A.4). Every field is declared once, in [`DOMAIN_FIELDS`]'s table below.

use super::fields::declare_form;
use super::wire_enum::wire_enum;
use super::{
    AreaCode, CallerIdName, Description, DialPlan, DialPolicy, DomainName, EmailAddress,
    EmergencyAddressId, FieldErrors, Hostname, Language, Limit, Parse, PhoneNumber, Port,
    Recording, Reseller, SmtpPassword, SmtpUser, TimeZone, Transcription, YesNo,
};
use serde::{Deserialize, Serialize};

/// One field of the domain form.
pub type DomainField = super::fields::Field<DomainForm, DomainSection>;

/// The parts of the domain form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DomainSection {
    General,
    Limits,
    /// What the domain's users have unless they set their own.
    Defaults,
    /// How the domain's mail (invitations, password resets) is addressed.
    Mail,
}

impl DomainSection {
    pub const ALL: [DomainSection; 4] = [
        DomainSection::General,
        DomainSection::Limits,
        DomainSection::Defaults,
        DomainSection::Mail,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DomainSection::General => "Domain",
            DomainSection::Limits => "Limits",
            DomainSection::Defaults => "Defaults for its users",
            DomainSection::Mail => "Mail",
        }
    }
}

declare_form! {
    /// A domain's settings as typed into the form (or sent to the API), every field text, named
    /// as in NetSapiens. [`DomainForm::parse_settings`] makes [`DomainSettings`] of it.
    form DomainForm;
    /// A domain's settings, every one valid. The users' settings that inherit read them here.
    values DomainSettings;
    /// Every field of the domain form, in order.
    table DOMAIN_FIELDS: [DomainSection];

    own domain: req DomainName, "domain", General,
        "Domain name", "Letters, digits, dots, underscores and hyphens; at most 64.";
    own reseller: req Reseller = "", "reseller", General,
        "Reseller", "One of the resellers (see Resellers); blank for none. A reseller manages its domains.";
    setting description: req Description = "", "description", General,
        "Description", "Optional, at most 255 characters.";
    setting domain_type: req DomainType = "Standard", "domain-type", General,
        "Domain type", "Standard, Residential or Hospitality.";
    setting single_sign_on_enabled: req YesNo = "no", "single-sign-on-enabled", General,
        "Single sign-on", "Kept for NetSapiens clients; Roster's portal logs in with passwords.";
    setting is_domain_locked: req YesNo = "no", "is-domain-locked", General,
        "Locked", "Kept for NetSapiens clients.";
    setting is_stir_enabled: req YesNo = "no", "is-stir-enabled", General,
        "STIR/SHAKEN", "Kept for NetSapiens clients; Roster's SIP server signs no calls.";
    setting is_ivr_forward_change_blocked: req YesNo = "no", "is-ivr-forward-change-blocked", General,
        "Block forward changes by phone", "Kept for NetSapiens clients.";
    setting limits_max_users: opt Limit, "limits-max-users", Limits,
        "Maximum users", "Blank for no limit.";
    setting limits_max_sites: opt Limit, "limits-max-sites", Limits,
        "Maximum sites", "Blank for no limit.";
    setting limits_max_departments: opt Limit, "limits-max-departments", Limits,
        "Maximum departments", "Blank for no limit; kept, not enforced.";
    setting limits_max_subscriber_resources_total: opt Limit,
        "limits-max-subcriber-resources-total", Limits,
        "Maximum subscriber resources", "Blank for no limit; kept, not enforced.";
    setting limits_max_active_calls_total: opt Limit, "limits-max-active-calls-total", Limits,
        "Maximum active calls", "Blank for no limit; kept, not enforced.";
    setting limits_max_active_calls_offnet: opt Limit, "limits-max-active-calls-offnet", Limits,
        "Maximum outside calls", "Blank for no limit; kept, not enforced.";
    setting limits_max_call_queues: opt Limit, "limits-max-call-queues", Limits,
        "Maximum call queues", "Blank for no limit; kept, not enforced.";
    setting limits_max_auto_attendants: opt Limit, "limits-max-auto-attendants", Limits,
        "Maximum auto attendants", "Blank for no limit; kept, not enforced.";
    setting limits_max_conferences: opt Limit, "limits-max-conferences", Limits,
        "Maximum conferences", "Blank for no limit; kept, not enforced.";
    setting limits_max_fax_accounts: opt Limit, "limits-max-fax-accounts", Limits,
        "Maximum fax accounts", "Blank for no limit; kept, not enforced.";
    setting time_zone: req TimeZone = "America/New_York", "time-zone", Defaults,
        "Time zone", "From the IANA database, e.g. America/Chicago.";
    setting language_token: req Language = "en_US", "language-token", Defaults,
        "Language", "Such as en_US or fr_CA.";
    setting area_code: opt AreaCode, "area-code", Defaults,
        "Area code", "Used when users dial seven digits; 100 to 999, optional.";
    setting caller_id_name: opt CallerIdName, "caller-id-name", Defaults,
        "Caller ID name", "Optional, at most 35 characters.";
    setting caller_id_number: opt PhoneNumber, "caller-id-number", Defaults,
        "Caller ID number", "Optional; with its country code, e.g. +1 612 555 0100.";
    setting caller_id_number_emergency: opt PhoneNumber, "caller-id-number-emergency", Defaults,
        "Emergency caller ID", "The number sent with emergency calls; optional.";
    setting emergency_address_id: opt EmergencyAddressId, "emergency-address-id", Defaults,
        "Emergency address ID", "Optional.";
    setting voicemail_enabled: req YesNo = "yes", "voicemail-enabled", Defaults,
        "Voicemail", "Whether users have a voicemail box.";
    setting voicemail_transcription_enabled: req Transcription = "no",
        "voicemail-transcription-enabled", Defaults,
        "Voicemail transcription", "";
    setting recording_configuration: req Recording = "no", "recording-configuration", Defaults,
        "Call recording", "";
    setting music_on_hold_enabled: req YesNo = "yes", "music-on-hold-enabled", Defaults,
        "Music on hold", "Kept for NetSapiens clients; Roster's SIP server plays no media.";
    setting music_on_ring_enabled: req YesNo = "no", "music-on-ring-enabled", Defaults,
        "Music while ringing", "Kept for NetSapiens clients; Roster's SIP server plays no media.";
    setting music_on_hold_randomized_enabled: req YesNo = "no",
        "music-on-hold-randomized-enabled", Defaults,
        "Shuffle music on hold", "";
    setting dial_plan: opt DialPlan, "dial-plan", Defaults,
        "Dial plan", "Blank to use the domain's name.";
    setting dial_policy: req DialPolicy = "US & Canada", "dial-policy", Defaults,
        "Dial policy", "Which destinations users may dial, e.g. US & Canada.";
    setting email_send_from_address: opt EmailAddress, "email-send-from-address", Mail,
        "Send mail from", "The From address of this domain's invitations and password resets; blank for the server's.";
    setting email_reply_to_address: opt EmailAddress, "email-reply-to-address", Mail,
        "Replies go to", "Where replies to this domain's mail go, such as its office manager; blank for none.";
    setting email_send_smtp_hostname: opt Hostname, "email-send-smtp-hostname", Mail,
        "SMTP host", "Kept for NetSapiens clients; Roster sends through its own relay.";
    setting email_send_smtp_port: opt Port, "email-send-smtp-port", Mail,
        "SMTP port", "Such as 587.";
    setting email_send_smtp_username: opt SmtpUser, "email-send-smtp-username", Mail,
        "SMTP user name", "";
    setting email_send_smtp_password: secret SmtpPassword, "email-send-smtp-password", Mail,
        "SMTP password", "Kept and never shown; leave blank to keep the one stored.";
}

wire_enum! {
    /// What kind of customer a domain serves (NetSapiens' `domain-type`).
    #[derive(Default)]
    pub enum DomainType {
        #[default]
        Standard = "Standard", "Standard";
        Residential = "Residential", "Residential";
        Hospitality = "Hospitality", "Hospitality";
    }
}

impl DomainForm {
    /// What a new domain's form starts with: NetSapiens' defaults.
    pub fn new_domain() -> Self {
        super::fields::with_defaults(DOMAIN_FIELDS)
    }

    /// Parses every field, reporting every bad one at once. A blank dial plan is the one named
    /// after the domain (NetSapiens makes one with each domain).
    pub fn parse_settings(&self) -> Result<DomainSettings, FieldErrors> {
        let mut settings = self.parse(&Default::default())?;
        if settings.dial_plan.is_none() {
            settings.dial_plan = Some(
                DialPlan::parse(settings.domain.as_str())
                    .map_err(|e| FieldErrors::one("dial-plan", e.0))?,
            );
        }
        Ok(settings)
    }
}

/// A stored domain: its settings and when they were made and last changed (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Domain {
    #[serde(flatten)]
    pub settings: DomainSettings,
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    #[serde(rename = "last-modified-datetime", with = "crate::model::instant")]
    pub updated_at: i64,
}

/// A domain as its own page shows it: with whether the caller may change it (an Office Manager
/// reads its domain's settings; a reseller or a Super User changes them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedDomain {
    pub domain: Domain,
    pub may_change: bool,
}

/// A domain as the portal's list shows it: with how many users it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedDomain {
    #[serde(flatten)]
    pub domain: Domain,
    pub users: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> DomainForm {
        DomainForm {
            domain: "acme.example".into(),
            ..DomainForm::new_domain()
        }
    }

    #[test]
    fn the_default_form_with_a_name_is_valid_and_gets_a_dial_plan_named_after_the_domain() {
        let settings = valid().parse_settings().unwrap();
        assert_eq!(settings.dial_plan.unwrap().as_str(), "acme.example");
        assert_eq!(settings.voicemail_enabled, YesNo::Yes);
        assert_eq!(settings.limits_max_users, None);
        assert_eq!(settings.time_zone.as_str(), "America/New_York");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let form = DomainForm {
            domain: "bad name".into(),
            limits_max_users: "-3".into(),
            time_zone: "Nowhere/Land".into(),
            area_code: "42".into(),
            caller_id_number: "12".into(),
            voicemail_enabled: "maybe".into(),
            ..DomainForm::new_domain()
        };
        let errors = form.parse_settings().unwrap_err();
        let fields = errors.names();
        assert_eq!(
            fields,
            [
                "domain",
                "limits-max-users",
                "time-zone",
                "area-code",
                "caller-id-number",
                "voicemail-enabled"
            ]
        );
    }

    #[test]
    fn the_field_table_runs_the_same_checks_as_parse() {
        let form = DomainForm {
            area_code: "42".into(),
            recording_configuration: "sometimes".into(),
            ..valid()
        };
        let from_table = crate::model::fields::refused(DOMAIN_FIELDS, &form, &Default::default());
        assert_eq!(from_table, form.parse_settings().unwrap_err().names());
    }

    #[test]
    fn settings_shown_in_the_form_parse_back_to_themselves() {
        let form = DomainForm {
            limits_max_users: "25".into(),
            area_code: "612".into(),
            caller_id_name: "Acme".into(),
            caller_id_number: "(612) 555-0100".into(),
            recording_configuration: "yes".into(),
            ..valid()
        };
        let settings = form.parse_settings().unwrap();
        assert_eq!(settings.to_form().parse_settings().unwrap(), settings);
    }

    #[test]
    fn the_wire_names_are_netsapiens_names() {
        let json = serde_json::to_value(valid().parse_settings().unwrap()).unwrap();
        for key in [
            "domain",
            "limits-max-users",
            "time-zone",
            "language-token",
            "caller-id-number",
            "voicemail-enabled",
            "dial-policy",
            "recording-configuration",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
    }

    #[test]
    fn only_the_name_must_be_given() {
        let required: Vec<&str> = DOMAIN_FIELDS
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(required, ["domain"]);
    }

    #[test]
    fn only_settings_go_into_the_settings_document() {
        let doc = valid().parse_settings().unwrap().settings();
        assert!(doc.contains_key("time-zone"));
        assert!(!doc.contains_key("domain") && !doc.contains_key("reseller"));
        assert!(!doc.contains_key("area-code"), "unset settings are absent");
    }
}
