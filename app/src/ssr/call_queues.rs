//! Call queues of a domain and their agents: the plain functions behind the API (and the portal's
//! pages to come). Who may do what is the permission table's `ManageCallQueues` (Office Manager
//! and up, in the domains they manage): list, read, create, change and delete queues, add,
//! change and remove agents, and set any agent's status. A user logs itself in and out of (or
//! pauses in) the queues it is an agent of, under `EditOwnProfile`, and may do nothing else
//! here. Every write is one transaction with its audit entry.
//!
//! A queue's extension is checked against its domain's users' extensions holding the domain, as
//! a user's create checks it against the queues', so one extension rings one user or one queue.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::call_queues::{self as queues, StoredAgent, StoredQueue};
use super::db::domains::DomainRef;
use super::db::users::{facts, locate_in, Located};
use super::db::{Db, DbError, Rule, Tx};
use super::now_ms;
use super::users::begin_locked;
use crate::error::AppError;
use crate::model::call_queue::{
    Agent, AgentForm, AgentList, AgentStatus, AgentUser, AgentValues, CallQueue, CallQueueForm,
    CallQueueList, CallQueueValues, QueueChoice, QueueQuery, QueueRef, AGENT_FIELDS,
    CALL_QUEUE_FIELDS,
};
use crate::model::fields::{diff, FieldContext, Patch};
use crate::model::permissions::Action;
use crate::model::{Destination, DomainName, FieldErrors};
use sqlx::AnyConnection;

/// The domain `domain`, if the caller may manage its queues.
async fn managed(db: &Db, caller: &Caller, domain: &DomainName) -> Result<DomainRef, AppError> {
    access::domain(db, caller, domain, Action::ManageCallQueues).await
}

/// The queue `callqueue` of `found`, read through `conn`: one that is not there is not found.
async fn queue_in(
    conn: &mut AnyConnection,
    found: &DomainRef,
    callqueue: &str,
) -> Result<StoredQueue, AppError> {
    queues::find(conn, found.name(), found.id, callqueue)
        .await?
        .ok_or(AppError::NotFound)
}

/// The user an agent id names (`101` or `101@domain`, as a path or a body gives it), in `found`:
/// `None` when it names another domain or no user of this one.
async fn agent_user(
    conn: &mut AnyConnection,
    found: &DomainRef,
    agent: &str,
) -> Result<Option<(AgentUser, Located)>, AppError> {
    let Ok(named) = AgentUser::read_in(agent, &found.field_context()) else {
        return Ok(None);
    };
    if named.domain.as_ref().is_some_and(|d| d != found.name()) {
        return Ok(None);
    }
    let located = locate_in(conn, found.id, named.extension.as_str()).await?;
    Ok(located.map(|l| (named, l)))
}

/// The agent `agent` of the queue `callqueue` of `found`, read through `conn`.
async fn agent_in(
    conn: &mut AnyConnection,
    found: &DomainRef,
    callqueue: &str,
    agent: &str,
) -> Result<(StoredQueue, StoredAgent), AppError> {
    let queue = queue_in(conn, found, callqueue).await?;
    let (_, located) = agent_user(conn, found, agent)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored = queues::agents_of_user(conn, found.name(), located.id, Some(&[queue.id]))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok((queue, stored))
}

async fn record(
    tx: &mut Tx,
    caller: &Caller,
    found: &DomainRef,
    action: &str,
    target: &str,
    changes: &audit::Changes,
) -> Result<(), AppError> {
    audit::record(tx, caller, audit::within(found), action, target, changes).await
}

/// How an agent is named in the audit log: its user, in its queue.
fn agent_target(queue: &CallQueue, agent: &Agent) -> String {
    format!(
        "{} in queue {}",
        agent.values.callqueue_agent_id.extension, queue.values.callqueue
    )
}

// --- queues --------------------------------------------------------------------------------------

/// One page of the queues of `domain`, by extension, and how many match in all.
pub async fn list_queues(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    query: &QueueQuery,
) -> Result<CallQueueList, AppError> {
    let found = managed(db, caller, domain).await?;
    Ok(queues::list(db.pool(), found.name(), found.id, query).await?)
}

