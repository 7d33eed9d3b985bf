//! `/domains/{domain}/users/{user}/answerrules`: a user's answer rules (forwards,
//! do-not-disturb, simultaneous ring, call screening and the allow and reject switches) in
//! NetSapiens' shape.
//!
//! Roster keeps one rule per user, for the time frame `*` (the default), and every user has it:
//! the list always holds that one; another time frame is not found; creating `*` again is a
//! conflict (change it with PUT); deleting it clears its forwards, do-not-disturb and
//! simultaneous ring; reordering takes the one time frame there is. A change goes through the
//! user's edit (and its audit entry): its managers change anything, the user itself its own
//! rule if its scope allows (Advanced User and up).

use super::extract::{content_type_is, unsupported, ApiCaller, JsonObject};
use super::problem::{ApiResult, Problem};
use super::rules::{self, Owner, DEFAULT_TIME_FRAME};

use super::{changed, domain_name, listed, schemas, user_name, Count};
use app::error::AppError;
use app::model::fields::Patch;
use app::model::json_form::text_of_value;
use app::model::user::UserDetail;
use app::model::FieldErrors;
use app::ssr::{users, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(count_rules))
        // Before `{timeframe}`: `reorder` is not a time frame.
        .routes(routes!(reorder_rules))
        .routes(routes!(get_rule, update_rule, delete_rule))
}

const TIME_FRAME: &str = "time-frame";

/// The user a path names, as the caller may see it.
async fn user(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: &str,
) -> ApiResult<UserDetail> {
    let name = domain_name(caller, domain)?;
    let extension = user_name(caller, &name, user)?;
    Ok(users::read_user(&state.db, caller, &name, extension).await?)
}

/// A time frame from a path: only `*` (`%2A` arrives decoded) names a rule Roster keeps.
fn kept(time_frame: &str) -> ApiResult<()> {
    if time_frame == DEFAULT_TIME_FRAME {
        Ok(())
    } else {
        Err(AppError::NotFound.into())
    }
}

/// Writes `fields` (user form fields and their text) to the user `extension` of `domain`.
async fn save(
    state: &AppState,
    caller: &ApiCaller,
    domain: &app::model::DomainName,
    extension: &str,
    fields: Vec<(&'static str, String)>,
) -> ApiResult<UserDetail> {
    let patch = Patch(
        fields
            .into_iter()
            .map(|(field, text)| (field.to_owned(), text))
            .collect(),
    );
    Ok(users::change_user(&state.db, caller, domain, extension, &patch).await?)
}

/// List a user's answer rules: the one for `*`.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/answerrules", tag = "Answer rules", operation_id = "ListAnswerRules",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~ for the caller's own user."),
    ),
    responses((status = 200, description = "The user's answer rules (one, for *); how many in X-Total-Count.",
        body = Vec<schemas::AnswerRule>, headers(("x-total-count" = u64)))))]
async fn list_rules(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path)): Path<(String, String)>,
) -> ApiResult<Response> {
    let detail = user(&state, &caller, &domain, &user_path).await?;
    Ok(listed(1, vec![rules::to_json(&detail)]))
}

/// Count a user's answer rules (always 1: the rule for `*`).
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/answerrules/count", tag = "Answer rules", operation_id = "CountAnswerRules",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
    ),
    responses((status = 200, description = "How many answer rules the user has.", body = Count)))]
async fn count_rules(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path)): Path<(String, String)>,
) -> ApiResult<Json<Count>> {
    user(&state, &caller, &domain, &user_path).await?;
    Ok(Json(Count { total: 1 }))
}

/// Read a user's answer rule for a time frame (only `*` exists).
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/answerrules/{timeframe}", tag = "Answer rules", operation_id = "GetAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("timeframe" = String, Path, description = "* (written %2A if need be): the only time frame Roster keeps."),
    ),
    responses((status = 200, description = "The rule.", body = schemas::AnswerRule)))]
async fn get_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, user_path, time_frame)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let detail = user(&state, &caller, &domain, &user_path).await?;
    kept(&time_frame)?;
    Ok(super::fresh(&headers, &rules::to_json(&detail)))
}

/// Change a user's answer rule for `*`: only the features sent change. A user changes its own
/// rule if its scope allows (Advanced User and up); its managers change anyone's, and the call
/// screening and allow and reject switches. A rule read and sent back as it is is accepted.
#[utoipa::path(put, path = "/domains/{domain}/users/{user}/answerrules/{timeframe}", tag = "Answer rules", operation_id = "UpdateAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("timeframe" = String, Path, description = "* (written %2A if need be)."),
    ),
    request_body(content = schemas::AnswerRule, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes): the rule.", body = schemas::AnswerRule),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path, time_frame)): Path<(String, String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user_path)?.to_owned();
    kept(&time_frame)?;
    let sync = super::synchronous(body.take_text("synchronous")?)?;
    let owner = Owner {
        domain: &name,
        user: &extension,
    };
    let fields = rules::fields_of(&body.map, "", Some(&owner))?;
    let current = users::read_user(&state.db, &caller, &name, &extension).await?;
    let fields = rules::without_unchanged_switches(fields, &current);
    let saved = save(&state, &caller, &name, &extension, fields).await?;
    Ok(changed(sync, rules::to_json(&saved)))
}

