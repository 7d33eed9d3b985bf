//! Wazo's user body in Roster's vocabulary: each member of a Wazo user (its core, `auth`,
//! `lines[]`, `incalls[]`, `groups[]`, `voicemail`, `forwards`, `fallbacks`, `services`) becomes
//! fields of Roster's user form (a Wazo group is a Roster call queue the user is an agent of), devices, or the portal password, and remembers the Wazo path it
//! came from, so that the core's field errors are answered on Wazo's paths. What Roster cannot
//! honour is refused here, by name; everything else is checked by the core's own parsers.

use app::model::call_queue::QueueRef;
use app::model::fields::Patch;
use app::model::FieldErrors;
use app::ssr::users::DeviceForm;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Whether the body creates a user (`POST`) or changes one (`PUT`, whose nested resources are
/// replaced only with `recursive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Update { recursive: bool },
}

/// A Wazo body in Roster's terms.
#[derive(Debug, Default)]
pub struct Translated {
    /// Roster's user fields, by their names, in the order met.
    pub fields: Vec<(String, String)>,
    /// The devices of `lines[]`, when the body gives lines.
    pub devices: Option<Vec<DeviceForm>>,
    /// The portal password of `auth.password` (or Wazo's legacy `password`).
    pub password: Option<String>,
    /// Where the password came from: `auth.password` or the legacy `password`.
    pub password_path: &'static str,
    /// What the translation refused, on Wazo's paths.
    pub errors: FieldErrors,
    /// `voicemail.number`, checked against the extension once every member is read.
    voicemail_number: Option<String>,
    /// The Wazo path each Roster field came from (see [`Translated::wazo_path`]).
    paths: HashMap<String, String>,
}

/// What the translation looks up in the tenant: its call queues (Wazo's groups) and the
/// extensions of the users a fallback names by id.
pub struct Lookups<'a> {
    pub groups: &'a [QueueRef],
    pub users: &'a HashMap<i64, String>,
}

/// Members of a Wazo user that Roster cannot honour, with why. Each is still accepted with a
/// value that asks for nothing (see [`is_nothing`]): Wazo's default, sent back as read.
const REFUSED: &[(&str, &str)] = &[
    ("func_key_template_id", "Roster has no function key templates."),
    ("switchboards", "Roster has no switchboards."),
    ("device_id", "Roster links phones to devices by MAC address (NetSapiens' device API), not by a Wazo device id."),
    ("subscription_type", "Roster has no subscription types."),
    ("description", "Roster keeps no description of a user."),
    ("preprocess_subroutine", "Roster runs no dialplan subroutines."),
    ("music_on_hold", "Roster has one music on hold per domain (only `default` is accepted)."),
    ("call_permission_password", "Roster has no call permissions."),
    ("call_transfer_enabled", "Roster's users may always transfer calls (only true is accepted)."),
    ("dtmf_hangup_enabled", "Roster does not switch DTMF hangup per user."),
    ("supervision_enabled", "Roster does not switch supervision per user (only true is accepted)."),
    ("call_record_enabled", "Roster records calls per domain (NetSapiens' recording-configuration), not per direction."),
    ("call_record_outgoing_external_enabled", "Roster records calls per domain, not per direction."),
    ("call_record_outgoing_internal_enabled", "Roster records calls per domain, not per direction."),
    ("call_record_incoming_external_enabled", "Roster records calls per domain, not per direction."),
    ("call_record_incoming_internal_enabled", "Roster records calls per domain, not per direction."),
    ("online_call_record_enabled", "Roster has no on-demand call recording."),
    ("uuid", "Roster derives a user's uuid from its id."),
    ("id", "Roster numbers its users itself."),
    ("tenant_uuid", "The tenant is the Wazo-Tenant header (a domain's name)."),
];

/// Whether `value` asks for nothing: null, false, 0, an empty text, list or object, or Wazo's
/// `default`.
fn is_nothing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty() || s == "default",
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

impl Translated {
    /// Sets Roster's `field` to `text`, from Wazo's `path`. A field set twice (two Wazo members
    /// meaning the same Roster field with different values) is refused on the second path.
    fn set(&mut self, field: &str, text: impl Into<String>, path: &str) {
        let text = text.into();
        if let Some((_, old)) = self.fields.iter_mut().find(|(f, _)| f == field) {
            // A blank (a forward that is off) gives way to a value (a fallback).
            if old.is_empty() && !text.is_empty() {
                *old = text;
                self.paths.insert(field.to_owned(), path.to_owned());
                return;
            }
            if *old != text && !text.is_empty() {
                let first = self.paths.get(field).cloned().unwrap_or_default();
                self.errors.add(
                    path,
                    format!("Roster keeps one value for this and {first} gives another: give them alike, or one of them."),
                );
            }
            return;
        }
        self.fields.push((field.to_owned(), text));
        self.paths.insert(field.to_owned(), path.to_owned());
    }

