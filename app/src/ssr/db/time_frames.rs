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

/// A frame as its spans are worked out: its definition, the settings its time zone comes from,
/// and what its stored spans were worked out for.
#[derive(FromRow)]
pub struct Placed {
    pub id: i64,
    kind: String,
    definition: String,
    domain_settings: String,
    site_settings: Option<String>,
    user_settings: Option<String>,
    /// The zone the stored spans were worked out in ('' for none yet).
    pub spans_zone: String,
    /// Until when (Unix milliseconds) the stored spans reach.
    pub spans_until: i64,
}

impl Placed {
    pub fn definition(&self) -> DbResult<Definition> {
        Definition::from_stored(&self.kind, &self.definition)
            .map_err(|e| corrupt("time frame", format!("{:?}", e.names())))
    }

    /// The zone the frame is evaluated in: a user's frame in its user's (its own `time-zone`,
    /// else its site's, else its domain's, as its other settings inherit); a domain's shared
    /// frame in its domain's.
    pub fn zone(&self) -> String {
        let zone_of = |settings: &str| {
            serde_json::from_str::<serde_json::Value>(settings)
                .ok()?
                .get(TIME_ZONE)?
                .as_str()
                .map(str::to_owned)
        };
        self.user_settings
            .as_deref()
            .and_then(zone_of)
            .or_else(|| self.site_settings.as_deref().and_then(zone_of))
            .or_else(|| zone_of(&self.domain_settings))
            .unwrap_or_else(|| "UTC".to_owned())
    }
}

/// The setting a frame's time zone is read from, in a user's settings and in its domain's.
const TIME_ZONE: &str = "time-zone";

/// Every frame (or only the frame `id`) with where its time zone comes from. Through a
/// connection or a transaction (`&mut *tx`).
pub async fn placed(conn: &mut AnyConnection, id: Option<i64>) -> DbResult<Vec<Placed>> {
    let mut sql = Sql::new(
        "SELECT tf.id, tf.kind, tf.definition, d.settings AS domain_settings, \
         st.settings AS site_settings, u.settings AS user_settings, tf.spans_zone, \
         tf.spans_until FROM time_frames tf JOIN domains d ON d.id = tf.domain_id \
         LEFT JOIN users u ON u.id = tf.user_id LEFT JOIN sites st ON st.id = u.site_id",
    );
    if let Some(id) = id {
        sql.push(" WHERE tf.id = ").bind(id);
    }
    sql.push(" ORDER BY tf.id");
    Ok(sql.query_as().fetch_all(conn).await?)
}

/// Replaces the stored spans of the frame `id` with `spans`, worked out in `zone` up to `until`.
/// The frame's row is written first, so that two writers of one frame's spans take turns.
pub async fn write_spans(
    tx: &mut Tx,
    id: i64,
    zone: &str,
    until: i64,
    spans: &[(i64, i64)],
) -> DbResult<()> {
    sqlx::query("UPDATE time_frames SET spans_zone = $1, spans_until = $2 WHERE id = $3")
        .bind(zone.to_owned())
        .bind(until)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM time_frame_spans WHERE frame_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    super::insert_rows(
        tx,
        "INSERT INTO time_frame_spans (frame_id, begin_ms, end_ms)",
        "",
        spans,
        3,
        |r, (begin, end)| {
            r.value(id).value(*begin).value(*end);
        },
        &mut |_| {},
    )
    .await?;
    Ok(())
}