/// Delete a user's answer rule for `*`: its forwards, do-not-disturb and simultaneous ring are
/// cleared (the rule itself stays, as every user has it). Who may change the rule may delete it.
#[utoipa::path(delete, path = "/domains/{domain}/users/{user}/answerrules/{timeframe}", tag = "Answer rules", operation_id = "DeleteAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("timeframe" = String, Path, description = "* (written %2A if need be)."),
    ),
    responses((status = 202, description = "Deleted: the rule for * forwards nothing and rings only the user.", body = super::Accepted)))]
async fn delete_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path, time_frame)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user_path)?.to_owned();
    kept(&time_frame)?;
    save(&state, &caller, &name, &extension, rules::cleared()).await?;
    Ok(super::accepted())
}

/// The time frames a reorder body names, in its order: `[{"time-frame": "*"}, ...]`.
fn time_frames(headers: &HeaderMap, body: &[u8]) -> ApiResult<Vec<String>> {
    if !content_type_is(headers, "application/json") {
        return Err(unsupported("application/json"));
    }
    let bad = |field: &str, message: &str| Problem::field(StatusCode::BAD_REQUEST, field, message);
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad("body", &format!("Malformed JSON: {e}.")))?;
    let Value::Array(items) = value else {
        return Err(bad(
            "body",
            "Must be a list of time frames: [{\"time-frame\": \"*\"}].",
        ));
    };
    let mut errors = FieldErrors::default();
    let mut names = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get(TIME_FRAME).map(|v| text_of_value(v, false)) {
            Some(Ok(name)) if !name.trim().is_empty() => names.push(name.trim().to_owned()),
            _ => errors.add(
                format!("[{i}].{TIME_FRAME}"),
                "Required: the name of a time frame (* for the default).",
            ),
        }
    }
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(Problem::fields(StatusCode::BAD_REQUEST, &errors))
    }
}

/// Reorder a user's answer rules: the body lists every time frame of the user, once, in the new
/// order. Roster keeps one (`*`), so `[{"time-frame": "*"}]` is the one order there is.
#[utoipa::path(put, path = "/domains/{domain}/users/{user}/answerrules/reorder", tag = "Answer rules", operation_id = "ReorderAnswerRules",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
    ),
    request_body(content = Vec<schemas::TimeFrameName>, content_type = "application/json"),
    responses(
        (status = 202, description = "Reordered.", body = super::Accepted),
        (status = 400, description = "Please provide all timeframes in the new order."),
        (status = 404, description = "Not Found. Timeframe input was not found."),
    ))]
async fn reorder_rules(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user_path)?;
    users::may_change(&state.db, &caller, &name, extension, &rules::own_fields()).await?;
    let names = time_frames(&headers, &body)?;
    if names.iter().any(|n| n != DEFAULT_TIME_FRAME) {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "Not Found. Timeframe input was not found.",
        ));
    }
    if names.len() != 1 {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "Please provide all timeframes in the new order.",
        ));
    }
    Ok(super::accepted())
}

/// Create an answer rule. Every user has its rule for `*` already (change it with PUT: 409), and
/// Roster keeps no other time frame (400).
#[utoipa::path(post, path = "/domains/{domain}/users/{user}/answerrules", tag = "Answer rules", operation_id = "CreateAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
    ),
    request_body(content = schemas::AnswerRule, content_type = "application/json"),
    responses((status = 409, description = "The rule for * exists: change it with PUT.")))]
async fn create_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path)): Path<(String, String)>,
    body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user_path)?;
    // Whoever could not change the rule learns nothing more about it.
    users::may_change(&state.db, &caller, &name, extension, &rules::own_fields()).await?;
    let mut errors = FieldErrors::default();
    match body.map.get(TIME_FRAME).and_then(Value::as_str) {
        Some(DEFAULT_TIME_FRAME) => {}
        Some(_) => errors.add(
            TIME_FRAME,
            "Roster keeps one answer rule, for the time frame *.",
        ),
        None => errors.add(TIME_FRAME, "Required: *."),
    }
    let owner = Owner {
        domain: &name,
        user: extension,
    };
    if let Err(bad) = rules::fields_of(&body.map, "", Some(&owner)) {
        errors
            .0
            .extend(bad.0.into_iter().filter(|e| e.field != TIME_FRAME));
    }
    if !errors.is_empty() {
        return Err(Problem::from(errors));
    }
    Err(Problem::field(
        StatusCode::CONFLICT,
        TIME_FRAME,
        "This user has its answer rule for * already: change it with PUT .../answerrules/*.",
    ))
}
