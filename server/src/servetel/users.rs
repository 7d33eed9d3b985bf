//! `/user`: Servetel's create, list, read and change of users, and the translation of its fields
//! into Roster's user fields (named as the NetSapiens API names them).
//!
//! | Servetel | Roster |
//! |---|---|
//! | `name` (split at its last space) | `name-first-name`, `name-last-name` |
//! | `number` (the user's mobile) | `simultaneous-ring` (rung with the user) |
//! | `email`, `login_id`, `password` | `email`, the portal login, the portal password |
//! | `user_role` ([`ROLES`]: an id or a name) | `user-scope` |
//! | `status`; PATCH's `block_agent` (true: disabled) | `status` enabled / disabled |
//! | `caller_id` (row ids of the domain's numbers) | `phone-numbers` (routed to the user), the first as `caller-id-number` |
//! | `block_web_login`; `create_web_login` false | `block-web-login` |
//! | `login_based_calling` | `login-based-calling` |
//! | `agent_group` | `groups` (the extensions of the domain's call queues the user is an agent of) |
//! | `department` (one) | `department` |
//! | `create_agent`, `create_extension`, `enable_calling` true | what a create does anyway (a user with its extension and SIP device, able to call) |
//!
//! The extension (`intercom`) is the domain's next free one. Refused by name: `create_agent`,
//! `create_extension` or `enable_calling` false (a Roster user always has an extension and can
//! call), `user_for_cdr` (no per-user CDR visibility), `time_group` (no time frames yet),
//! `international_outbound` (a dial policy's business), `designation` (no such field), more than
//! one `department`, a `name` of one word (Roster keeps first and last names).

use super::{domain, ServetelCaller, ServetelError, ServetelResult};
use app::model::fields::Patch;
use app::model::json_form::{form_of, text_of_value};
use app::model::user::{UserDetail, USER_FIELDS};
use app::model::{Destination, DomainName, FieldErrors, Scope, UserStatus, YesNo};
use app::ssr::{phone_numbers, users, AppState};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(create_user))
        .routes(routes!(get_user, update_user))
}

/// `GET /user` lists as `GET /users` does (not in the document).
pub fn aliases() -> Router<AppState> {
    Router::new().route("/user", get(list_users))
}

/// Servetel's role ids as Roster reads them: a role's id is its place in this list, from 1.
/// Names are accepted too. (Servetel's own ids are those of each account's web panel.)
pub const ROLES: [Scope; 11] = Scope::ALL;

/// The fields a create must send.
const MANDATORY: [&str; 9] = [
    "name",
    "number",
    "create_agent",
    "email",
    "login_id",
    "user_role",
    "password",
    "status",
    "caller_id",
];

/// The role id of `scope` (see [`ROLES`]).
fn role_id(scope: Scope) -> i64 {
    ROLES
        .iter()
        .position(|s| *s == scope)
        .map_or(0, |i| i as i64 + 1)
}

/// The Servetel field a Roster field (or error path) stands for; others keep their name.
pub fn servetel_name(field: &str) -> String {
    let base = field.split(['.', '[']).next().unwrap_or(field);
    match base {
        "name-first-name" | "name-last-name" => "name",
        "simultaneous-ring" => "number",
        "login-username" => "login_id",
        "user-scope" => "user_role",
        "phone-numbers" | "caller-id-number" => "caller_id",
        "block-web-login" => "block_web_login",
        "login-based-calling" => "login_based_calling",
        "groups" => "agent_group",
        "user" | "device" | "devices" => "intercom",
        other => other,
    }
    .to_owned()
}

