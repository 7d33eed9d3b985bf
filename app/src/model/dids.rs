//! Phone numbers (DIDs) of a domain and where each one rings, in NetSapiens' vocabulary:
//! `phonenumber`, `enabled`, `dial-rule-application`, `dial-rule-translation-destination-user`,
//! and the rest of the number's dial rule (`dial-rule-parameter`,
//! `dial-rule-translation-destination-host`, `dial-rule-translation-source-name`,
//! `dial-rule-description`), which Roster keeps and shows.

use super::field::text_newtype;
use super::{
    CallerIdName, Description, DomainName, Extension, FieldErrors, Invalid, Parse, PhoneNumber,
    YesNo,
};
use serde::{Deserialize, Serialize};

/// NetSapiens' `[*]` in a dial rule: "as the call has it". It is the destination user of an
/// available number, and the default translation host and caller's name of every number.
pub const ANY: &str = "[*]";

/// NetSapiens' name for a number's own domain as its destination host.
pub const OWN_DOMAIN: &str = "<OwnDomain>";

/// NetSapiens' spelling of an empty dial-rule parameter.
const NULL_PARAMETER: &str = "<NULL>";

/// Where a number sends its calls (NetSapiens' `dial-rule-application`). Roster routes numbers to
/// users and to call queues, and keeps unrouted ones as the domain's available numbers; the other
/// applications of NetSapiens need things Roster does not have (connections, single devices,
/// announcements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DialRule {
    ToUser,
    ToCallqueue,
    AvailableNumber,
}

/// NetSapiens' `DialruleApplication` values Roster knows of but does not route.
pub const UNSUPPORTED_APPLICATIONS: &[&str] = &[
    "to-voicemail-residential",
    "to-callqueue-announce-count-callers-ahead",
    "to-callqueue-announce-expected-wait-time",
    "to-connection",
    "to-connection-or-user-no-failover",
    "to-single-device",
    "to-user-residential",
    "to-voicemail",
    "spam-screening",
    "to-connection-block-caller-id",
    "to-connection-no-timeout",
    "to-connection-add-header-force-caller-id",
    "to-connection-add-header-no-timeout",
    "to-connection-add-header",
    "to-single-device-add-header-allow-voicemail",
    "to-single-device-add-header-allow-voicemail-residential",
    "to-single-device-add-header",
    "to-user-add-header",
    "to-user-residential-add-header",
    "to-user-notify-of-recording",
    "hangup",
    "to-user-answer-and-fake-ringback",
    "toggle-timeframe",
];

impl DialRule {
    pub fn as_str(self) -> &'static str {
        match self {
            DialRule::ToUser => "to-user",
            DialRule::ToCallqueue => "to-callqueue",
            DialRule::AvailableNumber => "available-number",
        }
    }
}

impl Parse for DialRule {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "to-user" => Ok(DialRule::ToUser),
            "to-callqueue" => Ok(DialRule::ToCallqueue),
            "available-number" => Ok(DialRule::AvailableNumber),
            other if UNSUPPORTED_APPLICATIONS.contains(&other) => Err(Invalid::new(format!(
                "{other} is not supported by Roster: use to-user, to-callqueue or available-number."
            ))),
            "" => Err(Invalid::new(
                "Required: to-user, to-callqueue or available-number.",
            )),
            _ => Err(Invalid::new(
                "One of to-user, to-callqueue or available-number.",
            )),
        }
    }
}

/// Where a number rings, checked: the user with this extension, the call queue with this one, or
/// nobody (available).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    User(Extension),
    Queue(Extension),
    Available,
}

impl Route {
    /// The dial rule and destination user a read shows for this route.
    pub fn dial_rule(&self) -> (DialRule, Option<Extension>) {
        match self {
            Route::User(extension) => (DialRule::ToUser, Some(extension.clone())),
            Route::Queue(extension) => (DialRule::ToCallqueue, Some(extension.clone())),
            Route::Available => (DialRule::AvailableNumber, None),
        }
    }
}

