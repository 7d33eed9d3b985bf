//! NetSapiens' answer-rule objects.
//!
//! A rule is `{"time-frame": "*", "forward-always": {"enabled": "yes", "parameters": ["1002"]},
//! ...}` with NetSapiens' twelve features. Roster reads a rule into the user form's fields
//! (forwards, do-not-disturb, simultaneous ring, and the call screening and allow and reject
//! switches), so a rule sent to the API goes through the same parser as one typed in the wizard:
//! the default rule (`*`) is kept in them, another time frame's beside them
//! (`app::ssr::answer_rules`). The call screening and allow and reject switches are the user's,
//! the same in each of its rules. The features Roster's SIP server does not perform are shown off
//! and accepted only off.

use app::model::fields::{find, split_list};
use app::model::json_form::text_of_value;
use app::model::permissions::{own_change, Action};
use app::model::user::{UserDetail, USER_FIELDS};
use app::model::{Destination, DomainName, Extension, FieldErrors, Parse, PhoneNumber};
use app::ssr::db::users::write::rules::StoredRule;
use serde_json::{json, Map, Value};

/// What Roster does with one feature of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// Its destinations, in this user field (blank: off).
    Destinations(&'static str),
    /// On or off (NetSapiens' `{enabled}` only), in this yes/no user field.
    Switch(&'static str),
    /// On or off, in this yes/no user field. Roster keeps no list of numbers beside it, so its
    /// `parameters` must be empty; without `enabled` the switch stays as it is.
    SwitchWithoutList(&'static str),
    /// Not performed by Roster's SIP server: shown off, accepted off only.
    NotPerformed,
}

impl Kept {
    /// The user field the feature is kept in, if any.
    fn field(self) -> Option<&'static str> {
        match self {
            Kept::Destinations(field) | Kept::Switch(field) | Kept::SwitchWithoutList(field) => {
                Some(field)
            }
            Kept::NotPerformed => None,
        }
    }
}

/// NetSapiens' features of a rule, in the order of its schema, and what Roster keeps of each.
const FEATURES: &[(&str, Kept)] = &[
    ("simultaneous-ring", Kept::Destinations("simultaneous-ring")),
    ("do-not-disturb", Kept::Switch("do-not-disturb")),
    ("forward-always", Kept::Destinations("forward-always")),
    ("forward-on-active", Kept::NotPerformed),
    ("forward-on-busy", Kept::Destinations("forward-on-busy")),
    ("forward-no-answer", Kept::Destinations("forward-no-answer")),
    (
        "forward-when-unregistered",
        Kept::Destinations("forward-when-unregistered"),
    ),
    ("forward-on-dnd", Kept::NotPerformed),
    ("forward-on-spam-call", Kept::NotPerformed),
    ("call-screening", Kept::Switch("call-screening-enabled")),
    (
        "phone-numbers-to-allow",
        Kept::SwitchWithoutList("phone-numbers-to-allow-enabled"),
    ),
    (
        "phone-numbers-to-reject",
        Kept::SwitchWithoutList("phone-numbers-to-reject-enabled"),
    ),
];

pub use app::model::user::DEFAULT_TIME_FRAME;

/// NetSapiens' `order` of the rule for `*`, which comes after every other time frame's.
const DEFAULT_ORDER: usize = 99;

/// Members of a rule that a read shows and a change does not set this way (`enabled` is read by
/// the handler of a named time frame's rule; the default rule is always enabled): a rule read and
/// sent back as it was is accepted.
const IGNORED: &[&str] = &[
    "enabled",
    "is-active",
    "synchronous",
    "order",
    "new-position",
    "time_range_data",
];

/// The user fields the rule's own features are kept in (forwards, do-not-disturb, simultaneous
/// ring), as the permission table lets a user change them of itself: what changing the rule
/// needs leave for, and what deleting it clears. The call screening and allow and reject
/// switches are settings of the user beside its rule.
pub fn own_fields() -> Vec<&'static str> {
    FEATURES
        .iter()
        .filter_map(|(_, kept)| kept.field())
        .filter(|field| own_change(field) == Some(Action::EditOwnAnswerRules))
        .collect()
}

/// The feature of a rule kept in the user field `field` (the field itself if none is).
pub fn feature_of(field: &'static str) -> &'static str {
    FEATURES
        .iter()
        .find(|(_, kept)| kept.field() == Some(field))
        .map_or(field, |(feature, _)| feature)
}

/// The user form fields of [`own_fields`], each with its "off" text: the rule deleted.
pub fn cleared() -> Vec<(&'static str, String)> {
    let own = own_fields();
    FEATURES
        .iter()
        .filter_map(|(_, kept)| match kept {
            Kept::Destinations(field) => Some((*field, String::new())),
            Kept::Switch(field) | Kept::SwitchWithoutList(field) => Some((*field, "no".into())),
            Kept::NotPerformed => None,
        })
        .filter(|(field, _)| own.contains(field))
        .collect()
}

/// The user a rule belongs to, as the request's path names it: the rule's `domain` and `user`,
/// if sent, must be these, and `vmail_<its extension>` is its voicemail.
pub struct Owner<'a> {
    pub domain: &'a DomainName,
    pub user: &'a str,
}

