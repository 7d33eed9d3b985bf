//! Phone numbers (DIDs) of a domain and where each one rings, in NetSapiens' vocabulary:
//! `phonenumber`, `dial-rule-application`, `dial-rule-translation-destination-user`.

use super::{Extension, FieldErrors, Invalid, Parse, PhoneNumber};
use serde::{Deserialize, Serialize};

/// Where a number sends its calls (NetSapiens' `dial-rule-application`). Roster routes numbers to
/// users and keeps unrouted ones as the domain's available numbers; the other applications of
/// NetSapiens need things Roster does not have (call queues, connections, single devices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DialRule {
    ToUser,
    AvailableNumber,
}

/// NetSapiens' `DialruleApplication` values Roster knows of but does not route.
pub const UNSUPPORTED_APPLICATIONS: &[&str] = &[
    "to-voicemail-residential",
    "to-callqueue",
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
            DialRule::AvailableNumber => "available-number",
        }
    }
}

impl Parse for DialRule {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "to-user" => Ok(DialRule::ToUser),
            "available-number" => Ok(DialRule::AvailableNumber),
            other if UNSUPPORTED_APPLICATIONS.contains(&other) => Err(Invalid::new(format!(
                "{other} is not supported by Roster: use to-user or available-number."
            ))),
            "" => Err(Invalid::new("Required: to-user or available-number.")),
            _ => Err(Invalid::new("Either to-user or available-number.")),
        }
    }
}

/// Where a number rings, checked: the user with this extension, or nobody (available).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    User(Extension),
    Available,
}

/// The body of a number create or change, as NetSapiens names it. Every field is text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct PhoneNumberForm {
    pub phonenumber: String,
    pub dial_rule_application: String,
    pub dial_rule_translation_destination_user: String,
}

/// A number and where it should ring, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoneNumber {
    pub number: PhoneNumber,
    pub route: Route,
}

impl PhoneNumberForm {
    /// The number and its route, or every bad field. Without a `dial-rule-application`, a number
    /// with a destination user rings that user and one without is available. The destination
    /// user is ignored for an available number (NetSapiens requires the field whatever the rule).
    pub fn parse(&self) -> Result<NewPhoneNumber, FieldErrors> {
        let mut errors = FieldErrors::default();
        let number = errors.check("phonenumber", PhoneNumber::parse(&self.phonenumber));
        let user = self.dial_rule_translation_destination_user.trim();
        let rule = match self.dial_rule_application.trim() {
            "" if user.is_empty() => Some(DialRule::AvailableNumber),
            "" => Some(DialRule::ToUser),
            raw => errors.check("dial-rule-application", DialRule::parse(raw)),
        };
        let route = match rule {
            Some(DialRule::ToUser) if user.is_empty() => {
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
            Some(DialRule::AvailableNumber) => Some(Route::Available),
            None => None,
        };
        match (number, route) {
            (Some(number), Some(route)) if errors.is_empty() => {
                Ok(NewPhoneNumber { number, route })
            }
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
    pub domain: super::DomainName,
    pub dial_rule_application: DialRule,
    /// The extension it rings, for `to-user`.
    pub dial_rule_translation_destination_user: Option<Extension>,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl From<&DomainNumber> for PhoneNumberForm {
    fn from(n: &DomainNumber) -> Self {
        Self {
            phonenumber: n.phonenumber.to_string(),
            dial_rule_application: n.dial_rule_application.as_str().to_owned(),
            dial_rule_translation_destination_user: n
                .dial_rule_translation_destination_user
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
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
        }
    }

    #[test]
    fn a_number_rings_a_user_or_is_available() {
        let to_user = form("16125550100", "to-user", "1001").parse().unwrap();
        assert_eq!(to_user.number.as_str(), "+16125550100");
        assert_eq!(
            to_user.route,
            Route::User(Extension::parse("1001").unwrap())
        );
        let available = form("+16125550101", "available-number", "1001")
            .parse()
            .unwrap();
        assert_eq!(available.route, Route::Available);
        assert_eq!(
            form("+16125550101", "", "").parse().unwrap().route,
            Route::Available
        );
        assert!(matches!(
            form("+16125550101", "", "1002").parse().unwrap().route,
            Route::User(_)
        ));
    }

    #[test]
    fn applications_roster_does_not_route_are_named_as_such() {
        let errors = form("+16125550100", "to-callqueue", "1001")
            .parse()
            .unwrap_err();
        assert!(errors
            .message_for("dial-rule-application")
            .unwrap()
            .contains("not supported by Roster"));
        let errors = form("+16125550100", "to-nowhere", "").parse().unwrap_err();
        assert_eq!(
            errors.message_for("dial-rule-application"),
            Some("Either to-user or available-number.")
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = form("12", "to-user", "").parse().unwrap_err();
        assert!(errors.message_for("phonenumber").is_some());
        assert!(errors
            .message_for("dial-rule-translation-destination-user")
            .is_some());
    }
}