/// The host a number's calls are sent to, as NetSapiens names it
/// (`dial-rule-translation-destination-host`): `[*]` (the default, also for blank),
/// `<OwnDomain>`, or a domain's name, kept as written. Roster routes a number only inside its own
/// domain, which [`DestinationHost::parse_in`] checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DestinationHost(String);
text_newtype!(DestinationHost);

impl Default for DestinationHost {
    fn default() -> Self {
        Self(ANY.to_owned())
    }
}

impl Parse for DestinationHost {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "" | ANY => Ok(Self::default()),
            OWN_DOMAIN => Ok(Self(OWN_DOMAIN.to_owned())),
            name => DomainName::parse(name)
                .map(|name| Self(name.to_string()))
                .map_err(|_| Invalid::new("[*], <OwnDomain> or a domain's name.")),
        }
    }
}

impl DestinationHost {
    /// The host of a number of `domain`: one naming another domain (or no domain at all) is
    /// refused, since Roster routes numbers only inside their domain.
    pub fn parse_in(raw: &str, domain: &DomainName) -> Result<Self, Invalid> {
        match Self::parse(raw) {
            Ok(host) if host.0 == ANY || host.0 == OWN_DOMAIN || host.0 == domain.as_str() => {
                Ok(host)
            }
            _ => Err(Invalid::new(format!(
                "Roster routes numbers only inside their domain: [*], <OwnDomain> or {domain}."
            ))),
        }
    }
}

/// The caller's name a number's calls carry (`dial-rule-translation-source-name`): `[*]` (the
/// default, also for blank) for the caller's own, or a caller ID name. Kept and shown: Roster's
/// SIP server passes the caller's own name on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceName(String);
text_newtype!(SourceName);

impl Default for SourceName {
    fn default() -> Self {
        Self(ANY.to_owned())
    }
}

impl Parse for SourceName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "" | ANY => Ok(Self::default()),
            name => CallerIdName::parse(name)
                .map(|name| Self(name.into()))
                .map_err(|e| {
                    Invalid::new(format!(
                        "[*] for the caller's own name, or a caller ID name: {e}"
                    ))
                }),
        }
    }
}

/// The dial rule's parameter (`dial-rule-parameter`): at most 255 characters, blank by default
/// (NetSapiens' `<NULL>` is blank). Kept and shown: `to-user` and `available-number` take none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DialRuleParameter(String);
text_newtype!(DialRuleParameter);

impl Parse for DialRuleParameter {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.trim() == NULL_PARAMETER {
            return Ok(Self::default());
        }
        super::text::bounded_text(raw, 0, 255).map(Self)
    }
}

/// What a number keeps beside where it rings: whether it rings at all, and the rest of its dial
/// rule as NetSapiens names it. Roster acts on `enabled` (its SIP server skips a disabled
/// number) and keeps the others as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct NumberSettings {
    pub enabled: YesNo,
    pub dial_rule_parameter: DialRuleParameter,
    pub dial_rule_translation_destination_host: DestinationHost,
    pub dial_rule_translation_source_name: SourceName,
    pub dial_rule_description: Description,
}

impl Default for NumberSettings {
    /// NetSapiens' defaults: enabled, no parameter, `[*]` host and caller's name, no description.
    fn default() -> Self {
        Self {
            enabled: YesNo::Yes,
            dial_rule_parameter: DialRuleParameter::default(),
            dial_rule_translation_destination_host: DestinationHost::default(),
            dial_rule_translation_source_name: SourceName::default(),
            dial_rule_description: Description::default(),
        }
    }
}

/// The body of a number create or change, as NetSapiens names it. Every field is text; blank
/// takes the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct PhoneNumberForm {
    pub phonenumber: String,
    pub enabled: String,
    pub dial_rule_application: String,
    pub dial_rule_parameter: String,
    pub dial_rule_translation_destination_user: String,
    pub dial_rule_translation_destination_host: String,
    pub dial_rule_translation_source_name: String,
    pub dial_rule_description: String,
}

