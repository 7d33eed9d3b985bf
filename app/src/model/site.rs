//! Sites (locations) of a domain and the departments in use in it, as the API shows and changes
//! them.

use super::domain::{DomainSettings, DOMAIN_FIELDS};
use super::fields::{declare_form, find, FieldContext};
use super::{
    AreaCode, CallLimit, CallerIdName, Department, DialPlan, DialPolicy, DomainName, EmailList,
    EmergencyAddressId, FieldErrors, Language, Login, Parse, PhoneNumber, Recording, SiteName,
    StorageKilobytes, TimeZone, YesNo,
};
use serde::{Deserialize, Serialize};

/// The parts of a site's settings page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SiteSection {
    /// Where the site is: its time zone, area code and emergency address.
    Location,
    /// What its users' calls show.
    CallerId,
    /// Its users' language, dial policy, and the site's contact address.
    Other,
    /// NetSapiens' other site settings, which Roster keeps and answers but does not apply.
    Kept,
}

impl SiteSection {
    pub const ALL: [SiteSection; 4] = [
        SiteSection::Location,
        SiteSection::CallerId,
        SiteSection::Other,
        SiteSection::Kept,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SiteSection::Location => "Location",
            SiteSection::CallerId => "Caller ID",
            SiteSection::Other => "Language, dialling, recording and contact",
            SiteSection::Kept => "Kept for NetSapiens clients (Roster does not apply these)",
        }
    }
}

declare_form! {
    /// A site's own settings as typed (or sent to the API), every field text, named as in
    /// NetSapiens' site. A blank one is the domain's.
    form SiteSettingsForm;
    /// A site's own settings, every one valid; those it sets, its users inherit before their
    /// domain's (see [`DomainSettings::for_site`]).
    values SiteSettings;
    /// Every setting of a site, in order.
    table SITE_FIELDS: [SiteSection] inherits DomainSettings;

    setting time_zone: opt TimeZone, "time-zone", Location, inherits time_zone,
        "Time zone", "From the IANA database, e.g. America/Chicago. Blank: the domain's.";
    setting area_code: opt AreaCode, "area-code", Location, inherits area_code,
        "Area code", "Used when its users dial seven digits. Blank: the domain's.";
    setting emergency_address_id: opt EmergencyAddressId, "emergency-address-id", Location,
        inherits emergency_address_id,
        "Emergency address ID", "The address emergency services are given for calls from this site.";
    setting caller_id_name: opt CallerIdName, "caller-id-name", CallerId, inherits caller_id_name,
        "Caller ID name", "At most 35 characters. Blank: the domain's.";
    setting caller_id_number: opt PhoneNumber, "caller-id-number", CallerId,
        inherits caller_id_number,
        "Caller ID number", "With its country code, e.g. +1 612 555 0100. Blank: the domain's.";
    setting caller_id_number_emergency: opt PhoneNumber, "caller-id-number-emergency", CallerId,
        inherits caller_id_number_emergency,
        "Emergency caller ID", "The number sent with emergency calls. Blank: the domain's.";
    setting language_token: opt Language, "language-token", Other, inherits language_token,
        "Language", "Such as en_US or fr_CA. Blank: the domain's.";
    setting dial_policy: opt DialPolicy, "dial-policy", Other, inherits dial_policy,
        "Dial policy", "Which destinations its users may dial. Blank: the domain's.";
    setting dial_plan: opt DialPlan, "dial-plan", Other, inherits dial_plan,
        "Dial plan", "Blank: the domain's.";
    setting recording_configuration: opt Recording, "recording-configuration", Other,
        inherits recording_configuration,
        "Call recording", "Blank: the domain's.";
    setting music_on_hold_randomized_enabled: opt YesNo, "music-on-hold-randomized-enabled", Other,
        inherits music_on_hold_randomized_enabled,
        "Shuffle music on hold", "Blank: the domain's.";
    setting email: opt EmailList, "email", Other,
        "E-mail", "Who to contact about this site; several separated by ;. Optional.";
    setting login_username: opt Login, "login-username", Kept,
        "Login", "Optional.";
    setting voicemail_enabled: opt YesNo, "voicemail-enabled", Kept,
        "Voicemail", "Optional.";
    setting voicemail_user_control_enabled: opt YesNo, "voicemail-user-control-enabled", Kept,
        "User may manage voicemail", "Optional.";
    setting voicemail_receive_broadcast_enabled: opt YesNo,
        "voicemail-receive-broadcast-enabled", Kept,
        "Receive broadcasts", "Optional.";
    setting voicemail_playback_announce_datetime_received: opt YesNo,
        "voicemail-playback-announce-datetime-received", Kept,
        "Announce when received", "Optional.";
    setting voicemail_playback_announce_caller_id: opt YesNo,
        "voicemail-playback-announce-caller-id", Kept,
        "Announce caller ID", "Optional.";
    setting voicemail_playback_sort_newest_to_oldest: opt YesNo,
        "voicemail-playback-sort-newest-to-oldest", Kept,
        "Newest first", "Optional.";
    setting limits_max_data_storage_kilobytes: opt StorageKilobytes,
        "limits-max-data-storage-kilobytes", Kept,
        "Storage limit (KB)", "Optional.";
    setting limits_max_active_calls_total: opt CallLimit, "limits-max-active-calls-total", Kept,
        "Maximum active calls", "Optional.";
    setting phone_numbers_to_allow_enabled: opt YesNo, "phone-numbers-to-allow-enabled", Kept,
        "Allow list", "Optional.";
    setting phone_numbers_to_reject_enabled: opt YesNo, "phone-numbers-to-reject-enabled", Kept,
        "Reject list", "Optional.";
    setting call_screening_enabled: opt YesNo, "call-screening-enabled", Kept,
        "Call screening", "Optional.";
    setting reject_anonymous_calls_enabled: opt YesNo, "reject-anonymous-calls-enabled", Kept,
        "Reject anonymous calls", "Optional.";
    setting directory_announce_in_dial_by_name_enabled: opt YesNo,
        "directory-announce-in-dial-by-name-enabled", Kept,
        "Announced in dial by name", "Optional.";
    setting directory_name_visible_in_list_enabled: opt YesNo,
        "directory-name-visible-in-list-enabled", Kept,
        "Listed in the directory", "Optional.";
}