    fn refuse(&mut self, path: &str, why: &str) {
        self.errors
            .add(path, format!("Not supported by Roster: {why}"));
    }

    /// The Wazo path a Roster field (or field path, such as `devices[1].device`) came from; a
    /// field this body did not give keeps its Roster name.
    pub fn wazo_path(&self, field: &str) -> String {
        if let Some(path) = self.paths.get(field) {
            return path.clone();
        }
        // The first device is the form's own `device`.
        let device = |i: &str, rest: &str| -> Option<String> {
            let member = match rest {
                "device" => "endpoint_sip.name",
                "device-sip-registration-password" => "endpoint_sip.auth_section_options",
                _ => return None,
            };
            Some(format!("lines[{i}].{member}"))
        };
        match field {
            "password" if self.password_path.is_empty() => return "auth.password".to_owned(),
            "password" => return self.password_path.to_owned(),
            "device" => return device("0", "device").unwrap_or_default(),
            "device-sip-registration-password" => {
                return device("0", field).unwrap_or_default();
            }
            _ => {}
        }
        if let Some(rest) = field.strip_prefix("devices[") {
            if let Some((i, member)) = rest.split_once("].") {
                if let Some(path) = device(i, member) {
                    return path;
                }
                return format!("lines[{i}].endpoint_sip.{member}");
            }
        }
        field.to_owned()
    }

    /// A change replaces the first line only: the others are refused.
    pub fn refuse_extra_lines(&mut self, count: usize) {
        for i in 1..count {
            self.refuse(
                &format!("lines[{i}]"),
                "a change (PUT) replaces a user's first line only; add or remove devices with NetSapiens' device API.",
            );
        }
    }

    /// The patch of the fields this body gives.
    pub fn patch(&self) -> Patch {
        Patch(self.fields.clone())
    }
}

/// `at.key`, or `key` at the top of a body.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a text member: a string or a number; `null` is blank. Anything else is refused.
fn take_text(t: &mut Translated, value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        v => match text(v) {
            Some(s) => Some(s),
            None => {
                t.errors.add(path, "Not a valid string.");
                None
            }
        },
    }
}

/// Reads a strict boolean (Wazo's `StrictBoolean`: not "yes", not 1).
fn take_bool(t: &mut Translated, value: &Value, path: &str) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        _ => {
            t.errors.add(path, "Not a valid boolean.");
            None
        }
    }
}

fn yes_no(on: bool) -> &'static str {
    if on {
        "yes"
    } else {
        "no"
    }
}

/// Wazo's caller ID, `"Name"` or `"Name" <+digits>`: its name and number.
fn caller_id(raw: &str) -> Option<(String, Option<String>)> {
    let raw = raw.trim();
    let rest = raw.strip_prefix('"')?;
    let (name, after) = rest.rsplit_once('"')?;
    let after = after.trim();
    if after.is_empty() {
        return Some((name.to_owned(), None));
    }
    let number = after.strip_prefix('<')?.strip_suffix('>')?;
    Some((name.to_owned(), Some(number.to_owned())))
}

