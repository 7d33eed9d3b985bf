//! The OpenAPI schemas of Roster's forms, made from the same field tables the wizard and the
//! parsers use, so the document cannot drift from what the server accepts.

use app::model::domain::DOMAIN_FIELDS;
use app::model::fields::Control;
use app::model::user::{UserField, USER_FIELDS};
use serde_json::{json, Map, Value};
use utoipa::openapi::{RefOr, Schema};

/// A JSON value a text field accepts: text, a number, yes/no as a boolean, or null for blank.
fn scalar(description: &str) -> Value {
    json!({"type": ["string", "number", "boolean", "null"], "description": description})
}

/// Any JSON value (OpenAPI 3.1 has no "any" keyword that utoipa reads).
const ANY: [&str; 6] = ["string", "number", "boolean", "null", "object", "array"];

fn to_schema(value: Value) -> RefOr<Schema> {
    serde_json::from_value(value).unwrap_or_else(|e| {
        tracing::error!(error = %e, "an OpenAPI schema did not build");
        RefOr::T(Schema::default())
    })
}

fn user_field(field: &UserField) -> Value {
    let (hint, control) = (field.hint, field.control);
    let mut schema = scalar(hint);
    if field.list {
        schema = json!({
            "description": hint,
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": ["string", "number"]}}
            ]
        });
    }
    if let Control::Choice(choices) = control {
        let values: Vec<&str> = choices.iter().map(|(v, _)| *v).collect();
        schema["examples"] = json!([values[0]]);
        schema["description"] = json!(format!("{hint} One of: {}.", values.join(", ")));
    }
    schema
}

fn user_properties() -> Map<String, Value> {
    USER_FIELDS
        .iter()
        .map(|f| (f.name.to_owned(), user_field(f)))
        .collect()
}

