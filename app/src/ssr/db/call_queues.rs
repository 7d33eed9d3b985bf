//! Call queues of a domain and their agents: their rows. A queue's routing fields are columns
//! (its extension `callqueue`, dispatch type, agent timeout, longest wait, cascade sizes and
//! no-answer forward), its other NetSapiens fields a JSON document by wire name; an agent's the
//! same (availability, dispatch order, wrap-up, most calls at once, and its `status`). Every
//! query names its domain, or a queue found in it.

use super::domains::corrupt;
use super::{contains_pattern, insert_rows, DbError, DbResult, Listing, Sql, Tx};
use crate::model::call_queue::{
    Agent, AgentForm, AgentStatus, AgentUser, AgentValues, CallQueue, CallQueueForm, CallQueueList,
    CallQueueValues, QueueQuery, QueueRef,
};
use crate::model::fields::FieldContext;
use crate::model::{DomainName, Extension, Parse, YesNo};
use serde_json::{Map, Value};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A queue as stored: its row id, and the queue.
#[derive(Debug, Clone)]
pub struct StoredQueue {
    pub id: i64,
    pub queue: CallQueue,
}

/// An agent as stored: its row id, its user's, and the agent.
#[derive(Debug, Clone)]
pub struct StoredAgent {
    pub id: i64,
    pub user_id: i64,
    pub agent: Agent,
}

/// The statuses in which an agent is rung ([`AgentStatus::rings`]), as an SQL list of words.
fn ringing() -> String {
    AgentStatus::ALL
        .iter()
        .filter(|s| s.rings())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(FromRow)]
struct QueueRow {
    id: i64,
    callqueue: String,
    description: String,
    dispatch_type: String,
    agent_timeout_seconds: i64,
    max_wait_minutes: i64,
    sim_ring_first_round: i64,
    sim_ring_increment: i64,
    forward_no_answer: Option<String>,
    settings: String,
    created_at: i64,
    updated_at: i64,
    agents_total: i64,
    agents_available: i64,
}

/// A queue's columns, with its agents counted (those that would be rung: logged in, not
/// disabled, their user enabled).
fn queue_columns() -> String {
    format!(
        "q.id, q.callqueue, q.description, q.dispatch_type, q.agent_timeout_seconds, \
         q.max_wait_minutes, q.sim_ring_first_round, q.sim_ring_increment, q.forward_no_answer, \
         q.settings, q.created_at, q.updated_at, \
         (SELECT COUNT(*) FROM call_queue_agents a WHERE a.queue_id = q.id) AS agents_total, \
         (SELECT COUNT(*) FROM call_queue_agents a JOIN users u ON u.id = a.user_id \
          WHERE a.queue_id = q.id AND a.status IN ({}) AND a.availability_type <> 'disabled' \
          AND u.status = 'enabled') AS agents_available",
        ringing()
    )
}

/// The JSON document of a record's `setting` rows, read back.
fn document(what: &str, text: &str) -> DbResult<Map<String, Value>> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn queue(domain: &DomainName, row: QueueRow) -> DbResult<StoredQueue> {
    let mut form = CallQueueForm {
        callqueue: row.callqueue,
        description: row.description,
        callqueue_dispatch_type: row.dispatch_type,
        callqueue_agent_dispatch_timeout_seconds: row.agent_timeout_seconds.to_string(),
        callqueue_max_wait_timeout_minutes: row.max_wait_minutes.to_string(),
        callqueue_sim_ring_1st_round: row.sim_ring_first_round.to_string(),
        callqueue_sim_ring_increment: row.sim_ring_increment.to_string(),
        forward_no_answer: row.forward_no_answer.unwrap_or_default(),
        ..CallQueueForm::default()
    };
    form.read_settings(&document("call queue", &row.settings)?);
    // Rows were valid when written; one that no longer parses is reported, not shown.
    let values = form
        .parse(&FieldContext::STORED)
        .map_err(|e| corrupt("call queue", format!("{e:?}")))?;
    Ok(StoredQueue {
        id: row.id,
        queue: CallQueue {
            values,
            domain: domain.clone(),
            queued_calls: 0,
            agents_available: row.agents_available.max(0) as u64,
            agents_total: row.agents_total.max(0) as u64,
            created_at: row.created_at,
            updated_at: row.updated_at,
        },
    })
}