/// A create's body (the fields marked required are Servetel's mandatory ones).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = UserCreate)]
#[allow(dead_code)]
pub struct CreateDoc {
    /// First and last names, separated by a space (the last space splits them).
    name: String,
    /// The user's mobile number, with its country code: rung with the user.
    number: String,
    /// true (a Roster create always makes the user).
    create_agent: bool,
    email: String,
    /// The portal login; a name alone gets @<domain> added.
    login_id: String,
    /// A role id (1 No Portal, 2 Basic User, 3 Simple User, 4 Advanced User, 5 Call Center
    /// Agent, 6 Call Center Supervisor, 7 NDP, 8 Site Manager, 9 Office Manager, 10 Reseller,
    /// 11 Super User) or that name.
    user_role: i64,
    /// The portal password: 15 to 128 characters, not built from the login or names.
    password: String,
    /// Enabled (true) or disabled.
    status: bool,
    /// Row ids of the domain's phone numbers (see GET /user/{id}): routed to the user, the
    /// first its caller ID. May be empty.
    caller_id: Vec<i64>,
    block_web_login: Option<bool>,
    /// false: the same as block_web_login true.
    create_web_login: Option<bool>,
    login_based_calling: Option<bool>,
    /// Extensions of the domain's call queues the user is an agent of (text or numbers).
    agent_group: Option<Vec<String>>,
    /// At most one.
    department: Option<Vec<String>>,
    /// true or absent only.
    create_extension: Option<bool>,
    /// true or absent only.
    enable_calling: Option<bool>,
    /// Refused: Roster has no per-user CDR visibility.
    user_for_cdr: Option<Value>,
    /// Refused: Roster has no time groups yet.
    time_group: Option<String>,
}

/// A change's body: only the fields sent change.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = UserPatch)]
#[allow(dead_code)]
pub struct PatchDoc {
    name: Option<String>,
    number: Option<String>,
    email: Option<String>,
    caller_id: Option<Vec<i64>>,
    agent_group: Option<Vec<String>>,
    /// true: disabled; false: enabled.
    block_agent: Option<bool>,
    status: Option<bool>,
    login_id: Option<String>,
    user_role: Option<i64>,
    password: Option<String>,
    block_web_login: Option<bool>,
    login_based_calling: Option<bool>,
    department: Option<Vec<String>>,
    /// Refused: a dial policy's business.
    international_outbound: Option<bool>,
    /// Refused: Roster has no such field.
    designation: Option<String>,
    /// Refused: Roster has no per-user CDR visibility.
    user_for_cdr: Option<Value>,
}

/// Servetel's envelope.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Envelope)]
#[allow(dead_code)]
pub struct EnvelopeDoc {
    success: bool,
    message: String,
    /// On failure: each bad field and why.
    error: Option<HashMap<String, String>>,
}

/// A user as Servetel's read answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserDoc {
    /// Roster's row id of the user.
    id: i64,
    name: String,
    team_member: TeamMemberDoc,
    agent: AgentDoc,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TeamMember)]
pub struct TeamMemberDoc {
    email: String,
    login_id: String,
    /// Enabled (true) or disabled.
    status: bool,
    /// The role id (see the create's user_role).
    role: i64,
    role_name: String,
    block_web_login: bool,
    department: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Agent)]
pub struct AgentDoc {
    id: i64,
    /// The user's extension.
    intercom: String,
    /// The mobile rung with the user.
    number: String,
    /// Row ids of the phone numbers routed to the user.
    caller_id: Vec<i64>,
    agent_group: Vec<String>,
    login_based_calling: bool,
    extension: ExtensionDoc,
    /// Always null: Roster has no time groups yet.
    time_group: Option<String>,
}

/// The user's SIP extension.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Extension)]
pub struct ExtensionDoc {
    /// Its first SIP device's name.
    username: String,
    /// Whether it may not call (a disabled user).
    outbound_block: bool,
}

/// A page of users, by cursor.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = UserList)]
pub struct ListDoc {
    has_more: bool,
    count: usize,
    last_seen_id: Option<i64>,
    data: Vec<UserDoc>,
}

/// A Servetel body translated: the Roster fields it sets (by their wire names), the portal
/// password, the number ids of `caller_id`, and the fields refused (by Servetel's names).
#[derive(Default)]
struct Translated {
    fields: Vec<(String, String)>,
    password: Option<String>,
    caller_ids: Option<Vec<i64>>,
    refused: Vec<(String, String)>,
}