/// The user form fields a rule object sets, or every bad member (paths start with `path`), for a
/// rule whose user is not known yet (one sent with the user it belongs to).
pub fn form_fields(
    rule: &Map<String, Value>,
    path: &str,
) -> Result<Vec<(&'static str, String)>, FieldErrors> {
    fields_of(rule, path, None)
}

/// The user form fields a rule object of `owner` (if known) sets, or every bad member (paths
/// start with `path`). Members left out are not set, so an update changes only what it names.
pub fn fields_of(
    rule: &Map<String, Value>,
    path: &str,
    owner: Option<&Owner<'_>>,
) -> Result<Vec<(&'static str, String)>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut fields = Vec::new();
    for (name, value) in rule {
        let at = format!("{path}{name}");
        let text = || text_of_value(value, false).unwrap_or_default();
        match name.as_str() {
            // A rule sent with its user's path names its time frame there, and the path's
            // handler reads it; one sent with a new user is its default rule.
            "time-frame" if owner.is_some() => {}
            "time-frame" => match value.as_str() {
                Some(DEFAULT_TIME_FRAME) => {}
                _ => errors.add(
                    at,
                    "A user is created with its rule for * only: add the rules of other time \
                     frames once it exists.",
                ),
            },
            ignored if IGNORED.contains(&ignored) => {}
            "domain" => match owner {
                Some(owner) if DomainName::parse(&text()).ok().as_ref() != Some(owner.domain) => {
                    errors.add(at, format!("The domain of the path: {}.", owner.domain))
                }
                _ => {}
            },
            "user" => match owner {
                Some(owner) if text().trim() != owner.user => {
                    errors.add(at, format!("The user of the path: {}.", owner.user))
                }
                _ => {}
            },
            _ => match FEATURES.iter().find(|(feature, _)| feature == name) {
                None => errors.add(at, "Unknown field."),
                Some((_, kept)) => match feature_text(*kept, value, owner.map(|o| o.user)) {
                    Ok(Some(field)) => fields.push(field),
                    Ok(None) => {}
                    Err(message) => errors.add(at, message),
                },
            },
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// The user form field and text one feature object sets (its destinations when enabled, blank
/// when not; `yes`/`no` for a switch), nothing for a feature Roster does not perform (off), or
/// why it cannot be taken. `own` is the extension of the rule's user, if known.
fn feature_text(
    kept: Kept,
    value: &Value,
    own: Option<&str>,
) -> Result<Option<(&'static str, String)>, String> {
    let Value::Object(object) = value else {
        return Err("Must be an object: {\"enabled\": \"yes\", \"parameters\": [...]}.".into());
    };
    if object
        .keys()
        .any(|k| k.as_str() != "enabled" && k.as_str() != "parameters")
    {
        return Err("Only enabled and parameters are allowed here.".into());
    }
    let enabled = match object.get("enabled").map(|v| text_of_value(v, false)) {
        None => None,
        Some(Ok(text)) if text == "yes" => Some(true),
        Some(Ok(text)) if text == "no" => Some(false),
        _ => return Err("enabled must be yes or no.".into()),
    };
    let parameters: Vec<String> = match object.get("parameters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(_) | Value::Number(_) => Ok(text_of_value(item, false)?),
                _ => Err("parameters must be a list of text or numbers."),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => vec![text_of_value(other, false)?],
    };
    let yes_no = |on: bool| if on { "yes" } else { "no" }.to_owned();
    match kept {
        Kept::Destinations(field) => match (enabled.unwrap_or(true), parameters.is_empty()) {
            (false, _) => Ok(Some((field, String::new()))),
            (true, true) => Err("An enabled forward needs its destination in parameters.".into()),
            (true, false) => {
                let destinations = parameters
                    .iter()
                    .map(|p| destination(p, own))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Some((field, destinations.join(", "))))
            }
        },
        // Roster showed `parameters: []` with do-not-disturb once: an empty list is no harm.
        Kept::Switch(_) if !parameters.is_empty() => {
            Err("Takes enabled only, no parameters.".into())
        }
        Kept::Switch(field) => Ok(Some((field, yes_no(enabled.unwrap_or(true))))),
        Kept::SwitchWithoutList(_) if !parameters.is_empty() => Err(
            "Roster keeps no list of numbers here: send enabled only, with no parameters.".into(),
        ),
        Kept::SwitchWithoutList(field) => Ok(enabled.map(|on| (field, yes_no(on)))),
        Kept::NotPerformed if enabled == Some(true) || !parameters.is_empty() => Err(
            "Not performed by Roster's SIP server: only {\"enabled\": \"no\"} is accepted.".into(),
        ),
        Kept::NotPerformed => Ok(None),
    }
}

/// One destination of a forward or of simultaneous ring as the user form writes it, read from
/// NetSapiens' tokens too: `user_<extension>` an extension, `phone_<number>` a phone number,
/// `vmail_<extension>` the voicemail of the rule's own user (`own`). Anything else is left as
/// sent, for the user form's parser to take or refuse.
fn destination(raw: &str, own: Option<&str>) -> Result<String, String> {
    let raw = raw.trim();
    let parsed = if let Some(extension) = raw.strip_prefix("user_") {
        Extension::parse(extension).map(Destination::Extension)
    } else if let Some(number) = raw.strip_prefix("phone_") {
        PhoneNumber::parse(number).map(Destination::Number)
    } else if let Some(extension) = raw.strip_prefix("vmail_") {
        return match own {
            Some(own) if own == extension => Ok(Destination::Voicemail.to_string()),
            _ => Err(format!(
                "{raw}: Roster forwards to the user's own voicemail only (voicemail{})",
                own.map(|own| format!(" or vmail_{own}"))
                    .unwrap_or_default()
            )),
        };
    } else {
        return Ok(raw.to_owned());
    };
    parsed
        .map(|destination| destination.to_string())
        .map_err(|e| format!("{raw}: {e}"))
}

/// `fields` without the switches beside the rule (call screening, the allow and reject lists)
/// that `current` has already: they are its managers' to change, and come back unchanged in a
/// rule its own user read and sends back.
pub fn without_unchanged_switches(
    fields: Vec<(&'static str, String)>,
    current: &UserDetail,
) -> Vec<(&'static str, String)> {
    let own = own_fields();
    let form = current.values.to_form();
    fields
        .into_iter()
        .filter(|(field, text)| {
            own.contains(field) || find(USER_FIELDS, field).is_none_or(|f| (f.get)(&form) != text)
        })
        .collect()
}

/// The rule `rule` of `user` as NetSapiens shows it, `order`th of the user's rules (from 1):
/// every feature of its schema, those Roster does not perform off.
pub fn to_json(user: &UserDetail, rule: &StoredRule, order: usize) -> Value {
    let form = user.values.clone().with_answer_rule(&rule.rule).to_form();
    let text = |field: &str| find(USER_FIELDS, field).map_or("", |f| (f.get)(&form));
    let order = if rule.time_frame == DEFAULT_TIME_FRAME {
        order.max(DEFAULT_ORDER)
    } else {
        order
    };
    let mut json = json!({
        "domain": user.domain.as_str(),
        "user": user.extension().as_str(),
        "time-frame": rule.time_frame,
        "enabled": if rule.enabled { "yes" } else { "no" },
        "is-active": rule.in_effect,
        "order": order,
        "time_range_data": [],
    });
    for (feature, kept) in FEATURES {
        json[*feature] = match kept {
            Kept::Destinations(field) => {
                let parameters: Vec<&str> = split_list(text(field)).collect();
                let enabled = if parameters.is_empty() { "no" } else { "yes" };
                json!({"enabled": enabled, "parameters": parameters})
            }
            Kept::Switch(field) => json!({"enabled": text(field)}),
            Kept::SwitchWithoutList(field) => json!({"enabled": text(field), "parameters": []}),
            Kept::NotPerformed => json!({"enabled": "no", "parameters": []}),
        };
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(
        rule: Value,
        owner: Option<&Owner<'_>>,
    ) -> Result<Vec<(&'static str, String)>, FieldErrors> {
        fields_of(rule.as_object().unwrap(), "", owner)
    }

    #[test]
    fn a_rule_becomes_the_form_fields_it_names_and_no_others() {
        let rule = json!({"time-frame": "*", "forward-always": {"enabled": "yes", "parameters": [1002]},
                          "do-not-disturb": {"enabled": "no"}, "forward-on-busy": {"enabled": "no"}});
        let fields = fields(rule, None).unwrap();
        assert!(fields.contains(&("forward-always", "1002".into())));
        assert!(fields.contains(&("do-not-disturb", "no".into())));
        assert!(fields.contains(&("forward-on-busy", String::new())));
        assert_eq!(fields.len(), 3);
    }

    #[test]
    fn another_time_frame_and_unknown_members_are_named() {
        let rule =
            json!({"time-frame": "weekends", "forward-sometimes": {}, "forward-always": "1002"});
        let errors = form_fields(rule.as_object().unwrap(), "answer-rules[0].").unwrap_err();
        assert!(errors
            .message_for("answer-rules[0].time-frame")
            .unwrap()
            .contains("rule for * only"));
        for field in [
            "answer-rules[0].time-frame",
            "answer-rules[0].forward-sometimes",
            "answer-rules[0].forward-always",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
    }

    #[test]
    fn netsapiens_tokens_name_an_extension_a_number_or_the_users_own_voicemail() {
        let domain = DomainName::parse("acme.example").unwrap();
        let owner = Owner {
            domain: &domain,
            user: "1001",
        };
        let rule = json!({"forward-always": {"enabled": "yes", "parameters": ["user_1002"]},
                          "forward-on-busy": {"enabled": "yes", "parameters": ["phone_16125550199"]},
                          "forward-no-answer": {"enabled": "yes", "parameters": ["vmail_1001"]},
                          "simultaneous-ring": {"enabled": "yes", "parameters": ["user_1003", "phone_+16125550198"]}});
        let fields = fields(rule, Some(&owner)).unwrap();
        assert!(fields.contains(&("forward-always", "1002".into())));
        assert!(fields.contains(&("forward-on-busy", "+16125550199".into())));
        assert!(fields.contains(&("forward-no-answer", "voicemail".into())));
        assert!(fields.contains(&("simultaneous-ring", "1003, +16125550198".into())));
        let other = json!({"forward-always": {"enabled": "yes", "parameters": ["vmail_1002"]},
                           "forward-on-busy": {"enabled": "yes", "parameters": ["phone_12"]}});
        let errors = fields_of(other.as_object().unwrap(), "", Some(&owner)).unwrap_err();
        assert!(errors
            .message_for("forward-always")
            .unwrap()
            .contains("own voicemail"));
        assert!(errors.message_for("forward-on-busy").is_some());
    }

    #[test]
    fn features_roster_does_not_perform_are_taken_off_only() {
        let off = json!({"forward-on-active": {"enabled": "no", "parameters": []},
                         "forward-on-dnd": {"enabled": "no"}, "forward-on-spam-call": {},
                         "phone-numbers-to-allow": {"parameters": []}});
        assert_eq!(fields(off, None).unwrap(), []);
        let on = json!({"forward-on-active": {"enabled": "yes", "parameters": ["1002"]},
                        "forward-on-dnd": {"enabled": "no", "parameters": ["1002"]},
                        "phone-numbers-to-reject": {"enabled": "yes", "parameters": ["anonymous"]},
                        "call-screening": {"enabled": "yes", "parameters": ["x"]}});
        let errors = fields(on, None).unwrap_err();
        assert!(errors
            .message_for("forward-on-active")
            .unwrap()
            .contains("performed by Roster's SIP server"));
        for field in [
            "forward-on-dnd",
            "phone-numbers-to-reject",
            "call-screening",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
        let switches = json!({"call-screening": {"enabled": "no"},
                              "phone-numbers-to-allow": {"enabled": "yes", "parameters": []}});
        let fields = fields(switches, None).unwrap();
        assert!(fields.contains(&("call-screening-enabled", "no".into())));
        assert!(fields.contains(&("phone-numbers-to-allow-enabled", "yes".into())));
    }

    #[test]
    fn the_domain_and_user_of_a_rule_must_be_those_of_its_path() {
        let domain = DomainName::parse("acme.example").unwrap();
        let owner = Owner {
            domain: &domain,
            user: "1001",
        };
        let same = json!({"domain": "acme.example", "user": 1001, "time_range_data": [],
                          "is-active": true, "order": 99, "new-position": "top"});
        assert_eq!(fields(same, Some(&owner)).unwrap(), []);
        let other = json!({"domain": "other.example", "user": "1002"});
        let errors = fields(other, Some(&owner)).unwrap_err();
        assert!(errors.message_for("domain").is_some());
        assert!(errors.message_for("user").is_some());
    }

    #[test]
    fn deleting_the_rule_clears_its_own_fields_and_leaves_the_switches() {
        let cleared = cleared();
        assert!(cleared.contains(&("forward-always", String::new())));
        assert!(cleared.contains(&("do-not-disturb", "no".into())));
        assert!(cleared.contains(&("simultaneous-ring", String::new())));
        assert_eq!(cleared.len(), 6);
        assert!(!own_fields().contains(&"call-screening-enabled"));
        // What a user may change of itself in a rule is what a rule is kept in.
        let (mut own, mut kept) = (own_fields(), app::model::user::ANSWER_RULE_FIELDS.to_vec());
        own.sort();
        kept.sort();
        assert_eq!(own, kept);
    }
}