/// Translates a Wazo user body. `lookups` resolves groups and fallback users of the tenant.
pub fn translate(body: &Map<String, Value>, mode: Mode, lookups: &Lookups<'_>) -> Translated {
    let mut t = Translated::default();
    let nested = matches!(mode, Mode::Create | Mode::Update { recursive: true });
    let mut auth_password = None;
    let mut agent_queues = AgentParts::default();
    for (key, value) in body {
        let path = key.as_str();
        match path {
            "firstname" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("name-first-name", s, path);
                }
            }
            "lastname" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("name-last-name", s, path);
                }
            }
            "email" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("email", s, path);
                }
            }
            "timezone" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("time-zone", s, path);
                }
            }
            "language" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("language-token", s, path);
                }
            }
            "userfield" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("service-code", s, path);
                }
            }
            "ring_seconds" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("ring-no-answer-timeout-seconds", s, path);
                }
            }
            "simultaneous_calls" => {
                if let Some(s) = take_text(&mut t, value, path) {
                    t.set("limits-max-active-calls-total", s, path);
                }
            }
            "enabled" => {
                if let Some(on) = take_bool(&mut t, value, path) {
                    t.set("status", if on { "enabled" } else { "disabled" }, path);
                }
            }
            // Read after the loop: they fall back on, or agree with, other members.
            "caller_id"
            | "outgoing_caller_id"
            | "mobile_phone_number"
            | "mobile_fallback_enabled"
            | "username"
            | "password" => {}
            "auth" => {
                if mode != Mode::Create {
                    t.refuse(path, "a portal password is changed on the portal (or by its set-password link), not by a user's PUT.");
                    continue;
                }
                auth_password = auth(&mut t, value);
            }
            "lines" if nested => lines(&mut t, value),
            "incalls" if nested => incalls(&mut t, value),
            "groups" if nested => groups(&mut t, value, lookups.groups),
            "agent" if nested => agent_queues = agent(&mut t, value, lookups.groups),
            "voicemail" if nested => voicemail(&mut t, value),
            // Without `recursive`, Wazo's PUT leaves nested resources as they are.
            "lines" | "incalls" | "groups" | "agent" | "voicemail" => {}
            "forwards" => forwards(&mut t, value, "forwards"),
            "fallbacks" => fallbacks(&mut t, value, lookups.users),
            "services" => services(&mut t, value, "services"),
            // Read-only members of Wazo's user, sent back as read: nothing to do.
            "queues"
            | "schedules"
            | "call_permissions"
            | "call_pickup_target_users"
            | "line_id"
            | "agent_id"
            | "voicemail_id" => {}
            // Roster's users may always transfer calls and be supervised: Wazo's default.
            "call_transfer_enabled" | "supervision_enabled"
                if matches!(value, Value::Null | Value::Bool(true)) => {}
            other => match REFUSED.iter().find(|(name, _)| *name == other) {
                Some((_, why)) if !is_nothing(value) => t.refuse(path, why),
                Some(_) => {}
                None => t.errors.add(path, "Unknown field."),
            },
        }
    }
    join_agent_queues(&mut t, agent_queues);
    caller_ids(&mut t, body);
    mobile(&mut t, body);
    check_voicemail_number(&mut t);
    // `auth` gives the portal login and password; Wazo fills them from the legacy CTI
    // `username` and `password` when it does not.
    if let Some(value) = body.get("username") {
        let login = take_text(&mut t, value, "username").filter(|s| !s.is_empty());
        if let Some(login) = login.filter(|_| !t.fields.iter().any(|(f, _)| f == "login-username"))
        {
            t.set("login-username", login, "username");
        }
    }
    let legacy_password = match body.get("password") {
        Some(value) => take_text(&mut t, value, "password").filter(|s| !s.is_empty()),
        None => None,
    };
    if auth_password.is_none() && legacy_password.is_some() {
        t.password_path = "password";
    }
    t.password = auth_password.or(legacy_password);
    if mode == Mode::Create {
        // A user without a voicemail block has no box (the domain's default would give one).
        if !t.fields.iter().any(|(f, _)| f == "voicemail-enabled") {
            t.set("voicemail-enabled", "no", "voicemail");
        }
        if !t.fields.iter().any(|(f, _)| f == "user") {
            t.errors.add(
                "lines",
                "Roster's users each have an extension: give lines[0].extensions[0].exten.",
            );
        }
    }
    t
}

/// `caller_id` (`"Name"` or `"Name" <number>`) and `outgoing_caller_id` (`default`,
/// `anonymous` or `"Name" <number>`): Roster has one caller ID, a name and a number, for every
/// call; the outgoing one gives the number (and the name, when `caller_id` does not).
fn caller_ids(t: &mut Translated, body: &Map<String, Value>) {
    match body.get("caller_id") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => match caller_id(s) {
            Some((name, number)) => {
                t.set("caller-id-name", name, "caller_id");
                if let Some(number) = number {
                    t.set("caller-id-number", number, "caller_id");
                }
            }
            None => t
                .errors
                .add("caller_id", "Must be \"Name\" or \"Name\" <number>."),
        },
        Some(_) => t.errors.add("caller_id", "Not a valid string."),
    }
    let path = "outgoing_caller_id";
    match body.get(path) {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "default" => {}
        Some(Value::String(s)) if s == "anonymous" => t.set("privacy", "yes", path),
        Some(Value::String(s)) => match caller_id(s) {
            Some((name, Some(number))) => {
                t.set("caller-id-number", number, path);
                if !t.fields.iter().any(|(f, _)| f == "caller-id-name") {
                    t.set("caller-id-name", name, path);
                }
            }
            _ => t
                .errors
                .add(path, "Must be default, anonymous or \"Name\" <number>."),
        },
        Some(_) => t.errors.add(path, "Not a valid string."),
    }
}

/// `mobile_phone_number` with `mobile_fallback_enabled`: Wazo rings the mobile when the user's
/// lines cannot be reached, which is Roster's forward when unregistered.
fn mobile(t: &mut Translated, body: &Map<String, Value>) {
    let number = body.get("mobile_phone_number").unwrap_or(&Value::Null);
    let fallback = body.get("mobile_fallback_enabled").unwrap_or(&Value::Null);
    let fallback = match fallback {
        Value::Null => false,
        v => take_bool(t, v, "mobile_fallback_enabled").unwrap_or(false),
    };
    let number = match number {
        Value::Null => None,
        v => take_text(t, v, "mobile_phone_number").filter(|s| !s.is_empty()),
    };
    match (number, fallback) {
        (Some(number), true) => t.set("forward-when-unregistered", number, "mobile_phone_number"),
        (Some(_), false) => t.refuse(
            "mobile_phone_number",
            "Roster keeps a mobile number only as where calls go when the user's phones are offline: send mobile_fallback_enabled true with it.",
        ),
        (None, true) => t.errors.add(
            "mobile_fallback_enabled",
            "Needs a mobile_phone_number to fall back to.",
        ),
        (None, false) => {}
    }
}

