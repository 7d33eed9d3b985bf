//! `/users/`: XiVO 1.0's list, read, create, update and delete of users, and the translation of
//! its properties into Roster's user fields (named as the NetSapiens API names them).
//!
//! | XiVO | Roster |
//! |---|---|
//! | `firstname`, `lastname` | `name-first-name`, `name-last-name` |
//! | `callerid` (quotes around it dropped) | `caller-id-name` |
//! | `outcallerid`: `default` / `anonymous` / a number | `caller-id-number` blank (the domain's) / `privacy` yes / `caller-id-number` |
//! | `username`, `password` (never answered) | the portal login, the portal password |
//! | `enableclient` 1 / 0 | `block-web-login` no / yes |
//! | `userfield` | `service-code` |
//! | `timezone`, `language` | `time-zone`, `language-token` |
//! | `line.number` | `user` (the extension; its first SIP device is named after it) |
//! | `email` (Roster's, required) | `email` |
//!
//! Refused by name when they carry a value: `musiconhold` other than `default` (Roster has no
//! music-on-hold class per user), `mobilephonenumber` and `description` (no such field),
//! `ctiprofileid`, `agentid`, `entityid` (no CTI profiles, agents or entities), and `voicemailid`
//! or `id` other than the user's own (boxes are not associated by id).

use super::{domain, XivoCaller, XivoError, XivoResult};
use app::error::AppError;
use app::model::fields::Patch;
use app::model::json_form::{form_of, text_of_value};
use app::model::user::{UserDetail, USER_FIELDS};
use app::model::{FieldErrors, YesNo};
use app::ssr::{users, AppState};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
}

/// `/users` without its trailing slash, as clients also write it (not in the document).
pub fn aliases() -> Router<AppState> {
    Router::new().route("/users", get(list_users).post(create_user))
}

/// A user as XiVO 1.0 answers it. `password` is never answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserDoc {
    /// Roster's row id of the user.
    id: i64,
    firstname: String,
    lastname: String,
    /// The caller ID name: the user's own, else its domain's, else its first and last names.
    callerid: String,
    /// The portal login (`name@domain`).
    username: String,
    /// 1 unless the user's web login is blocked.
    enableclient: u8,
    /// Always `default`: Roster has no music-on-hold class per user.
    musiconhold: String,
    /// `default` (the domain's caller ID number), `anonymous`, or the user's own number.
    outcallerid: String,
    /// Always empty: Roster has no such field.
    mobilephonenumber: String,
    /// Roster's service code (a billing tag).
    userfield: String,
    timezone: String,
    language: String,
    /// Always empty: Roster has no such field.
    description: String,
    /// Roster's row id of the user's voicemail box, if it has one.
    voicemailid: Option<i64>,
    /// The user's extension; null for a user without a SIP device.
    line: Option<LineDoc>,
}

/// A user's line: its number (the extension).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Line)]
pub struct LineDoc {
    number: String,
}

/// XiVO's list: every user of the domain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = UserList)]
pub struct ListDoc {
    total: u64,
    items: Vec<UserDoc>,
}

/// What `POST` and `PUT` take (`PUT`: only the parameters sent change).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = UserInput)]
#[allow(dead_code)]
pub struct InputDoc {
    /// Required on POST.
    firstname: String,
    /// Required on POST (Roster requires a last name).
    lastname: String,
    /// Roster's: required on POST (a Roster user has an e-mail address).
    email: String,
    /// Required on POST: `{"number": "<extension>"}`.
    line: LineDoc,
    callerid: Option<String>,
    /// The portal login; a name alone gets `@<domain>` added.
    username: Option<String>,
    /// The portal password: 15 to 128 characters, not built from the login, extension or
    /// names. Never answered. Without one, the user sets its own through an invitation.
    password: Option<String>,
    /// 0 or 1.
    enableclient: Option<u8>,
    /// `default` only.
    musiconhold: Option<String>,
    /// `default`, `anonymous` or a number with its country code.
    outcallerid: Option<String>,
    /// Empty only.
    mobilephonenumber: Option<String>,
    userfield: Option<String>,
    /// Such as Europe/Paris.
    timezone: Option<String>,
    /// Such as fr_FR.
    language: Option<String>,
    /// Empty only.
    description: Option<String>,
    /// Null, or (PUT) the user's own.
    voicemailid: Option<i64>,
}

