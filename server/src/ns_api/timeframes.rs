//! `/domains/{domain}/timeframes` (a domain's shared time frames) and
//! `/domains/{domain}/users/{user}/timeframes` (a user's own), in NetSapiens' shape
//! (`RecurringTimeframe`): list; create (always, days-of-week, specific-dates, holiday, custom);
//! read; change (PUT: rename, convert, replace the entries, or with `update-only: yes` change the
//! entries with their ids); add entries (POST to a frame); delete a frame, or with a body naming
//! `child_id` one of its entries. `{id}` is the frame's `timeframe-id`.
//!
//! Office Managers and up manage a domain's shared frames and every user's; a user manages its
//! own if its scope may change its answer rules (Advanced User and up) and reads them otherwise,
//! and reads its domain's shared ones if it may use them. A frame an answer rule names is not
//! deleted or renamed (409).

use super::extract::{content_type_is, unsupported, ApiCaller, JsonObject};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use super::{changed, domain_name, listed, schemas, synchronous, user_name};
use app::model::time_frame::{Edit, Entries, NewTimeFrame, TimeFrameChange};
use app::model::{DomainName, FieldErrors};
use app::ssr::time_frames::{self, FrameOwner};
use app::ssr::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domain_frames, create_domain_frame))
        .routes(routes!(
            get_domain_frame,
            update_domain_frame,
            add_domain_entries,
            delete_domain_frame
        ))
        .routes(routes!(list_user_frames, create_user_frame))
        .routes(routes!(
            get_user_frame,
            update_user_frame,
            add_user_entries,
            delete_user_frame
        ))
}

/// The domain a path names, and whose frames: the domain's, or the user `user`'s.
fn owner<'a>(
    caller: &'a ApiCaller,
    domain: &str,
    user: Option<&'a str>,
) -> ApiResult<(DomainName, FrameOwner<'a>)> {
    let name = domain_name(caller, domain)?;
    let owner = match user {
        None => FrameOwner::Domain,
        Some(raw) => FrameOwner::User(user_name(caller, &name, raw)?),
    };
    Ok((name, owner))
}

/// Takes `synchronous` out of the body and reads the rest with `read`: every problem of both,
/// named at once.
fn synchronous_and<T>(
    body: &mut JsonObject,
    read: impl FnOnce(&serde_json::Map<String, serde_json::Value>) -> Result<T, FieldErrors>,
) -> ApiResult<(bool, T)> {
    let sync = body.take_text("synchronous").and_then(synchronous);
    match (sync, read(&body.map)) {
        (Ok(sync), Ok(value)) => Ok((sync, value)),
        (sync, value) => {
            let mut errors = FieldErrors::default();
            if let Err(problem) = sync {
                for e in problem.errors {
                    errors.add(e.field, e.message);
                }
            }
            if let Err(bad) = value {
                errors.0.extend(bad.0);
            }
            Err(Problem::from(errors))
        }
    }
}

async fn list(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: Option<&str>,
) -> ApiResult<Response> {
    let (name, owner) = owner(caller, domain, user)?;
    let frames = time_frames::list_time_frames(&state.db, caller, &name, owner).await?;
    let shown: Vec<serde_json::Value> = frames.iter().map(|f| f.to_json()).collect();
    Ok(listed(shown.len() as u64, shown))
}

async fn create(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: Option<&str>,
    retry: &Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(state, caller, retry, &raw, || async {
        let (name, owner) = owner(caller, domain, user)?;
        let (sync, new) = synchronous_and(&mut body, NewTimeFrame::from_json)?;
        let created = time_frames::create_time_frame(&state.db, caller, &name, owner, &new).await?;
        Ok::<_, Problem>(changed(sync, created.to_json()))
    })
    .await
}

async fn read(
    state: &AppState,
    caller: &ApiCaller,
    headers: &HeaderMap,
    domain: &str,
    user: Option<&str>,
    id: &str,
) -> ApiResult<Response> {
    let (name, owner) = owner(caller, domain, user)?;
    let frame = time_frames::get_time_frame(&state.db, caller, &name, owner, id).await?;
    Ok(super::fresh(headers, &frame.to_json()))
}