/// `auth`: the portal login and password. Returns the password.
fn auth(t: &mut Translated, value: &Value) -> Option<String> {
    let Value::Object(auth) = value else {
        if !value.is_null() {
            t.errors.add("auth", "Must be an object.");
        }
        return None;
    };
    let mut password = None;
    for (key, value) in auth {
        let path = format!("auth.{key}");
        match key.as_str() {
            "username" => {
                if let Some(s) = take_text(t, value, &path).filter(|s| !s.is_empty()) {
                    t.set("login-username", s, &path);
                }
            }
            "password" => password = take_text(t, value, &path).filter(|s| !s.is_empty()),
            "enabled" => {
                if take_bool(t, value, &path) == Some(false) {
                    t.set("block-web-login", "yes", &path);
                }
            }
            "purpose" => match value {
                Value::Null => {}
                Value::String(s) if s == "user" => {}
                _ => t.refuse(&path, "Roster's portal logins are people's (purpose user)."),
            },
            // Wazo fills these from the user; Roster's login has the user's own.
            "firstname" | "lastname" | "email_address" | "uuid" => {}
            _ => t.errors.add(path, "Unknown field."),
        }
    }
    password
}

/// `lines[]`: each line is a SIP device of the user; their extensions are the user's one
/// extension.
fn lines(t: &mut Translated, value: &Value) {
    let Value::Array(lines) = value else {
        if !value.is_null() {
            t.errors.add("lines", "Must be a list.");
        }
        return;
    };
    let mut devices = Vec::new();
    let mut extension: Option<(String, String)> = None;
    for (i, line) in lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        let Value::Object(line) = line else {
            t.errors.add(at, "Must be an object.");
            continue;
        };
        let mut device = DeviceForm::default();
        let mut has_sip = false;
        for (key, value) in line {
            let path = format!("{at}.{key}");
            match key.as_str() {
                // Roster's tenant is its one context.
                "context" | "id" | "name" => {}
                "extensions" => match value {
                    Value::Array(extensions) => {
                        for (k, ext) in extensions.iter().enumerate() {
                            let path = format!("{path}[{k}].exten");
                            let exten = match ext {
                                Value::Object(e) => e.get("exten").and_then(text),
                                _ => None,
                            };
                            let Some(exten) = exten else {
                                t.errors.add(path, "Required: the extension's number.");
                                continue;
                            };
                            match &extension {
                                None => extension = Some((exten, path)),
                                Some((first, _)) if *first == exten => {}
                                Some((first, first_path)) => t.errors.add(
                                    path,
                                    format!("A Roster user has one extension, and {first_path} gives {first}: every line of a user has the same."),
                                ),
                            }
                        }
                    }
                    _ => t.errors.add(path, "Must be a list."),
                },
                "endpoint_sip" => match value {
                    Value::Object(sip) => {
                        has_sip = true;
                        endpoint_sip(t, sip, &path, &mut device);
                    }
                    Value::Null => {}
                    _ => t.errors.add(path, "Must be an object."),
                },
                "endpoint_sccp" if !value.is_null() => t.refuse(
                    &path,
                    "Roster's phones are SIP devices only (no SCCP endpoints).",
                ),
                "endpoint_custom" if !value.is_null() => t.refuse(
                    &path,
                    "Roster's phones are SIP devices only (no custom endpoints).",
                ),
                "endpoint_sccp" | "endpoint_custom" => {}
                "device_id" if !is_nothing(value) => t.refuse(
                    &path,
                    "Roster links phones to devices by MAC address (NetSapiens' device API), not by a Wazo device id.",
                ),
                "position" | "provisioning_code" | "caller_id_name" | "caller_id_num"
                | "registrar" | "device_slot" | "device_id" => {
                    // A line's position 1 is Wazo's default: nothing asked.
                    let default = is_nothing(value) || (key == "position" && value == 1);
                    if !default {
                        t.refuse(&path, "Roster keeps a line's SIP name and password only.");
                    }
                }
                _ => t.errors.add(path, "Unknown field."),
            }
        }
        if !has_sip && !line.contains_key("endpoint_sccp") && !line.contains_key("endpoint_custom")
        {
            // A line without an endpoint is Roster's default device: named as the extension.
            has_sip = true;
        }
        if has_sip {
            devices.push((i, device));
        }
    }
    if let Some((exten, path)) = &extension {
        t.set("user", exten.clone(), path);
    }
    // A line whose SIP name is left out is named as its extension (the first), or
    // `<extension>-<n>`.
    let exten = extension.map(|(e, _)| e).unwrap_or_default();
    let devices: Vec<DeviceForm> = devices
        .into_iter()
        .enumerate()
        .map(|(n, (i, mut d))| {
            if d.device.is_empty() && !exten.is_empty() {
                d.device = if n == 0 {
                    exten.clone()
                } else {
                    format!("{exten}-{}", n + 1)
                };
            }
            t.paths.insert(
                format!("devices[{n}].device"),
                format!("lines[{i}].endpoint_sip.name"),
            );
            if n == 0 {
                t.paths
                    .insert("device".to_owned(), format!("lines[{i}].endpoint_sip.name"));
            }
            d
        })
        .collect();
    t.devices = Some(devices);
}