impl SiteSettings {
    /// The settings kept in a stored document (by wire name), as they were written.
    pub fn from_document(
        doc: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, FieldErrors> {
        let mut form = SiteSettingsForm::default();
        form.read_settings(doc);
        form.parse(&FieldContext::STORED)
    }
}

impl DomainSettings {
    /// What the users of a site inherit: this domain's settings, with each one the site sets
    /// instead (a site setting overrides the domain setting of the same name).
    pub fn for_site(&self, site: &SiteSettings) -> DomainSettings {
        let mut form = self.to_form();
        let own = site.to_form();
        for field in SITE_FIELDS {
            let text = (field.get)(&own);
            if !text.is_empty()
                && field.inherits.is_some()
                && find(DOMAIN_FIELDS, field.name).is_some()
            {
                form.set(field.name, text.to_owned());
            }
        }
        // Each value was valid where it was stored; should the mix not parse, the domain's stand.
        form.parse_settings().unwrap_or_else(|_| self.clone())
    }
}

/// The body of a site create or change, named as in NetSapiens: `site` and the site's settings
/// (NetSapiens requires `email` on create; Roster keeps it, optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct SiteForm {
    pub site: String,
    #[serde(flatten)]
    pub settings: SiteSettingsForm,
}

impl SiteForm {
    /// The site's name and settings, or every bad field.
    pub fn parse(&self) -> Result<(SiteName, SiteSettings), FieldErrors> {
        let mut errors = FieldErrors::default();
        let site = errors.check("site", SiteName::parse(&self.site));
        let settings = match self.settings.parse(&FieldContext::default()) {
            Ok(settings) => Some(settings),
            Err(bad) => {
                for e in bad.iter() {
                    errors.add(e.field.clone(), e.message.clone());
                }
                None
            }
        };
        match (site, settings) {
            (Some(site), Some(settings)) if errors.is_empty() => Ok((site, settings)),
            _ => Err(errors),
        }
    }
}

/// A site of a domain, and how many users it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Site {
    pub site: SiteName,
    pub domain: DomainName,
    pub user_count: u64,
    /// Unix milliseconds (RFC 3339 on the wire).
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    /// Its own settings as text (blank: the domain's).
    #[serde(flatten)]
    pub settings: SiteSettingsForm,
}

/// A site as its own page shows it: with what its blank settings follow (its domain's settings)
/// and whether the caller may change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedSite {
    pub site: Site,
    pub domain: super::domain::DomainForm,
    pub may_change: bool,
}

/// A department in use in a domain (a user names it), and how many users name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DepartmentCount {
    pub department: Department,
    pub user_count: u64,
}

/// Which sites a list shows, in which order, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteQuery {
    /// Part of the name, any case; blank for all.
    pub search: String,
    /// By how many users rather than by name.
    pub by_user_count: bool,
    pub descending: bool,
    pub start: u32,
    pub limit: u32,
}

/// A page of sites and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteList {
    pub total: u64,
    pub items: Vec<Site>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::DomainForm;

    /// A site that sets nothing of its own.
    fn none() -> SiteSettings {
        SiteSettingsForm::default()
            .parse(&FieldContext::default())
            .unwrap()
    }

    fn site(name: &str, settings: &[(&str, &str)]) -> SiteForm {
        let mut form = SiteForm {
            site: name.into(),
            ..SiteForm::default()
        };
        for (field, value) in settings {
            assert!(form.settings.set(field, (*value).to_owned()), "{field}");
        }
        form
    }

    #[test]
    fn a_site_needs_a_name_and_each_setting_given_must_be_valid() {
        let (name, settings) = site(" New York ", &[]).parse().unwrap();
        assert_eq!(name.as_str(), "New York");
        assert_eq!(settings, none(), "every setting follows the domain");
        let bad = site(
            "",
            &[("email", "not an address"), ("time-zone", "Mars/Olympus")],
        )
        .parse()
        .unwrap_err();
        assert_eq!(bad.names(), ["site", "time-zone", "email"]);
    }

    #[test]
    fn a_site_setting_overrides_its_domains_for_the_sites_users_and_a_blank_one_does_not() {
        let domain = DomainForm {
            domain: "acme.example".into(),
            caller_id_number: "+16125550100".into(),
            ..DomainForm::new_domain()
        }
        .parse_settings()
        .unwrap();
        let (_, own) = site(
            "Chicago",
            &[
                ("time-zone", "America/Chicago"),
                ("caller-id-name", "Acme Chicago"),
            ],
        )
        .parse()
        .unwrap();
        let inherited = domain.for_site(&own);
        assert_eq!(inherited.time_zone.to_string(), "America/Chicago");
        assert_eq!(
            inherited.caller_id_name.unwrap().to_string(),
            "Acme Chicago"
        );
        assert_eq!(
            inherited.caller_id_number, domain.caller_id_number,
            "not set by the site"
        );
        assert_eq!(domain.for_site(&none()), domain);
        // Stored and read back as a document, the same settings.
        assert_eq!(SiteSettings::from_document(&own.settings()).unwrap(), own);
    }
}
