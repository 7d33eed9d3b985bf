//! `/domains/{domain}/callqueues` and their agents (NetSapiens' Call Center: Callqueues, Agents
//! and Agent Actions): queues listed, read, created, changed and deleted; agents listed (of a
//! queue, or of the whole domain), counted, added, read, changed and removed; and agents logged
//! in, out, for one call, or paused (`/callqueues/all/agents/{id}/{status}`: in every queue).
//!
//! Office Managers and up manage the queues of their domains; a user logs itself in and out of
//! the queues it is an agent of (`callqueue-agent-id` `~` names the caller's own user) and may do
//! nothing else here. `callqueue-agent-id` is the agent's user: its extension or
//! `extension@domain`. Statistics, queued calls and reports need a media server Roster does not
//! have: those routes are not served.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use super::users::window;
use super::{changed, domain_name, fresh, listed, synchronous, user_name, Count};
use app::model::call_queue::{
    AgentForm, AgentStatus, QueueChoice, QueueQuery, AGENT_FIELDS, AGENT_READ_ONLY,
    CALL_QUEUE_FIELDS, CALL_QUEUE_READ_ONLY,
};
use app::model::json_form::{form_of, patch_from_json};
use app::ssr::{call_queues, AppState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use serde_json::{json, Map, Value};
use utoipa::openapi::{RefOr, Schema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_queues, create_queue))
        .routes(routes!(list_queues_by_list))
        .routes(routes!(get_queue, update_queue, delete_queue))
        .routes(routes!(list_agents, add_agent))
        .routes(routes!(count_agents))
        .routes(routes!(get_agent, update_agent, remove_agent))
        .routes(routes!(agent_login))
        .routes(routes!(agent_logout))
        .routes(routes!(agent_one_call))
        .routes(routes!(agent_status_everywhere))
        .routes(routes!(list_domain_agents))
}

fn query(params: &Params) -> Result<QueueQuery, Problem> {
    let (start, limit) = window(params)?;
    Ok(QueueQuery {
        search: params.text("search").unwrap_or_default().trim().to_owned(),
        start,
        limit,
    })
}

/// List the call queues of a domain, by extension.
#[utoipa::path(get, path = "/domains/{domain}/callqueues", tag = "Call Queues", operation_id = "ReadCallqueues",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the extension or description, any case."),
    ),
    responses((status = 200, description = "A page of queues; the number matching in X-Total-Count.",
        body = Vec<CallQueueDoc>, headers(("x-total-count" = u64)))))]
async fn list_queues(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let list = call_queues::list_queues(&state.db, &caller, &name, &query(&params)?).await?;
    Ok(listed(list.total, list.items))
}

/// List the call queues of a domain (NetSapiens' `callqueues/list`: the same list).
#[utoipa::path(get, path = "/domains/{domain}/callqueues/list", tag = "Call Queues", operation_id = "ListCallqueues",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip."),
    ),
    responses((status = 200, description = "A page of queues; the number matching in X-Total-Count.",
        body = Vec<CallQueueDoc>, headers(("x-total-count" = u64)))))]
async fn list_queues_by_list(
    state: State<AppState>,
    caller: ApiCaller,
    domain: Path<String>,
    params: Params,
) -> ApiResult<Response> {
    list_queues(state, caller, domain, params).await
}

/// Create a call queue: its extension (`callqueue`) must be free among the domain's users and
/// queues; fields left out take their defaults.
#[utoipa::path(post, path = "/domains/{domain}/callqueues", tag = "Call Queues", operation_id = "CreateCallqueue",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = CallQueueInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = CallQueueDoc),
        (status = 202, description = "Created.", body = super::Accepted),
        (status = 409, description = "The extension is taken in the domain."),
    ))]
async fn create_queue(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    retry: Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(&state, &caller, &retry, &raw, || async {
        let name = domain_name(&caller, &domain)?;
        let sync = synchronous(body.take_text("synchronous")?)?;
        let patch = patch_from_json(CALL_QUEUE_FIELDS, &body.map, CALL_QUEUE_READ_ONLY)?;
        let form = form_of(CALL_QUEUE_FIELDS, &patch);
        let created = call_queues::create_queue(&state.db, &caller, &name, &form).await?;
        Ok::<_, Problem>(changed(sync, created))
    })
    .await
}

/// Read a call queue.
#[utoipa::path(get, path = "/domains/{domain}/callqueues/{callqueue}", tag = "Call Queues", operation_id = "ReadCallqueue",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
    ),
    responses((status = 200, description = "The queue.", body = CallQueueDoc)))]