/// A number, where it should ring and the rest of its dial rule, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoneNumber {
    pub number: PhoneNumber,
    pub route: Route,
    pub settings: NumberSettings,
}

/// Whether a destination user as sent names nobody: blank, or NetSapiens' `[*]`.
fn names_nobody(user: &str) -> bool {
    matches!(user.trim(), "" | ANY)
}

impl PhoneNumberForm {
    /// The number of `domain`, its route and the rest of its dial rule, or every bad field.
    /// Without a `dial-rule-application`, a number with a destination user rings that user and
    /// one without (blank or `[*]`) is available. The destination user is ignored for an
    /// available number (NetSapiens requires the field whatever the rule).
    pub fn parse(&self, domain: &DomainName) -> Result<NewPhoneNumber, FieldErrors> {
        let mut errors = FieldErrors::default();
        let number = errors.check("phonenumber", PhoneNumber::parse(&self.phonenumber));
        let enabled = match self.enabled.trim() {
            "" => Some(YesNo::Yes),
            raw => errors.check("enabled", YesNo::parse(raw)),
        };
        let user = self.dial_rule_translation_destination_user.trim();
        let rule = match self.dial_rule_application.trim() {
            "" if names_nobody(user) => Some(DialRule::AvailableNumber),
            "" => Some(DialRule::ToUser),
            raw => errors.check("dial-rule-application", DialRule::parse(raw)),
        };
        let parameter = errors.check(
            "dial-rule-parameter",
            DialRuleParameter::parse(&self.dial_rule_parameter),
        );
        let host = errors.check(
            "dial-rule-translation-destination-host",
            DestinationHost::parse_in(&self.dial_rule_translation_destination_host, domain),
        );
        let source_name = errors.check(
            "dial-rule-translation-source-name",
            SourceName::parse(&self.dial_rule_translation_source_name),
        );
        let description = errors.check(
            "dial-rule-description",
            Description::parse(&self.dial_rule_description),
        );
        let route = match rule {
            Some(DialRule::ToUser) if names_nobody(user) => {
                errors.add(
                    "dial-rule-translation-destination-user",
                    "Required for to-user: the extension of a user of this domain.",
                );
                None
            }
            Some(DialRule::ToUser) => errors
                .check(
                    "dial-rule-translation-destination-user",
                    Extension::parse_alphanumeric(user),
                )
                .map(Route::User),
            Some(DialRule::ToCallqueue) if names_nobody(user) => {
                errors.add(
                    "dial-rule-translation-destination-user",
                    "Required for to-callqueue: the extension of a call queue of this domain.",
                );
                None
            }
            Some(DialRule::ToCallqueue) => errors
                .check(
                    "dial-rule-translation-destination-user",
                    Extension::parse_alphanumeric(user),
                )
                .map(Route::Queue),
            Some(DialRule::AvailableNumber) => Some(Route::Available),
            None => None,
        };
        match (
            number,
            route,
            enabled,
            parameter,
            host,
            source_name,
            description,
        ) {
            (
                Some(number),
                Some(route),
                Some(enabled),
                Some(dial_rule_parameter),
                Some(dial_rule_translation_destination_host),
                Some(dial_rule_translation_source_name),
                Some(dial_rule_description),
            ) if errors.is_empty() => Ok(NewPhoneNumber {
                number,
                route,
                settings: NumberSettings {
                    enabled,
                    dial_rule_parameter,
                    dial_rule_translation_destination_host,
                    dial_rule_translation_source_name,
                    dial_rule_description,
                },
            }),
            _ => Err(errors),
        }
    }
}

/// The most numbers one range adds.
pub const RANGE_MAX: u32 = 1000;

/// A block of consecutive numbers to add at once, as the phone numbers page asks for it: the
/// first number, how many, and the user they all ring (blank: available).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct NumberRangeForm {
    pub first: String,
    pub count: String,
    pub dial_rule_translation_destination_user: String,
}