/// A line's `endpoint_sip`: its name, and the password of its `auth_section_options`.
fn endpoint_sip(t: &mut Translated, sip: &Map<String, Value>, at: &str, device: &mut DeviceForm) {
    for (key, value) in sip {
        let path = join(at, key);
        match key.as_str() {
            "name" => device.device = take_text(t, value, &path).unwrap_or_default(),
            "auth_section_options" => {
                let Value::Array(options) = value else {
                    t.errors.add(path, "Must be a list of [key, value] pairs.");
                    continue;
                };
                for (k, option) in options.iter().enumerate() {
                    let pair = option.as_array().filter(|p| p.len() == 2);
                    let (Some(name), Some(v)) = (
                        pair.and_then(|p| p[0].as_str()),
                        pair.and_then(|p| text(&p[1])),
                    ) else {
                        t.errors
                            .add(format!("{path}[{k}]"), "Must be a [key, value] pair.");
                        continue;
                    };
                    match name {
                        "password" => device.device_sip_registration_password = v,
                        "username" if v == device.device || device.device.is_empty() => {
                            if device.device.is_empty() {
                                device.device = v;
                            }
                        }
                        "username" => t.errors.add(
                            format!("{path}[{k}]"),
                            "A Roster device registers with its name: the username is the endpoint's name.",
                        ),
                        _ => t.refuse(
                            &format!("{path}[{k}]"),
                            "Roster keeps a SIP device's username and password only.",
                        ),
                    }
                }
            }
            "label" | "uuid" | "tenant_uuid" => {}
            _ if is_nothing(value) => {}
            _ => t.refuse(&path, "Roster keeps a SIP device's name and password only."),
        }
    }
}

/// `incalls[]`: each DID is a phone number routed to the user.
fn incalls(t: &mut Translated, value: &Value) {
    let Value::Array(incalls) = value else {
        if !value.is_null() {
            t.errors.add("incalls", "Must be a list.");
        }
        return;
    };
    let mut numbers = Vec::new();
    for (i, incall) in incalls.iter().enumerate() {
        let at = format!("incalls[{i}]");
        let Value::Object(incall) = incall else {
            t.errors.add(at, "Must be an object.");
            continue;
        };
        for (key, value) in incall {
            let path = format!("{at}.{key}");
            match key.as_str() {
                "extensions" => match value {
                    Value::Array(extensions) => {
                        for (k, ext) in extensions.iter().enumerate() {
                            let path = format!("{path}[{k}].exten");
                            match ext.as_object().and_then(|e| e.get("exten")).and_then(text) {
                                Some(exten) => numbers.push((exten, path)),
                                None => t.errors.add(path, "Required: the DID."),
                            }
                        }
                    }
                    _ => t.errors.add(path, "Must be a list."),
                },
                "id" | "destination" => {}
                _ if is_nothing(value) => {}
                _ => t.refuse(
                    &path,
                    "Roster routes a number to its user, and keeps nothing else of an incall.",
                ),
            }
        }
    }
    for (k, (_, path)) in numbers.iter().enumerate() {
        t.paths.insert(format!("phone-numbers[{k}]"), path.clone());
    }
    let list: Vec<&str> = numbers.iter().map(|(n, _)| n.as_str()).collect();
    t.set("phone-numbers", list.join(","), "incalls");
}

/// The call queue of the tenant a Wazo group or queue object at `at` names, by `uuid`, `id` or
/// `name` (a queue's description, or its extension); a problem is named on its path.
fn queue_named<'q>(
    t: &mut Translated,
    at: &str,
    object: &Value,
    known: &'q [QueueRef],
) -> Option<&'q QueueRef> {
    let Value::Object(object) = object else {
        t.errors.add(at, "Must be an object.");
        return None;
    };
    let (path, found) = if let Some(uuid) = object.get("uuid").filter(|v| !v.is_null()) {
        let uuid = uuid.as_str().unwrap_or_default();
        (
            format!("{at}.uuid"),
            known.iter().find(|q| super::group_uuid(q.id) == uuid),
        )
    } else if let Some(id) = object.get("id").filter(|v| !v.is_null()) {
        let id = id.as_i64();
        (format!("{at}.id"), known.iter().find(|q| Some(q.id) == id))
    } else if let Some(name) = object.get("name").filter(|v| !v.is_null()) {
        let name = name.as_str().unwrap_or_default();
        (
            format!("{at}.name"),
            known
                .iter()
                .find(|q| q.description == name || q.callqueue.as_str() == name),
        )
    } else {
        t.errors.add(at, "Give its uuid, id or name.");
        return None;
    };
    if found.is_none() {
        t.errors
            .add(path, "This tenant has no such group or queue.");
    }
    found
}