async fn get_queue(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, callqueue)): Path<(String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    Ok(fresh(
        &headers,
        &call_queues::get_queue(&state.db, &caller, &name, &callqueue).await?,
    ))
}

/// Update a call queue: only the fields sent change (its extension is its key).
#[utoipa::path(put, path = "/domains/{domain}/callqueues/{callqueue}", tag = "Call Queues", operation_id = "UpdateCallqueue",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
    ),
    request_body(content = CallQueueInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = CallQueueDoc),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_queue(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue)): Path<(String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let sync = synchronous(body.take_text("synchronous")?)?;
    let patch = patch_from_json(CALL_QUEUE_FIELDS, &body.map, CALL_QUEUE_READ_ONLY)?;
    let updated = call_queues::update_queue(&state.db, &caller, &name, &callqueue, &patch).await?;
    Ok(changed(sync, updated))
}

/// Delete a call queue, with its agents (their users stay).
#[utoipa::path(delete, path = "/domains/{domain}/callqueues/{callqueue}", tag = "Call Queues", operation_id = "DeleteCallqueue",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
    ),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_queue(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue)): Path<(String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    call_queues::delete_queue(&state.db, &caller, &name, &callqueue).await?;
    Ok(super::accepted())
}

/// List the agents of a call queue, by dispatch order, then extension.
#[utoipa::path(get, path = "/domains/{domain}/callqueues/{callqueue}/agents", tag = "Call Queue Agents", operation_id = "ReadAgents",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip."),
    ),
    responses((status = 200, description = "A page of agents; how many in all in X-Total-Count.",
        body = Vec<AgentDoc>, headers(("x-total-count" = u64)))))]
async fn list_agents(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue)): Path<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let (start, limit) = window(&params)?;
    let list =
        call_queues::list_agents(&state.db, &caller, &name, Some(&callqueue), start, limit).await?;
    Ok(listed(list.total, list.items))
}

/// Count the agents of a call queue.
#[utoipa::path(get, path = "/domains/{domain}/callqueues/{callqueue}/agents/count", tag = "Call Queue Agents", operation_id = "CountAgents",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
    ),
    responses((status = 200, description = "How many agents the queue has.", body = Count)))]
async fn count_agents(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue)): Path<(String, String)>,
) -> ApiResult<Json<Count>> {
    let name = domain_name(&caller, &domain)?;
    let list = call_queues::list_agents(&state.db, &caller, &name, Some(&callqueue), 0, 1).await?;
    Ok(Json(Count { total: list.total }))
}

/// List the agents of every call queue of a domain, by queue, dispatch order and extension.
#[utoipa::path(get, path = "/domains/{domain}/agents", tag = "Call Queue Agents", operation_id = "ReadAgentsDomain",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip."),
    ),
    responses((status = 200, description = "A page of agents; how many in all in X-Total-Count.",
        body = Vec<AgentDoc>, headers(("x-total-count" = u64)))))]
async fn list_domain_agents(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let (start, limit) = window(&params)?;
    let list = call_queues::list_agents(&state.db, &caller, &name, None, start, limit).await?;
    Ok(listed(list.total, list.items))
}

/// Add an agent to a call queue: `callqueue-agent-id` names its user (extension or
/// extension@domain), who is then logged in; fields left out take their defaults.
#[utoipa::path(post, path = "/domains/{domain}/callqueues/{callqueue}/agents", tag = "Call Queue Agents", operation_id = "CreateAgent",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = AgentInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Added (synchronous: yes).", body = AgentDoc),
        (status = 202, description = "Added.", body = super::Accepted),
        (status = 409, description = "The user is an agent of the queue already."),
    ))]
async fn add_agent(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue)): Path<(String, String)>,
    retry: Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(&state, &caller, &retry, &raw, || async {
        let name = domain_name(&caller, &domain)?;
        let sync = synchronous(body.take_text("synchronous")?)?;
        let patch = patch_from_json(AGENT_FIELDS, &body.map, AGENT_READ_ONLY)?;
        let form: AgentForm = form_of(AGENT_FIELDS, &patch);
        let added = call_queues::add_agent(&state.db, &caller, &name, &callqueue, &form).await?;
        Ok::<_, Problem>(changed(sync, added))
    })
    .await
}

