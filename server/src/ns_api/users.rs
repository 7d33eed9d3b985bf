//! `/domains/{domain}/users`: list, count, create (with nested resources), read, update, delete.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::Retry;
use super::problem::{ApiResult, Problem};
use super::schemas;
use super::{
    changed, domain_name, fresh, idempotency, listed, paged, rules, synchronous, user_name, Count,
};
use app::error::AppError;
use app::model::fields::find;
use app::model::json_form::{form_from_json, form_of, patch_from_json, text_of_value, Shape};
use app::model::mail::Invitation;
use app::model::user::{SortKey, UserDetail, UserQuery, USER_FIELDS};
use app::model::{FieldErrors, Parse};
use app::ssr::users::{self, DeviceForm};
use app::ssr::AppState;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use serde_json::{json, Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(count_users))
        .routes(routes!(list_users_directory))
        .routes(routes!(get_user, update_user, delete_user))
        .routes(routes!(send_email))
}

/// Members of a create body that are not user fields: the caller's flag and nested resources.
const NESTED: &[&str] = &[
    "synchronous",
    "invitation",
    "devices",
    "voicemail",
    "answer-rules",
];

/// `start` (or XiVO's `offset`) and `limit` (1 to 1000, default 100).
pub fn window(params: &Params) -> Result<(u32, u32), Problem> {
    let start = match params.text("offset") {
        Some(_) => params.number("offset", 0, 0, u32::MAX)?,
        None => params.number("start", 0, 0, u32::MAX)?,
    };
    Ok((start, params.number("limit", 100, 1, 1000)?))
}

/// XiVO's `direction`: `asc` (the default) or `desc`.
pub fn descending(params: &Params) -> Result<bool, Problem> {
    match params.text("direction").map(str::trim) {
        None | Some("" | "asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(_) => Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "direction",
            "asc or desc.",
        )),
    }
}

fn query(params: &Params) -> Result<UserQuery, Problem> {
    let (start, limit) = window(params)?;
    let sort = match params.text("order").map(str::trim) {
        None | Some("") => SortKey::User,
        // XiVO orders by first or last name; Roster's name order is last, then first.
        Some("firstname" | "lastname" | "name-last-name" | "name-first-name") => SortKey::Name,
        Some("login-username") => SortKey::Login,
        Some(key) => SortKey::parse(key).ok_or_else(|| {
            Problem::field(
                StatusCode::BAD_REQUEST,
                "order",
                "One of user, name, login, department, site.",
            )
        })?,
    };
    Ok(UserQuery {
        search: params.text("search").unwrap_or_default().to_owned(),
        sort,
        descending: descending(params)?,
        start,
        limit,
        after: params.text("after").map(str::to_owned),
    })
}

/// The `site` a list is narrowed to; a blank one (`?site=`) narrows nothing.
fn site(params: &Params) -> Option<&str> {
    params.text("site").filter(|s| !s.trim().is_empty())
}

const PAGE_PARAMS: &str = "limit: 1 to 1000 (default 100); start or offset; after (a keyset cursor: a full page's Link header, rel=\"next\", gives the next page's address with it, which stays right however deep and whatever is added or removed meanwhile); search; order (user, name, login, department, site); direction (asc, desc); site.";

/// List the users of a domain.
#[utoipa::path(get, path = "/domains/{domain}/users", tag = "Users", operation_id = "ListUsers",
    description = PAGE_PARAMS,
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("after" = Option<String>, Query, description = "A keyset cursor, from a full page's Link header (rel=\"next\")."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the extension, a name, the login or the e-mail."),
        ("order" = Option<String>, Query, description = "user, name, login, department or site."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
        ("site" = Option<String>, Query, description = "Only the users of this site."),
    ),
    responses((status = 200, description = "A page of users, each as a read of one user answers it; the number matching in X-Total-Count.",
        body = Vec<schemas::User>, headers(("x-total-count" = u64), ("link" = String, description = "The next page, when this one is full: `<address>; rel=\"next\"`.")))))]
