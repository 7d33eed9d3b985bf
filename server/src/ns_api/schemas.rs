//! The OpenAPI schemas of Roster's forms, made from the same field tables the wizard and the
//! parsers use, so the document cannot drift from what the server accepts.

use app::model::domain::DOMAIN_FIELDS;
use app::model::fields::{Control, Field};
use app::model::reseller::RESELLER_FIELDS;
use app::model::site::SITE_FIELDS;
use app::model::user::USER_FIELDS;
use app::model::DEVICE_FIELDS;
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

/// The schema of a field of a table, as a body sends it.
fn field_schema<F, S>(field: &Field<F, S>) -> Value {
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
        .map(|f| (f.name.to_owned(), field_schema(f)))
        .collect()
}

/// The members of a device's body: its name, SIP password, phone and settings.
fn device_input_properties() -> Map<String, Value> {
    let mut props: Map<String, Value> = DEVICE_FIELDS
        .iter()
        .map(|f| (f.name.to_owned(), field_schema(f)))
        .collect();
    props.insert("device".into(), json!({"type": ["string", "number"],
        "description": "1 to 32 characters of a-z 0-9 . _ - (stored in lower case). Required on create; on update, the new name."}));
    props.insert("device-sip-registration-password".into(), json!({"type": "string",
        "description": "16 to 64 printable ASCII characters. Generated on create when left out; kept on update when left out or blank."}));
    props.insert("device-provisioning-mac-address".into(), json!({"type": ["string", "null"],
        "description": "The MAC address of the phone it is provisioned on: 12 hexadecimal digits, with or without `:`, `-` or `.`. Needs `device-models-model`. On update: absent keeps, blank unlinks."}));
    props.insert(
        "device-models-model".into(),
        json!({"type": ["string", "null"],
        "description": "The model of that phone, such as Yealink T54W (1 to 64 characters)."}),
    );
    props
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
            json!({"type": "array", "description": "The user's SIP devices (instead of `device`), each as `POST .../devices` takes it.",
                   "items": {"type": "object", "additionalProperties": false, "required": ["device"],
                             "properties": device_input_properties()}}),
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
        props.insert("created-datetime".into(), json!({"type": "string", "format": "date-time", "readOnly": true}));
        props.insert("last-modified-datetime".into(), json!({"type": "string", "format": "date-time", "readOnly": true}));
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
        props.insert(
            "created-datetime".into(),
            json!({"type": "string", "format": "date-time", "readOnly": true}),
        );
        props.insert(
            "last-modified-datetime".into(),
            json!({"type": "string", "format": "date-time", "readOnly": true}),
        );
        json!({"type": "object", "properties": props, "required": ["domain"]})
    }
);

/// The schema of a site's settings (each a text field; blank: the domain's).
fn site_settings() -> Map<String, Value> {
    SITE_FIELDS
        .iter()
        .map(|f| (f.name.to_owned(), scalar(f.hint)))
        .collect()
}