/// `groups[]`: existing call queues of the tenant (Roster's groups), by `uuid`, `id` or `name`
/// (a queue's description, or its extension); the user becomes an agent of each.
fn groups(t: &mut Translated, value: &Value, known: &[QueueRef]) {
    let Value::Array(groups) = value else {
        if !value.is_null() {
            t.errors.add("groups", "Must be a list.");
        }
        return;
    };
    let mut names = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let at = format!("groups[{i}]");
        if let Some(queue) = queue_named(t, &at, group, known) {
            t.paths.insert(format!("groups[{}]", names.len()), at);
            names.push(queue.callqueue.to_string());
        }
    }
    t.set("groups", names.join(","), "groups");
}

/// Wazo's agent record of the user, made with it: `agent.queues[]` are call queues of the tenant
/// (by `id`, as Wazo names queues, or `uuid` or `name`) the user becomes an agent of, as
/// `groups` makes it (Roster keeps no agent record apart from the user: its agents are the
/// user's memberships). Wazo fills `firstname`, `lastname` and `number` from the user: given,
/// they must be the user's. A queue's `penalty` and `priority` are taken at 0 only: Roster orders
/// a queue's agents by NetSapiens' `callqueue-agent-dispatch-order-ordinal`, set on the queue's
/// agents.
fn agent(t: &mut Translated, value: &Value, known: &[QueueRef]) -> AgentParts {
    let mut parts = AgentParts::default();
    let Value::Object(agent) = value else {
        if !value.is_null() {
            t.errors.add("agent", "Must be an object.");
        }
        return parts;
    };
    for (key, member) in agent {
        let path = format!("agent.{key}");
        match key.as_str() {
            "queues" => {
                let Value::Array(items) = member else {
                    t.errors.add(path, "Must be a list.");
                    continue;
                };
                for (i, item) in items.iter().enumerate() {
                    let at = format!("agent.queues[{i}]");
                    for order in ["penalty", "priority"] {
                        match item.get(order) {
                            None | Some(Value::Null) => {}
                            Some(n) if n.as_i64() == Some(0) => {}
                            Some(_) => t.errors.add(
                                format!("{at}.{order}"),
                                "Only 0: Roster orders a queue's agents by \
                                 callqueue-agent-dispatch-order-ordinal, set on the queue's agents.",
                            ),
                        }
                    }
                    if let Some(queue) = queue_named(t, &at, item, known) {
                        parts.queues.push((queue.callqueue.to_string(), at));
                    }
                }
            }
            // Filled by Wazo from the user: checked against it once every member is read.
            "firstname" | "lastname" | "number" => {
                let field = match key.as_str() {
                    "firstname" => "name-first-name",
                    "lastname" => "name-last-name",
                    _ => "user",
                };
                let given = app::model::json_form::text_of_value(member, false).unwrap_or_default();
                if !given.trim().is_empty() {
                    parts.own.push((field, given.trim().to_owned(), path));
                }
            }
            "id" | "uuid" | "tenant_uuid" => {}
            _ => t.refuse(
                &path,
                "Roster keeps no agent record apart from the user: only its queues are taken.",
            ),
        }
    }
    parts
}