async fn list_users(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    OriginalUri(uri): OriginalUri,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let page =
        users::list_users_whole(&state.db, &caller, &name, site(&params), &query(&params)?).await?;
    Ok(paged(listed(page.total, page.items), &uri, page.next))
}

/// One line of NetSapiens' users directory (`users/list`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
struct PublicUserInfo {
    user: String,
    domain: String,
    site: String,
    name_first_name: String,
    name_last_name: String,
    department: String,
    /// The digits a caller dials to find the user by name in the directory.
    directory_name_number_dtmf_mapping: Option<u32>,
}

/// List the users of a domain as a directory: extension, names, site and department.
#[utoipa::path(get, path = "/domains/{domain}/users/list", tag = "Users", operation_id = "ListUsersDirectory",
    description = PAGE_PARAMS,
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip."),
        ("after" = Option<String>, Query, description = "A keyset cursor, from a full page's Link header (rel=\"next\")."),
        ("search" = Option<String>, Query, description = "Part of the extension, a name, the login or the e-mail."),
        ("site" = Option<String>, Query, description = "Only the users of this site."),
    ),
    responses((status = 200, description = "A page of the directory; the number matching in X-Total-Count.",
        body = Vec<PublicUserInfo>, headers(("x-total-count" = u64), ("link" = String, description = "The next page, when this one is full: `<address>; rel=\"next\"`.")))))]
async fn list_users_directory(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    OriginalUri(uri): OriginalUri,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let users::WholePage { total, items, next } =
        users::list_users_whole(&state.db, &caller, &name, site(&params), &query(&params)?).await?;
    let text = |v: Option<String>| v.unwrap_or_default();
    let lines: Vec<PublicUserInfo> = items
        .into_iter()
        .map(|u| {
            let v = u.values;
            PublicUserInfo {
                user: v.user.to_string(),
                domain: u.domain.to_string(),
                site: text(v.site.map(|s| s.to_string())),
                name_first_name: v.name_first_name.to_string(),
                name_last_name: v.name_last_name.to_string(),
                department: text(v.department.map(|d| d.to_string())),
                directory_name_number_dtmf_mapping: v
                    .directory_name_number_dtmf_mapping
                    .map(u32::from),
            }
        })
        .collect();
    Ok(paged(listed(total, lines), &uri, next))
}

/// Count the users of a domain.
#[utoipa::path(get, path = "/domains/{domain}/users/count", tag = "Users", operation_id = "CountUsers",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("search" = Option<String>, Query, description = "Part of the extension, a name, the login or the e-mail."),
        ("site" = Option<String>, Query, description = "Only the users of this site."),
    ),
    responses((status = 200, description = "How many users match.", body = Count)))]
