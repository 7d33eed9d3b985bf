//! `/domains/{domain}/users/{user}/answerrules`: a user's answer rules (forwards,
//! do-not-disturb, simultaneous ring, call screening and the allow and reject switches) in
//! NetSapiens' shape, one per time frame.
//!
//! Every user has its rule for `*` (the default): it is kept with the user's own fields and
//! changed through the user's edit (and its audit entry); creating it again is a conflict (change
//! it with PUT), deleting it clears its forwards, do-not-disturb and simultaneous ring. The rules
//! of named time frames (the user's own frame of that name, else its domain's shared one) are
//! created, changed, deleted and reordered beside it (`app::ssr::answer_rules`); the first
//! enabled one whose frame holds now is in effect (`is-active`), else `*`. Its managers change
//! any of a user's rules, the user itself its own if its scope allows (Advanced User and up); a
//! user who may read another reads its rules.

use super::extract::{content_type_is, unsupported, ApiCaller, JsonObject};
use super::problem::{ApiResult, Problem};
use super::rules::{self, Owner, DEFAULT_TIME_FRAME};

use super::{changed, domain_name, listed, schemas, user_name, Count};
use app::error::AppError;
use app::model::fields::Patch;
use app::model::json_form::text_of_value;
use app::model::user::UserDetail;
use app::model::FieldErrors;
use app::ssr::answer_rules::{self, RuleChange, UserRules, TIME_FRAME};
use app::ssr::{users, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use serde_json::{Map, Value};
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

/// The user a path names and its rules, as the caller may see them.
async fn user_rules(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    user: &str,
) -> ApiResult<UserRules> {
    let name = domain_name(caller, domain)?;
    let extension = user_name(caller, &name, user)?;
    Ok(answer_rules::list_rules(&state.db, caller, &name, extension).await?)
}

/// The rule for `time_frame` of `rules` as NetSapiens shows it, or not found.
fn rule_json(rules: &UserRules, time_frame: &str) -> ApiResult<Value> {
    let (i, rule) = rules
        .rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.time_frame == time_frame)
        .ok_or(AppError::NotFound)?;
    Ok(rules::to_json(&rules.user, rule, i + 1))
}

/// Every rule of `rules`, in order.
fn rules_json(rules: &UserRules) -> Vec<Value> {
    rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| rules::to_json(&rules.user, rule, i + 1))
        .collect()
}

/// `enabled` of a named time frame's rule, as sent (`yes`/`no`, or a boolean).
fn enabled_of(body: &mut JsonObject) -> ApiResult<Option<bool>> {
    match body.take_text("enabled")?.as_deref().map(str::trim) {
        None => Ok(None),
        Some("yes" | "true") => Ok(Some(true)),
        Some("no" | "false") => Ok(Some(false)),
        Some(_) => Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "enabled",
            "Must be yes or no.",
        )),
    }
}

/// The rule fields a named time frame's rule object `rule` of the user `extension` sets: its
/// forwards, do-not-disturb and simultaneous ring. The call screening and allow and reject
/// switches are the user's, the same in each of its rules: sent as they are, they are no change;
/// sent otherwise, they are refused on their field.
async fn named_fields(
    state: &AppState,
    caller: &ApiCaller,
    name: &app::model::DomainName,
    extension: &str,
    rule: &Map<String, Value>,
) -> ApiResult<Vec<(&'static str, String)>> {
    let owner = Owner {
        domain: name,
        user: extension,
    };
    let fields = rules::fields_of(rule, "", Some(&owner))?;
    let current = users::read_user(&state.db, caller, name, extension).await?;
    let own = rules::own_fields();
    let mut errors = FieldErrors::default();
    let fields = rules::without_unchanged_switches(fields, &current)
        .into_iter()
        .filter(|(field, _)| {
            let kept = own.contains(field);
            if !kept {
                errors.add(
                    rules::feature_of(field),
                    "The user's own switch, the same in each of its rules: change it with the \
                     rule for *.",
                );
            }
            kept
        })
        .collect();
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(Problem::from(errors))
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

/// List a user's answer rules, in order: those of named time frames, then `*`.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/answerrules", tag = "Answer rules", operation_id = "ListAnswerRules",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~ for the caller's own user."),
    ),
    responses((status = 200, description = "The user's answer rules in order (the one in effect now is-active); how many in X-Total-Count.",
        body = Vec<schemas::AnswerRule>, headers(("x-total-count" = u64)))))]