/// The queue `callqueue` (its extension) of `domain`.
pub async fn get_queue(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
) -> Result<CallQueue, AppError> {
    let found = managed(db, caller, domain).await?;
    let mut conn = db.pool().acquire().await?;
    Ok(queue_in(&mut conn, &found, callqueue).await?.queue)
}

/// The queues of `domain` as a user's form names them (for those who manage its users: the
/// queues a user may be made an agent of), by extension.
pub async fn queue_refs(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<Vec<QueueRef>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(queues::refs(db.pool(), found.id).await?)
}

/// What a queue is told about an extension its domain already has.
fn extension_taken(extension: &str) -> AppError {
    AppError::conflict(
        "callqueue",
        &super::users::check::extension_taken(extension),
    )
}

/// The checks of a queue against its domain (read through the write transaction `tx`): a
/// no-answer forward to an extension the domain has (a user's or another queue's, not the
/// queue's own), or to a number the domain's dial policy allows.
async fn check_in_domain(
    tx: &mut Tx,
    found: &DomainRef,
    values: &CallQueueValues,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    match &values.forward_no_answer {
        Some(Destination::Extension(to)) if to == &values.callqueue => {
            errors.add("forward-no-answer", "A queue cannot forward to itself.");
        }
        Some(Destination::Extension(to)) => {
            let held = facts::extensions_in_use(tx, found.id, &[to.as_str()]).await?;
            if held.is_empty() {
                errors.add(
                    "forward-no-answer",
                    format!("This domain has no user or queue {to}."),
                );
            }
        }
        Some(Destination::Number(number)) if !found.settings.dial_policy.allows(number) => {
            errors.add(
                "forward-no-answer",
                found.settings.dial_policy.refusal(number),
            );
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

/// Adds a queue to `domain` from `form` (blank fields take their defaults). An extension the
/// domain's users or queues have is a conflict on `callqueue`; every bad field is named at once.
pub async fn create_queue(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &CallQueueForm,
) -> Result<CallQueue, AppError> {
    let found = managed(db, caller, domain).await?;
    let values = form
        .parse_queue(&found.field_context())
        .map_err(|e| AppError::invalid(e).with_input(form))?;
    // Holding the domain, as a user's create does: one extension rings one user or one queue.
    let (mut tx, current) = begin_locked(db, &found).await?;
    let extension = values.callqueue.as_str();
    if !facts::extensions_in_use(&mut tx, current.id, &[extension])
        .await?
        .is_empty()
    {
        return Err(extension_taken(extension));
    }
    check_in_domain(&mut tx, &current, &values).await?;
    queues::insert(&mut tx, current.id, &values, now_ms())
        .await
        .map_err(|e| match e {
            DbError::Conflict(Rule::Extension) => extension_taken(extension),
            other => other.into(),
        })?;
    let created = queue_in(&mut tx, &current, extension).await?.queue;
    let changes = audit::from_diff(diff(
        CALL_QUEUE_FIELDS,
        &CallQueueForm::default(),
        &created.values.to_form(),
    ));
    record(
        &mut tx,
        caller,
        &current,
        "callqueue.create",
        extension,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, callqueue = %extension, by = caller.account_id, "call queue created");
    Ok(created)
}

/// Changes the fields of the queue `callqueue` of `domain` that `patch` names (its extension is
/// its key: a patch naming another is refused). A change that changes nothing writes nothing.
pub async fn update_queue(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
    patch: &Patch,
) -> Result<CallQueue, AppError> {
    let found = managed(db, caller, domain).await?;
    let (mut tx, current) = begin_locked(db, &found).await?;
    let stored = queue_in(&mut tx, &current, callqueue).await?;
    let before = stored.queue.values.to_form();
    let mut form = before.clone();
    let mut errors = FieldErrors::default();
    for (field, text) in &patch.0 {
        if field == "callqueue" {
            if text.trim() != before.callqueue {
                errors.add(
                    "callqueue",
                    "A queue's extension is its key and does not change: make a new queue.",
                );
            }
        } else if !form.set(field, text.clone()) {
            errors.add(field.as_str(), "Unknown field.");
        }
    }
    let values = match form.parse_queue(&current.field_context()) {
        Ok(values) if errors.is_empty() => values,
        Ok(_) => return Err(AppError::invalid(errors)),
        Err(bad) => {
            errors.0.extend(bad.0);
            return Err(AppError::invalid(errors).with_input(&form));
        }
    };
    let changes = audit::from_diff(diff(CALL_QUEUE_FIELDS, &before, &values.to_form()));
    if changes.is_empty() {
        return Ok(stored.queue);
    }
    check_in_domain(&mut tx, &current, &values).await?;
    queues::update(&mut tx, stored.id, &values, now_ms()).await?;
    let updated = queue_in(&mut tx, &current, callqueue).await?.queue;
    record(
        &mut tx,
        caller,
        &current,
        "callqueue.update",
        callqueue,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, callqueue, by = caller.account_id, "call queue updated");
    Ok(updated)
}

/// Deletes the queue `callqueue` of `domain`, with its agents (its users stay).
pub async fn delete_queue(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
) -> Result<(), AppError> {
    let found = managed(db, caller, domain).await?;
    let mut tx = db.begin().await?;
    let stored = queue_in(&mut tx, &found, callqueue).await?;
    if !queues::delete(&mut tx, stored.id).await? {
        return Err(AppError::NotFound);
    }
    let mut changes = audit::from_diff(diff(
        CALL_QUEUE_FIELDS,
        &stored.queue.values.to_form(),
        &CallQueueForm::default(),
    ));
    if stored.queue.agents_total > 0 {
        changes.insert(
            "agents".to_owned(),
            (stored.queue.agents_total.to_string(), "0".to_owned()),
        );
    }
    record(
        &mut tx,
        caller,
        &found,
        "callqueue.delete",
        callqueue,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, callqueue, by = caller.account_id, "call queue deleted");
    Ok(())
}

// --- agents --------------------------------------------------------------------------------------

/// One page of the agents of the queue `callqueue` of `domain` (of every queue of the domain
/// with `None`), by queue, dispatch order and extension, and how many there are in all.
pub async fn list_agents(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: Option<&str>,
    start: u32,
    limit: u32,
) -> Result<AgentList, AppError> {
    let found = managed(db, caller, domain).await?;
    let queue_id = match callqueue {
        Some(callqueue) => {
            let mut conn = db.pool().acquire().await?;
            Some(queue_in(&mut conn, &found, callqueue).await?.id)
        }
        None => None,
    };
    let (total, items) =
        queues::list_agents(db.pool(), found.name(), found.id, queue_id, start, limit).await?;
    Ok(AgentList { total, items })
}

/// The agent `agent` (its user: `101` or `101@domain`) of the queue `callqueue` of `domain`.
pub async fn get_agent(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
    agent: &str,
) -> Result<Agent, AppError> {
    let found = managed(db, caller, domain).await?;
    let mut conn = db.pool().acquire().await?;
    Ok(agent_in(&mut conn, &found, callqueue, agent).await?.1.agent)
}

/// Makes the user `form` names (`callqueue-agent-id`) an agent of the queue `callqueue` of
/// `domain`, logged in (blank fields take their defaults). A user of no such extension, or of
/// another domain, is a mistake on `callqueue-agent-id`; one that is an agent of the queue
/// already, a conflict there.
pub async fn add_agent(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
    form: &AgentForm,
) -> Result<Agent, AppError> {
    let found = managed(db, caller, domain).await?;
    let values = form
        .parse(&found.field_context())
        .map_err(|e| AppError::invalid(e).with_input(form))?;
    let mut tx = db.begin().await?;
    let queue = queue_in(&mut tx, &found, callqueue).await?;
    let named = &values.callqueue_agent_id;
    let located = match named.domain.as_ref().filter(|d| *d != found.name()) {
        Some(_) => None,
        None => locate_in(&mut tx, found.id, named.extension.as_str()).await?,
    };
    let Some(located) = located else {
        return Err(AppError::invalid(FieldErrors::one(
            "callqueue-agent-id",
            format!("{domain} has no user {named}: an agent is a user of its queue's domain."),
        )));
    };
    let taken = || AppError::conflict("callqueue-agent-id", Rule::QueueAgent.field_and_message().1);
    if !queues::agents_of_user(&mut tx, found.name(), located.id, Some(&[queue.id]))
        .await?
        .is_empty()
    {
        return Err(taken());
    }
    queues::insert_agent(
        &mut tx,
        queue.id,
        located.id,
        &values,
        AgentStatus::LoggedIn,
        now_ms(),
    )
    .await
    .map_err(|e| match e {
        DbError::Conflict(Rule::QueueAgent) => taken(),
        other => other.into(),
    })?;
    let added = queues::agents_of_user(&mut tx, found.name(), located.id, Some(&[queue.id]))
        .await?
        .pop()
        .ok_or(AppError::Internal)?
        .agent;
    let mut changes = audit::from_diff(diff(
        AGENT_FIELDS,
        &AgentForm::default(),
        &added.values.to_form(),
    ));
    changes.insert(
        "status".to_owned(),
        (String::new(), added.status.as_str().to_owned()),
    );
    let target = agent_target(&queue.queue, &added);
    record(
        &mut tx,
        caller,
        &found,
        "callqueue.agent.add",
        &target,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, agent = %target, by = caller.account_id, "agent added");
    Ok(added)
}

/// Changes the fields of the agent `agent` of the queue `callqueue` of `domain` that `patch`
/// names (its user is its key: a patch naming another is refused; its status changes with
/// [`set_agent_status`]).
pub async fn update_agent(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
    agent: &str,
    patch: &Patch,
) -> Result<Agent, AppError> {
    let found = managed(db, caller, domain).await?;
    let mut tx = db.begin().await?;
    let (queue, stored) = agent_in(&mut tx, &found, callqueue, agent).await?;
    let before = stored.agent.values.to_form();
    let mut form = before.clone();
    let mut errors = FieldErrors::default();
    let cx = found.field_context();
    for (field, text) in &patch.0 {
        if field == "callqueue-agent-id" {
            let same = AgentUser::read_in(text, &cx).is_ok_and(|u| {
                u.extension == stored.agent.values.callqueue_agent_id.extension
                    && u.domain.as_ref().map_or(true, |d| d == found.name())
            });
            if !same {
                errors.add(
                    "callqueue-agent-id",
                    "An agent's user is its key and does not change: add the other user as an agent.",
                );
            }
        } else if !form.set(field, text.clone()) {
            errors.add(field.as_str(), "Unknown field.");
        }
    }
    let values: AgentValues = match form.parse(&FieldContext::STORED) {
        Ok(values) if errors.is_empty() => values,
        Ok(_) => return Err(AppError::invalid(errors)),
        Err(bad) => {
            errors.0.extend(bad.0);
            return Err(AppError::invalid(errors).with_input(&form));
        }
    };
    let changes = audit::from_diff(diff(AGENT_FIELDS, &before, &values.to_form()));
    if changes.is_empty() {
        return Ok(stored.agent);
    }
    queues::update_agent(&mut tx, stored.id, &values, now_ms()).await?;
    let updated = queues::agents_of_user(&mut tx, found.name(), stored.user_id, Some(&[queue.id]))
        .await?
        .pop()
        .ok_or(AppError::Internal)?
        .agent;
    let target = agent_target(&queue.queue, &updated);
    record(
        &mut tx,
        caller,
        &found,
        "callqueue.agent.update",
        &target,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, agent = %target, by = caller.account_id, "agent updated");
    Ok(updated)
}

/// Removes the agent `agent` from the queue `callqueue` of `domain` (its user stays).
pub async fn remove_agent(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    callqueue: &str,
    agent: &str,
) -> Result<(), AppError> {
    let found = managed(db, caller, domain).await?;
    let mut tx = db.begin().await?;
    let (queue, stored) = agent_in(&mut tx, &found, callqueue, agent).await?;
    if !queues::delete_agent(&mut tx, stored.id).await? {
        return Err(AppError::NotFound);
    }
    let mut changes = audit::from_diff(diff(
        AGENT_FIELDS,
        &stored.agent.values.to_form(),
        &AgentForm::default(),
    ));
    changes.insert(
        "status".to_owned(),
        (stored.agent.status.as_str().to_owned(), String::new()),
    );
    let target = agent_target(&queue.queue, &stored.agent);
    record(
        &mut tx,
        caller,
        &found,
        "callqueue.agent.remove",
        &target,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, agent = %target, by = caller.account_id, "agent removed");
    Ok(())
}

/// The domain `domain` and the user `agent` names in it, if the caller may set that agent's
/// status: as one who manages the domain's queues, or as that very user (its own agent records
/// only: another user's is `Forbidden`, as is anything else here).
async fn status_setter(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    agent: &str,
) -> Result<(DomainRef, Located), AppError> {
    let found = match managed(db, caller, domain).await {
        Ok(found) => found,
        // The domain is the caller's own (or one it sees): its own agent records only.
        Err(AppError::Forbidden) => {
            let (own_domain, own) = access::own_user(db, caller).await?;
            let mut conn = db.pool().acquire().await?;
            let named = agent_user(&mut conn, &own_domain, agent).await?;
            return match named {
                Some((_, located)) if own_domain.name() == domain && located.id == own.id => {
                    Ok((own_domain, own))
                }
                _ => Err(AppError::Forbidden),
            };
        }
        Err(other) => return Err(other),
    };
    let mut conn = db.pool().acquire().await?;
    let (_, located) = agent_user(&mut conn, &found, agent)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((found, located))
}

/// Sets the status of the agent `agent` (its user) in the queue `queues` names of `domain` (in
/// every queue it is an agent of, with [`QueueChoice::All`]): logged in, logged out, paused, or
/// logged in for one call. A manager of the domain's queues sets anyone's; a user, its own.
pub async fn set_agent_status(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    queues_named: &QueueChoice,
    agent: &str,
    status: AgentStatus,
) -> Result<(), AppError> {
    let (found, located) = status_setter(db, caller, domain, agent).await?;
    let mut tx = db.begin().await?;
    let only = match queues_named {
        QueueChoice::One(callqueue) => Some(vec![queue_in(&mut tx, &found, callqueue).await?.id]),
        QueueChoice::All => None,
    };
    let agents = queues::agents_of_user(&mut tx, found.name(), located.id, only.as_deref()).await?;
    if agents.is_empty() {
        return Err(AppError::NotFound);
    }
    let changing: Vec<&StoredAgent> = agents.iter().filter(|a| a.agent.status != status).collect();
    let ids: Vec<i64> = changing.iter().map(|a| a.id).collect();
    queues::set_status(&mut tx, &ids, status, now_ms()).await?;
    for stored in &changing {
        let changes: audit::Changes = [(
            "status".to_owned(),
            (
                stored.agent.status.as_str().to_owned(),
                status.as_str().to_owned(),
            ),
        )]
        .into();
        let target = format!(
            "{} in queue {}",
            stored.agent.values.callqueue_agent_id.extension, stored.agent.callqueue
        );
        record(
            &mut tx,
            caller,
            &found,
            "callqueue.agent.status",
            &target,
            &changes,
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(domain = %domain, agent, status = %status, queues = ids.len(), by = caller.account_id, "agent status set");
    Ok(())
}

/// What the agents a user's form adds are given besides their user (and their status, logged
/// in): every other agent field's default, from [`AGENT_FIELDS`]. Its `callqueue-agent-id` is a
/// stand-in the writes do not read (they are given each agent's user); the queue's side sets
/// the fields one agent at a time.
pub(crate) fn new_agent_defaults() -> Result<AgentValues, AppError> {
    AgentForm::new_agent("1")
        .parse(&FieldContext::STORED)
        .map_err(|e| {
            tracing::error!(errors = ?e, "an agent's defaults do not parse");
            AppError::Internal
        })
}