/// The agent a path names: `~` is the caller's own user.
fn agent_named<'a>(
    caller: &'a ApiCaller,
    domain: &app::model::DomainName,
    raw: &'a str,
) -> Result<&'a str, Problem> {
    user_name(caller, domain, raw)
}

/// Read an agent of a call queue.
#[utoipa::path(get, path = "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}", tag = "Call Queue Agents", operation_id = "ReadAgent",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain."),
    ),
    responses((status = 200, description = "The agent.", body = AgentDoc)))]
async fn get_agent(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, callqueue, agent)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let agent = agent_named(&caller, &name, &agent)?;
    Ok(fresh(
        &headers,
        &call_queues::get_agent(&state.db, &caller, &name, &callqueue, agent).await?,
    ))
}

/// Update an agent of a call queue: only the fields sent change (its user is its key; its
/// status changes with the agent actions).
#[utoipa::path(put, path = "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}", tag = "Call Queue Agents", operation_id = "UpdateAgent",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain."),
    ),
    request_body(content = AgentInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = AgentDoc),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_agent(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue, agent)): Path<(String, String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let agent = agent_named(&caller, &name, &agent)?;
    let sync = synchronous(body.take_text("synchronous")?)?;
    let patch = patch_from_json(AGENT_FIELDS, &body.map, AGENT_READ_ONLY)?;
    let updated =
        call_queues::update_agent(&state.db, &caller, &name, &callqueue, agent, &patch).await?;
    Ok(changed(sync, updated))
}

/// Remove an agent from a call queue (its user stays).
#[utoipa::path(delete, path = "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}", tag = "Call Queue Agents", operation_id = "DeleteAgent",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain."),
    ),
    responses((status = 202, description = "Removed.", body = super::Accepted)))]
async fn remove_agent(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue, agent)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let agent = agent_named(&caller, &name, &agent)?;
    call_queues::remove_agent(&state.db, &caller, &name, &callqueue, agent).await?;
    Ok(super::accepted())
}

/// Sets the status of the agent `agent` of `domain` in the queues `callqueue` names (`all`:
/// every queue it is an agent of).
async fn set_status(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    callqueue: &str,
    agent: &str,
    status: AgentStatus,
) -> ApiResult<Response> {
    let name = domain_name(caller, domain)?;
    let agent = agent_named(caller, &name, agent)?;
    let queues = QueueChoice::from_path(callqueue);
    call_queues::set_agent_status(&state.db, caller, &name, &queues, agent, status).await?;
    Ok(super::accepted())
}

/// Log an agent in to a call queue (`all`: to every queue it is an agent of). A user may log
/// itself in (`~`).
#[utoipa::path(patch, path = "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}/login", tag = "Call Queue Agents", operation_id = "AgentLogin",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension, or all."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain, or ~ for the caller's own."),
    ),
    responses((status = 202, description = "Logged in.", body = super::Accepted)))]
async fn agent_login(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue, agent)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    set_status(
        &state,
        &caller,
        &domain,
        &callqueue,
        &agent,
        AgentStatus::LoggedIn,
    )
    .await
}

/// Log an agent out of a call queue (`all`: out of every queue it is an agent of). A user may
/// log itself out (`~`).
#[utoipa::path(patch, path = "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}/logout", tag = "Call Queue Agents", operation_id = "AgentLogout",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension, or all."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain, or ~ for the caller's own."),
    ),
    responses((status = 202, description = "Logged out.", body = super::Accepted)))]
async fn agent_logout(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue, agent)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    set_status(
        &state,
        &caller,
        &domain,
        &callqueue,
        &agent,
        AgentStatus::LoggedOut,
    )
    .await
}

/// Log an agent in to a call queue for one call (`onecall`). Roster's SIP server rings it as a
/// logged-in agent; it does not follow calls, so the agent stays in until it logs out.
#[utoipa::path(patch, path = "/domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}/onecall", tag = "Call Queue Agents", operation_id = "AgentSingleCall",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue" = String, Path, description = "The queue's extension, or all."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain, or ~ for the caller's own."),
    ),
    responses((status = 202, description = "Logged in for one call.", body = super::Accepted)))]
async fn agent_one_call(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, callqueue, agent)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    set_status(
        &state,
        &caller,
        &domain,
        &callqueue,
        &agent,
        AgentStatus::OneCall,
    )
    .await
}