async fn list_rules(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path)): Path<(String, String)>,
) -> ApiResult<Response> {
    let rules = user_rules(&state, &caller, &domain, &user_path).await?;
    Ok(listed(rules.rules.len() as u64, rules_json(&rules)))
}

/// Count a user's answer rules (the rule for `*` included).
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
    let rules = user_rules(&state, &caller, &domain, &user_path).await?;
    Ok(Json(Count {
        total: rules.rules.len() as u64,
    }))
}

/// Read a user's answer rule for a time frame.
#[utoipa::path(get, path = "/domains/{domain}/users/{user}/answerrules/{timeframe}", tag = "Answer rules", operation_id = "GetAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("timeframe" = String, Path, description = "The time frame's name; * (written %2A if need be) for the default."),
    ),
    responses((status = 200, description = "The rule.", body = schemas::AnswerRule)))]
async fn get_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, user_path, time_frame)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let rules = user_rules(&state, &caller, &domain, &user_path).await?;
    Ok(super::fresh(&headers, &rule_json(&rules, &time_frame)?))
}

/// Change a user's answer rule for a time frame: only the features sent change (and `enabled`,
/// for a named time frame's rule). A user changes its own rules if its scope allows (Advanced
/// User and up); its managers change anyone's, and the call screening and allow and reject
/// switches (the user's, changed with the rule for `*`). A rule read and sent back as it is is
/// accepted.
#[utoipa::path(put, path = "/domains/{domain}/users/{user}/answerrules/{timeframe}", tag = "Answer rules", operation_id = "UpdateAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("timeframe" = String, Path, description = "The time frame's name; * (written %2A if need be) for the default."),
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
    let sync = super::synchronous(body.take_text("synchronous")?)?;
    sent_time_frame(&body, &time_frame)?;
    if time_frame != DEFAULT_TIME_FRAME {
        let enabled = enabled_of(&mut body)?;
        let fields = named_fields(&state, &caller, &name, &extension, &body.map).await?;
        let change = RuleChange::Update {
            enabled,
            fields: &fields,
        };
        let rules =
            answer_rules::change_rule(&state.db, &caller, &name, &extension, &time_frame, change)
                .await?;
        return Ok(changed(sync, rule_json(&rules, &time_frame)?));
    }
    let owner = Owner {
        domain: &name,
        user: &extension,
    };
    let fields = rules::fields_of(&body.map, "", Some(&owner))?;
    let current = users::read_user(&state.db, &caller, &name, &extension).await?;
    let fields = rules::without_unchanged_switches(fields, &current);
    save(&state, &caller, &name, &extension, fields).await?;
    let rules = answer_rules::list_rules(&state.db, &caller, &name, &extension).await?;
    Ok(changed(sync, rule_json(&rules, DEFAULT_TIME_FRAME)?))
}

/// A `time-frame` sent in the body of a rule's path must be the path's.
fn sent_time_frame(body: &JsonObject, time_frame: &str) -> ApiResult<()> {
    match body.map.get(TIME_FRAME).map(|v| text_of_value(v, false)) {
        Some(Ok(sent)) if sent.trim() != time_frame => Err(Problem::field(
            StatusCode::BAD_REQUEST,
            TIME_FRAME,
            &format!("The time frame of the path: {time_frame}."),
        )),
        _ => Ok(()),
    }
}

/// Delete a user's answer rule for a time frame. A named time frame's rule goes; the rule for
/// `*` stays (every user has it) with its forwards, do-not-disturb and simultaneous ring
/// cleared. Who may change the rule may delete it.
#[utoipa::path(delete, path = "/domains/{domain}/users/{user}/answerrules/{timeframe}", tag = "Answer rules", operation_id = "DeleteAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
        ("timeframe" = String, Path, description = "The time frame's name; * (written %2A if need be) for the default."),
    ),
    responses((status = 202, description = "Deleted (for *: it forwards nothing and rings only the user).", body = super::Accepted)))]