impl Translated {
    fn set(&mut self, field: &str, text: impl Into<String>) {
        self.fields.push((field.to_owned(), text.into()));
    }

    fn refuse(&mut self, name: &str, why: &str) {
        self.refused.push((name.to_owned(), why.to_owned()));
    }
}

/// A Servetel boolean: true/false, or 1/0 and their text.
fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A list of text: an array of strings, or one string.
fn texts(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

/// Reads a Servetel body: a create's (its mandatory fields enforced) or a change's.
fn translate(body: &Map<String, Value>, creating: bool) -> Translated {
    let mut t = Translated::default();
    if creating {
        for name in MANDATORY {
            if !body.contains_key(name) {
                t.refuse(name, "Required.");
            }
        }
    }
    const BOOLEAN: &str = "true or false.";
    for (name, value) in body {
        let name = name.as_str();
        match name {
            "name" => match value.as_str().map(str::trim) {
                Some(full) => match full.rsplit_once(' ') {
                    Some((first, last)) => {
                        t.set("name-first-name", first.trim());
                        t.set("name-last-name", last.trim());
                    }
                    None if full.is_empty() => t.refuse(name, "Required."),
                    None => t.refuse(
                        name,
                        "A first and a last name, separated by a space (Roster keeps both).",
                    ),
                },
                None => t.refuse(name, "Must be text."),
            },
            "number" => match text_of_value(value, false) {
                Ok(number) if creating && number.trim().is_empty() => t.refuse(name, "Required."),
                Ok(number) => t.set("simultaneous-ring", number),
                Err(_) => t.refuse(name, "Must be text."),
            },
            "email" | "login_id" => match text_of_value(value, false) {
                Ok(text) => t.set(
                    if name == "email" { "email" } else { "login-username" },
                    text,
                ),
                Err(_) => t.refuse(name, "Must be text."),
            },
            "password" => match value {
                Value::String(s) if !s.is_empty() => t.password = Some(s.clone()),
                _ => t.refuse(name, "Must be text."),
            },
            "user_role" => {
                let scope = match value {
                    Value::Number(n) => n
                        .as_i64()
                        .and_then(|i| usize::try_from(i.checked_sub(1)?).ok())
                        .and_then(|i| ROLES.get(i).copied()),
                    Value::String(s) => match s.trim().parse::<usize>() {
                        Ok(i) => i.checked_sub(1).and_then(|i| ROLES.get(i).copied()),
                        Err(_) => ROLES
                            .iter()
                            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
                            .copied(),
                    },
                    _ => None,
                };
                match scope {
                    Some(scope) => t.set("user-scope", scope.as_str()),
                    None => t.refuse(name, "A role id from 1 to 11, or a role's name."),
                }
            }
            "status" => match (flag(value), value.as_str().map(str::trim)) {
                (Some(on), _) => t.set("status", if on { "enabled" } else { "disabled" }),
                (None, Some(s @ ("enabled" | "disabled"))) => t.set("status", s),
                _ => t.refuse(name, BOOLEAN),
            },
            "block_agent" if !creating => match flag(value) {
                Some(blocked) => t.set("status", if blocked { "disabled" } else { "enabled" }),
                None => t.refuse(name, BOOLEAN),
            },
            "caller_id" => {
                let ids: Option<Vec<i64>> = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            Value::Number(n) => n.as_i64(),
                            Value::String(s) => s.trim().parse().ok(),
                            _ => None,
                        })
                        .collect(),
                    _ => None,
                };
                match ids {
                    Some(ids) => t.caller_ids = Some(ids),
                    None => t.refuse(name, "A list of the ids of the domain's numbers."),
                }
            }
            "block_web_login" | "login_based_calling" => match flag(value) {
                Some(on) => t.set(
                    &name.replace('_', "-"),
                    if on { "yes" } else { "no" },
                ),
                None => t.refuse(name, BOOLEAN),
            },
            "create_web_login" => match flag(value) {
                Some(true) => {}
                Some(false) => {
                    if body.get("block_web_login").and_then(flag) == Some(false) {
                        t.refuse(name, "false blocks the web login, which block_web_login allows.");
                    } else {
                        t.set("block-web-login", "yes");
                    }
                }
                None => t.refuse(name, BOOLEAN),
            },
            "agent_group" => match value {
                Value::Null | Value::String(_) | Value::Number(_) | Value::Array(_) => {
                    match text_of_value(value, true) {
                        Ok(queues) => t.set("groups", queues),
                        Err(_) => t.refuse(name, "A list of call queue extensions."),
                    }
                }
                _ => t.refuse(name, "A list of call queue extensions."),
            },
            "department" => match texts(value).as_deref() {
                Some([]) => t.set("department", ""),
                Some([one]) => t.set("department", one.clone()),
                Some(_) => t.refuse(name, "Roster keeps one department per user."),
                None => t.refuse(name, "A list of department names."),
            },
            "create_agent" => match flag(value) {
                Some(true) => {}
                Some(false) => t.refuse(name, "A create makes the user: true only."),
                None => t.refuse(name, BOOLEAN),
            },
            "create_extension" | "enable_calling" => match (value, flag(value)) {
                (Value::Null, _) | (_, Some(true)) => {}
                (_, Some(false)) => t.refuse(
                    name,
                    "A Roster user always has an extension and can call (status false disables it).",
                ),
                _ => t.refuse(name, BOOLEAN),
            },
            "user_for_cdr" if !value.is_null() => {
                t.refuse(name, "Roster has no per-user rules for who sees which CDRs.")
            }
            "time_group" if !(value.is_null() || value.as_str() == Some("")) => {
                t.refuse(name, "Roster has no time groups yet.")
            }
            "international_outbound" if !creating && !value.is_null() => t.refuse(
                name,
                "Roster allows international calls by dial policy (the NetSapiens API's dial-policy).",
            ),
            "designation" if !creating && !(value.is_null() || value.as_str() == Some("")) => {
                t.refuse(name, "Roster has no such field.")
            }
            "user_for_cdr" | "time_group" => {}
            "international_outbound" | "designation" if !creating => {}
            _ => t.refuse(name, "Unknown field."),
        }
    }
    t
}