/// The XiVO parameter a Roster field (or error path) stands for; others keep their name.
pub fn xivo_name(field: &str) -> String {
    let base = field.split(['.', '[']).next().unwrap_or(field);
    match base {
        "user" | "device" | "devices" | "device-sip-registration-password" => "line",
        "name-first-name" => "firstname",
        "name-last-name" => "lastname",
        "caller-id-name" => "callerid",
        "caller-id-number" | "privacy" => "outcallerid",
        "login-username" => "username",
        "block-web-login" => "enableclient",
        "service-code" => "userfield",
        "time-zone" => "timezone",
        "language-token" => "language",
        other => other,
    }
    .to_owned()
}

/// What a stored user shows of itself that a `PUT` may send back unchanged.
struct Current {
    id: i64,
    voicemail_id: Option<i64>,
}

/// A XiVO body translated: the Roster fields it sets (by their wire names), the portal
/// password, and the parameters refused (by their XiVO names).
#[derive(Default)]
struct Translated {
    fields: Vec<(String, String)>,
    password: Option<String>,
    refused: FieldErrors,
}

impl Translated {
    fn set(&mut self, field: &str, text: impl Into<String>) {
        self.fields.push((field.to_owned(), text.into()));
    }

    fn refuse(&mut self, name: &str, why: &str) {
        self.refused.add(name, why);
    }
}

/// A whole number sent as a number or as text.
fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whether `value` says nothing: null, or blank text.
fn blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Reads a XiVO body. `current` is the user a `PUT` changes (none for a `POST`).
fn translate(body: &Map<String, Value>, current: Option<&Current>) -> Translated {
    let mut t = Translated::default();
    for (name, value) in body {
        let text = || text_of_value(value, false);
        match name.as_str() {
            "firstname" | "lastname" | "callerid" | "username" | "userfield" | "timezone"
            | "language" | "email" => {
                let Ok(mut text) = text() else {
                    t.refuse(name, "Must be text.");
                    continue;
                };
                let field = match name.as_str() {
                    "firstname" => "name-first-name",
                    "lastname" => "name-last-name",
                    "callerid" => {
                        // XiVO shows a caller ID name in quotes: "Jean Dupond".
                        let trimmed = text.trim();
                        if let Some(inner) =
                            trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"'))
                        {
                            text = inner.to_owned();
                        }
                        "caller-id-name"
                    }
                    "username" => "login-username",
                    "userfield" => {
                        // `system-` service codes hide a user from lists: not a userfield's job.
                        if text.trim().starts_with("system-") {
                            t.refuse(name, "Cannot start with system-.");
                            continue;
                        }
                        "service-code"
                    }
                    "timezone" => "time-zone",
                    "language" => "language-token",
                    _ => "email",
                };
                t.set(field, text);
            }
            "password" => match value {
                Value::String(s) if !s.is_empty() => t.password = Some(s.clone()),
                _ => t.refuse(name, "Must be text."),
            },
            "enableclient" => match whole_number(value).or(match value {
                Value::Bool(b) => Some(i64::from(*b)),
                _ => None,
            }) {
                Some(1) => t.set("block-web-login", "no"),
                Some(0) => t.set("block-web-login", "yes"),
                _ => t.refuse(name, "0 or 1."),
            },
            "musiconhold" => {
                if !(blank(value) || value.as_str().map(str::trim) == Some("default")) {
                    t.refuse(name, "Roster has no music-on-hold class per user.");
                }
            }
            "outcallerid" => match value.as_str().map(str::trim) {
                None if value.is_null() => {
                    t.set("caller-id-number", "");
                    t.set("privacy", "no");
                }
                Some("" | "default") => {
                    t.set("caller-id-number", "");
                    t.set("privacy", "no");
                }
                Some("anonymous") => t.set("privacy", "yes"),
                Some(number) => {
                    t.set("caller-id-number", number);
                    t.set("privacy", "no");
                }
                None => t.refuse(name, "default, anonymous or a number."),
            },
            "mobilephonenumber" | "description" => {
                if !blank(value) {
                    t.refuse(name, "Roster has no such field.");
                }
            }
            "ctiprofileid" | "agentid" | "entityid" => {
                if !value.is_null() {
                    t.refuse(name, "Roster has no CTI profiles, agents or entities.");
                }
            }
            "voicemailid" => {
                let own = current.and_then(|c| c.voicemail_id);
                let same = match value {
                    Value::Null => own.is_none(),
                    other => whole_number(other).is_some() && whole_number(other) == own,
                };
                if !same {
                    t.refuse(
                        name,
                        "A voicemail box is the user's own; it is not associated by id.",
                    );
                }
            }
            "id" => {
                if current.is_none_or(|c| whole_number(value) != Some(c.id)) {
                    t.refuse(name, "The id is Roster's.");
                }
            }
            "line" => match value {
                Value::Object(line) => {
                    for (key, member) in line {
                        match (key.as_str(), text_of_value(member, false)) {
                            ("number", Ok(number)) if !number.trim().is_empty() => {
                                t.set("user", number)
                            }
                            _ => t.refuse(name, "{\"number\": \"<extension>\"}."),
                        }
                    }
                }
                _ => t.refuse(name, "{\"number\": \"<extension>\"}."),
            },
            _ => t.refuse(name, "Unknown parameter."),
        }
    }
    t
}