async fn delete_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path, time_frame)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user_path)?.to_owned();
    if time_frame == DEFAULT_TIME_FRAME {
        save(&state, &caller, &name, &extension, rules::cleared()).await?;
    } else {
        answer_rules::change_rule(
            &state.db,
            &caller,
            &name,
            &extension,
            &time_frame,
            RuleChange::Delete,
        )
        .await?;
    }
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
            "Must be a list of time frames: [{\"time-frame\": \"business-hours\"}, ...].",
        ));
    };
    let mut errors = FieldErrors::default();
    let mut names = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get(TIME_FRAME).map(|v| text_of_value(v, false)) {
            Some(Ok(name)) if !name.trim().is_empty() => names.push(name.trim().to_owned()),
            _ => errors.add(
                format!("[{i}].{TIME_FRAME}"),
                "Required: the name of a time frame.",
            ),
        }
    }
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(Problem::fields(StatusCode::BAD_REQUEST, &errors))
    }
}

/// Reorder a user's answer rules: the body lists the time frames of all its rules, once each,
/// in the new order (`*` may end the list: the default rule comes after all others).
#[utoipa::path(put, path = "/domains/{domain}/users/{user}/answerrules/reorder", tag = "Answer rules", operation_id = "ReorderAnswerRules",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
    ),
    request_body(content = Vec<schemas::TimeFrameName>, content_type = "application/json"),
    responses(
        (status = 202, description = "Reordered.", body = super::Accepted),
        (status = 400, description = "Please provide all timeframes in the new order."),
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
    users::may_change(
        &state.db,
        &caller,
        &name,
        extension,
        &app::model::user::ANSWER_RULE_FIELDS,
    )
    .await?;
    let names = time_frames(&headers, &body)?;
    match answer_rules::reorder_rules(&state.db, &caller, &name, extension, &names).await {
        Ok(_) => Ok(super::accepted()),
        Err(AppError::NotFound) => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "Not Found. Timeframe input was not found.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Create an answer rule for a time frame the user has, or its domain shares: added after the
/// user's other rules. Every user has its rule for `*` already (change it with PUT: 409), and a
/// user has one rule per time frame (409).
#[utoipa::path(post, path = "/domains/{domain}/users/{user}/answerrules", tag = "Answer rules", operation_id = "CreateAnswerRule",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("user" = String, Path, description = "The extension, or ~."),
    ),
    request_body(content = schemas::AnswerRule, content_type = "application/json"),
    responses(
        (status = 202, description = "Created.", body = super::Accepted),
        (status = 200, description = "Created (synchronous: yes): the rule.", body = schemas::AnswerRule),
        (status = 409, description = "The user has a rule for this time frame (every user has its rule for *).")))]
async fn create_rule(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, user_path)): Path<(String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let extension = user_name(&caller, &name, &user_path)?.to_owned();
    // Whoever could not change the rules learns nothing more about them.
    users::may_change(
        &state.db,
        &caller,
        &name,
        &extension,
        &app::model::user::ANSWER_RULE_FIELDS,
    )
    .await?;
    let sync = super::synchronous(body.take_text("synchronous")?)?;
    let time_frame = match body.take_text(TIME_FRAME)? {
        Some(t) if !t.trim().is_empty() => t.trim().to_owned(),
        _ => {
            return Err(Problem::field(
                StatusCode::BAD_REQUEST,
                TIME_FRAME,
                "Required: the name of a time frame of the user or its domain.",
            ))
        }
    };
    if time_frame == DEFAULT_TIME_FRAME {
        // Still every member is checked, so that a wrong one is not hidden by the conflict.
        let owner = Owner {
            domain: &name,
            user: &extension,
        };
        rules::fields_of(&body.map, "", Some(&owner))?;
        return Err(Problem::field(
            StatusCode::CONFLICT,
            TIME_FRAME,
            "This user has its answer rule for * already: change it with PUT .../answerrules/*.",
        ));
    }
    let enabled = enabled_of(&mut body)?.unwrap_or(true);
    let fields = named_fields(&state, &caller, &name, &extension, &body.map).await?;
    let change = RuleChange::Create {
        enabled,
        fields: &fields,
    };
    let rules =
        answer_rules::change_rule(&state.db, &caller, &name, &extension, &time_frame, change)
            .await?;
    if sync {
        Ok(changed(true, rule_json(&rules, &time_frame)?))
    } else {
        Ok(super::accepted())
    }
}