/// Consecutive numbers and where they all ring, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRange {
    pub numbers: Vec<PhoneNumber>,
    pub route: Route,
}

/// How many numbers a range holds: a whole number from 1 to [`RANGE_MAX`].
pub fn range_count(raw: &str) -> Result<u32, Invalid> {
    match raw.trim().parse::<u32>() {
        Ok(n @ 1..=RANGE_MAX) => Ok(n),
        _ => Err(Invalid::new(format!(
            "A whole number from 1 to {RANGE_MAX}."
        ))),
    }
}

impl NumberRangeForm {
    /// The numbers and their route, or every bad field. Every number of the range must be a
    /// valid number of the same length as the first (a range never runs into another plan).
    pub fn parse(&self) -> Result<NumberRange, FieldErrors> {
        let mut errors = FieldErrors::default();
        let first = errors.check("first", PhoneNumber::parse(&self.first));
        let count = errors.check("count", range_count(&self.count));
        let user = self.dial_rule_translation_destination_user.trim();
        let route = if user.is_empty() {
            Some(Route::Available)
        } else {
            errors
                .check(
                    "dial-rule-translation-destination-user",
                    Extension::parse_alphanumeric(user),
                )
                .map(Route::User)
        };
        let numbers = match (first, count) {
            (Some(first), Some(count)) => errors.check("count", first.run(count)),
            _ => None,
        };
        match (numbers, route) {
            (Some(numbers), Some(route)) if errors.is_empty() => Ok(NumberRange { numbers, route }),
            _ => Err(errors),
        }
    }
}

/// A number of a domain as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DomainNumber {
    pub phonenumber: PhoneNumber,
    pub domain: DomainName,
    pub dial_rule_application: DialRule,
    /// The extension it rings, for `to-user`; `[*]` on the wire when available (NetSapiens'
    /// example), as the field is required.
    #[serde(with = "destination_user")]
    pub dial_rule_translation_destination_user: Option<Extension>,
    #[serde(flatten)]
    pub settings: NumberSettings,
    /// Unix milliseconds (RFC 3339 on the wire).
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
}

/// `dial-rule-translation-destination-user` on the wire: the extension, or `[*]` for nobody.
mod destination_user {
    use super::{names_nobody, Extension, ANY};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(user: &Option<Extension>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(user.as_ref().map_or(ANY, Extension::as_str))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Extension>, D::Error> {
        let raw = String::deserialize(d)?;
        if names_nobody(&raw) {
            return Ok(None);
        }
        Extension::parse_alphanumeric(&raw)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

impl From<&DomainNumber> for PhoneNumberForm {
    fn from(n: &DomainNumber) -> Self {
        let s = &n.settings;
        Self {
            phonenumber: n.phonenumber.to_string(),
            enabled: s.enabled.as_str().to_owned(),
            dial_rule_application: n.dial_rule_application.as_str().to_owned(),
            dial_rule_parameter: s.dial_rule_parameter.to_string(),
            dial_rule_translation_destination_user: n
                .dial_rule_translation_destination_user
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            dial_rule_translation_destination_host: s
                .dial_rule_translation_destination_host
                .to_string(),
            dial_rule_translation_source_name: s.dial_rule_translation_source_name.to_string(),
            dial_rule_description: s.dial_rule_description.to_string(),
        }
    }
}

/// Which numbers a list shows, in which order, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberQuery {
    /// Part of the number or of the destination user's extension; blank for all.
    pub search: String,
    pub order: NumberOrder,
    pub descending: bool,
    pub start: u32,
    pub limit: u32,
}

/// What a numbers list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NumberOrder {
    #[default]
    Number,
    User,
    CreatedAt,
}

/// A page of numbers and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberList {
    pub total: u64,
    pub items: Vec<DomainNumber>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(first: &str, count: &str, user: &str) -> Result<NumberRange, FieldErrors> {
        NumberRangeForm {
            first: first.into(),
            count: count.into(),
            dial_rule_translation_destination_user: user.into(),
        }
        .parse()
    }

