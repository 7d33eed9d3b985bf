//! The database: repositories, one module per aggregate, one set of queries for SQLite and
//! Postgres, the engine chosen once from the URL. SQL lives here and nowhere else.
//!
//! Queries go through sqlx's `Any` driver, each written once with `$N` placeholders (both engines
//! take them); a statement whose shape depends on its input is grown with [`Sql`]. Native pools
//! behind an enum would compile every query twice and dispatch on every call for no gain here:
//! the `Any` driver's cost (a copy of each row's values) is small beside the round trip, and the
//! two engines' differences are few and named: flags are integers 0/1 on both, timestamps are Unix
//! milliseconds (`BIGINT`), documents are JSON text.
//!
//! Repositories take a pool (reads) or a transaction (writes) and answer [`DbError`]: not found,
//! a broken uniqueness [`Rule`], or anything else.
//!
//! Connections: reads share a pool; writes go through [`Db::begin`]. On SQLite, which has one
//! writer at a time, writes have a pool of their own with one connection, so a write waits for
//! that connection (holding nothing) rather than for the file's lock (holding a connection readers
//! need), and a write transaction that is dropped half-way (its request was cancelled) is rolled
//! back before the connection serves anyone else. No code holds one pooled connection while
//! waiting for another: a function given a transaction reads through it.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod call_queues;
pub mod devices;
pub mod domains;
pub mod idempotency;
pub mod outbox;
pub mod phone_numbers;
pub mod resellers;
pub mod sessions;
pub mod sip;
pub mod sites;
pub mod time_frames;
pub mod users;

mod error;
mod sql;

pub use error::{DbError, DbResult, Rule};
pub use sql::{
    contains_pattern, indexed_phrase, insert_rows, select_in, Listing, PickFirst, Row as SqlRow,
    Sql,
};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Roster's database: a pool for reads and the way to write.
#[derive(Clone, Debug)]
pub struct Db {
    reads: AnyPool,
    /// The same pool as `reads` on Postgres; one connection of its own on SQLite.
    writes: AnyPool,
    backend: Backend,
}

/// A write transaction: committed, or rolled back when dropped.
pub type Tx = Transaction<'static, Any>;

/// How long a Postgres connection may sit in the pool before it is pinged when next taken.
const POSTGRES_PING_AFTER_IDLE: Duration = Duration::from_secs(10);

/// Turns what an operator wrote (`roster.db`, `sqlite://…`, `postgres://…`) into a sqlx URL.
pub fn normalise_url(url: &str) -> Result<(String, Backend), String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((url.to_owned(), Backend::Postgres))
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        let mut url = format!("sqlite:{rest}");
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        Ok((url, Backend::Sqlite))
    } else if url.contains("://") {
        Err(format!(
            "unsupported database URL scheme in {}",
            redact(url)
        ))
    } else {
        Ok((format!("sqlite://{url}?mode=rwc"), Backend::Sqlite))
    }
}

/// The URL with any password replaced by `***`, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***{}", &url[..scheme_end], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Begins a Postgres transaction in a task of its own, so that it runs to its end even when its
/// caller is dropped half-way. sqlx's Postgres `begin`, dropped after it has sent BEGIN and before
/// the answer, does not roll back (its guard looks at a depth not yet raised): the connection
/// would go back to the pool inside a transaction nobody knows of, and the statements that next
/// borrow it would run in it and keep their locks. A transaction finished here for a caller who
/// has gone is dropped in the task, which does roll it back.
async fn begin_to_the_end(pool: &AnyPool) -> DbResult<Tx> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin().await })
        .await
        .map_err(|e| DbError::Other(sqlx::Error::Io(std::io::Error::other(e))))?
        .map_err(DbError::from)
}

/// Opens SQLite connections: WAL (readers work beside the writer), foreign keys on, a busy
/// timeout for another process's writes; `query_only` for the read pool, so a write sent there
/// by mistake fails at once instead of waiting for the file's lock. A connection is not pinged
/// when it is taken from the pool: it is a file opened in this process, which no peer can hang
/// up, and the ping was a round trip to the connection's thread before every statement.
fn sqlite_pool(size: u32, query_only: bool) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 5000").await?;
                if query_only {
                    conn.execute("PRAGMA query_only = ON").await?;
                }
                Ok(())
            })
        })
}

