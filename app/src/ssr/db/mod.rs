//! The database: one set of queries for SQLite and Postgres, chosen once from the URL.
//!
//! Queries go through sqlx's `Any` driver with `$N` placeholders, which both backends accept.
//! Timestamps are Unix milliseconds (`BIGINT`), so no type differs between the two.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod changes;
pub mod devices;
pub mod domains;
pub mod phone_numbers;
pub mod sessions;
pub mod sites;
pub mod users;

use crate::error::AppError;
use changes::Changes;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to Roster's database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    changes: Arc<Changes>,
    /// The task following other servers' changes (Postgres), stopped with the last clone.
    watch: Option<Arc<Watch>>,
    /// User creates waiting for their domain's writer.
    arrivals: Arc<crate::ssr::users::Arrivals>,
}

/// Stops the change listener when dropped.
#[derive(Debug)]
struct Watch(tokio::task::AbortHandle);

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub type Tx = Transaction<'static, Any>;

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

impl Db {
    /// Connects to `url` (a SQLite path or URL, or a Postgres URL) and migrates it.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let (url, backend) =
            normalise_url(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers work beside the one writer; writers queue on the
                            // busy timeout instead of failing with "database is locked".
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?
            }
        };
        let (changes, watch) = match backend {
            Backend::Sqlite => (Arc::new(Changes::local()), None),
            Backend::Postgres => {
                let changes = Arc::new(Changes::shared());
                let watch = changes::watch_postgres(url, changes.clone()).await;
                (changes, Some(Arc::new(Watch(watch))))
            }
        };
        let db = Self {
            pool,
            backend,
            changes,
            watch,
            arrivals: Default::default(),
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The database's generation of changes, for caches of what was read from it.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// User creates waiting to be written, by domain (see [`crate::ssr::users::Arrivals`]).
    pub(crate) fn arrivals(&self) -> &crate::ssr::users::Arrivals {
        &self.arrivals
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, which takes the write lock
    /// at once, so a transaction that reads before it writes cannot fail half-way on a busy lock.
    /// Every write transaction starts here, so it also moves [`Db::changes`] on.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.changes.changed();
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        if let Some(watch) = &self.watch {
            watch.0.abort();
        }
        self.pool.close().await;
    }
}

/// A uniqueness rule the database enforces, and the field a violation of it is about.
/// SQLite names the columns (`domains.name`), Postgres the constraint (`domains_name_key`).
pub struct Unique {
    pub postgres_constraint: &'static str,
    pub sqlite_columns: &'static str,
    pub field: &'static str,
    pub message: &'static str,
}

/// If `err` violates one of `rules`, the conflict on that rule's field.
pub fn conflict_on(err: &sqlx::Error, rules: &[Unique]) -> Option<AppError> {
    let db_err = err.as_database_error()?;
    if db_err.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    let rule = match db_err.constraint() {
        Some(name) => rules.iter().find(|r| r.postgres_constraint == name),
        // SQLite reports "UNIQUE constraint failed: table.column[, table.column]".
        None => db_err
            .message()
            .rsplit_once(": ")
            .and_then(|(_, cols)| rules.iter().find(|r| r.sqlite_columns == cols)),
    }?;
    Some(AppError::conflict(rule.field, rule.message))
}

/// One page of one domain's list (users, sites, numbers, devices) and how many rows match in all:
/// a filter grown condition by condition, each condition's value bound to the next placeholder
/// (`$1` is the domain), then the page's bounds.
pub struct DomainPage {
    filter: String,
    values: Vec<String>,
}

impl DomainPage {
    /// Rows of the domain `$1` that `filter` takes.
    pub fn new(filter: &str) -> Self {
        Self {
            filter: filter.to_owned(),
            values: Vec::new(),
        }
    }

    /// Also `condition(p)`, where `p` is the placeholder `value` is bound to.
    pub fn and(&mut self, value: String, condition: impl FnOnce(&str) -> String) {
        let placeholder = format!("${}", self.values.len() + 2);
        self.filter += " AND ";
        self.filter += &condition(&placeholder);
        self.values.push(value);
    }

    /// How many rows of `count_from` match, and rows `start..start + limit` of
    /// `select_from WHERE .. ORDER BY order`.
    #[allow(clippy::too_many_arguments)]
    pub async fn fetch<R>(
        &self,
        pool: &AnyPool,
        domain_id: i64,
        count_from: &str,
        select_from: &str,
        order: &str,
        limit: u32,
        start: u32,
    ) -> Result<(u64, Vec<R>), AppError>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let filter = &self.filter;
        let (limit_at, offset_at) = (self.values.len() + 2, self.values.len() + 3);
        let count_sql = format!("SELECT COUNT(*) {count_from} WHERE {filter}");
        let page_sql = format!(
            "{select_from} WHERE {filter} ORDER BY {order} LIMIT ${limit_at} OFFSET ${offset_at}"
        );
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(domain_id);
        let mut page = sqlx::query_as::<_, R>(&page_sql).bind(domain_id);
        for value in &self.values {
            count = count.bind(value.as_str());
            page = page.bind(value.as_str());
        }
        let total = count.fetch_one(pool).await.map_err(internal)?;
        let rows = page
            .bind(i64::from(limit))
            .bind(i64::from(start))
            .fetch_all(pool)
            .await
            .map_err(internal)?;
        Ok((total.max(0) as u64, rows))
    }
}

/// A `LIKE ... ESCAPE '\\'` pattern matching text that contains `search` (lower-cased), with
/// the pattern's own wildcards in `search` taken literally.
pub fn contains_pattern(search: &str) -> String {
    format!(
        "%{}%",
        search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// A `time` instant in Unix milliseconds.
pub fn now_ms_from(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Logs a database failure once, with its cause, and hands the caller a bare `Internal`.
pub fn internal(err: sqlx::Error) -> AppError {
    tracing::error!(error = %err, "database error");
    AppError::Internal
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
