//! Time frames: a domain's shared ones and its users' own. Every query names its domain; a
//! user's frames are also named by the user.

use super::domains::corrupt;
use super::{DbResult, Sql, Tx};
use crate::model::time_frame::{Definition, TimeFrame, TimeFrameName};
use crate::model::{DomainName, Parse};
use sqlx::{AnyConnection, FromRow};

/// Whose frames: the domain's shared ones, or one user's own (its row id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Domain,
    User(i64),
}

#[derive(FromRow)]
struct FrameRow {
    id: i64,
    name: String,
    user_extension: Option<String>,
    kind: String,
    definition: String,
    created_at: i64,
}

const SELECT: &str = "SELECT tf.id, tf.name, u.extension AS user_extension, tf.kind, \
     tf.definition, tf.created_at FROM time_frames tf LEFT JOIN users u ON u.id = tf.user_id \
     WHERE tf.domain_id = ";

/// ` AND` the frames of `owner` (after the domain's condition).
fn owned_by(sql: &mut Sql, owner: Owner) {
    match owner {
        Owner::Domain => {
            sql.push(" AND tf.user_id IS NULL");
        }
        Owner::User(user_id) => {
            sql.push(" AND tf.user_id = ").bind(user_id);
        }
    }
}

fn frame(domain: &DomainName, row: FrameRow) -> DbResult<TimeFrame> {
    let bad = |e: String| corrupt("time frame", e);
    Ok(TimeFrame {
        id: row.id,
        name: TimeFrameName::parse(&row.name).map_err(|e| bad(e.0))?,
        domain: domain.clone(),
        user: row.user_extension,
        definition: Definition::from_stored(&row.kind, &row.definition)
            .map_err(|e| bad(format!("{:?}", e.names())))?,
        created_at: row.created_at,
    })
}

/// The frames of `owner` in a domain, by name.
pub async fn list(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    owner: Owner,
) -> DbResult<Vec<TimeFrame>> {
    let mut sql = Sql::new(SELECT);
    sql.bind(domain_id);
    owned_by(&mut sql, owner);
    sql.push(" ORDER BY tf.name, tf.id");
    let rows: Vec<FrameRow> = sql.query_as().fetch_all(conn).await?;
    rows.into_iter().map(|row| frame(domain, row)).collect()
}

/// How many frames `owner` has in a domain.
pub async fn count(conn: &mut AnyConnection, domain_id: i64, owner: Owner) -> DbResult<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM time_frames tf WHERE tf.domain_id = ");
    sql.bind(domain_id);
    owned_by(&mut sql, owner);
    let (n,): (i64,) = sql.query_as().fetch_one(conn).await?;
    Ok(n)
}

/// The frame `id` of `owner` in a domain.
pub async fn get(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    owner: Owner,
    id: i64,
) -> DbResult<Option<TimeFrame>> {
    let mut sql = Sql::new(SELECT);
    sql.bind(domain_id);
    owned_by(&mut sql, owner);
    sql.push(" AND tf.id = ").bind(id);
    let row: Option<FrameRow> = sql.query_as().fetch_optional(conn).await?;
    row.map(|row| frame(domain, row)).transpose()
}

/// The frame `name` of `owner` in a domain.
pub async fn named(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    owner: Owner,
    name: &str,
) -> DbResult<Option<TimeFrame>> {
    let mut sql = Sql::new(SELECT);
    sql.bind(domain_id);
    owned_by(&mut sql, owner);
    sql.push(" AND tf.name = ").bind(name.to_owned());
    let row: Option<FrameRow> = sql.query_as().fetch_optional(conn).await?;
    row.map(|row| frame(domain, row)).transpose()
}

/// The frame an answer rule of the user `user_id` means by `name`: the user's own frame of that
/// name, else its domain's shared one.
pub async fn find_for_user(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    user_id: i64,
    name: &str,
) -> DbResult<Option<TimeFrame>> {
    match named(&mut *conn, domain, domain_id, Owner::User(user_id), name).await? {
        Some(own) => Ok(Some(own)),
        None => named(conn, domain, domain_id, Owner::Domain, name).await,
    }
}

