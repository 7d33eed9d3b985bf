//! `/domains/{domain}/users/{user}/answerrules`: a user's answer rules (forwards,
//! do-not-disturb, simultaneous ring) in NetSapiens' shape.
//!
//! Roster keeps one rule per user, for the time frame `*` (the default), and every user has it:
//! the list always holds that one; another time frame is not found; creating `*` again is a
//! conflict (change it with PUT). A change goes through the user's edit: its managers change
//! anything, the user itself its own rule if its scope allows (Advanced User and up).

use super::extract::{ApiCaller, JsonObject};
use super::problem::{ApiResult, Problem};
use super::rules::{self, DEFAULT_TIME_FRAME};

use super::{changed, domain_name, listed, schemas, user_name, Count};
use app::error::AppError;
use app::model::fields::Patch;
use app::model::user::UserDetail;
use app::model::FieldErrors;
use app::ssr::{users, AppState};
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
        .routes(routes!(get_rule, update_rule))
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
    Ok(listed(
        1,
        vec![rules::to_json(&detail.values.answer_rule())],
    ))
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
    Ok(super::fresh(
        &headers,
        &rules::to_json(&detail.values.answer_rule()),
    ))
}

/// Change a user's answer rule for `*`: only the features sent change. A user changes its own
/// rule if its scope allows (Advanced User and up); its managers change anyone's.
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
    let fields = rules::form_fields(&body.map, "")?;
    let patch = Patch(
        fields
            .into_iter()
            .map(|(field, text)| (field.to_owned(), text))
            .collect(),
    );
    let saved = users::change_user(&state.db, &caller, &name, &extension, &patch).await?;
    Ok(changed(sync, rules::to_json(&saved.values.answer_rule())))
}

/// Create an answer rule. Every user has its rule for `*` already (change it with PUT: 409), and
/// Roster keeps no other time frame (422).
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
    users::may_change(&state.db, &caller, &name, extension, rules::FIELDS).await?;
    let mut errors = FieldErrors::default();
    match body.map.get(TIME_FRAME).and_then(Value::as_str) {
        Some(DEFAULT_TIME_FRAME) => {}
        Some(_) => errors.add(
            TIME_FRAME,
            "Roster keeps one answer rule, for the time frame *.",
        ),
        None => errors.add(TIME_FRAME, "Required: *."),
    }
    if let Err(bad) = rules::form_fields(&body.map, "") {
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