/// How queues are listed: by extension, numbers by value (shorter first), then text.
const QUEUE_ORDER: &str = "LENGTH(q.callqueue), q.callqueue";

/// One page of a domain's queues, by extension, and how many match in all (`search`: part of
/// the extension or the description, any case).
pub async fn list(
    pool: &AnyPool,
    domain: &DomainName,
    domain_id: i64,
    query: &QueueQuery,
) -> DbResult<CallQueueList> {
    let filter = |sql: &mut Sql| {
        sql.push("q.domain_id = ").bind(domain_id);
        if !query.search.is_empty() {
            let pattern = contains_pattern(&query.search);
            sql.push(" AND (LOWER(q.callqueue) LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(q.description) LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
    };
    let (total, rows): (u64, Vec<QueueRow>) = Listing {
        select: &format!("SELECT {}", queue_columns()),
        from: "FROM call_queues q",
        count_from: "FROM call_queues q",
        order: QUEUE_ORDER,
        limit: query.limit,
        start: query.start,
        pick_first: None,
        total: None,
    }
    .fetch(pool, filter)
    .await?;
    Ok(CallQueueList {
        total,
        items: rows
            .into_iter()
            .map(|row| queue(domain, row).map(|q| q.queue))
            .collect::<DbResult<_>>()?,
    })
}

/// The queue of a domain whose extension is `callqueue`, read through `conn` (a connection or a
/// transaction).
pub async fn find(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    callqueue: &str,
) -> DbResult<Option<StoredQueue>> {
    let row: Option<QueueRow> = Sql::new(&format!(
        "SELECT {} FROM call_queues q WHERE q.domain_id = ",
        queue_columns()
    ))
    .bind(domain_id)
    .push(" AND q.callqueue = ")
    .bind(callqueue.to_owned())
    .query_as()
    .fetch_optional(conn)
    .await?;
    row.map(|row| queue(domain, row)).transpose()
}

/// Every queue of a domain as the user form names it (row id, extension, description), by
/// extension.
pub async fn refs(pool: &AnyPool, domain_id: i64) -> DbResult<Vec<QueueRef>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT q.id, q.callqueue, q.description FROM call_queues q WHERE q.domain_id = $1 \
         ORDER BY {QUEUE_ORDER}"
    )))
    .bind(domain_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, callqueue, description)| {
            Ok(QueueRef {
                id,
                callqueue: Extension::parse_alphanumeric(&callqueue)
                    .map_err(|e| corrupt("call queue", e.0))?,
                description,
            })
        })
        .collect()
}

/// A queue's `setting` rows, as stored.
fn queue_document(v: &CallQueueValues) -> String {
    Value::Object(v.settings()).to_string()
}