/// The body as a JSON object, or Servetel's 400.
fn object(body: &Bytes) -> ServetelResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ServetelError::fields([(
            "body".to_owned(),
            "Must be a JSON object.".to_owned(),
        )])),
    }
}

/// Turns `caller_id`'s number ids into the user's numbers (the first its caller ID number); an
/// id of no number of the domain is refused, naming it.
async fn resolve_numbers(
    state: &AppState,
    caller: &ServetelCaller,
    domain: &DomainName,
    t: &mut Translated,
) -> ServetelResult<()> {
    let Some(ids) = t.caller_ids.take() else {
        return Ok(());
    };
    let found: HashMap<i64, String> =
        phone_numbers::numbers_with_ids(&state.db, &caller.0, domain, &ids, &[])
            .await?
            .into_iter()
            .collect();
    let missing: Vec<String> = ids
        .iter()
        .filter(|id| !found.contains_key(id))
        .map(i64::to_string)
        .collect();
    if !missing.is_empty() {
        t.refuse(
            "caller_id",
            &format!(
                "No number of this domain has the id {}.",
                missing.join(", ")
            ),
        );
        return Ok(());
    }
    let numbers: Vec<&str> = ids
        .iter()
        .filter_map(|id| found.get(id))
        .map(String::as_str)
        .collect();
    t.set("phone-numbers", numbers.join(", "));
    t.set(
        "caller-id-number",
        numbers.first().copied().unwrap_or_default(),
    );
    Ok(())
}

/// The refusals of a translation as the core's field errors.
fn refused(t: &Translated) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, why) in &t.refused {
        errors.add(field.as_str(), why.clone());
    }
    errors
}