/// The body as a JSON object, or XiVO's 400.
fn object(body: &Bytes) -> XivoResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(XivoError::incorrect(["body".to_owned()])),
    }
}

/// A user as XiVO answers it.
fn shown(detail: UserDetail, id: i64, voicemail_id: Option<i64>) -> UserDoc {
    let v = &detail.values;
    let text = |s: Option<String>| s.unwrap_or_default();
    let own_number = !detail.inherits("caller-id-number");
    let outcallerid = match (&v.privacy, &v.caller_id_number) {
        (YesNo::Yes, _) => "anonymous".to_owned(),
        (_, Some(number)) if own_number => number.to_string(),
        _ => "default".to_owned(),
    };
    UserDoc {
        id,
        firstname: v.name_first_name.to_string(),
        lastname: v.name_last_name.to_string(),
        callerid: v.caller_id_name.as_ref().map_or_else(
            || format!("{} {}", v.name_first_name, v.name_last_name),
            |name| name.to_string(),
        ),
        username: v.login().to_owned(),
        enableclient: u8::from(v.block_web_login != YesNo::Yes),
        musiconhold: "default".to_owned(),
        outcallerid,
        mobilephonenumber: String::new(),
        userfield: text(v.service_code.as_ref().map(|c| c.to_string())),
        timezone: text(v.time_zone.as_ref().map(|z| z.to_string())),
        language: text(v.language_token.as_ref().map(|l| l.to_string())),
        description: String::new(),
        voicemailid: voicemail_id,
        line: (!detail.devices.is_empty()).then(|| LineDoc {
            number: v.user.to_string(),
        }),
    }
}

/// The user `id` of the domain, read whole, with its voicemail box's id.
async fn read(
    state: &AppState,
    caller: &XivoCaller,
    domain: &app::model::DomainName,
    id: &str,
) -> XivoResult<(String, UserDetail, i64, Option<i64>)> {
    let id: i64 = id.trim().parse().map_err(|_| XivoError::not_found())?;
    let extension = users::extension_with_id(&state.db, &caller.0, domain, id).await?;
    let detail = users::get_user(&state.db, &caller.0, domain, &extension).await?;
    let boxes = users::voicemail_box_ids(&state.db, &caller.0, domain, &[id]).await?;
    Ok((extension, detail, id, boxes.get(&id).copied()))
}

/// List every user of the domain.
#[utoipa::path(get, path = "/users/", tag = "Users", operation_id = "ListUsers",
    params(("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own.")),
    responses(
        (status = 200, description = "Every user of the domain.", body = ListDoc),
        (status = 400, description = "No domain named.", body = Vec<String>),
        (status = 403, description = "The caller may not manage this domain's users.", body = Vec<String>),
        (status = 404, description = "No such domain (empty body)."),
    ))]
async fn list_users(
    State(state): State<AppState>,
    caller: XivoCaller,
    headers: HeaderMap,
) -> XivoResult<Json<ListDoc>> {
    let domain = domain(&caller.0, &headers)?;
    let all = users::all_users_whole_with_ids(&state.db, &caller.0, &domain).await?;
    let user_ids: Vec<i64> = all.iter().map(|(id, _)| *id).collect();
    let boxes = users::voicemail_box_ids(&state.db, &caller.0, &domain, &user_ids).await?;
    let items: Vec<_> = all
        .into_iter()
        .map(|(id, detail)| shown(detail, id, boxes.get(&id).copied()))
        .collect();
    let total = items.len() as u64;
    Ok(Json(ListDoc { total, items }))
}

/// Read a user.
#[utoipa::path(get, path = "/users/{id}", tag = "Users", operation_id = "GetUser",
    params(
        ("id" = i64, Path, description = "The user's id."),
        ("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own."),
    ),
    responses(
        (status = 200, description = "The user.", body = UserDoc),
        (status = 404, description = "No such user in this domain (empty body)."),
    ))]
