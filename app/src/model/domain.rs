//! A domain (tenant): its name, limits, and the defaults its new users inherit (NetSapiens A.4).

use super::{
    optional, text_of, AreaCode, CallerIdName, Description, DialPlan, DialPolicy, DomainName,
    FieldErrors, Invalid, Language, Limit, Parse, PhoneNumber, Reseller, TimeZone, YesNo,
};
use serde::{Deserialize, Serialize};

/// A domain's settings as typed into the form: every field is text, named as in NetSapiens' API.
/// [`DomainForm::parse`] turns it into [`DomainSettings`] or names every bad field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct DomainForm {
    pub domain: String,
    pub reseller: String,
    pub description: String,
    pub limits_max_users: String,
    pub limits_max_sites: String,
    pub time_zone: String,
    pub language_token: String,
    pub area_code: String,
    pub caller_id_name: String,
    pub caller_id_number: String,
    pub voicemail_enabled: String,
    pub dial_plan: String,
    pub dial_policy: String,
}

impl Default for DomainForm {
    /// What a new domain's form starts with.
    fn default() -> Self {
        Self {
            domain: String::new(),
            reseller: String::new(),
            description: String::new(),
            limits_max_users: String::new(),
            limits_max_sites: String::new(),
            time_zone: "America/New_York".into(),
            language_token: "en_US".into(),
            area_code: String::new(),
            caller_id_name: String::new(),
            caller_id_number: String::new(),
            voicemail_enabled: "yes".into(),
            dial_plan: String::new(),
            dial_policy: "US & Canada".into(),
        }
    }
}

/// One field of the domain form: its wire name, its label, and the check the browser runs as it
/// is typed, which is the very parser [`DomainForm::parse`] runs on the server.
pub struct DomainField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub check: fn(&str) -> Result<(), Invalid>,
    pub get: fn(&DomainForm) -> &str,
}

fn check<T: Parse>(raw: &str) -> Result<(), Invalid> {
    T::parse(raw).map(drop)
}

fn check_optional<T: Parse>(raw: &str) -> Result<(), Invalid> {
    optional::<T>(raw).map(drop)
}

/// The form's fields, in the order they are shown and checked.
pub const DOMAIN_FIELDS: &[DomainField] = &[
    DomainField {
        name: "domain",
        label: "Domain name",
        hint: "Letters, digits, dots, underscores and hyphens; at most 64.",
        check: check::<DomainName>,
        get: |f| &f.domain,
    },
    DomainField {
        name: "reseller",
        label: "Reseller",
        hint: "The reseller that owns this domain; blank for none. Resellers manage their domains.",
        check: check::<Reseller>,
        get: |f| &f.reseller,
    },
    DomainField {
        name: "description",
        label: "Description",
        hint: "Optional, at most 255 characters.",
        check: check::<Description>,
        get: |f| &f.description,
    },
    DomainField {
        name: "limits-max-users",
        label: "Maximum users",
        hint: "Blank for no limit.",
        check: check_optional::<Limit>,
        get: |f| &f.limits_max_users,
    },
    DomainField {
        name: "limits-max-sites",
        label: "Maximum sites",
        hint: "Blank for no limit.",
        check: check_optional::<Limit>,
        get: |f| &f.limits_max_sites,
    },
    DomainField {
        name: "time-zone",
        label: "Time zone",
        hint: "From the IANA database, e.g. America/Chicago.",
        check: check::<TimeZone>,
        get: |f| &f.time_zone,
    },
    DomainField {
        name: "language-token",
        label: "Language",
        hint: "Such as en_US or fr_CA.",
        check: check::<Language>,
        get: |f| &f.language_token,
    },
    DomainField {
        name: "area-code",
        label: "Area code",
        hint: "Used when users dial seven digits; 100 to 999, optional.",
        check: check_optional::<AreaCode>,
        get: |f| &f.area_code,
    },
    DomainField {
        name: "caller-id-name",
        label: "Caller ID name",
        hint: "Optional, at most 35 characters.",
        check: check_optional::<CallerIdName>,
        get: |f| &f.caller_id_name,
    },
    DomainField {
        name: "caller-id-number",
        label: "Caller ID number",
        hint: "Optional; with its country code, e.g. +1 612 555 0100.",
        check: check_optional::<PhoneNumber>,
        get: |f| &f.caller_id_number,
    },
    DomainField {
        name: "voicemail-enabled",
        label: "Voicemail for new users",
        hint: "",
        check: check::<YesNo>,
        get: |f| &f.voicemail_enabled,
    },
    DomainField {
        name: "dial-plan",
        label: "Dial plan",
        hint: "Blank to use the domain's name.",
        check: check_optional::<DialPlan>,
        get: |f| &f.dial_plan,
    },
    DomainField {
        name: "dial-policy",
        label: "Dial policy",
        hint: "Which destinations users may dial, e.g. US & Canada.",
        check: check::<DialPolicy>,
        get: |f| &f.dial_policy,
    },
];

/// A domain's settings, every one of them valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DomainSettings {
    pub domain: DomainName,
    pub reseller: Reseller,
    pub description: Description,
    pub limits_max_users: Option<Limit>,
    pub limits_max_sites: Option<Limit>,
    pub time_zone: TimeZone,
    pub language_token: Language,
    pub area_code: Option<AreaCode>,
    pub caller_id_name: Option<CallerIdName>,
    pub caller_id_number: Option<PhoneNumber>,
    pub voicemail_enabled: YesNo,
    pub dial_plan: DialPlan,
    pub dial_policy: DialPolicy,
}