macro_rules! schema {
    ($name:ident, $doc:literal, $build:expr) => {
        #[doc = $doc]
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                to_schema($build)
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}

schema!(
    UserCreate,
    "The body of Create User in Domain: NetSapiens' fields, plus nested resources.",
    {
        let mut props = user_properties();
        props.insert("email-address".into(), scalar("Another name for `email`."));
        props.insert(
            "synchronous".into(),
            json!({"type": ["string", "boolean"], "description": "`yes`: answer 200 with the user; otherwise 202."}),
        );
        props.insert(
            "invitation".into(),
            json!({"type": "string", "enum": ["link", "send"],
                   "description": "Roster's extension. `link` (the default): the answer carries `invitation-link`, a one-time set-password link to pass on. `send`: the welcome message with the link is e-mailed to the user (`invitation-sent-to`); the link is answered only when no SMTP relay is set."}),
        );
        props.insert(
            "devices".into(),
            json!({"type": "array", "description": "The user's SIP devices (instead of `device`).",
                   "items": {"type": "object", "additionalProperties": false, "required": ["device"],
                             "properties": {"device": {"type": ["string", "number"]},
                                            "device-sip-registration-password": {"type": "string"},
                                            "device-provisioning-mac-address": {"type": "string",
                                                "description": "The MAC address of its phone (needs device-models-model)."},
                                            "device-models-model": {"type": "string"}}}}),
        );
        props.insert(
            "voicemail".into(),
            json!({"type": "object", "description": "Voicemail settings without their `voicemail-` prefix (`enabled`, `login-pin`, ...).",
                   "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}),
        );
        props.insert(
            "answer-rules".into(),
            json!({"type": "array", "description": "Answer rules; Roster keeps one, for time frame `*`.",
                   "items": {"$ref": "#/components/schemas/AnswerRule"}}),
        );
        json!({"type": "object", "additionalProperties": false, "properties": props,
               "required": ["user", "name-first-name", "name-last-name"]})
    }
);

schema!(
    UserUpdate,
    "A change to a user: only the fields sent change.",
    {
        let mut props = user_properties();
        props.insert("email-address".into(), scalar("Another name for `email`."));
        props.insert(
            "synchronous".into(),
            json!({"type": ["string", "boolean"], "description": "`yes`: answer 200 with the user; otherwise 202."}),
        );
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    User,
    "A user with everything attached: NetSapiens' fields, devices, voicemail box, numbers, answer rule, groups.",
    {
        let mut props: Map<String, Value> = USER_FIELDS
            .iter()
            .map(|f| (f.name.to_owned(), json!({"type": ANY, "description": f.hint})))
            .collect();
        props.insert("domain".into(), json!({"type": "string"}));
        props.insert("created-at".into(), json!({"type": "integer", "description": "Unix ms."}));
        props.insert("updated-at".into(), json!({"type": "integer", "description": "Unix ms."}));
        props.insert(
            "devices".into(),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Device"}}),
        );
        props.insert("voicemail-box".into(), json!({"type": ["string", "null"]}));
        props.insert("phone-numbers".into(), json!({"type": "array", "items": {"type": "string"}}));
        props.insert("groups".into(), json!({"type": "array", "items": {"type": "string"}}));
        props.insert(
            "inherited".into(),
            json!({"type": "array", "items": {"type": "string"},
                   "description": "The settings that follow the domain (their values above are the domain's): a Roster extension."}),
        );
        props.insert("voicemail-pin-set".into(), json!({"type": "boolean"}));
        json!({"type": "object", "properties": props,
               "required": ["domain", "user", "name-first-name", "name-last-name", "user-scope"]})
    }
);

schema!(
    UserSummary,
    "One line of a users list.",
    json!({"type": "object", "required": ["user", "name-first-name", "name-last-name", "login-username", "user-scope", "status"],
           "properties": {
               "user": {"type": "string"}, "name-first-name": {"type": "string"},
               "name-last-name": {"type": "string"}, "login-username": {"type": "string"},
               "email": {"type": "string"}, "user-scope": {"type": "string"},
               "status": {"type": "string"}, "department": {"type": ["string", "null"]},
               "site": {"type": ["string", "null"]},
               "registered": {"type": "boolean", "readOnly": true,
                   "description": "Whether one of the user's devices is registered now (a Roster extension)."}}})
);

schema!(
    DomainInput,
    "A domain's settings, as NetSapiens names them. On update, only the fields sent change.",
    {
        let mut props: Map<String, Value> = DOMAIN_FIELDS
            .iter()
            .map(|f| (f.name.to_owned(), scalar(f.hint)))
            .collect();
        props.insert(
            "synchronous".into(),
            json!({"type": ["string", "boolean"], "description": "`yes`: answer 200 with the domain; otherwise 202."}),
        );
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    Domain,
    "A domain: its settings and when they were made and changed.",
    {
        let mut props: Map<String, Value> = DOMAIN_FIELDS
            .iter()
            .map(|f| {
                (
                    f.name.to_owned(),
                    json!({"type": ANY, "description": f.hint}),
                )
            })
            .collect();
        props.insert("created-at".into(), json!({"type": "integer"}));
        props.insert("updated-at".into(), json!({"type": "integer"}));
        json!({"type": "object", "properties": props, "required": ["domain"]})
    }
);

schema!(
    Device,
    "A SIP device: `sip:<device>@<domain>`.",
    json!({"type": "object", "required": ["device"],
           "properties": {"device": {"type": "string"},
                          "device-sip-registration-password": {"type": ["string", "null"]},
                          "device-provisioning-mac-address": {"type": "string",
                              "description": "The MAC address of the phone it is provisioned on: 12 lower-case hexadecimal digits."},
                          "device-models-model": {"type": "string", "description": "That phone's model."},
                          "device-sip-registration-state": {"type": "string", "enum": ["registered", "unregistered"],
                              "readOnly": true, "description": "Whether the device is registered with Roster's SIP server now."},
                          "device-sip-registration-contact": {"type": "string", "readOnly": true,
                              "description": "The Contact of its live registration."},
                          "device-sip-registration-ip-address": {"type": "string", "readOnly": true,
                              "description": "address:port its registration came from."},
                          "device-sip-registration-user-agent": {"type": "string", "readOnly": true},
                          "device-sip-registration-expires-datetime": {"type": "string", "format": "date-time", "readOnly": true,
                              "description": "When the registration runs out unless renewed."}}})
);

schema!(
    AnswerRule,
    "NetSapiens' answer rule: each feature `{enabled: yes/no, parameters: [destinations]}`.",
    {
        let feature = json!({"type": "object", "additionalProperties": false,
            "properties": {"enabled": {"type": ["string", "boolean"]},
                           "parameters": {"type": "array", "items": {"type": ["string", "number"]}}}});
        json!({"type": "object", "additionalProperties": false,
               "properties": {
                   "time-frame": {"type": "string", "description": "`*`: the default (the only one Roster keeps)."},
                   "enabled": {"type": ["string", "boolean"]},
                   "synchronous": {"type": ["string", "boolean"]},
                   "is-active": {"type": ["string", "boolean"], "description": "Shown as yes (the one rule is always active); ignored when sent."},
                   "order": {"type": ["integer", "string"], "description": "Shown as 0; ignored when sent."},
                   "forward-always": feature, "forward-on-busy": feature,
                   "forward-no-answer": feature, "forward-when-unregistered": feature,
                   "do-not-disturb": feature, "simultaneous-ring": feature}})
    }
);

schema!(
    EmailCreate,
    "NetSapiens' Send Email using Template: `template` names the message (`welcome` or `welcome_email.php`, `invitation`, `password-reset`); `subject` is accepted and ignored (each template has its own).",
    json!({"type": "object", "additionalProperties": false, "required": ["template"],
           "properties": {"template": {"type": "string"}, "subject": {"type": "string"}}})
);

schema!(
    EmailSent,
    "The message is queued: it goes out through the SMTP relay, or waits in the outbox when none is set.",
    json!({"type": "object", "required": ["template", "sent-to"],
           "properties": {"template": {"type": "string"}, "sent-to": {"type": "string"},
                          "status": {"type": "string", "enum": ["queued"]}}})
);

schema!(
    Csv,
    "Users as CSV: a header row of NetSapiens field names, then one row per user.",
    json!({"type": "string"})
);

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn every_hand_made_schema_builds() {
        let all = [
            UserCreate::schema(),
            UserUpdate::schema(),
            User::schema(),
            UserSummary::schema(),
            DomainInput::schema(),
            Domain::schema(),
            Device::schema(),
            AnswerRule::schema(),
            EmailCreate::schema(),
            EmailSent::schema(),
            Csv::schema(),
        ];
        for schema in all {
            assert!(schema != RefOr::T(Schema::default()));
        }
    }
}