/// What `agent` gives: its queues' extensions and the names Wazo fills from the user, each with
/// its path.
#[derive(Default)]
struct AgentParts {
    queues: Vec<(String, String)>,
    own: Vec<(&'static str, String, String)>,
}

/// The queues of `agent.queues[]` joined to those of `groups[]`, each once; the agent's names
/// and number checked against the user's.
fn join_agent_queues(t: &mut Translated, agent: AgentParts) {
    for (field, given, path) in agent.own {
        let own = t
            .fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.trim());
        if own.is_some_and(|own| own != given) {
            t.errors
                .add(path, "Must be the user's own: an agent is the user itself.");
        }
    }
    let queues = agent.queues;
    if queues.is_empty() {
        return;
    }
    let mut names: Vec<String> = t
        .fields
        .iter()
        .find(|(f, _)| f == "groups")
        .map(|(_, list)| {
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for (queue, path) in queues {
        if !names.contains(&queue) {
            t.paths.insert(format!("groups[{}]", names.len()), path);
            names.push(queue);
        }
    }
    let joined = names.join(",");
    match t.fields.iter_mut().find(|(f, _)| f == "groups") {
        Some((_, list)) => *list = joined,
        None => t.fields.push(("groups".to_owned(), joined)),
    }
}

/// `voicemail`: the user's own box, whose number is its extension.
fn voicemail(t: &mut Translated, value: &Value) {
    let Value::Object(vm) = value else {
        match value {
            Value::Null => t.set("voicemail-enabled", "no", "voicemail"),
            _ => t.errors.add("voicemail", "Must be an object."),
        }
        return;
    };
    let mut enabled = true;
    let mut attach = false;
    let mut email = false;
    for (key, value) in vm {
        let path = format!("voicemail.{key}");
        match key.as_str() {
            "number" => {
                if let Some(number) = take_text(t, value, &path) {
                    t.voicemail_number = Some(number);
                }
            }
            "password" => {
                if let Some(pin) = take_text(t, value, &path) {
                    t.set("voicemail-login-pin", pin, &path);
                }
            }
            "email" => {
                if let Some(address) = take_text(t, value, &path).filter(|s| !s.is_empty()) {
                    // Roster mails voicemail to its user's address.
                    t.set("email", address, &path);
                    email = true;
                }
            }
            "attach_audio" => attach = take_bool(t, value, &path).unwrap_or(false),
            "enabled" => enabled = take_bool(t, value, &path).unwrap_or(true),
            "language" => {
                if let Some(s) = take_text(t, value, &path).filter(|s| !s.is_empty()) {
                    t.set("language-token", s, &path);
                }
            }
            "timezone" => {
                if let Some(s) = take_text(t, value, &path).filter(|s| !s.is_empty()) {
                    t.set("time-zone", s, &path);
                }
            }
            "ask_password" => {
                if take_bool(t, value, &path) == Some(false) {
                    t.refuse(&path, "a Roster voicemail box always asks for its PIN.");
                }
            }
            "delete_messages" => {
                if take_bool(t, value, &path) == Some(true) {
                    t.refuse(&path, "Roster keeps a voicemail after e-mailing it (it may be moved to the trash, not deleted).");
                }
            }
            // The box is its user's: named after it, in its domain.
            "context" | "name" => {}
            "id" if !value.is_null() => t.refuse(
                &path,
                "a Roster voicemail box is its user's own: another box cannot be associated.",
            ),
            "id" => {}
            "max_messages" | "pager" | "options" | "accesstype" if is_nothing(value) => {}
            "accesstype" if value == "personal" => {}
            "max_messages" | "pager" | "options" | "accesstype" => t.refuse(
                &path,
                "Roster's voicemail boxes have a storage limit (NetSapiens' limits-max-data-storage-kilobytes), no message count, pager or options.",
            ),
            _ => t.errors.add(path, "Unknown field."),
        }
    }
    t.set("voicemail-enabled", yes_no(enabled), "voicemail.enabled");
    if email {
        t.set(
            "email-send-alert-new-voicemail-enabled",
            "yes",
            "voicemail.email",
        );
        let behavior = if attach { "attnew" } else { "yes" };
        t.set(
            "email-send-alert-new-voicemail-behavior",
            behavior,
            "voicemail.attach_audio",
        );
    } else if attach {
        t.errors.add(
            "voicemail.attach_audio",
            "Needs voicemail.email to send the audio to.",
        );
    }
}

/// The box's number is its user's extension.
fn check_voicemail_number(t: &mut Translated) {
    let Some(number) = t.voicemail_number.take() else {
        return;
    };
    let exten = t
        .fields
        .iter()
        .find(|(f, _)| f == "user")
        .map(|(_, e)| e.clone());
    match exten {
        Some(exten) if exten == number => {}
        Some(exten) => t.errors.add(
            "voicemail.number",
            format!("A Roster voicemail box is numbered as its user's extension ({exten})."),
        ),
        None if number.is_empty() => {}
        None => t.set("user", number, "voicemail.number"),
    }
}

/// Wazo's forward names and Roster's fields.
pub const FORWARDS: [(&str, &str); 3] = [
    ("busy", "forward-on-busy"),
    ("noanswer", "forward-no-answer"),
    ("unconditional", "forward-always"),
];

/// `forwards` (or one of them at `at`): `{enabled, destination}` each; a disabled forward is
/// none (Roster keeps no destination of a forward that is off).
pub fn forwards(t: &mut Translated, value: &Value, at: &str) {
    let Value::Object(forwards) = value else {
        if !value.is_null() {
            t.errors.add(at, "Must be an object.");
        }
        return;
    };
    for (key, value) in forwards {
        let path = join(at, key);
        match FORWARDS.iter().find(|(name, _)| name == key) {
            Some((_, field)) => forward(t, value, &path, field),
            None => t
                .errors
                .add(path, "Unknown field: busy, noanswer or unconditional."),
        }
    }
}

/// One forward, `{enabled, destination}`, onto the Roster `field`.
pub fn forward(t: &mut Translated, value: &Value, at: &str, field: &str) {
    let Value::Object(forward) = value else {
        t.errors.add(at, "Must be an object.");
        return;
    };
    let mut enabled = None;
    let mut destination = None;
    for (key, value) in forward {
        let path = join(at, key);
        match key.as_str() {
            "enabled" => enabled = take_bool(t, value, &path),
            "destination" => destination = take_text(t, value, &path),
            _ => t.errors.add(path, "Unknown field."),
        }
    }
    let path = join(at, "destination");
    match (enabled, destination.filter(|d| !d.is_empty())) {
        (Some(true), Some(destination)) => t.set(field, destination, &path),
        (Some(true), None) => t.errors.add(path, "Required when the forward is enabled."),
        (Some(false) | None, _) => t.set(field, "", &join(at, "enabled")),
    }
}

/// `fallbacks`: where unanswered and busy calls go, onto the answer rule's forwards.
fn fallbacks(t: &mut Translated, value: &Value, users: &HashMap<i64, String>) {
    let Value::Object(fallbacks) = value else {
        if !value.is_null() {
            t.errors.add("fallbacks", "Must be an object.");
        }
        return;
    };
    for (key, value) in fallbacks {
        let path = format!("fallbacks.{key}");
        let field = match key.as_str() {
            "noanswer_destination" => "forward-no-answer",
            "busy_destination" => "forward-on-busy",
            "congestion_destination" | "fail_destination" => {
                if !is_nothing(value) && value.get("type").and_then(Value::as_str) != Some("none") {
                    t.refuse(&path, "Roster sends a call that fails nowhere else.");
                }
                continue;
            }
            _ => {
                t.errors.add(path, "Unknown field.");
                continue;
            }
        };
        if value.is_null() {
            continue;
        }
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let destination = match kind {
            "none" => continue,
            "voicemail" => Some("voicemail".to_owned()),
            "extension" => value.get("exten").and_then(text),
            "user" => match value.get("user_id").and_then(Value::as_i64) {
                Some(id) => match users.get(&id) {
                    Some(exten) => Some(exten.clone()),
                    None => {
                        t.errors.add(
                            format!("{path}.user_id"),
                            format!("Resource Not Found - User was not found ('id': {id})"),
                        );
                        continue;
                    }
                },
                None => None,
            },
            "" => {
                t.errors.add(format!("{path}.type"), "Required.");
                continue;
            }
            other => {
                t.refuse(
                    &format!("{path}.type"),
                    &format!("Roster forwards to a user, an extension, a number or voicemail, not to a {other}."),
                );
                continue;
            }
        };
        match destination {
            Some(destination) => t.set(field, destination, &path),
            None => t.errors.add(path, "Incomplete destination."),
        }
    }
}

/// Wazo's services and Roster's fields.
pub const SERVICES: [(&str, &str); 2] = [
    ("dnd", "do-not-disturb"),
    ("incallfilter", "call-screening-enabled"),
];

/// `services` (or one of them at `at`): `{enabled}` each.
pub fn services(t: &mut Translated, value: &Value, at: &str) {
    let Value::Object(services) = value else {
        if !value.is_null() {
            t.errors.add(at, "Must be an object.");
        }
        return;
    };
    for (key, value) in services {
        let path = join(at, key);
        match SERVICES.iter().find(|(name, _)| name == key) {
            Some((_, field)) => service(t, value, &path, field),
            None => t.errors.add(path, "Unknown field: dnd or incallfilter."),
        }
    }
}

/// One service, `{enabled}`, onto the Roster `field`.
pub fn service(t: &mut Translated, value: &Value, at: &str, field: &str) {
    let enabled = match value {
        Value::Object(service) => {
            if let Some(unknown) = service.keys().find(|k| *k != "enabled") {
                t.errors.add(join(at, unknown), "Unknown field.");
            }
            match service.get("enabled") {
                Some(v) => take_bool(t, v, &join(at, "enabled")),
                None => {
                    t.errors
                        .add(join(at, "enabled"), "Missing data for required field.");
                    None
                }
            }
        }
        _ => {
            t.errors.add(at, "Must be an object.");
            None
        }
    };
    if let Some(on) = enabled {
        t.set(field, yes_no(on), &join(at, "enabled"));
    }
}

/// A translation of a sub-resource body (`/forwards`, `/services`, or one of them).
pub fn sub_resource(f: impl FnOnce(&mut Translated)) -> Translated {
    let mut t = Translated::default();
    f(&mut t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_id_is_a_quoted_name_and_maybe_a_number() {
        assert_eq!(caller_id("\"Jo\""), Some(("Jo".into(), None)));
        assert_eq!(
            caller_id("\"Jôhnny Smith\" <4185551234>"),
            Some(("Jôhnny Smith".into(), Some("4185551234".into())))
        );
        assert_eq!(caller_id("Jo <1>"), None);
    }
}