impl DomainForm {
    /// Parses every field, reporting every bad one at once.
    pub fn parse(&self) -> Result<DomainSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let domain = errors.check("domain", DomainName::parse(&self.domain));
        let reseller = errors.check("reseller", Reseller::parse(&self.reseller));
        let description = errors.check("description", Description::parse(&self.description));
        let max_users = errors.check(
            "limits-max-users",
            optional::<Limit>(&self.limits_max_users),
        );
        let max_sites = errors.check(
            "limits-max-sites",
            optional::<Limit>(&self.limits_max_sites),
        );
        let time_zone = errors.check("time-zone", TimeZone::parse(&self.time_zone));
        let language = errors.check("language-token", Language::parse(&self.language_token));
        let area_code = errors.check("area-code", optional::<AreaCode>(&self.area_code));
        let cid_name = errors.check(
            "caller-id-name",
            optional::<CallerIdName>(&self.caller_id_name),
        );
        let cid_number = errors.check(
            "caller-id-number",
            optional::<PhoneNumber>(&self.caller_id_number),
        );
        let voicemail = errors.check("voicemail-enabled", YesNo::parse(&self.voicemail_enabled));
        let dial_plan = errors.check("dial-plan", optional::<DialPlan>(&self.dial_plan));
        let dial_policy = errors.check("dial-policy", DialPolicy::parse(&self.dial_policy));

        let (
            Some(domain),
            Some(reseller),
            Some(description),
            Some(limits_max_users),
            Some(limits_max_sites),
            Some(time_zone),
            Some(language_token),
            Some(area_code),
            Some(caller_id_name),
            Some(caller_id_number),
            Some(voicemail_enabled),
            Some(dial_plan),
            Some(dial_policy),
        ) = (
            domain,
            reseller,
            description,
            max_users,
            max_sites,
            time_zone,
            language,
            area_code,
            cid_name,
            cid_number,
            voicemail,
            dial_plan,
            dial_policy,
        )
        else {
            return Err(errors);
        };
        // NetSapiens creates a dial plan named after the domain; a blank one means that.
        let dial_plan = match dial_plan {
            Some(plan) => plan,
            None => {
                DialPlan::parse(domain.as_str()).map_err(|e| FieldErrors::one("dial-plan", e.0))?
            }
        };
        Ok(DomainSettings {
            domain,
            reseller,
            description,
            limits_max_users,
            limits_max_sites,
            time_zone,
            language_token,
            area_code,
            caller_id_name,
            caller_id_number,
            voicemail_enabled,
            dial_plan,
            dial_policy,
        })
    }
}

impl From<&DomainSettings> for DomainForm {
    /// The form that shows these settings, for editing.
    fn from(s: &DomainSettings) -> Self {
        Self {
            domain: s.domain.to_string(),
            reseller: s.reseller.to_string(),
            description: s.description.to_string(),
            limits_max_users: text_of(&s.limits_max_users),
            limits_max_sites: text_of(&s.limits_max_sites),
            time_zone: s.time_zone.to_string(),
            language_token: s.language_token.to_string(),
            area_code: text_of(&s.area_code),
            caller_id_name: text_of(&s.caller_id_name),
            caller_id_number: text_of(&s.caller_id_number),
            voicemail_enabled: s.voicemail_enabled.as_str().to_owned(),
            dial_plan: s.dial_plan.to_string(),
            dial_policy: s.dial_policy.to_string(),
        }
    }
}

/// A stored domain: its settings and when they were made and last changed (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Domain {
    #[serde(flatten)]
    pub settings: DomainSettings,
    pub created_at: i64,
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> DomainForm {
        DomainForm {
            domain: "acme.example".into(),
            ..DomainForm::default()
        }
    }

    #[test]
    fn the_default_form_with_a_name_is_valid_and_gets_a_dial_plan_named_after_the_domain() {
        let settings = valid().parse().unwrap();
        assert_eq!(settings.dial_plan.as_str(), "acme.example");
        assert_eq!(settings.voicemail_enabled, YesNo::Yes);
        assert_eq!(settings.limits_max_users, None);
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
            ..DomainForm::default()
        };
        let errors = form.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
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
            ..valid()
        };
        let from_table: Vec<&str> = DOMAIN_FIELDS
            .iter()
            .filter(|f| (f.check)((f.get)(&form)).is_err())
            .map(|f| f.name)
            .collect();
        let from_parse: Vec<String> = form
            .parse()
            .unwrap_err()
            .iter()
            .map(|e| e.field.clone())
            .collect();
        assert_eq!(from_table, from_parse);
    }

    #[test]
    fn settings_shown_in_the_form_parse_back_to_themselves() {
        let form = DomainForm {
            limits_max_users: "25".into(),
            area_code: "612".into(),
            caller_id_name: "Acme".into(),
            caller_id_number: "(612) 555-0100".into(),
            ..valid()
        };
        let settings = form.parse().unwrap();
        assert_eq!(DomainForm::from(&settings).parse().unwrap(), settings);
    }

    #[test]
    fn the_wire_names_are_netsapiens_names() {
        let json = serde_json::to_value(valid().parse().unwrap()).unwrap();
        for key in [
            "domain",
            "limits-max-users",
            "time-zone",
            "language-token",
            "caller-id-number",
            "voicemail-enabled",
            "dial-policy",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
    }
}