impl Db {
    /// Connects to `url` (a SQLite path or URL, or a Postgres URL) and migrates it.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let (url, backend) =
            normalise_url(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let options = AnyConnectOptions::from_str(&url)?;
        let db = match backend {
            Backend::Sqlite => {
                // The writer first: it creates the file and migrates it before anyone reads.
                let writes = sqlite_pool(1, false).connect_with(options.clone()).await?;
                SQLITE_MIGRATIONS.run(&writes).await?;
                sip::prepare(&writes).await?;
                let reads = sqlite_pool(8, true).connect_with(options).await?;
                Self {
                    reads,
                    writes,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    // A connection in steady use is not pinged each time it is taken (a round
                    // trip to the server per statement); one idle long enough that the server
                    // or the network may have dropped it is, and is replaced if it fails.
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for >= POSTGRES_PING_AFTER_IDLE {
                                conn.ping().await?;
                            }
                            Ok(true)
                        })
                    })
                    // A backstop behind `begin`'s own task (see there): should a transaction
                    // ever be left open by a request cancelled at the wrong moment, the server
                    // ends it after 10 s idle, with its locks, and the pool replaces the
                    // connection.
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("SET idle_in_transaction_session_timeout = '10s'")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                sip::prepare(&pool).await?;
                Self {
                    reads: pool.clone(),
                    writes: pool,
                    backend,
                }
            }
        };
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads outside a transaction: each query takes a connection and gives it
    /// back.
    pub fn pool(&self) -> &AnyPool {
        &self.reads
    }

    /// The pool for a write of one statement, outside a transaction.
    pub fn writer(&self) -> &AnyPool {
        &self.writes
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, which takes the write lock
    /// at once, so a transaction that reads before it writes cannot fail half-way on a busy lock.
    pub async fn begin(&self) -> DbResult<Tx> {
        match self.backend {
            Backend::Sqlite => Ok(self.writes.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => begin_to_the_end(&self.writes).await,
        }
    }

    /// Starts a transaction that only reads: one consistent view, without the write lock.
    pub async fn begin_read(&self) -> DbResult<Tx> {
        match self.backend {
            Backend::Sqlite => Ok(self.reads.begin().await?),
            Backend::Postgres => begin_to_the_end(&self.reads).await,
        }
    }

    /// After a write of many rows (a bulk import): has Postgres bring its planner's statistics
    /// of the tables a user fills up to date, in a task of its own (a cancelled request still
    /// gets it). Postgres' autovacuum would do it in its own time, or never where it is off, and
    /// until then plans reads for the tables as they were: a user's read walked all 110,000
    /// devices instead of its index (GET one user fell from about 2,850 to 67/s). SQLite plans
    /// by its indexes without statistics.
    pub fn refresh_statistics(&self) {
        if self.backend != Backend::Postgres {
            return;
        }
        let pool = self.writes.clone();
        tokio::spawn(async move {
            let analyze = "ANALYZE users, accounts, sites, devices, answer_rules, \
                           voicemail_boxes, phone_numbers, call_queue_agents";
            if let Err(error) = sqlx::query(analyze).execute(&pool).await {
                tracing::warn!(%error, "the planner's statistics were not brought up to date");
            }
        });
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.reads).await.is_ok()
    }

    pub async fn close(&self) {
        self.reads.close().await;
        self.writes.close().await;
    }
}

/// A flag as both engines keep it: an integer, 0 or 1.
pub fn flag(on: bool) -> i64 {
    i64::from(on)
}

/// A `time` instant in Unix milliseconds.
pub fn now_ms_from(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert_eq!(
            redact("postgres://roster:hunter2@db:5432/roster"),
            "postgres://roster:***@db:5432/roster"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }

    #[test]
    fn a_bare_path_means_a_sqlite_file_created_on_demand() {
        assert_eq!(
            normalise_url("data/roster.db").unwrap(),
            ("sqlite://data/roster.db?mode=rwc".into(), Backend::Sqlite)
        );
        assert_eq!(
            normalise_url("postgres://h/db").unwrap().1,
            Backend::Postgres
        );
        assert!(normalise_url("mysql://h/db").is_err());
    }
}