async fn count_users(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Json<Count>> {
    let name = domain_name(&caller, &domain)?;
    let query = UserQuery {
        limit: 1,
        ..query(&params)?
    };
    let list = users::list_users(&state.db, &caller, &name, site(&params), &query).await?;
    Ok(Json(Count { total: list.total }))
}

/// Moves the nested blocks of a create body (`voicemail`, `answer-rules`) into the flat form's
/// fields, and takes out its `devices`. Every bad member is reported, with its path.
fn unnest(body: &mut Map<String, Value>) -> Result<Option<Vec<DeviceForm>>, FieldErrors> {
    let known = |name: &str| find(USER_FIELDS, name).is_some_and(|f| f.name == name);
    let mut errors = FieldErrors::default();
    let set = |body: &mut Map<String, Value>,
               errors: &mut FieldErrors,
               field: &str,
               path: &str,
               value: Value| {
        if body.contains_key(field) {
            errors.add(path, format!("Also given as {field}: give it once."));
        } else {
            body.insert(field.to_owned(), value);
        }
    };
    match body.remove("voicemail") {
        None | Some(Value::Null) => {}
        Some(Value::Object(block)) => {
            for (name, value) in block {
                let field = if known(&name) && name.contains("voicemail") {
                    name.clone()
                } else {
                    format!("voicemail-{name}")
                };
                let path = format!("voicemail.{name}");
                if known(&field) {
                    set(body, &mut errors, &field, &path, value);
                } else {
                    errors.add(path, "Unknown field.");
                }
            }
        }
        Some(_) => errors.add("voicemail", "Must be an object."),
    }
    match body.remove("answer-rules") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, rule) in list.iter().enumerate() {
                let path = format!("answer-rules[{i}]");
                match rule {
                    Value::Object(rule) if i == 0 => {
                        match rules::form_fields(rule, &format!("{path}.")) {
                            Ok(fields) => {
                                for (field, text) in fields {
                                    set(
                                        body,
                                        &mut errors,
                                        field,
                                        &format!("{path}.{field}"),
                                        Value::String(text),
                                    );
                                }
                            }
                            Err(e) => errors.0.extend(e.0),
                        }
                    }
                    Value::Object(_) => {
                        errors.add(path, "Roster keeps one answer rule, for the time frame *.")
                    }
                    _ => errors.add(path, "Must be an object."),
                }
            }
        }
        Some(_) => errors.add("answer-rules", "Must be a list of answer rules."),
    }
    let devices = match body.remove("devices") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => {
            if body.contains_key("device") || body.contains_key("device-sip-registration-password")
            {
                errors.add("devices", "Give devices, or device, not both.");
            }
            let mut devices = Vec::new();
            for (i, item) in list.iter().enumerate() {
                let path = format!("devices[{i}]");
                let mut device = DeviceForm::default();
                match item {
                    // Read as the device API reads its body: every field of DeviceForm, by name.
                    Value::Object(d) => match form_from_json::<DeviceForm>(d, Shape::default()) {
                        Ok(form) => device = form,
                        Err(bad) => {
                            for e in bad.iter() {
                                errors.add(format!("{path}.{}", e.field), e.message.clone());
                            }
                        }
                    },
                    Value::String(_) | Value::Number(_) => {
                        device.device = text_of_value(item, false).unwrap_or_default();
                    }
                    _ => errors.add(path, "Must be a device object or a device name."),
                }
                devices.push(device);
            }
            Some(devices)
        }
        Some(_) => {
            errors.add("devices", "Must be a list of devices.");
            None
        }
    };
    if errors.is_empty() {
        Ok(devices)
    } else {
        Err(errors)
    }
}

/// Create a user with everything attached, in one transaction: its portal login, devices,
/// voicemail box, phone numbers, answer rule and groups. All or nothing.
#[utoipa::path(post, path = "/domains/{domain}/users", tag = "Users", operation_id = "CreateUser",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = schemas::UserCreate, content_type = "application/json"),
    responses(
        (status = 200, description = "Created (synchronous: yes): the user, and a one-time invitation link for its portal login.", body = schemas::User),
        (status = 202, description = "Created.", body = super::Accepted),
    ))]
async fn create_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    retry: Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(&state, &caller, &retry, &raw, || async {
        let name = domain_name(&caller, &domain)?;
        let sync = synchronous(body.take_text("synchronous")?);
        let invitation = invitation_of(body.take_text("invitation")?);
        let devices = unnest(&mut body.map);
        let form = patch_from_json(USER_FIELDS, &body.map, NESTED)
            .map(|patch| form_of(USER_FIELDS, &patch));
        // Every problem at once: the flags, the nested blocks and the form's own fields.
        let mut errors = FieldErrors::default();
        if let Err(p) = &sync {
            errors.add("synchronous", p.errors[0].message.clone());
        }
        if let Err(message) = &invitation {
            errors.add("invitation", message.clone());
        }
        if let Err(e) = &devices {
            errors.0.extend(e.0.clone());
        }
        if let Err(e) = &form {
            errors.0.extend(e.0.clone());
        }
        let (Ok(sync), Ok(invitation), Ok(devices), Ok(form)) = (sync, invitation, devices, form)
        else {
            return Err(Problem::from(errors));
        };
        let created = users::create_user_with_devices(
            &state.db,
            &caller,
            &name,
            &form,
            devices.as_deref(),
            invitation,
        )
        .await?;
        let mut value = serde_json::to_value(created.detail).map_err(|_| AppError::Internal)?;
        // A link that went out by mail through a relay is not answered as well.
        let relayed = created.mailed_to.is_some() && state.mail.relay.is_some();
        if let Some(to) = created.mailed_to {
            value["invitation-sent-to"] = Value::String(to);
        }
        if let Some(token) = created.invitation.filter(|_| !relayed) {
            value["invitation-link"] = Value::String(format!("/set-password?token={token}"));
        }
        Ok::<_, Problem>(changed(sync, value))
    })
    .await
}