    #[test]
    fn a_range_counts_on_from_its_first_number() {
        let r = range("+1 612 555 0198", "3", "").unwrap();
        let numbers: Vec<_> = r.numbers.iter().map(PhoneNumber::as_str).collect();
        assert_eq!(numbers, ["+16125550198", "+16125550199", "+16125550200"]);
        assert_eq!(r.route, Route::Available);
        assert_eq!(
            range("6125550100", "1", "1001").unwrap().route,
            Route::User(Extension::parse_alphanumeric("1001").unwrap())
        );
    }

    #[test]
    fn a_range_names_each_bad_field_and_never_runs_out_of_its_plan() {
        let fields = |e: FieldErrors| e.iter().map(|e| e.field.clone()).collect::<Vec<_>>();
        assert_eq!(
            fields(range("12", "0", "no way!").unwrap_err()),
            ["first", "count", "dial-rule-translation-destination-user"]
        );
        assert_eq!(
            fields(range("+16125550100", "1001", "").unwrap_err()),
            ["count"]
        );
        assert_eq!(
            fields(range("+16125550100", "ten", "").unwrap_err()),
            ["count"]
        );
        // 612-999-9999 + 1 would be 613-000-0000: no NANP exchange starts with 0.
        let past = range("+16129999999", "2", "").unwrap_err();
        assert!(
            past.message_for("count").unwrap().contains("+16130000000"),
            "{past:?}"
        );
    }

    fn form(number: &str, rule: &str, user: &str) -> PhoneNumberForm {
        PhoneNumberForm {
            phonenumber: number.into(),
            dial_rule_application: rule.into(),
            dial_rule_translation_destination_user: user.into(),
            ..PhoneNumberForm::default()
        }
    }

    fn acme() -> DomainName {
        DomainName::parse("acme.example").unwrap()
    }

    #[test]
    fn a_number_rings_a_user_or_is_available() {
        let to_user = form("16125550100", "to-user", "1001")
            .parse(&acme())
            .unwrap();
        assert_eq!(to_user.number.as_str(), "+16125550100");
        assert_eq!(
            to_user.route,
            Route::User(Extension::parse("1001").unwrap())
        );
        let available = form("+16125550101", "available-number", "1001")
            .parse(&acme())
            .unwrap();
        assert_eq!(available.route, Route::Available);
        assert_eq!(
            form("+16125550101", "", "").parse(&acme()).unwrap().route,
            Route::Available
        );
        assert!(matches!(
            form("+16125550101", "", "1002")
                .parse(&acme())
                .unwrap()
                .route,
            Route::User(_)
        ));
    }

    #[test]
    fn applications_roster_does_not_route_are_named_as_such() {
        let errors = form("+16125550100", "to-connection", "1001")
            .parse(&acme())
            .unwrap_err();
        assert!(errors
            .message_for("dial-rule-application")
            .unwrap()
            .contains("not supported by Roster"));
        let errors = form("+16125550100", "to-nowhere", "")
            .parse(&acme())
            .unwrap_err();
        assert_eq!(
            errors.message_for("dial-rule-application"),
            Some("One of to-user, to-callqueue or available-number.")
        );
    }