/// Whether an answer rule of the user `user_id` may name the time frame `name`: the user has a
/// frame of that name, or its domain has a shared one. Through a connection or a transaction
/// (`&mut *tx`).
pub async fn frame_exists_for_user(
    conn: &mut AnyConnection,
    domain_id: i64,
    user_id: i64,
    name: &str,
) -> DbResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT tf.id FROM time_frames tf WHERE tf.domain_id = $1 AND tf.name = $3 \
         AND (tf.user_id = $2 OR tf.user_id IS NULL) LIMIT 1",
    )
    .bind(domain_id)
    .bind(user_id)
    .bind(name.to_owned())
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Adds a frame to `owner` in a domain and returns its id. A name the owner has already breaks
/// [`super::Rule::TimeFrameName`].
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    owner: Owner,
    name: &TimeFrameName,
    definition: &Definition,
    now: i64,
) -> DbResult<i64> {
    let user_id = match owner {
        Owner::Domain => None,
        Owner::User(id) => Some(id),
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO time_frames (domain_id, user_id, name, kind, definition, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(domain_id)
    .bind(user_id)
    .bind(name.as_str().to_owned())
    .bind(definition.kind().as_str())
    .bind(definition.stored())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Writes the name and definition of the frame `id` of `owner`. `false` if there is no such
/// frame; a name the owner has already breaks [`super::Rule::TimeFrameName`].
pub async fn update(
    tx: &mut Tx,
    domain_id: i64,
    owner: Owner,
    id: i64,
    name: &TimeFrameName,
    definition: &Definition,
    now: i64,
) -> DbResult<bool> {
    let mut sql = Sql::new("UPDATE time_frames SET name = ");
    sql.bind(name.as_str().to_owned())
        .push(", kind = ")
        .bind(definition.kind().as_str())
        .push(", definition = ")
        .bind(definition.stored())
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND domain_id = ")
        .bind(domain_id);
    match owner {
        Owner::Domain => sql.push(" AND user_id IS NULL"),
        Owner::User(user_id) => sql.push(" AND user_id = ").bind(user_id),
    };
    let done = sql.query().execute(&mut **tx).await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes the frame `id` of `owner`. `false` if there was no such frame.
pub async fn delete(tx: &mut Tx, domain_id: i64, owner: Owner, id: i64) -> DbResult<bool> {
    let mut sql = Sql::new("DELETE FROM time_frames WHERE id = ");
    sql.bind(id).push(" AND domain_id = ").bind(domain_id);
    match owner {
        Owner::Domain => sql.push(" AND user_id IS NULL"),
        Owner::User(user_id) => sql.push(" AND user_id = ").bind(user_id),
    };
    let done = sql.query().execute(&mut **tx).await?;
    Ok(done.rows_affected() > 0)
}

/// The extensions of the users whose answer rules name the frame `name` of `owner` (and mean it:
/// a user's own frame of that name comes before its domain's), in order.
pub async fn rules_naming(
    conn: &mut AnyConnection,
    domain_id: i64,
    owner: Owner,
    name: &str,
) -> DbResult<Vec<String>> {
    let mut sql = Sql::new(
        "SELECT DISTINCT u.extension FROM answer_rules ar JOIN users u ON u.id = ar.user_id \
         WHERE u.domain_id = ",
    );
    sql.bind(domain_id)
        .push(" AND ar.time_frame = ")
        .bind(name.to_owned());
    match owner {
        Owner::User(user_id) => {
            sql.push(" AND u.id = ").bind(user_id);
        }
        Owner::Domain => {
            sql.push(
                " AND NOT EXISTS (SELECT 1 FROM time_frames own WHERE own.user_id = u.id \
                 AND own.name = ar.time_frame)",
            );
        }
    }
    sql.push(" ORDER BY u.extension");
    let rows: Vec<(String,)> = sql.query_as().fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(e,)| e).collect())
}