async fn get_user(
    State(state): State<AppState>,
    caller: XivoCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> XivoResult<Json<UserDoc>> {
    let domain = domain(&caller.0, &headers)?;
    let (_, detail, id, voicemail_id) = read(&state, &caller, &domain, &id).await?;
    Ok(Json(shown(detail, id, voicemail_id)))
}

/// Create a user, all or nothing: 201 with no body, its address in `Location`.
#[utoipa::path(post, path = "/users/", tag = "Users", operation_id = "CreateUser",
    params(("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own.")),
    request_body(content = InputDoc, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; Location names the new user."),
        (status = 400, description = "[\"Incorrect parameters sent: a, b\"]: every bad parameter.", body = Vec<String>),
    ))]
async fn create_user(
    State(state): State<AppState>,
    caller: XivoCaller,
    headers: HeaderMap,
    body: Bytes,
) -> XivoResult<Response> {
    let domain = domain(&caller.0, &headers)?;
    let body = object(&body)?;
    let t = translate(&body, None);
    let form = form_of(USER_FIELDS, &Patch(t.fields));
    let created = users::create_user_translated(
        &state.db,
        &caller.0,
        &domain,
        &form,
        None,
        t.password.as_deref(),
        t.refused,
    )
    .await?;
    let extension = created.detail.values.user.to_string();
    let ids =
        users::ids_with_extensions(&state.db, &caller.0, &domain, &[extension.as_str()]).await?;
    let mut response = StatusCode::CREATED.into_response();
    if let Some(id) = ids.get(&extension) {
        if let Ok(location) = format!("{}/users/{id}", super::BASE).parse() {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    Ok(response)
}

/// Update a user: only the parameters sent change. A new first or last name is the voicemail
/// box's new name too (a box is named by its user's names).
#[utoipa::path(put, path = "/users/{id}", tag = "Users", operation_id = "UpdateUser",
    params(
        ("id" = i64, Path, description = "The user's id."),
        ("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own."),
    ),
    request_body(content = InputDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (no body)."),
        (status = 400, description = "[\"Incorrect parameters sent: a, b\"]: every bad parameter.", body = Vec<String>),
        (status = 404, description = "No such user in this domain (empty body)."),
    ))]
async fn update_user(
    State(state): State<AppState>,
    caller: XivoCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> XivoResult<StatusCode> {
    let domain = domain(&caller.0, &headers)?;
    let (extension, _, id, voicemail_id) = read(&state, &caller, &domain, &id).await?;
    let body = object(&body)?;
    let t = translate(&body, Some(&Current { id, voicemail_id }));
    users::update_user_translated(
        &state.db,
        &caller.0,
        &domain,
        &extension,
        &Patch(t.fields),
        t.password.as_deref(),
        t.refused,
    )
    .await?;
    Ok(StatusCode::OK)
}

/// Delete a user with its SIP devices, call queue agents, answer rules and portal login (its
/// phone numbers are freed). A user with a voicemail box is refused (412) unless
/// `deleteVoicemail` is present (with any value, or none).
#[utoipa::path(delete, path = "/users/{id}", tag = "Users", operation_id = "DeleteUser",
    params(
        ("id" = i64, Path, description = "The user's id."),
        ("deleteVoicemail" = Option<String>, Query, description = "Present (no value needed): the user's voicemail box goes too."),
        ("X-Roster-Domain" = Option<String>, Header, description = "The domain, for a caller without one of its own."),
    ),
    responses(
        (status = 200, description = "Deleted (no body)."),
        (status = 404, description = "No such user in this domain (empty body)."),
        (status = 412, description = "The user owns a voicemail box and deleteVoicemail is absent.", body = Vec<String>),
    ))]
async fn delete_user(
    State(state): State<AppState>,
    caller: XivoCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> XivoResult<StatusCode> {
    let domain = domain(&caller.0, &headers)?;
    let id: i64 = id.trim().parse().map_err(|_| XivoError::not_found())?;
    let extension = users::extension_with_id(&state.db, &caller.0, &domain, id).await?;
    let delete_voicemail = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair.split('=').next() == Some("deleteVoicemail"));
    users::delete_user(&state.db, &caller.0, &domain, &extension, delete_voicemail)
        .await
        .map_err(|e| match e {
            AppError::PreconditionFailed { .. } => {
                XivoError::new(StatusCode::PRECONDITION_FAILED, super::VOICEMAIL_EXISTS)
            }
            other => other.into(),
        })?;
    Ok(StatusCode::OK)
}
