//! What the checks before writing users need to know about their domain: which names and numbers
//! are taken, which sites and groups exist. Each asks about many values at once (a batch of
//! users costs about what one does) and answers plain facts; what a fact means for a request is
//! the service's to say.

use crate::ssr::db::{select_in, DbResult, Sql};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// Which of `extensions` users of the domain hold.
pub async fn users_with_extensions(
    conn: &mut AnyConnection,
    domain_id: i64,
    extensions: &[&str],
) -> DbResult<HashSet<String>> {
    let rows: Vec<(String,)> = select_in(
        conn,
        |sql| {
            sql.push("SELECT extension FROM users WHERE domain_id = ")
                .bind(domain_id)
                .push(" AND extension IN (");
        },
        extensions,
        "",
    )
    .await?;
    Ok(rows.into_iter().map(|(e,)| e).collect())
}

/// Which of `logins` portal accounts hold, anywhere.
pub async fn accounts_with_logins(
    conn: &mut AnyConnection,
    logins: &[&str],
) -> DbResult<HashSet<String>> {
    let rows: Vec<(String,)> = select_in(
        conn,
        |sql| {
            sql.push("SELECT login FROM accounts WHERE login IN (");
        },
        logins,
        "",
    )
    .await?;
    Ok(rows.into_iter().map(|(l,)| l).collect())
}

/// `(name, id)` pairs of the domain's `table` rows among `names` (sites, groups).
async fn named(
    conn: &mut AnyConnection,
    table: &'static str,
    domain_id: i64,
    names: &[&str],
) -> DbResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = select_in(
        conn,
        |sql| {
            sql.push(&format!("SELECT name, id FROM {table} WHERE domain_id = "))
                .bind(domain_id)
                .push(" AND name IN (");
        },
        names,
        "",
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// The domain's sites among `names`, by name.
pub async fn sites_named(
    conn: &mut AnyConnection,
    domain_id: i64,
    names: &[&str],
) -> DbResult<HashMap<String, i64>> {
    named(conn, "sites", domain_id, names).await
}

/// The domain's groups among `names`, by name.
pub async fn groups_named(
    conn: &mut AnyConnection,
    domain_id: i64,
    names: &[&str],
) -> DbResult<HashMap<String, i64>> {
    named(conn, "groups", domain_id, names).await
}

/// How many rows of `table` (users, sites) the domain has.
pub async fn count_in_domain(
    conn: &mut AnyConnection,
    table: &'static str,
    domain_id: i64,
) -> DbResult<i64> {
    Ok(Sql::new(&format!("SELECT COUNT(*) FROM {table} WHERE domain_id = "))
        .bind(domain_id)
        .query_scalar()
        .fetch_one(conn)
        .await?)
}

/// The users that hold the domain's devices named among `names`, by device name.
pub async fn device_owners(
    conn: &mut AnyConnection,
    domain_id: i64,
    names: &[&str],
) -> DbResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = select_in(
        conn,
        |sql| {
            sql.push("SELECT device, user_id FROM devices WHERE domain_id = ")
                .bind(domain_id)
                .push(" AND device IN (");
        },
        names,
        "",
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
    let rows: Vec<(String, Option<i64>)> = select_in(
        conn,
        |sql| {
            sql.push("SELECT mailbox, user_id FROM voicemail_boxes WHERE domain_id = ")
                .bind(domain_id)
                .push(" AND mailbox IN (");
        },
        mailboxes,
        "",
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// Where each of `numbers` that exists anywhere is: (its domain, the user it rings).
pub async fn numbers_known(
    conn: &mut AnyConnection,
    numbers: &[&str],
) -> DbResult<HashMap<String, (i64, Option<i64>)>> {
    let rows: Vec<(String, i64, Option<i64>)> = select_in(
        conn,
        |sql| {
            sql.push("SELECT number, domain_id, user_id FROM phone_numbers WHERE number IN (");
        },
        numbers,
        "",
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(number, domain, user)| (number, (domain, user)))
        .collect())
}