/// A user as Servetel answers it; `number_ids` maps the domain's numbers to their ids.
fn shown(detail: &UserDetail, id: i64, number_ids: &HashMap<String, i64>) -> UserDoc {
    let v = &detail.values;
    let mobile = v
        .simultaneous_ring
        .iter()
        .find_map(|d| match d {
            Destination::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    let enabled = v.status == UserStatus::Enabled;
    UserDoc {
        id,
        name: format!("{} {}", v.name_first_name, v.name_last_name),
        team_member: TeamMemberDoc {
            email: v.email.to_string(),
            login_id: v.login().to_owned(),
            status: enabled,
            role: role_id(v.user_scope),
            role_name: v.user_scope.as_str().to_owned(),
            block_web_login: v.block_web_login == YesNo::Yes,
            department: v.department.iter().map(|d| d.to_string()).collect(),
        },
        agent: AgentDoc {
            id,
            intercom: v.user.to_string(),
            number: mobile,
            caller_id: v
                .phone_numbers
                .iter()
                .filter_map(|n| number_ids.get(n.as_str()).copied())
                .collect(),
            agent_group: v.groups.iter().map(|g| g.to_string()).collect(),
            login_based_calling: v.login_based_calling == YesNo::Yes,
            extension: ExtensionDoc {
                username: detail
                    .devices
                    .first()
                    .map(|d| d.device.to_string())
                    .unwrap_or_default(),
                outbound_block: !enabled,
            },
            time_group: None,
        },
    }
}

/// The ids of the numbers of these users, by number.
async fn number_ids(
    state: &AppState,
    caller: &ServetelCaller,
    domain: &DomainName,
    details: &[&UserDetail],
) -> ServetelResult<HashMap<String, i64>> {
    let numbers: Vec<String> = details
        .iter()
        .flat_map(|d| d.values.phone_numbers.iter().map(|n| n.to_string()))
        .collect();
    let wanted: Vec<&str> = numbers.iter().map(String::as_str).collect();
    Ok(
        phone_numbers::numbers_with_ids(&state.db, &caller.0, domain, &[], &wanted)
            .await?
            .into_iter()
            .map(|(id, number)| (number, id))
            .collect(),
    )
}

/// Create a user, all or nothing, with the domain's next free extension.
#[utoipa::path(post, path = "/user", tag = "Users", operation_id = "CreateUser",
    params(("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own.")),
    request_body(content = CreateDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Created: {\"success\": true, \"message\": ...}; Location names the user.", body = EnvelopeDoc),
        (status = 400, description = "{\"success\": false, \"message\": ..., \"error\": {...}}: every bad field.", body = EnvelopeDoc),
        (status = 409, description = "A value another user has (login, number).", body = EnvelopeDoc),
    ))]
async fn create_user(
    State(state): State<AppState>,
    caller: ServetelCaller,
    headers: HeaderMap,
    body: Bytes,
) -> ServetelResult<Response> {
    let domain = domain(&caller.0, &headers)?;
    let body = object(&body)?;
    let mut t = translate(&body, true);
    resolve_numbers(&state, &caller, &domain, &mut t).await?;
    let start = users::wizard_start(&state.db, &caller.0, &domain, None).await?;
    t.set("user", start.form.user);
    let form = form_of(USER_FIELDS, &Patch(t.fields.clone()));
    let created = users::create_user_translated(
        &state.db,
        &caller.0,
        &domain,
        &form,
        None,
        t.password.as_deref(),
        refused(&t),
    )
    .await?;
    let extension = created.detail.values.user.to_string();
    let ids =
        users::ids_with_extensions(&state.db, &caller.0, &domain, &[extension.as_str()]).await?;
    let mut response =
        Json(json!({"success": true, "message": "User created successfully."})).into_response();
    if let Some(id) = ids.get(&extension) {
        if let Ok(location) = format!("{}/user/{id}", super::BASE).parse() {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    Ok(response)
}

/// The user `id` of the domain: its extension and its whole read.
async fn read(
    state: &AppState,
    caller: &ServetelCaller,
    domain: &DomainName,
    id: &str,
) -> ServetelResult<(i64, String, UserDetail)> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| ServetelError::from(app::error::AppError::NotFound))?;
    let extension = users::extension_with_id(&state.db, &caller.0, domain, id).await?;
    let detail = users::get_user(&state.db, &caller.0, domain, &extension).await?;
    Ok((id, extension, detail))
}