async fn update(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: Option<&str>,
    id: &str,
    mut body: JsonObject,
    read: impl FnOnce(
        &serde_json::Map<String, serde_json::Value>,
    ) -> Result<TimeFrameChange, FieldErrors>,
) -> ApiResult<Response> {
    let (name, owner) = owner(caller, domain, user)?;
    let (sync, change) = synchronous_and(&mut body, read)?;
    let frame =
        time_frames::update_time_frame(&state.db, caller, &name, owner, id, &change).await?;
    Ok(changed(sync, frame.to_json()))
}

/// NetSapiens' "create additional entries": the entries sent are added.
fn additions(
    body: &serde_json::Map<String, serde_json::Value>,
) -> Result<TimeFrameChange, FieldErrors> {
    Entries::from_json(body).map(|entries| TimeFrameChange::edit(Edit::Add(entries)))
}

/// A delete: of the frame with no body; of one of its entries with `{"child_id": ...}`.
async fn delete(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: Option<&str>,
    id: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (name, owner) = owner(caller, domain, user)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        time_frames::delete_time_frame(&state.db, caller, &name, owner, id).await?;
        return Ok(super::accepted());
    }
    if !content_type_is(headers, "application/json") {
        return Err(unsupported("application/json"));
    }
    let mut body = JsonObject::parse(body)?;
    let (sync, change) = synchronous_and(&mut body, TimeFrameChange::removal_from_json)?;
    let frame =
        time_frames::update_time_frame(&state.db, caller, &name, owner, id, &change).await?;
    Ok(changed(sync, frame.to_json()))
}

// --- a domain's shared frames ------------------------------------------------------------------

/// List a domain's shared time frames.
#[utoipa::path(get, path = "/domains/{domain}/timeframes", tag = "Timeframes", operation_id = "ListDomainTimeframes",
    params(("domain" = String, Path, description = "The domain's name, or ~.")),
    responses((status = 200, description = "The domain's shared time frames, by name; how many in X-Total-Count.",
        body = Vec<schemas::TimeFrame>, headers(("x-total-count" = u64)))))]
async fn list_domain_frames(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
) -> ApiResult<Response> {
    list(&state, &caller, &domain, None).await
}

/// Create a shared time frame of a domain: always, days-of-week (one entry), specific-dates,
/// holiday or custom (a mix).
#[utoipa::path(post, path = "/domains/{domain}/timeframes", tag = "Timeframes", operation_id = "CreateDomainTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = schemas::TimeFrameInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = schemas::TimeFrame),
        (status = 202, description = "Created.", body = super::Accepted),
    ))]
async fn create_domain_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    retry: Retry,
    body: JsonObject,
) -> Response {
    create(&state, &caller, &domain, None, &retry, body).await
}

/// Read a shared time frame of a domain.
#[utoipa::path(get, path = "/domains/{domain}/timeframes/{id}", tag = "Timeframes", operation_id = "GetDomainTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    responses((status = 200, description = "The time frame.", body = schemas::TimeFrame)))]
async fn get_domain_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    read(&state, &caller, &headers, &domain, None, &id).await
}

/// Change a shared time frame: `timeframe-name` renames it; `timeframe-type` (or `type`)
/// converts it (a custom one to nothing else); the lists sent replace every entry, or with
/// `update-only: yes` change the entries with their `timeframe-id`s.
#[utoipa::path(put, path = "/domains/{domain}/timeframes/{id}", tag = "Timeframes", operation_id = "UpdateDomainTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    request_body(content = schemas::TimeFrameChange, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed (synchronous: yes).", body = schemas::TimeFrame),
        (status = 202, description = "Changed.", body = super::Accepted),
    ))]
async fn update_domain_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, id)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<Response> {
    update(
        &state,
        &caller,
        &domain,
        None,
        &id,
        body,
        TimeFrameChange::from_json,
    )
    .await
}

