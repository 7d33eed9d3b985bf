//! What the checks before writing users need to know about their domain: which names and numbers
//! are taken, which sites and call queues exist. Each asks about many values at once (a batch of
//! users costs about what one does) and answers plain facts; what a fact means for a request is
//! the service's to say.

use crate::ssr::db::{select_in, DbResult, Sql};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};
use std::collections::{HashMap, HashSet};

/// `SELECT {columns} FROM {table} WHERE [domain_id = d AND] {column} IN (values)`: the rows of
/// `table` (of one domain, or of all) whose `column` is one of `values`.
async fn rows_with<R>(
    conn: &mut AnyConnection,
    columns: &str,
    table: &str,
    domain_id: Option<i64>,
    column: &str,
    values: &[&str],
) -> DbResult<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    select_in(
        conn,
        |sql: &mut Sql| {
            sql.push(&format!("SELECT {columns} FROM {table} WHERE "));
            if let Some(d) = domain_id {
                sql.push("domain_id = ").bind(d).push(" AND ");
            }
            sql.push(&format!("{column} IN ("));
        },
        values,
        "",
    )
    .await
}

/// The values of `column` among `values` that rows of `table` hold.
async fn taken(
    conn: &mut AnyConnection,
    table: &str,
    domain_id: Option<i64>,
    column: &str,
    values: &[&str],
) -> DbResult<HashSet<String>> {
    let rows: Vec<(String,)> = rows_with(conn, column, table, domain_id, column, values).await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// Which of `extensions` the domain's users or call queues hold (one extension rings one of
/// them).
pub async fn extensions_in_use(
    conn: &mut AnyConnection,
    domain_id: i64,
    extensions: &[&str],
) -> DbResult<HashSet<String>> {
    let held = "(SELECT domain_id, extension FROM users \
                UNION ALL SELECT domain_id, callqueue AS extension FROM call_queues) x";
    taken(conn, held, Some(domain_id), "extension", extensions).await
}

/// Which of `logins` portal accounts hold, anywhere.
pub async fn accounts_with_logins(
    conn: &mut AnyConnection,
    logins: &[&str],
) -> DbResult<HashSet<String>> {
    taken(conn, "accounts", None, "login", logins).await
}

/// The domain's sites among `names`, by name.
pub async fn sites_named(
    conn: &mut AnyConnection,
    domain_id: i64,
    names: &[&str],
) -> DbResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> =
        rows_with(conn, "name, id", "sites", Some(domain_id), "name", names).await?;
    Ok(rows.into_iter().collect())
}

/// The names of the domain's sites that are one of `names` in any case.
pub async fn sites_named_any_case(
    conn: &mut AnyConnection,
    domain_id: i64,
    names: &[&str],
) -> DbResult<Vec<String>> {
    let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let lowered: Vec<&str> = lowered.iter().map(String::as_str).collect();
    let rows: Vec<(String,)> = rows_with(
        conn,
        "name",
        "sites",
        Some(domain_id),
        "lower(name)",
        &lowered,
    )
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// The domain's call queues among `extensions`, by extension: their row ids.
pub async fn queues_numbered(
    conn: &mut AnyConnection,
    domain_id: i64,
    extensions: &[&str],
) -> DbResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = rows_with(
        conn,
        "callqueue, id",
        "call_queues",
        Some(domain_id),
        "callqueue",
        extensions,
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// How many rows of `table` (users, sites) the domain has.
pub async fn count_in_domain(
    conn: &mut AnyConnection,
    table: &'static str,
    domain_id: i64,
) -> DbResult<i64> {
    Ok(
        Sql::new(&format!("SELECT COUNT(*) FROM {table} WHERE domain_id = "))
            .bind(domain_id)
            .query_scalar()
            .fetch_one(conn)
            .await?,
    )
}

/// The users that hold the domain's devices named among `names`, by device name.
pub async fn device_owners(
    conn: &mut AnyConnection,
    domain_id: i64,
    names: &[&str],
) -> DbResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = rows_with(
        conn,
        "device, user_id",
        "devices",
        Some(domain_id),
        "device",
        names,
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// The users that hold the domain's voicemail boxes numbered among `mailboxes` (`None` for a box
/// of nobody), by mailbox.
pub async fn mailbox_owners(
    conn: &mut AnyConnection,
    domain_id: i64,
    mailboxes: &[&str],
) -> DbResult<HashMap<String, Option<i64>>> {
    let rows: Vec<(String, Option<i64>)> = rows_with(
        conn,
        "mailbox, user_id",
        "voicemail_boxes",
        Some(domain_id),
        "mailbox",
        mailboxes,
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// Where a number that exists is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownNumber {
    pub domain_id: i64,
    /// The user it rings.
    pub user_id: Option<i64>,
    /// The extension of the call queue it rings.
    pub queue: Option<String>,
}

/// Where each of `numbers` that exists anywhere is.
pub async fn numbers_known(
    conn: &mut AnyConnection,
    numbers: &[&str],
) -> DbResult<HashMap<String, KnownNumber>> {
    let rows: Vec<(String, i64, Option<i64>, Option<String>)> = rows_with(
        conn,
        "number, domain_id, user_id, \
         (SELECT q.callqueue FROM call_queues q WHERE q.id = phone_numbers.queue_id) AS queue",
        "phone_numbers",
        None,
        "number",
        numbers,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(number, domain_id, user_id, queue)| {
            let known = KnownNumber {
                domain_id,
                user_id,
                queue,
            };
            (number, known)
        })
        .collect())
}