/// Adds a queue to a domain; its row id. An extension another queue of the domain has breaks
/// [`super::Rule::Extension`] (the caller checks the users' extensions first, holding the
/// domain: see [`super::users::facts::extensions_in_use`]).
pub async fn insert(tx: &mut Tx, domain_id: i64, v: &CallQueueValues, now: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO call_queues (domain_id, callqueue, description, dispatch_type, \
         agent_timeout_seconds, max_wait_minutes, sim_ring_first_round, sim_ring_increment, \
         forward_no_answer, settings, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(domain_id)
    .bind(v.callqueue.as_str().to_owned())
    .bind(v.description.as_str().to_owned())
    .bind(v.callqueue_dispatch_type.as_str())
    .bind(i64::from(v.callqueue_agent_dispatch_timeout_seconds.get()))
    .bind(i64::from(v.callqueue_max_wait_timeout_minutes.get()))
    .bind(i64::from(v.callqueue_sim_ring_1st_round.get()))
    .bind(i64::from(v.callqueue_sim_ring_increment.get()))
    .bind(v.forward_no_answer.as_ref().map(|d| d.as_str().to_owned()))
    .bind(queue_document(v))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Writes the fields of the queue `id` (its extension stays).
pub async fn update(tx: &mut Tx, id: i64, v: &CallQueueValues, now: i64) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE call_queues SET description = $2, dispatch_type = $3, agent_timeout_seconds = $4, \
         max_wait_minutes = $5, sim_ring_first_round = $6, sim_ring_increment = $7, \
         forward_no_answer = $8, settings = $9, updated_at = $10 WHERE id = $1",
    )
    .bind(id)
    .bind(v.description.as_str().to_owned())
    .bind(v.callqueue_dispatch_type.as_str())
    .bind(i64::from(v.callqueue_agent_dispatch_timeout_seconds.get()))
    .bind(i64::from(v.callqueue_max_wait_timeout_minutes.get()))
    .bind(i64::from(v.callqueue_sim_ring_1st_round.get()))
    .bind(i64::from(v.callqueue_sim_ring_increment.get()))
    .bind(v.forward_no_answer.as_ref().map(|d| d.as_str().to_owned()))
    .bind(queue_document(v))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Deletes the queue `id`; its agents go with it (`ON DELETE CASCADE`). Whether there was one.
pub async fn delete(tx: &mut Tx, id: i64) -> DbResult<bool> {
    let done = sqlx::query("DELETE FROM call_queues WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(FromRow)]
struct AgentRow {
    id: i64,
    user_id: i64,
    callqueue: String,
    extension: String,
    availability_type: String,
    status: String,
    dispatch_order: i64,
    wrap_up_seconds: i64,
    max_active_calls: i64,
    settings: String,
    created_at: i64,
    updated_at: i64,
    login: Option<String>,
    first_name: String,
    last_name: String,
    department: Option<String>,
    site: Option<String>,
    scope: Option<String>,
    user_settings: String,
    registered: i64,
}

/// An agent's columns, with its user's (login, names, department, site, scope, settings) and
/// whether one of its user's devices is registered now.
const AGENT_COLUMNS: &str = "a.id, a.user_id, q.callqueue, u.extension, a.availability_type, \
     a.status, a.dispatch_order, a.wrap_up_seconds, a.max_active_calls, a.settings, \
     a.created_at, a.updated_at, ac.login, u.first_name, u.last_name, u.department, \
     s.name AS site, ac.scope, u.settings AS user_settings, \
     CASE WHEN EXISTS (SELECT 1 FROM devices dv JOIN sip_registrations r \
                       ON r.username = dv.device AND r.domain = d.name \
                       WHERE dv.user_id = u.id) THEN 1 ELSE 0 END AS registered";

const AGENT_FROM: &str = "FROM call_queue_agents a JOIN call_queues q ON q.id = a.queue_id \
     JOIN domains d ON d.id = q.domain_id JOIN users u ON u.id = a.user_id \
     LEFT JOIN accounts ac ON ac.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id";

/// How agents are listed: by queue, then dispatch order, then their users' extensions.
const AGENT_ORDER: &str =
    "LENGTH(q.callqueue), q.callqueue, a.dispatch_order, u.extension_sort, a.id";

fn agent(domain: &DomainName, row: AgentRow) -> DbResult<StoredAgent> {
    let bad = |e: String| corrupt("call queue agent", e);
    let extension = Extension::parse_alphanumeric(&row.extension).map_err(|e| bad(e.0))?;
    let mut form = AgentForm {
        callqueue_agent_id: AgentUser::of(extension, domain.clone()).to_string(),
        callqueue_agent_availability_type: row.availability_type,
        callqueue_agent_wrap_up_allowance_seconds: row.wrap_up_seconds.to_string(),
        callqueue_agent_dispatch_order_ordinal: row.dispatch_order.to_string(),
        limits_max_active_calls_total: row.max_active_calls.to_string(),
        ..AgentForm::default()
    };
    form.read_settings(&document("call queue agent", &row.settings)?);
    let values = form
        .parse(&FieldContext::STORED)
        .map_err(|e| bad(format!("{e:?}")))?;
    let user_settings = document("user settings", &row.user_settings)?;
    let status_message = user_settings
        .get("status-message")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .map(str::to_owned);
    Ok(StoredAgent {
        id: row.id,
        user_id: row.user_id,
        agent: Agent {
            values,
            callqueue: Extension::parse_alphanumeric(&row.callqueue).map_err(|e| bad(e.0))?,
            domain: domain.clone(),
            status: AgentStatus::parse(&row.status).map_err(|e| bad(e.0))?,
            entry_type: "user".to_owned(),
            registered: YesNo::from(row.registered != 0),
            active_calls: 0,
            login: row.login.unwrap_or_default(),
            full_name: format!("{} {}", row.first_name, row.last_name),
            first_name: row.first_name,
            last_name: row.last_name,
            department: row.department,
            site: row.site,
            scope: row.scope.unwrap_or_default(),
            status_message,
            created_at: row.created_at,
            updated_at: row.updated_at,
        },
    })
}

/// One page of the agents of a domain (of its queue `queue_id` only, if given), in
/// [`AGENT_ORDER`], and how many there are in all.
pub async fn list_agents(
    pool: &AnyPool,
    domain: &DomainName,
    domain_id: i64,
    queue_id: Option<i64>,
    start: u32,
    limit: u32,
) -> DbResult<(u64, Vec<Agent>)> {
    let filter = |sql: &mut Sql| {
        sql.push("q.domain_id = ").bind(domain_id);
        if let Some(queue_id) = queue_id {
            sql.push(" AND a.queue_id = ").bind(queue_id);
        }
    };
    let (total, rows): (u64, Vec<AgentRow>) = Listing {
        select: &format!("SELECT {AGENT_COLUMNS}"),
        from: AGENT_FROM,
        count_from: "FROM call_queue_agents a JOIN call_queues q ON q.id = a.queue_id",
        order: AGENT_ORDER,
        limit,
        start,
        pick_first: None,
        total: None,
    }
    .fetch(pool, filter)
    .await?;
    let agents = rows
        .into_iter()
        .map(|row| agent(domain, row).map(|a| a.agent))
        .collect::<DbResult<_>>()?;
    Ok((total, agents))
}

/// The agents that the user `user_id` is, in the queues `queue_ids` (all of them if `None`),
/// read through `conn`.
pub async fn agents_of_user(
    conn: &mut AnyConnection,
    domain: &DomainName,
    user_id: i64,
    queue_ids: Option<&[i64]>,
) -> DbResult<Vec<StoredAgent>> {
    let mut sql = Sql::new(&format!(
        "SELECT {AGENT_COLUMNS} {AGENT_FROM} WHERE a.user_id = "
    ));
    sql.bind(user_id);
    if let Some(ids) = queue_ids {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        sql.push(" AND a.queue_id IN (")
            .list(ids.iter().copied())
            .push(")");
    }
    sql.push(&format!(" ORDER BY {AGENT_ORDER}"));
    let rows: Vec<AgentRow> = sql.query_as().fetch_all(conn).await?;
    rows.into_iter().map(|row| agent(domain, row)).collect()
}

/// An agent's typed columns and document, from its values.
fn agent_columns(v: &AgentValues) -> (&'static str, i64, i64, i64, String) {
    (
        v.callqueue_agent_availability_type.as_str(),
        i64::from(v.callqueue_agent_dispatch_order_ordinal.get()),
        i64::from(v.callqueue_agent_wrap_up_allowance_seconds.get()),
        i64::from(v.limits_max_active_calls_total.get()),
        Value::Object(v.settings()).to_string(),
    )
}

/// Makes the user `user_id` an agent of the queue `queue_id` with `v` (its user is not written:
/// the caller found it), in `status`. Being one already breaks [`super::Rule::QueueAgent`].
pub async fn insert_agent(
    tx: &mut Tx,
    queue_id: i64,
    user_id: i64,
    v: &AgentValues,
    status: AgentStatus,
    now: i64,
) -> DbResult<()> {
    let (availability, order, wrap_up, calls, doc) = agent_columns(v);
    sqlx::query(
        "INSERT INTO call_queue_agents (queue_id, user_id, availability_type, status, \
         dispatch_order, wrap_up_seconds, max_active_calls, settings, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(queue_id)
    .bind(user_id)
    .bind(availability)
    .bind(status.as_str())
    .bind(order)
    .bind(wrap_up)
    .bind(calls)
    .bind(doc)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes each (queue, user) of `agents` an agent with the values `v` (every field but its user),
/// logged in, in as few statements as the bind budget allows (a batch of new users joining
/// their queues). `written` is told how many each statement wrote.
pub async fn insert_agents(
    tx: &mut Tx,
    agents: &[(i64, i64)],
    v: &AgentValues,
    now: i64,
    written: &mut (dyn FnMut(usize) + Send),
) -> DbResult<()> {
    let (availability, order, wrap_up, calls, doc) = agent_columns(v);
    insert_rows(
        tx,
        "INSERT INTO call_queue_agents (queue_id, user_id, availability_type, status, \
         dispatch_order, wrap_up_seconds, max_active_calls, settings, created_at, updated_at)",
        "",
        agents,
        10,
        |r, (queue_id, user_id)| {
            r.value(*queue_id)
                .value(*user_id)
                .value(availability)
                .value(AgentStatus::LoggedIn.as_str())
                .value(order)
                .value(wrap_up)
                .value(calls)
                .value(doc.clone())
                .value(now)
                .value(now);
        },
        written,
    )
    .await?;
    Ok(())
}

/// Makes `queue_ids` the queues the user `user_id` is an agent of: agents it stays stay as they
/// are, the others go, new ones come with the values `v` (every field but its user), logged in.
pub async fn set_user_queues(
    tx: &mut Tx,
    user_id: i64,
    queue_ids: &[i64],
    v: &AgentValues,
    now: i64,
) -> DbResult<()> {
    let mut gone = Sql::new("DELETE FROM call_queue_agents WHERE user_id = ");
    gone.bind(user_id);
    if !queue_ids.is_empty() {
        gone.push(" AND queue_id NOT IN (")
            .list(queue_ids.iter().copied())
            .push(")");
    }
    gone.query().execute(&mut **tx).await?;
    let (availability, order, wrap_up, calls, doc) = agent_columns(v);
    for queue_id in queue_ids {
        sqlx::query(
            "INSERT INTO call_queue_agents (queue_id, user_id, availability_type, status, \
             dispatch_order, wrap_up_seconds, max_active_calls, settings, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
             ON CONFLICT (queue_id, user_id) DO NOTHING",
        )
        .bind(*queue_id)
        .bind(user_id)
        .bind(availability)
        .bind(AgentStatus::LoggedIn.as_str())
        .bind(order)
        .bind(wrap_up)
        .bind(calls)
        .bind(doc.clone())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes the fields of the agent `id` (its queue and user stay).
pub async fn update_agent(tx: &mut Tx, id: i64, v: &AgentValues, now: i64) -> DbResult<()> {
    let (availability, order, wrap_up, calls, doc) = agent_columns(v);
    let done = sqlx::query(
        "UPDATE call_queue_agents SET availability_type = $2, dispatch_order = $3, \
         wrap_up_seconds = $4, max_active_calls = $5, settings = $6, updated_at = $7 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(availability)
    .bind(order)
    .bind(wrap_up)
    .bind(calls)
    .bind(doc)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Sets the status of the agents `ids`.
pub async fn set_status(tx: &mut Tx, ids: &[i64], status: AgentStatus, now: i64) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("UPDATE call_queue_agents SET status = ");
    sql.bind(status.as_str())
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id IN (")
        .list(ids.iter().copied())
        .push(")");
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// Removes the agent `id` from its queue. Whether there was one.
pub async fn delete_agent(tx: &mut Tx, id: i64) -> DbResult<bool> {
    let done = sqlx::query("DELETE FROM call_queue_agents WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::call_queue::AGENT_FIELDS;
    use crate::model::fields::Storage;

    /// The agent's columns that [`agent`] reads back are exactly the form's `own` rows.
    #[test]
    fn the_agent_columns_are_the_agent_forms_own_fields() {
        let own: Vec<&str> = AGENT_FIELDS
            .iter()
            .filter(|f| f.storage == Storage::Own)
            .map(|f| f.name)
            .collect();
        assert_eq!(
            own,
            [
                "callqueue-agent-id",
                "callqueue-agent-availability-type",
                "callqueue-agent-wrap-up-allowance-seconds",
                "callqueue-agent-dispatch-order-ordinal",
                "limits-max-active-calls-total"
            ]
        );
        assert_eq!(ringing(), "'logged-in', 'onecall'");
    }
}