    #[test]
    fn a_number_sent_to_a_call_queue_names_its_extension() {
        let queue = form("+16125550100", "to-callqueue", "600")
            .parse(&acme())
            .unwrap();
        assert_eq!(queue.route, Route::Queue(Extension::parse("600").unwrap()));
        assert_eq!(queue.route.dial_rule().0.as_str(), "to-callqueue");
        for nobody in ["", "[*]"] {
            let errors = form("+16125550100", "to-callqueue", nobody)
                .parse(&acme())
                .unwrap_err();
            assert!(errors
                .message_for("dial-rule-translation-destination-user")
                .unwrap()
                .contains("call queue"));
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = form("12", "to-user", "").parse(&acme()).unwrap_err();
        assert!(errors.message_for("phonenumber").is_some());
        assert!(errors
            .message_for("dial-rule-translation-destination-user")
            .is_some());
    }

    #[test]
    fn a_number_keeps_the_rest_of_its_dial_rule_with_netsapiens_defaults() {
        let plain = form("+16125550100", "to-user", "1001")
            .parse(&acme())
            .unwrap();
        assert_eq!(plain.settings, NumberSettings::default());
        assert_eq!(plain.settings.enabled, YesNo::Yes);
        assert_eq!(
            plain
                .settings
                .dial_rule_translation_destination_host
                .as_str(),
            ANY
        );
        assert_eq!(
            plain.settings.dial_rule_translation_source_name.as_str(),
            ANY
        );
        let full = PhoneNumberForm {
            enabled: "no".into(),
            dial_rule_parameter: "<NULL>".into(),
            dial_rule_translation_destination_host: "Acme.Example".into(),
            dial_rule_translation_source_name: "Sales".into(),
            dial_rule_description: "Main line".into(),
            ..form("+16125550100", "to-user", "1001")
        }
        .parse(&acme())
        .unwrap();
        assert_eq!(full.settings.enabled, YesNo::No);
        assert_eq!(full.settings.dial_rule_parameter.as_str(), "");
        assert_eq!(
            full.settings
                .dial_rule_translation_destination_host
                .as_str(),
            "acme.example"
        );
        assert_eq!(
            full.settings.dial_rule_translation_source_name.as_str(),
            "Sales"
        );
        assert_eq!(full.settings.dial_rule_description.as_str(), "Main line");
        let own = PhoneNumberForm {
            dial_rule_translation_destination_host: OWN_DOMAIN.into(),
            ..form("+16125550100", "", "1001")
        };
        assert!(own.parse(&acme()).is_ok());
    }

    #[test]
    fn a_host_outside_the_domain_and_other_bad_dial_rule_fields_are_named() {
        let errors = PhoneNumberForm {
            enabled: "maybe".into(),
            dial_rule_parameter: "x".repeat(256),
            dial_rule_translation_destination_host: "other.example".into(),
            dial_rule_translation_source_name: "x".repeat(36),
            dial_rule_description: "one\ntwo".into(),
            ..form("+16125550100", "available-number", "")
        }
        .parse(&acme())
        .unwrap_err();
        for field in [
            "enabled",
            "dial-rule-parameter",
            "dial-rule-translation-destination-host",
            "dial-rule-translation-source-name",
            "dial-rule-description",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}: {errors:?}");
        }
        assert!(errors
            .message_for("dial-rule-translation-destination-host")
            .unwrap()
            .contains("only inside their domain"));
    }

    #[test]
    fn an_available_number_names_its_destination_user_as_netsapiens_does() {
        assert_eq!(
            form("+16125550100", "", ANY).parse(&acme()).unwrap().route,
            Route::Available
        );
        assert!(form("+16125550100", "to-user", ANY)
            .parse(&acme())
            .unwrap_err()
            .message_for("dial-rule-translation-destination-user")
            .is_some());
        let number = DomainNumber {
            phonenumber: PhoneNumber::parse("+16125550100").unwrap(),
            domain: acme(),
            dial_rule_application: DialRule::AvailableNumber,
            dial_rule_translation_destination_user: None,
            settings: NumberSettings::default(),
            created_at: 0,
        };
        let json = serde_json::to_value(&number).unwrap();
        assert_eq!(json["dial-rule-translation-destination-user"], ANY);
        assert_eq!(json["enabled"], "yes");
        assert_eq!(json["dial-rule-translation-destination-host"], ANY);
        assert_eq!(
            serde_json::from_value::<DomainNumber>(json).unwrap(),
            number
        );
    }
}