/// What the `{status}` of NetSapiens' "Agent Set Offline Status" sets: `login`, `logout` and
/// `onecall` as their own routes do; any other status word (NetSapiens' `cust1` to `cust8`, or
/// a portal's name for one, such as `lunch`) pauses the agent.
fn status_named(raw: &str) -> Result<AgentStatus, Problem> {
    match raw {
        "login" => Ok(AgentStatus::LoggedIn),
        "logout" => Ok(AgentStatus::LoggedOut),
        "onecall" => Ok(AgentStatus::OneCall),
        word if !word.is_empty()
            && word.len() <= 32
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(AgentStatus::Paused)
        }
        _ => Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "status",
            "login, logout, onecall, or an offline status such as cust1 (up to 32 letters, digits, - and _), which pauses the agent.",
        )),
    }
}

/// Set an agent's status in every call queue it is an agent of: an offline status (`cust1` to
/// `cust8`, or any other word) pauses it; `login`, `logout` and `onecall` do what their routes
/// do. A user may set its own (`~`).
#[utoipa::path(patch, path = "/domains/{domain}/callqueues/all/agents/{callqueue-agent-id}/{status}", tag = "Call Queue Agents", operation_id = "AgentStatus",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("callqueue-agent-id" = String, Path, description = "The agent's user: its extension or extension@domain, or ~ for the caller's own."),
        ("status" = String, Path, description = "cust1 to cust8 (or another word): paused; login, logout or onecall."),
    ),
    responses((status = 202, description = "Set.", body = super::Accepted)))]
async fn agent_status_everywhere(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, agent, status)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let status = status_named(&status)?;
    set_status(&state, &caller, &domain, "all", &agent, status).await
}

// --- the documents' schemas, from the field tables ----------------------------------------------

fn to_schema(value: Value) -> RefOr<Schema> {
    serde_json::from_value(value).unwrap_or_else(|e| {
        tracing::error!(error = %e, "an OpenAPI schema did not build");
        RefOr::T(Schema::default())
    })
}

/// What a text field of a body accepts: text, a number, yes/no as a boolean, or null (blank).
fn scalar(description: &str) -> Value {
    json!({"type": ["string", "number", "boolean", "null"], "description": description})
}

/// The properties of a body: each field of `table` (with its aliases), the read-only members a
/// client may send back, and `synchronous`.
fn input_properties<F, S>(
    table: &[app::model::fields::Field<F, S>],
    read_only: &[&str],
    what: &str,
) -> Map<String, Value> {
    let mut props: Map<String, Value> = Map::new();
    for field in table {
        let mut schema = scalar(field.hint);
        if let app::model::fields::Control::Choice(choices) = field.control {
            let values: Vec<&str> = choices.iter().map(|(v, _)| *v).collect();
            schema["description"] = json!(format!("{} One of: {}.", field.hint, values.join(", ")));
        }
        if let Some(alias) = field.alias {
            props.insert(
                alias.to_owned(),
                scalar(&format!("Another name for `{}`.", field.name)),
            );
        }
        props.insert(field.name.to_owned(), schema);
    }
    for name in read_only.iter().chain(&["domain"]) {
        props.insert(
            (*name).to_owned(),
            json!({"type": ["string", "number", "boolean", "null"], "readOnly": true,
                   "description": "Answered by Roster; accepted and ignored when sent."}),
        );
    }
    props.insert(
        "synchronous".into(),
        json!({"type": ["string", "boolean"], "description": format!("`yes`: answer 200 with the {what}; otherwise 202.")}),
    );
    props
}

/// The properties of what a read answers: every field of `table`, and `more`.
fn read_properties<F, S>(
    table: &[app::model::fields::Field<F, S>],
    more: Value,
) -> Map<String, Value> {
    let mut props: Map<String, Value> = table
        .iter()
        .map(|f| {
            (
                f.name.to_owned(),
                json!({"type": ["string", "integer"], "description": f.hint}),
            )
        })
        .collect();
    if let Value::Object(more) = more {
        props.extend(more);
    }
    props
}

macro_rules! schema {
    ($name:ident, $as:literal, $doc:literal, $build:expr) => {
        #[doc = $doc]
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                to_schema($build)
            }
        }
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($as)
            }
        }
    };
}

schema!(
    CallQueueInput,
    "CallQueueInput",
    "What `POST /callqueues` and `PUT /callqueues/{callqueue}` take: NetSapiens' call queue fields, and Roster's `forward-no-answer`. On update, only the fields sent change. Unknown members are refused.",
    json!({"type": "object", "additionalProperties": false,
           "properties": input_properties(CALL_QUEUE_FIELDS, CALL_QUEUE_READ_ONLY, "queue")})
);

