//! The lean yardstick for GET one user (bench/run.sh): the reads Roster makes for
//! `GET /ns-api/v2/domains/{domain}/users/{user}` with an API key — the key with its account,
//! the domain, the user, then its devices, registrations, voicemail box, numbers, queues and
//! answer rule — over native sqlx (`SqlitePool` / `PgPool`, no `Any` layer, no permission
//! table, no parsing back into form types), answered as a JSON object of the same columns.
//! What Roster does beyond this is what the ratio in the benchmark's table prices.
//!
//! Usage: lean <database-url> <address>

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{Map, Value};
use sqlx::{Column, Row};
use std::sync::Arc;

const KEY: &str = "SELECT k.id, k.secret_hash, k.scope, k.domain_id, d.name AS domain, \
     a.id AS account_id, a.scope AS account_scope, a.disabled, u.id AS user_id, s.name AS site \
     FROM api_keys k JOIN accounts a ON a.id = k.account_id \
     LEFT JOIN domains d ON d.id = k.domain_id LEFT JOIN domains ad ON ad.id = a.domain_id \
     LEFT JOIN users u ON u.id = a.user_id LEFT JOIN sites s ON s.id = u.site_id \
     WHERE k.key_id = $1";
const DOMAIN: &str = "SELECT id, name, reseller, settings FROM domains WHERE name = $1";
const LOCATE: &str = "SELECT u.id, a.id AS account_id, s.name AS site, a.scope FROM users u \
     JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id \
     WHERE u.domain_id = $1 AND u.extension = $2";
const USER: &str = "SELECT u.id, u.extension, u.first_name, u.last_name, u.email, u.department, \
     s.name AS site, u.status, a.login, a.scope, u.service_code, u.settings, \
     s.settings AS site_settings, u.created_at, u.updated_at \
     FROM users u JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id \
     WHERE u.domain_id = $1 AND u.extension = $2";
/// Each attached table of one user (by id), under the name it is answered as.
const ATTACHED: &[(&str, &str)] = &[
    (
        "devices",
        "SELECT x.device, x.sip_password, x.created_at, x.mac, x.model, x.settings \
         FROM devices x WHERE x.user_id = $1 ORDER BY x.id",
    ),
    (
        "registrations",
        "SELECT r.username AS device, r.contact, r.received, r.user_agent, r.expires_at \
         FROM devices x JOIN domains dm ON dm.id = x.domain_id \
         JOIN sip_registrations r ON r.username = x.device AND r.domain = dm.name \
         WHERE x.user_id = $1 ORDER BY r.expires_at DESC",
    ),
    (
        "voicemail",
        "SELECT x.mailbox FROM voicemail_boxes x WHERE x.user_id = $1",
    ),
    (
        "numbers",
        "SELECT x.number FROM phone_numbers x WHERE x.user_id = $1 ORDER BY x.number",
    ),
    (
        "queues",
        "SELECT q.callqueue FROM call_queue_agents x JOIN call_queues q ON q.id = x.queue_id \
         WHERE x.user_id = $1 ORDER BY q.callqueue",
    ),
    (
        "answer-rules",
        "SELECT x.forward_always, x.forward_busy, x.forward_no_answer, x.forward_unregistered, \
         x.do_not_disturb, x.simultaneous_ring FROM answer_rules x WHERE x.user_id = $1 \
         ORDER BY x.id",
    ),
];

/// One argument of a query.
#[derive(Clone)]
enum Arg {
    Int(i64),
    Text(String),
}

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// A row's columns as JSON: integers, text, floats or null, whatever the column holds.
fn object<R: Row>(row: &R) -> Map<String, Value>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut map = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map(Value::from)
        } else {
            row.try_get::<Option<f64>, _>(i)
                .ok()
                .flatten()
                .map(Value::from)
        };
        map.insert(column.name().to_owned(), value.unwrap_or(Value::Null));
    }
    map
}

impl Pool {
    async fn rows(&self, sql: &'static str, args: &[Arg]) -> sqlx::Result<Vec<Map<String, Value>>> {
        macro_rules! run {
            ($pool:expr) => {{
                let mut q = sqlx::query(sql);
                for arg in args {
                    q = match arg {
                        Arg::Int(v) => q.bind(*v),
                        Arg::Text(v) => q.bind(v.clone()),
                    };
                }
                Ok(q.fetch_all($pool).await?.iter().map(object).collect())
            }};
        }
        match self {
            Pool::Sqlite(pool) => run!(pool),
            Pool::Postgres(pool) => run!(pool),
        }
    }

    async fn one(
        &self,
        sql: &'static str,
        args: &[Arg],
    ) -> sqlx::Result<Option<Map<String, Value>>> {
        Ok(self.rows(sql, args).await?.into_iter().next())
    }
}

fn hex_sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn user(
    State(pool): State<Arc<Pool>>,
    Path((domain, extension)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    match answer(&pool, &domain, &extension, &headers).await {
        Ok(Some(body)) => Json(Value::Object(body)).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn answer(
    pool: &Pool,
    domain: &str,
    extension: &str,
    headers: &HeaderMap,
) -> sqlx::Result<Option<Map<String, Value>>> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some((key_id, secret)) = token.strip_prefix("rk_").and_then(|t| t.split_once('_')) else {
        return Ok(None);
    };
    let Some(key) = pool.one(KEY, &[Arg::Text(key_id.to_owned())]).await? else {
        return Ok(None);
    };
    if key.get("secret_hash").and_then(Value::as_str) != Some(hex_sha256(secret).as_str()) {
        return Ok(None);
    }
    let Some(found) = pool.one(DOMAIN, &[Arg::Text(domain.to_owned())]).await? else {
        return Ok(None);
    };
    let domain_id = found["id"].as_i64().unwrap_or_default();
    let at = [Arg::Int(domain_id), Arg::Text(extension.to_owned())];
    if pool.one(LOCATE, &at).await?.is_none() {
        return Ok(None);
    }
    let Some(mut user) = pool.one(USER, &at).await? else {
        return Ok(None);
    };
    let id = [Arg::Int(user["id"].as_i64().unwrap_or_default())];
    for (name, sql) in ATTACHED {
        let rows = pool.rows(sql, &id).await?;
        user.insert(
            (*name).to_owned(),
            rows.into_iter().map(Value::Object).collect(),
        );
    }
    if let Some(Value::String(settings)) = user.remove("settings") {
        if let Ok(Value::Object(settings)) = serde_json::from_str(&settings) {
            user.extend(settings);
        }
    }
    Ok(Some(user))
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(address)) = (args.next(), args.next()) else {
        eprintln!("usage: lean <database-url> <address>");
        std::process::exit(2);
    };
    let pool = if url.starts_with("postgres") {
        Pool::Postgres(sqlx::PgPool::connect(&url).await.expect("postgres"))
    } else {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(url.trim_start_matches("sqlite://"))
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .read_only(true);
        Pool::Sqlite(
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .expect("sqlite"),
        )
    };
    let app = Router::new()
        .route("/readyz", get(|| async { "ready" }))
        .route("/ns-api/v2/domains/{domain}/users/{user}", get(user))
        .with_state(Arc::new(pool));
    let listener = tokio::net::TcpListener::bind(&address).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
