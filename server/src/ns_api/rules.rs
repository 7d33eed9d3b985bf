//! NetSapiens' answer-rule objects and Roster's one answer rule (time frame `*`).
//!
//! A rule is `{"time-frame": "*", "forward-always": {"enabled": "yes", "parameters": ["1002"]},
//! ...}`; Roster keeps the same rule as the user form's answer-rule fields, so a rule sent to the
//! API goes through the same parser as one typed in the wizard.

use app::model::json_form::text_of_value;
use app::model::user::AnswerRule;
use app::model::FieldErrors;
use serde_json::{json, Map, Value};

/// The features of a rule, and the user form field each one is kept in.
const FEATURES: &[(&str, &str)] = &[
    ("forward-always", "forward-always"),
    ("forward-on-busy", "forward-on-busy"),
    ("forward-no-answer", "forward-no-answer"),
    ("forward-when-unregistered", "forward-when-unregistered"),
    ("do-not-disturb", "do-not-disturb"),
    ("simultaneous-ring", "simultaneous-ring"),
];

/// The user fields an answer rule is kept in.
pub const FIELDS: &[&str] = &[
    "forward-always",
    "forward-on-busy",
    "forward-no-answer",
    "forward-when-unregistered",
    "do-not-disturb",
    "simultaneous-ring",
];

/// The only time frame Roster keeps.
pub const DEFAULT_TIME_FRAME: &str = "*";

/// The user form fields a rule object sets, or every bad member (paths start with `path`).
/// Members left out are not set, so an update changes only what it names.
pub fn form_fields(
    rule: &Map<String, Value>,
    path: &str,
) -> Result<Vec<(&'static str, String)>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut fields = Vec::new();
    for (name, value) in rule {
        let at = format!("{path}{name}");
        match name.as_str() {
            "time-frame" => match value.as_str() {
                Some(DEFAULT_TIME_FRAME) => {}
                _ => errors.add(at, "Roster keeps one answer rule, for the time frame *."),
            },
            // Read-only or not kept: a rule read and sent back as it was is accepted.
            "enabled" | "is-active" | "synchronous" | "order" => {}
            _ => match FEATURES.iter().find(|(feature, _)| feature == name) {
                None => errors.add(at, "Unknown field."),
                Some((feature, field)) => match feature_text(feature, value) {
                    Ok(text) => fields.push((*field, text)),
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

/// The form text of one feature object: its destinations when enabled, blank when not
/// (`yes`/`no` for do-not-disturb).
fn feature_text(feature: &str, value: &Value) -> Result<String, &'static str> {
    let Value::Object(object) = value else {
        return Err("Must be an object: {\"enabled\": \"yes\", \"parameters\": [...]}.");
    };
    if let Some(unknown) = object
        .keys()
        .find(|k| *k != "enabled" && *k != "parameters")
    {
        let _ = unknown;
        return Err("Only enabled and parameters are allowed here.");
    }
    let enabled = match object.get("enabled").map(|v| text_of_value(v, false)) {
        None => true,
        Some(Ok(text)) if text == "yes" => true,
        Some(Ok(text)) if text == "no" => false,
        _ => return Err("enabled must be yes or no."),
    };
    if feature == "do-not-disturb" {
        return Ok(if enabled { "yes" } else { "no" }.to_owned());
    }
    if !enabled {
        return Ok(String::new());
    }
    match object.get("parameters") {
        None => Err("An enabled forward needs its destination in parameters."),
        Some(value) => text_of_value(value, true),
    }
}

/// The rule as NetSapiens shows it.
pub fn to_json(rule: &AnswerRule) -> Value {
    fn forward<T: ToString>(target: &Option<T>) -> Value {
        match target {
            Some(t) => json!({"enabled": "yes", "parameters": [t.to_string()]}),
            None => json!({"enabled": "no", "parameters": []}),
        }
    }
    let ring: Vec<String> = rule
        .simultaneous_ring
        .iter()
        .map(ToString::to_string)
        .collect();
    json!({
        "time-frame": DEFAULT_TIME_FRAME,
        "enabled": "yes",
        "is-active": "yes",
        "order": 0,
        "forward-always": forward(&rule.forward_always),
        "forward-on-busy": forward(&rule.forward_on_busy),
        "forward-no-answer": forward(&rule.forward_no_answer),
        "forward-when-unregistered": forward(&rule.forward_when_unregistered),
        "do-not-disturb": {"enabled": if rule.do_not_disturb { "yes" } else { "no" }, "parameters": []},
        "simultaneous-ring": {"enabled": if ring.is_empty() { "no" } else { "yes" }, "parameters": ring},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_becomes_the_form_fields_it_names_and_no_others() {
        let rule = json!({"time-frame": "*", "forward-always": {"enabled": "yes", "parameters": [1002]},
                          "do-not-disturb": {"enabled": "no"}, "forward-on-busy": {"enabled": "no"}});
        let fields = form_fields(rule.as_object().unwrap(), "").unwrap();
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
        for field in [
            "answer-rules[0].time-frame",
            "answer-rules[0].forward-sometimes",
            "answer-rules[0].forward-always",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
    }
}