/// Add entries to a shared time frame (date ranges, holidays, or to a custom frame any).
#[utoipa::path(post, path = "/domains/{domain}/timeframes/{id}", tag = "Timeframes", operation_id = "AddDomainTimeframeEntries",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    request_body(content = schemas::TimeFrameEntries, content_type = "application/json"),
    responses(
        (status = 200, description = "Added (synchronous: yes).", body = schemas::TimeFrame),
        (status = 202, description = "Added.", body = super::Accepted),
    ))]
async fn add_domain_entries(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, id)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<Response> {
    update(&state, &caller, &domain, None, &id, body, additions).await
}

/// Delete a shared time frame; with a body `{"child_id": ...}`, one of its entries. A frame an
/// answer rule names is not deleted (409).
#[utoipa::path(delete, path = "/domains/{domain}/timeframes/{id}", tag = "Timeframes", operation_id = "DeleteDomainTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    request_body(content = Option<schemas::TimeFrameChild>, content_type = "application/json"),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_domain_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    delete(&state, &caller, &domain, None, &id, &headers, body).await
}

// --- a user's own frames -------------------------------------------------------------------------

/// List a user's own time frames.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/timeframes", tag = "Timeframes", operation_id = "ListUserTimeframes",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~ for the caller's own user."),
    ),
    responses((status = 200, description = "The user's time frames, by name; how many in X-Total-Count.",
        body = Vec<schemas::TimeFrame>, headers(("x-total-count" = u64)))))]
async fn list_user_frames(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
) -> ApiResult<Response> {
    list(&state, &caller, &domain, Some(&user)).await
}

/// Create a time frame of a user.
#[utoipa::path(post, path = "/domains/{domain}/users/{user}/timeframes", tag = "Timeframes", operation_id = "CreateUserTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = schemas::TimeFrameInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = schemas::TimeFrame),
        (status = 202, description = "Created.", body = super::Accepted),
    ))]
async fn create_user_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user)): Path<(String, String)>,
    retry: Retry,
    body: JsonObject,
) -> Response {
    create(&state, &caller, &domain, Some(&user), &retry, body).await
}

/// Read a time frame of a user.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/timeframes/{id}", tag = "Timeframes", operation_id = "GetUserTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    responses((status = 200, description = "The time frame.", body = schemas::TimeFrame)))]
async fn get_user_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, user, id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    read(&state, &caller, &headers, &domain, Some(&user), &id).await
}

/// Change a time frame of a user (as a domain's: rename, convert, replace or update entries).
#[utoipa::path(put, path = "/domains/{domain}/users/{user}/timeframes/{id}", tag = "Timeframes", operation_id = "UpdateUserTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    request_body(content = schemas::TimeFrameChange, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed (synchronous: yes).", body = schemas::TimeFrame),
        (status = 202, description = "Changed.", body = super::Accepted),
    ))]
async fn update_user_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user, id)): Path<(String, String, String)>,
    body: JsonObject,
) -> ApiResult<Response> {
    update(
        &state,
        &caller,
        &domain,
        Some(&user),
        &id,
        body,
        TimeFrameChange::from_json,
    )
    .await
}

/// Add entries to a time frame of a user.
#[utoipa::path(post, path = "/domains/{domain}/users/{user}/timeframes/{id}", tag = "Timeframes", operation_id = "AddUserTimeframeEntries",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    request_body(content = schemas::TimeFrameEntries, content_type = "application/json"),
    responses(
        (status = 200, description = "Added (synchronous: yes).", body = schemas::TimeFrame),
        (status = 202, description = "Added.", body = super::Accepted),
    ))]
async fn add_user_entries(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user, id)): Path<(String, String, String)>,
    body: JsonObject,
) -> ApiResult<Response> {
    update(&state, &caller, &domain, Some(&user), &id, body, additions).await
}

/// Delete a time frame of a user; with a body `{"child_id": ...}`, one of its entries.
#[utoipa::path(delete, path = "/domains/{domain}/users/{user}/timeframes/{id}", tag = "Timeframes", operation_id = "DeleteUserTimeframe",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("id" = String, Path, description = "The frame's timeframe-id."),
    ),
    request_body(content = Option<schemas::TimeFrameChild>, content_type = "application/json"),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_user_frame(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, user, id)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    delete(&state, &caller, &domain, Some(&user), &id, &headers, body).await
}