schema!(
    SiteInput,
    "What `POST /sites` and `PUT /sites/{site}` take: the name and NetSapiens' site settings (blank: the domain's). Unknown members are refused.",
    {
        let mut props = site_settings();
        props.insert("site".into(), json!({"type": "string", "description": "The site's name: 1 to 64 characters. Required on create; on update, the new name."}));
        props.insert("email-address".into(), scalar("Another name for `email`."));
        props.insert("synchronous".into(), json!({"type": ["string", "boolean"], "description": "`yes`: answer 200 with the site; otherwise 202."}));
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    Site,
    "A site of a domain, with how many users it has and its own settings (blank: the domain's).",
    {
        let mut props = site_settings();
        props.insert("site".into(), json!({"type": "string"}));
        props.insert("domain".into(), json!({"type": "string"}));
        props.insert("user-count".into(), json!({"type": "integer", "readOnly": true, "description": "How many users the site has (system users aside)."}));
        props.insert(
            "created-datetime".into(),
            json!({"type": "string", "format": "date-time", "readOnly": true}),
        );
        json!({"type": "object", "properties": props, "required": ["site", "domain"]})
    }
);

schema!(
    ResellerInput,
    "A reseller, as NetSapiens names it. On update, only the fields sent change; its name is its key.",
    {
        let mut props: Map<String, Value> = RESELLER_FIELDS
            .iter()
            .map(|f| (f.name.to_owned(), scalar(f.hint)))
            .collect();
        props.insert(
            "synchronous".into(),
            json!({"type": ["string", "boolean"], "description": "`yes`: answer 200 with the reseller; otherwise 202."}),
        );
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    Reseller,
    "A reseller with how many domains name it and how many users they have. Its SMTP password is kept and never shown.",
    {
        let mut props: Map<String, Value> = RESELLER_FIELDS
            .iter()
            .filter(|f| !f.is_secret())
            .map(|f| (f.name.to_owned(), json!({"type": "string", "description": f.hint})))
            .collect();
        props.insert("email-send-smtp-port".into(), json!({"type": "integer"}));
        props.insert("domains-total".into(), json!({"type": "integer", "readOnly": true}));
        props.insert("users-total".into(), json!({"type": "integer", "readOnly": true}));
        props.insert("email-send-smtp-password-set".into(), json!({"type": "boolean", "readOnly": true,
            "description": "Whether an SMTP password is stored (Roster never answers the password)."}));
        props.insert("created-datetime".into(), json!({"type": "string", "format": "date-time", "readOnly": true}));
        props.insert("last-modified-datetime".into(), json!({"type": "string", "format": "date-time", "readOnly": true}));
        json!({"type": "object", "properties": props, "required": ["reseller", "domains-total", "users-total"]})
    }
);

schema!(
    DeviceInput,
    "What `POST .../devices` and `PUT .../devices/{device}` take: NetSapiens' device body. On update, only the members sent change. Roster stores and returns the settings; its SIP server acts on the name and password only. Unknown members are refused.",
    {
        let mut props = device_input_properties();
        props.insert("synchronous".into(), json!({"type": ["string", "boolean"],
            "description": "`yes`: answer 200 with the device; otherwise 202."}));
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    Device,
    "A SIP device, `sip:<device>@<domain>`, with its user and settings: what every device read answers (a user's devices, the domain's).",
    {
        let mut props: Map<String, Value> = DEVICE_FIELDS
            .iter()
            .map(|f| (f.name.to_owned(), json!({"type": ANY, "description": f.hint})))
            .collect();
        props.insert("device-provisioning-password".into(), json!({"type": "null",
            "description": "Kept and never shown."}));
        let more = json!({
            "device": {"type": "string"},
            "domain": {"type": "string"},
            "user": {"type": "string", "description": "The extension of the user it belongs to."},
            "device-sip-registration-uri": {"type": "string", "readOnly": true,
                "description": "sip:<device>@<domain>."},
            "device-sip-registration-password": {"type": ["string", "null"],
                "description": "Shown only to those who manage the user."},
            "device-provisioning-mac-address": {"type": "string",
                "description": "The MAC address of the phone it is provisioned on: 12 lower-case hexadecimal digits."},
            "device-models-model": {"type": "string", "description": "That phone's model."},
            "created-datetime": {"type": "string", "format": "date-time", "readOnly": true},
            "device-sip-registration-state": {"type": "string", "enum": ["registered", "unregistered"],
                "readOnly": true, "description": "Whether the device is registered with Roster's SIP server now."},
            "device-sip-registration-contact": {"type": "string", "readOnly": true,
                "description": "The Contact of its live registration."},
            "device-sip-registration-ip-address": {"type": "string", "readOnly": true,
                "description": "address:port its registration came from."},
            "device-sip-registration-user-agent": {"type": "string", "readOnly": true},
            "device-sip-registration-expires-datetime": {"type": "string", "format": "date-time", "readOnly": true,
                "description": "When the registration runs out unless renewed."}
        });
        if let Value::Object(more) = more {
            props.extend(more);
        }
        json!({"type": "object", "required": ["device", "user", "domain"], "properties": props})
    }
);

schema!(
    AnswerRule,
    "NetSapiens' answer rule: each feature `{enabled: yes/no, parameters: [destinations]}` (`do-not-disturb` and `call-screening`: `{enabled}`). Destinations are extensions, phone numbers or `voicemail`, or NetSapiens' `user_<extension>`, `phone_<number>` and `vmail_<own extension>`. Roster performs the forwards, do-not-disturb and simultaneous ring; it keeps call screening and the allow and reject switches (no lists); `forward-on-active`, `forward-on-dnd` and `forward-on-spam-call` are not performed by its SIP server: shown off, accepted off only.",
    {
        let feature = |description: &str| json!({"type": "object", "additionalProperties": false,
            "description": description,
            "properties": {"enabled": {"type": ["string", "boolean"]},
                           "parameters": {"type": "array", "items": {"type": ["string", "number"]}}}});
        let switch = |description: &str| json!({"type": "object", "additionalProperties": false,
            "description": description,
            "properties": {"enabled": {"type": ["string", "boolean"]}}});
        let performed = feature("Performed by Roster's SIP server.");
        let not_performed = feature("Not performed by Roster's SIP server: enabled no only.");
        let no_list = feature("Its enabled is kept in the user's phone-numbers-to-allow-enabled or phone-numbers-to-reject-enabled (set by its managers); no parameters (Roster keeps no list).");
        json!({"type": "object", "additionalProperties": false,
               "required": ["domain", "user", "time-frame"],
               "properties": {
                   "domain": {"type": "string", "description": "The domain of the path (checked when sent)."},
                   "user": {"type": "string", "description": "The user of the path (checked when sent)."},
                   "time-frame": {"type": "string", "description": "The time frame the rule follows: the name of the user's own frame, else its domain's shared one; `*` for the default rule (at all times), which applies when no other does."},
                   "enabled": {"type": ["string", "boolean"], "description": "yes or no: a rule that is off is passed over. The rule for * is always on (ignored when sent for it)."},
                   "synchronous": {"type": ["string", "boolean"]},
                   "is-active": {"type": ["boolean", "string"], "description": "Whether a call to the user meets this rule now: the first rule that is on and whose time frame holds now, else *. Ignored when sent."},
                   "order": {"type": ["integer", "string"], "description": "The rule's place among the user's rules, from 1 (99 for *, which comes last); change it with reorder. Ignored when sent."},
                   "new-position": {"type": "string", "description": "Ignored: a new rule comes after the user's others (then reorder)."},
                   "time_range_data": {"type": "array", "items": {"type": "object"}, "description": "Shown empty (the time frame's own entries are at /timeframes); ignored when sent."},
                   "simultaneous-ring": performed, "do-not-disturb": switch("Performed by Roster's SIP server."),
                   "forward-always": performed, "forward-on-active": not_performed,
                   "forward-on-busy": performed, "forward-no-answer": performed,
                   "forward-when-unregistered": performed, "forward-on-dnd": not_performed,
                   "forward-on-spam-call": not_performed,
                   "call-screening": switch("Kept in the user's call-screening-enabled (set by its managers)."),
                   "phone-numbers-to-allow": no_list, "phone-numbers-to-reject": no_list}})
    }
);

schema!(
    TimeFrameName,
    "One time frame of a reorder: `*` for the default (the only one Roster keeps).",
    json!({"type": "object", "required": ["time-frame"],
           "properties": {"time-frame": {"type": "string"}}})
);

/// A custom frame with one entry of each kind, as the model writes a saved frame: where the
/// time frame schemas take their members from, so they cannot drift from what is read and
/// answered.
fn time_frame_sample() -> Map<String, Value> {
    use app::model::time_frame::{NewTimeFrame, TimeFrame};
    let body = json!({
        "timeframe-name": "Closed", "timeframe-type": "custom",
        "timeframe-specific-dates-array": [{
            "timeframe-specific-dates-begin-date": "20291224", "timeframe-specific-dates-begin-time": "1200",
            "timeframe-specific-dates-end-date": "20291226", "timeframe-specific-dates-end-time": "2359",
            "timeframe-recurrence-type": "yearly-on-selected-dates"}],
        "timeframe-holiday-array": [{
            "timeframe-holiday-name": "New Year's Day", "timeframe-holiday-begin-date": "20300101",
            "country-abbreviation": "US", "timeframe-recurrence-type": "yearlyOnHoliday"}],
        "timeframe-days-of-week-array": [{
            "timeframe-weekly-saturday-begin-time-1": "0000", "timeframe-weekly-saturday-end-time-1": "2359"}]
    });
    let made = body
        .as_object()
        .ok_or_else(app::model::FieldErrors::default)
        .and_then(NewTimeFrame::from_json)
        .and_then(|new| {
            let domain = <app::model::DomainName as app::model::Parse>::parse("acme.example")
                .map_err(|e| app::model::FieldErrors::one("domain", e.0))?;
            Ok(TimeFrame {
                id: 1,
                name: new.name,
                domain,
                user: Some("1001".into()),
                definition: new.definition,
                created_at: 0,
            })
        });
    match made.map(|frame| frame.to_json()) {
        Ok(Value::Object(frame)) => frame,
        other => {
            tracing::error!(?other, "the time frame sample does not read");
            Map::new()
        }
    }
}

/// The schema of an entry of the list `list` (its members from the sample); in a body, without
/// the members only a read answers.
fn time_frame_entry(sample: &Map<String, Value>, list: &str, body: bool) -> Value {
    let read_only = app::model::time_frame::ENTRY_READ_ONLY;
    let props: Map<String, Value> = sample
        .get(list)
        .and_then(|l| l.get(0))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| !(body && read_only.contains(&name.as_str())))
        .map(|(name, value)| {
            let kind = if value.is_number() {
                json!("number")
            } else {
                json!(["string", "number"])
            };
            (name.clone(), json!({ "type": kind }))
        })
        .collect();
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

/// The three lists of entries, as `body` or as a read answers them.
fn time_frame_lists(body: bool) -> Map<String, Value> {
    use app::model::time_frame::{DAYS_OF_WEEK, HOLIDAYS, SPECIFIC_DATES};
    let sample = time_frame_sample();
    let list = |name: &str, description: &str| {
        json!({"type": "array", "description": description,
               "items": time_frame_entry(&sample, name, body)})
    };
    let mut props = Map::new();
    props.insert(SPECIFIC_DATES.into(), list(SPECIFIC_DATES,
        "Date ranges: begin and end date (YYYYMMDD) and time (hhmm; an end of 2359 is the end of the day), once or recurring."));
    props.insert(HOLIDAYS.into(), list(HOLIDAYS,
        "Holidays: the date each is observed on (Roster looks nothing up in a holiday feed), how it is observed when it falls on each weekday, the work week; yearly on the same date, or once."));
    props.insert(DAYS_OF_WEEK.into(), list(DAYS_OF_WEEK,
        "The one entry of a days-of-week frame: up to two ranges a day (hhmm; a range ends on its own day), weekly or custom."));
    props
}

schema!(
    TimeFrame,
    "NetSapiens' RecurringTimeframe: a domain's shared time frame (`user` is `*`) or a user's own. `timeframe-id` names it in paths; each entry has its own `timeframe-id`.",
    {
        let mut props = time_frame_lists(false);
        for name in ["timeframe-id", "timeframe-name", "user", "domain", "timeframe-type", "created-datetime"] {
            props.insert(name.into(), json!({"type": "string"}));
        }
        json!({"type": "object", "properties": props})
    }
);

schema!(
    TimeFrameInput,
    "The body of a time frame's create: its name, its type (always, days-of-week, specific-dates, holiday or custom) and the entries its type holds (a custom frame mixes them).",
    {
        let mut props = time_frame_lists(true);
        props.insert("timeframe-name".into(), json!({"type": "string", "description": "1 to 64 characters, no / and not *: how answer rules name it (once per owner)."}));
        props.insert("timeframe-type".into(), json!({"type": "string", "enum": ["always", "days-of-week", "specific-dates", "holiday", "custom"]}));
        props.insert("synchronous".into(), json!({"type": ["string", "boolean"], "description": "`yes`: answer 200 with the frame; otherwise 202."}));
        json!({"type": "object", "additionalProperties": false, "properties": props,
               "required": ["timeframe-name", "timeframe-type"]})
    }
);

schema!(
    TimeFrameChange,
    "A change to a time frame: `timeframe-name` renames it (not while an answer rule names it); `timeframe-type` or `type` converts it (to custom keeping its entries, between other types losing them; a custom frame to nothing else); the lists sent replace every entry, or with `update-only` (or `update_only`) `yes` change the entries with their `timeframe-id`s.",
    {
        let mut props = time_frame_lists(true);
        props.insert("timeframe-name".into(), json!({"type": "string"}));
        let kinds = json!({"type": "string", "enum": ["always", "days-of-week", "specific-dates", "holiday", "custom"]});
        props.insert("timeframe-type".into(), kinds.clone());
        props.insert("type".into(), kinds);
        props.insert("update-only".into(), json!({"type": ["string", "boolean"]}));
        props.insert("update_only".into(), json!({"type": ["string", "boolean"]}));
        props.insert("synchronous".into(), json!({"type": ["string", "boolean"]}));
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    TimeFrameEntries,
    "Entries to add to a time frame (of the kinds its type holds).",
    {
        let mut props = time_frame_lists(true);
        props.insert("synchronous".into(), json!({"type": ["string", "boolean"]}));
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
);

schema!(
    TimeFrameChild,
    "Which entry of a time frame to delete: its `timeframe-id`. Without a body, the frame itself goes.",
    json!({"type": "object", "additionalProperties": false, "required": ["child_id"],
           "properties": {"child_id": {"type": "string"}, "synchronous": {"type": ["string", "boolean"]}}})
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
    fn the_time_frame_schemas_name_every_member_of_each_entry() {
        let sample = time_frame_sample();
        assert_eq!(sample["timeframe-type"], "custom");
        let lists = time_frame_lists(true);
        let week = &lists["timeframe-days-of-week-array"]["items"]["properties"];
        assert!(week["timeframe-weekly-monday-end-time-2"].is_object());
        assert!(week["timeframe-parent-id"].is_null(), "read-only");
        let holiday = &lists["timeframe-holiday-array"]["items"]["properties"];
        assert!(holiday["timeframe-weekly-sunday-observance-option"].is_object());
        let read = time_frame_lists(false);
        assert!(
            read["timeframe-specific-dates-array"]["items"]["properties"]["ordinal-order"]
                .is_object()
        );
    }

    #[test]
    fn every_hand_made_schema_builds() {
        let all = [
            UserCreate::schema(),
            UserUpdate::schema(),
            User::schema(),
            DomainInput::schema(),
            Domain::schema(),
            SiteInput::schema(),
            Site::schema(),
            ResellerInput::schema(),
            Reseller::schema(),
            DeviceInput::schema(),
            Device::schema(),
            AnswerRule::schema(),
            TimeFrameName::schema(),
            TimeFrame::schema(),
            TimeFrameInput::schema(),
            TimeFrameChange::schema(),
            TimeFrameEntries::schema(),
            TimeFrameChild::schema(),
            EmailCreate::schema(),
            EmailSent::schema(),
            Csv::schema(),
        ];
        for schema in all {
            assert!(schema != RefOr::T(Schema::default()));
        }
    }
}
