//! Portal sessions, kept in Roster's own database so every Roster process on it shares them, by
//! the SHA-256 of their ids.

use super::{now_ms_from, Db, DbResult};
use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// Where a session's data lives in the record, and the key that ties it to an account.
pub const ACCOUNT_KEY: &str = "account_id";

/// A tower-sessions store over the `sessions` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// What is stored of a session id: its SHA-256. The id itself lives only in the browser's cookie,
/// so a copy of the database (or a read of it) cannot be turned into a logged-in session.
fn stored_id(id: &Id) -> String {
    use sha2::{Digest, Sha256};
    crate::ssr::hex(&Sha256::digest(id.to_string().as_bytes()))
}

fn account_of(record: &Record) -> Option<i64> {
    record
        .data
        .get(ACCOUNT_KEY)
        .and_then(serde_json::Value::as_i64)
}

impl DbSessionStore {
    /// Inserts `record`; on an id already stored, `on_conflict` (one of the two constant
    /// clauses below) says what to do. Whether a row was written.
    async fn put(&self, record: &Record, on_conflict: &'static str) -> session_store::Result<bool> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let done = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO sessions (id, account_id, data, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) {on_conflict}"
        )))
        .bind(stored_id(&record.id))
        .bind(account_of(record))
        .bind(&data)
        .bind(now_ms_from(record.expiry_date))
        .execute(self.db.writer())
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random 128-bit id colliding is vanishingly rare; if it happens, draw another.
        while !self.put(record, "DO NOTHING").await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.put(
            record,
            "DO UPDATE SET account_id = excluded.account_id, data = excluded.data, \
             expires_at = excluded.expires_at",
        )
        .await?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(stored_id(id))
        .bind(crate::ssr::now_ms())
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(stored_id(id))
            .execute(self.db.writer())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of one account inside `tx`, the transaction of the change that ends them
/// (a new password, a disabled or deleted user, a manager ending them), so they end exactly when
/// it commits: a request cancelled after the commit cannot leave them running. `keep`, when
/// given, is the session that made the change.
pub async fn end_all(tx: &mut super::Tx, account_id: i64, keep: Option<&Id>) -> DbResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
        .bind(account_id)
        .bind(keep.map(stored_id).unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

/// Removes expired sessions; run now and then.
pub async fn delete_expired(db: &Db) -> DbResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(crate::ssr::now_ms())
        .execute(db.writer())
        .await?;
    Ok(done.rows_affected())
}