schema!(
    CallQueueDoc,
    "CallQueue",
    "A call queue with its agents counted. Roster's SIP server rings every available agent at once for now; the other fields are kept and answered as sent.",
    {
        let more = json!({
            "domain": {"type": "string"},
            "active-queued-calls-total-current": {"type": "integer", "readOnly": true,
                "description": "Always 0: Roster's SIP server queues no call."},
            "callqueue-count-agents-available": {"type": "integer", "readOnly": true,
                "description": "Agents logged in, not paused, not disabled, their users enabled."},
            "callqueue-count-agents-total": {"type": "integer", "readOnly": true},
            "created-datetime": {"type": "string", "format": "date-time", "readOnly": true},
            "last-modified-datetime": {"type": "string", "format": "date-time", "readOnly": true}
        });
        json!({"type": "object", "required": ["callqueue", "domain"],
               "properties": read_properties(CALL_QUEUE_FIELDS, more)})
    }
);

schema!(
    AgentInput,
    "AgentInput",
    "What `POST .../agents` and `PUT .../agents/{callqueue-agent-id}` take: NetSapiens' agent fields (`callqueue-agent-id`, the user, required on create). On update, only the fields sent change. Unknown members are refused.",
    json!({"type": "object", "additionalProperties": false,
           "properties": input_properties(AGENT_FIELDS, AGENT_READ_ONLY, "agent")})
);

schema!(
    AgentDoc,
    "Agent",
    "An agent of a call queue: its fields, its status, and its user's.",
    {
        let more = json!({
            "callqueue-agent-id": {"type": "string", "description": "Its user, as extension@domain."},
            "callqueue": {"type": "string"},
            "domain": {"type": "string"},
            "callqueue-agent-availability-for-dispatch": {"type": "string", "readOnly": true,
                "enum": AgentStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                "description": "What the agent (or a manager) last set with the agent actions: only logged-in (or onecall) agents are rung."},
            "callqueue-agent-entry-type": {"type": "string", "enum": ["user"], "readOnly": true},
            "callqueue-agent-has-registered-devices": {"type": "string", "enum": ["yes", "no"], "readOnly": true},
            "active-calls-total-current": {"type": "integer", "readOnly": true, "description": "Always 0."},
            "login-username": {"type": "string", "readOnly": true},
            "name-full-name": {"type": "string", "readOnly": true},
            "agent-name-first-name": {"type": "string", "readOnly": true},
            "agent-name-last-name": {"type": "string", "readOnly": true},
            "agent-department": {"type": "string", "readOnly": true},
            "agent-site": {"type": "string", "readOnly": true},
            "agent-user-scope": {"type": "string", "readOnly": true},
            "agent-status-message": {"type": "string", "readOnly": true},
            "created-datetime": {"type": "string", "format": "date-time", "readOnly": true},
            "last-modified-datetime": {"type": "string", "format": "date-time", "readOnly": true}
        });
        json!({"type": "object", "required": ["callqueue-agent-id", "callqueue", "domain"],
               "properties": read_properties(AGENT_FIELDS, more)})
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn every_schema_builds_and_documents_every_field() {
        for (schema, table_names) in [
            (
                CallQueueInput::schema(),
                CALL_QUEUE_FIELDS.iter().map(|f| f.name).collect::<Vec<_>>(),
            ),
            (
                CallQueueDoc::schema(),
                CALL_QUEUE_FIELDS.iter().map(|f| f.name).collect(),
            ),
            (
                AgentInput::schema(),
                AGENT_FIELDS.iter().map(|f| f.name).collect(),
            ),
            (
                AgentDoc::schema(),
                AGENT_FIELDS.iter().map(|f| f.name).collect(),
            ),
        ] {
            let json = serde_json::to_value(&schema).unwrap();
            for name in table_names {
                assert!(json["properties"][name].is_object(), "{name}: {json}");
            }
        }
    }

    #[test]
    fn an_offline_status_pauses_and_the_actions_keep_their_meaning() {
        assert_eq!(status_named("cust1").unwrap(), AgentStatus::Paused);
        assert_eq!(status_named("lunch").unwrap(), AgentStatus::Paused);
        assert_eq!(status_named("login").unwrap(), AgentStatus::LoggedIn);
        assert_eq!(status_named("logout").unwrap(), AgentStatus::LoggedOut);
        assert_eq!(status_named("onecall").unwrap(), AgentStatus::OneCall);
        assert!(status_named("a b").is_err());
    }
}