/// Read a user.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}", tag = "Users", operation_id = "GetUser",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~ for the caller's own user."),
    ),
    responses((status = 200, description = "The user with everything attached.", body = schemas::User)))]
async fn get_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, user)): Path<(String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user)?;
    let detail: UserDetail = users::read_user(&state.db, &caller, &name, extension).await?;
    Ok(fresh(&headers, &detail))
}

/// Update a user: only the fields sent change. A user without a manager's scope may change its
/// own status message and voicemail PIN (and answer rules, from Advanced User up).
#[utoipa::path(put, path = "/domains/{domain}/users/{user}", tag = "Users", operation_id = "UpdateUser",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
    ),
    request_body(content = schemas::UserUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = schemas::User),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user)?.to_owned();
    let sync = synchronous(body.take_text("synchronous")?)?;
    let patch = patch_from_json(USER_FIELDS, &body.map, &[])?;
    let saved = users::change_user(&state.db, &caller, &name, &extension, &patch).await?;
    Ok(changed(sync, saved))
}

/// Delete a user, its devices, numbers (freed), answer rules, portal login and voicemail box, as
/// NetSapiens does. `deleteVoicemail=no` (XiVO's guard) keeps a user that owns a box: 412.
#[utoipa::path(delete, path = "/domains/{domain}/users/{user}", tag = "Users", operation_id = "DeleteUser",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension."),
        ("deleteVoicemail" = Option<String>, Query, description = "yes (the default): the user's voicemail box goes with it; no: a user that owns one is refused (412)."),
    ),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user)?;
    let delete_voicemail =
        params.text("deleteVoicemail").is_none() || params.flag("deleteVoicemail")?;
    users::delete_user(&state.db, &caller, &name, extension, delete_voicemail).await?;
    Ok(super::accepted())
}

/// `invitation` of a create body: `link` (the default) or `send`.
fn invitation_of(text: Option<String>) -> Result<Invitation, String> {
    match text {
        None => Ok(Invitation::default()),
        Some(text) => Invitation::parse(&text).map_err(|e| e.to_string()),
    }
}

/// NetSapiens' Send Email using Template: e-mails the user a message with a new one-time
/// set-password link (ending any older one). `welcome` (NetSapiens' `welcome_email.php`) and
/// `invitation` send the invitation; `password-reset` a reset link valid an hour.
#[utoipa::path(post, path = "/domains/{domain}/users/{user}/email", tag = "Email", operation_id = "SendEmail",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension."),
    ),
    request_body(content = schemas::EmailCreate, content_type = "application/json"),
    responses((status = 200, description = "Queued.", body = schemas::EmailSent)))]
async fn send_email(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
    mut body: JsonObject,
) -> Result<Json<Value>, Problem> {
    use app::model::mail::MailTemplate;
    let name = domain_name(&caller, &domain)?;
    let template = body.take_text("template")?.unwrap_or_default();
    let _subject = body.take_text("subject")?;
    if let Some(unknown) = body.map.keys().next() {
        return Err(FieldErrors::one(unknown, "Unknown field.").into());
    }
    let template = match template.trim().trim_end_matches(".php") {
        "welcome" | "welcome_email" | "invitation" => MailTemplate::Invitation,
        "password-reset" | "reset" => MailTemplate::PasswordReset,
        other => {
            return Err(FieldErrors::one(
                "template",
                format!("Unknown template {other:?}: welcome (or welcome_email.php), invitation or password-reset."),
            )
            .into())
        }
    };
    let sent_to = users::mail_link(&state.db, &caller, &name, &user, template).await?;
    Ok(Json(
        json!({"template": template.as_str(), "sent-to": sent_to, "status": "queued"}),
    ))
}