/// Read a user.
#[utoipa::path(get, path = "/user/{id}", tag = "Users", operation_id = "GetUser",
    params(
        ("id" = i64, Path, description = "The user's id."),
        ("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own."),
    ),
    responses(
        (status = 200, description = "The user.", body = UserDoc),
        (status = 404, description = "No such user in this domain.", body = EnvelopeDoc),
    ))]
async fn get_user(
    State(state): State<AppState>,
    caller: ServetelCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ServetelResult<Json<UserDoc>> {
    let domain = domain(&caller.0, &headers)?;
    let (id, _, detail) = read(&state, &caller, &domain, &id).await?;
    let numbers = number_ids(&state, &caller, &domain, &[&detail]).await?;
    Ok(Json(shown(&detail, id, &numbers)))
}

/// Change a user: only the fields sent change.
#[utoipa::path(patch, path = "/user/{id}", tag = "Users", operation_id = "UpdateUser",
    params(
        ("id" = i64, Path, description = "The user's id."),
        ("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own."),
    ),
    request_body(content = PatchDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed: {\"success\": true, \"message\": ...}.", body = EnvelopeDoc),
        (status = 400, description = "Every bad field.", body = EnvelopeDoc),
        (status = 404, description = "No such user in this domain.", body = EnvelopeDoc),
    ))]
async fn update_user(
    State(state): State<AppState>,
    caller: ServetelCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ServetelResult<Json<Value>> {
    let domain = domain(&caller.0, &headers)?;
    let (_, extension, _) = read(&state, &caller, &domain, &id).await?;
    let body = object(&body)?;
    let mut t = translate(&body, false);
    resolve_numbers(&state, &caller, &domain, &mut t).await?;
    users::update_user_translated(
        &state.db,
        &caller.0,
        &domain,
        &extension,
        &Patch(t.fields.clone()),
        t.password.as_deref(),
        refused(&t),
    )
    .await?;
    Ok(Json(
        json!({"success": true, "message": "User updated successfully."}),
    ))
}

/// The list's parameters: Servetel's cursor and filters.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListParams {
    last_seen_id: Option<String>,
    limit: Option<String>,
    is_extension_created: Option<String>,
    is_login_based_calling: Option<String>,
    is_international_calling: Option<String>,
    is_web_login: Option<String>,
    user_status: Option<String>,
}

/// List the domain's users by id, after `last_seen_id`, at most `limit` (1 to 1000, default 20).
#[utoipa::path(get, path = "/users", tag = "Users", operation_id = "ListUsers",
    params(
        ("last_seen_id" = Option<i64>, Query, description = "The last id of the previous page."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 20)."),
        ("is_extension_created" = Option<bool>, Query, description = "Only users with (or without) a SIP device."),
        ("is_login_based_calling" = Option<bool>, Query, description = "Only users with (or without) login-based calling."),
        ("is_web_login" = Option<bool>, Query, description = "Only users whose web login is (or is not) allowed."),
        ("user_status" = Option<bool>, Query, description = "Only enabled (true) or disabled (false) users."),
        ("is_international_calling" = Option<bool>, Query, description = "Refused: a dial policy's business."),
        ("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own."),
    ),
    responses(
        (status = 200, description = "A page of users.", body = ListDoc),
        (status = 400, description = "A bad parameter.", body = EnvelopeDoc),
    ))]
async fn list_users(
    State(state): State<AppState>,
    caller: ServetelCaller,
    headers: HeaderMap,
    uri: Uri,
) -> ServetelResult<Json<ListDoc>> {
    let domain = domain(&caller.0, &headers)?;
    let params = Query::<ListParams>::try_from_uri(&uri)
        .map_err(|_| {
            ServetelError::fields([("query".to_owned(), "Malformed query string.".to_owned())])
        })?
        .0;
    let mut bad = Vec::new();
    let filter = |name: &str, value: &Option<String>, bad: &mut Vec<(String, String)>| {
        value
            .as_ref()
            .and_then(|v| match flag(&Value::String(v.clone())) {
                Some(on) => Some(on),
                None => {
                    bad.push((name.to_owned(), "true or false.".to_owned()));
                    None
                }
            })
    };
    let extension_created = filter(
        "is_extension_created",
        &params.is_extension_created,
        &mut bad,
    );
    let login_calling = filter(
        "is_login_based_calling",
        &params.is_login_based_calling,
        &mut bad,
    );
    let web_login = filter("is_web_login", &params.is_web_login, &mut bad);
    let enabled = match params.user_status.as_deref().map(str::trim) {
        Some("enabled") => Some(true),
        Some("disabled") => Some(false),
        _ => filter("user_status", &params.user_status, &mut bad),
    };
    if params.is_international_calling.is_some() {
        bad.push((
            "is_international_calling".to_owned(),
            "Roster allows international calls by dial policy.".to_owned(),
        ));
    }
    let after = match params.last_seen_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                bad.push(("last_seen_id".to_owned(), "A user's id.".to_owned()));
                None
            }
        },
    };
    let limit = match params.limit.as_deref().map(str::trim) {
        None | Some("") => 20,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                bad.push((
                    "limit".to_owned(),
                    "A whole number from 1 to 1000.".to_owned(),
                ));
                20
            }
        },
    };
    if !bad.is_empty() {
        return Err(ServetelError::fields(bad));
    }
    // Every user of the domain, by id: Servetel's cursor is its ids' order.
    let mut all = users::all_users_whole_with_ids(&state.db, &caller.0, &domain).await?;
    all.sort_by_key(|(id, _)| *id);
    let mut matching = all.into_iter().filter(|(id, d)| {
        let v = &d.values;
        after.is_none_or(|a| *id > a)
            && extension_created.is_none_or(|want| want == !d.devices.is_empty())
            && login_calling.is_none_or(|want| want == (v.login_based_calling == YesNo::Yes))
            && web_login.is_none_or(|want| want == (v.block_web_login != YesNo::Yes))
            && enabled.is_none_or(|want| want == (v.status == UserStatus::Enabled))
    });
    let page: Vec<(i64, UserDetail)> = matching.by_ref().take(limit).collect();
    let has_more = matching.next().is_some();
    let details: Vec<&UserDetail> = page.iter().map(|(_, d)| d).collect();
    let numbers = number_ids(&state, &caller, &domain, &details).await?;
    let data: Vec<UserDoc> = page.iter().map(|(id, d)| shown(d, *id, &numbers)).collect();
    Ok(Json(ListDoc {
        has_more,
        count: data.len(),
        last_seen_id: page.last().map(|(id, _)| *id),
        data,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_without_its_mandatory_fields_names_each_of_them() {
        let t = translate(&Map::new(), true);
        let names: Vec<&str> = t.refused.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, MANDATORY);
    }

    #[test]
    fn role_ids_count_from_one_in_rosters_scope_order() {
        assert_eq!(role_id(Scope::NoPortal), 1);
        assert_eq!(role_id(Scope::OfficeManager), 9);
        let t = translate(
            &json!({"user_role": 9})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            false,
        );
        assert_eq!(
            t.fields,
            [("user-scope".to_owned(), "Office Manager".to_owned())]
        );
        // Ids out of range, the smallest integer among them, are refused by name.
        for role in [json!(0), json!(12), json!(i64::MIN), json!("0")] {
            let body = json!({ "user_role": role })
                .as_object()
                .cloned()
                .unwrap_or_default();
            let t = translate(&body, false);
            assert!(t.refused.iter().any(|(f, _)| f == "user_role"), "{role}");
        }
    }
}
