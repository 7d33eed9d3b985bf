//! Test helpers: a fresh database per test on either backend, and an in-process HTTP client that
//! keeps its session cookie.
#![allow(dead_code)]

pub mod sip;
pub mod smtp;

use app::ssr::db::Db;
use app::ssr::state::SessionPolicy;
use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use tower::ServiceExt;

/// Runs each `async fn name(db: TestDb) { ... }` once on SQLite and once on Postgres, as the
/// tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($db:ident: TestDb) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($db: $crate::common::TestDb) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { $crate::common::bounded(run($crate::common::TestDb::sqlite().await)).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { $crate::common::bounded(run($crate::common::TestDb::postgres().await)).await }
        }
    )*};
}

/// How long one test may run: a test that waits forever (a lock never let go, a connection never
/// given back) fails by name instead of holding the whole suite until CI gives up on it.
pub const TEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs one test's body within [`TEST_LIMIT`].
pub async fn bounded(test: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(TEST_LIMIT, test).await.is_err() {
        panic!("the test did not finish within {TEST_LIMIT:?}");
    }
}

/// A database of its own, removed when the test ends.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique_name() -> String {
    format!(
        "roster_test_{}_{:016x}",
        std::process::id(),
        rand::random::<u64>()
    )
}

/// The Postgres server tests use (`ROSTER_TEST_POSTGRES_URL`, by default the local one).
pub fn postgres_admin_url() -> String {
    std::env::var("ROSTER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Shows the server's log (warnings and errors) in a failing test's output.
fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .with_test_writer()
        .try_init();
}

impl TestDb {
    pub async fn sqlite() -> Self {
        init_logging();
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = path.display().to_string();
        let db = Db::connect(&url)
            .await
            .expect("open a SQLite test database");
        Self {
            db,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    pub async fn postgres() -> Self {
        use sqlx::Connection;
        init_logging();
        let admin_url = postgres_admin_url();
        let name = unique_name();
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("reach the test Postgres (scripts/ensure-postgres.sh starts it)");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        let db = Db::connect(&url)
            .await
            .expect("open the Postgres test database");
        Self {
            db,
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }
}

impl TestDb {
    /// The SQLite database in the file `path`, made (and migrated part of the way) by the test
    /// itself: connected, which migrates it the rest of the way, and removed when the test ends.
    pub async fn adopt_sqlite(path: std::path::PathBuf) -> Self {
        init_logging();
        let url = path.display().to_string();
        let db = Db::connect(&url)
            .await
            .expect("open the SQLite test database");
        Self {
            db,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// The Postgres database `name` on the test server ([`postgres_admin_url`]), made (and
    /// migrated part of the way) by the test itself: connected, which migrates it the rest of
    /// the way, and dropped when the test ends.
    pub async fn adopt_postgres(name: &str) -> Self {
        init_logging();
        let admin_url = postgres_admin_url();
        let url = format!("{}/{name}", Self::postgres_base(&admin_url));
        let db = Db::connect(&url)
            .await
            .expect("open the Postgres test database");
        Self {
            db,
            url,
            cleanup: Cleanup::Postgres {
                admin_url,
                name: name.to_owned(),
            },
        }
    }

    /// The URL of the test server without its database: where a test's own databases are.
    pub fn postgres_base(admin_url: &str) -> &str {
        admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let pool = self.db.clone();
                // Drop runs outside async: drop the database from a thread with its own runtime.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async move {
                        use sqlx::Connection;
                        // Closing waits for every connection to come back, and one may be held
                        // by a task of the test's runtime, which this drop is blocking: wait a
                        // little, then let `WITH (FORCE)` end whatever is still connected.
                        let _ =
                            tokio::time::timeout(std::time::Duration::from_secs(2), pool.close())
                                .await;
                        let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut admin)
                        .await
                        .ok()
                    })
                })
                .join();
            }
        }
    }
}

/// The path of a server function, e.g. `path::<CreateDomain>()`.
pub fn path<F: leptos::server_fn::ServerFn>() -> &'static str {
    F::PATH
}

/// Percent-encodes form pairs as a browser would.
pub fn form(pairs: &[(&str, &str)]) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// An in-process client of the real router that keeps its session cookie, like a browser tab.
pub struct Client {
    pub app: Router,
    pub cookie: Option<String>,
    /// The client address it claims (as `X-Forwarded-For`, which the test settings trust).
    pub address: String,
}

/// An answer: status, headers and body text.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

pub fn settings() -> server::Settings {
    server::Settings {
        site_root: "target/site/dev".into(),
        max_body_bytes: 64 * 1024,
        max_import_bytes: 4 << 20,
        sessions: SessionPolicy::default(),
        // Generous, so that only the tests of the guard itself meet it; no slowdown.
        logins: server::guard::LoginRate {
            burst: 1000,
            per_minute: 1000,
            failure_delay: std::time::Duration::ZERO,
        },
        // Each test client comes through a proxy on 127.0.0.1 that says which address it comes
        // from.
        trusted_proxies: app::model::Parse::parse("127.0.0.1").unwrap(),
        mail: Default::default(),
        sip_server: Some("127.0.0.1:5060".into()),
    }
}

impl Client {
    pub fn new(db: &Db) -> Self {
        Self::with_settings(db, &settings())
    }

    pub fn with_settings(db: &Db, settings: &server::Settings) -> Self {
        Self {
            app: server::router(db.clone(), settings),
            cookie: None,
            address: "203.0.113.1".into(),
        }
    }

    /// The same client (its session kept) on a router whose mail goes out as `mail` says.
    pub fn mail_settings(&mut self, db: &Db, mail: &std::sync::Arc<app::ssr::mail::MailSettings>) {
        let settings = server::Settings {
            mail: mail.clone(),
            ..settings()
        };
        self.app = server::router(db.clone(), &settings);
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Answer {
        if let Some(cookie) = &self.cookie {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        req.headers_mut()
            .insert("x-forwarded-for", self.address.parse().unwrap());
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                40000,
            ))));
        let res: Response<Body> = self.app.clone().oneshot(req).await.unwrap();
        if let Some(set) = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            // An expired cookie (logout) clears ours.
            self.cookie = if set.contains("Max-Age=0") || pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(
            Request::get(path)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Calls a server function the way the hydrated page does (a fetch wanting JSON).
    pub async fn call(&mut self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(form(pairs)))
                .unwrap(),
        )
        .await
    }

    /// Submits a form the way a browser without JavaScript does.
    pub async fn submit(&mut self, path: &str, from_page: &str, pairs: &[(&str, &str)]) -> Answer {
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html,application/xhtml+xml")
                .header(header::REFERER, format!("http://localhost{from_page}"))
                .header(header::ORIGIN, "http://localhost")
                .header(header::HOST, "localhost")
                .body(Body::from(form(pairs)))
                .unwrap(),
        )
        .await
    }
}

/// Gives the first Super User a password through its one-time link and logs in with it.
pub async fn logged_in_super_user(db: &Db) -> Client {
    let (login, token) = app::ssr::auth::bootstrap_super_user(db)
        .await
        .unwrap()
        .expect("a link for admin");
    app::ssr::auth::set_password_with_link(
        db,
        &token,
        ADMIN_PASSWORD,
        ADMIN_PASSWORD,
        String::new(),
    )
    .await
    .unwrap();
    let mut client = Client::new(db);
    log_in(&mut client, &login, ADMIN_PASSWORD).await;
    client
}

/// Logs `client` in as `login`, which must succeed.
pub async fn log_in(client: &mut Client, login: &str, password: &str) {
    let answer = client
        .call(
            path::<app::api::auth::Login>(),
            &[("login", login), ("password", password)],
        )
        .await;
    assert!(
        answer.status.is_success(),
        "login of {login} failed: {} {}",
        answer.status,
        answer.body
    );
    assert!(client.cookie.is_some());
}

pub const ADMIN_PASSWORD: &str = "tangerine orbit cello lantern";

/// Rows in every table a user create or an import writes to (the audit log included).
pub async fn row_counts(db: &Db) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "sites",
        "users",
        "accounts",
        "devices",
        "voicemail_boxes",
        "phone_numbers",
        "answer_rules",
        "call_queues",
        "call_queue_agents",
        "audit_log",
    ] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(db.pool())
                .await
                .unwrap();
        counts.push((table, n));
    }
    counts
}

/// Adds the resellers `names` (that domains may then name), as Roster itself; one that exists
/// already stays as it is.
pub async fn add_resellers(db: &Db, names: &[&str]) {
    let system = app::ssr::caller::Caller::system();
    for name in names {
        let form = app::model::reseller::ResellerForm {
            reseller: (*name).into(),
            ..Default::default()
        };
        match app::ssr::resellers::create_reseller(db, &system, &form).await {
            Ok(_) => {}
            Err(e)
                if e.message_for("reseller")
                    .is_some_and(|m| m.contains("already exists")) => {}
            Err(e) => panic!("add reseller {name}: {e:?}"),
        }
    }
}

/// Makes a domain from `form` (blank fields take their defaults) and returns its row id.
pub async fn make_domain(db: &Db, form: app::model::domain::DomainForm) -> i64 {
    let settings = form.parse_settings().expect("a valid domain");
    let mut tx = db.begin().await.unwrap();
    let made = app::ssr::db::domains::insert(&mut tx, &settings, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    made.id
}

/// Adds the call queue `extension` ("Ring All", described as `description`) to the domain
/// `domain_id`, as the repository writes it (no check against the domain's users); its row id.
pub async fn add_queue(db: &Db, domain_id: i64, extension: &str, description: &str) -> i64 {
    use app::model::call_queue::CallQueueForm;
    let values = CallQueueForm {
        callqueue: extension.into(),
        description: description.into(),
        callqueue_dispatch_type: "Ring All".into(),
        ..CallQueueForm::new_queue()
    }
    .parse_queue(&Default::default())
    .expect("a valid queue");
    let mut tx = db.begin().await.unwrap();
    let id = app::ssr::db::call_queues::insert(&mut tx, domain_id, &values, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The user `extension` of `domain` as stored, with everything attached (SIP passwords too).
pub async fn stored_user(db: &Db, domain: &str, extension: &str) -> app::model::user::UserDetail {
    use app::model::Parse;
    let name = app::model::DomainName::parse(domain).unwrap();
    let found = app::ssr::db::domains::get(db.pool(), &name)
        .await
        .unwrap()
        .expect("the domain");
    let mut conn = db.pool().acquire().await.unwrap();
    app::ssr::db::users::get(&mut conn, &found, extension, true)
        .await
        .unwrap()
        .expect("the user")
}

/// Every field of `form`, as a change (what the portal's editor sends).
pub fn whole(form: &app::model::user::UserForm) -> app::model::fields::Patch {
    app::model::fields::Patch::whole(app::model::user::USER_FIELDS, form)
}

// --- the people and keys of an API test -------------------------------------------------------

/// The password every person of an API test logs in with.
pub const PERSON_PASSWORD: &str = "violet harbor quartz meadow";

/// Sends an API request with a bearer `token` (or the client's session when `token` is empty),
/// extra `headers`, and a JSON `body` if any.
pub async fn send_api(
    client: &mut Client,
    method: axum::http::Method,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(path);
    if !token.is_empty() {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = match body {
        Some(body) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => req.body(Body::empty()),
    };
    client.send(req.unwrap()).await
}

/// Makes an API key (NetSapiens' `POST /apikeys`, `body` its fields) with the client's session;
/// returns its token.
pub async fn make_api_key(client: &mut Client, body: serde_json::Value) -> String {
    let made = send_api(
        client,
        axum::http::Method::POST,
        "/ns-api/v2/apikeys",
        "",
        &[],
        Some(body),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    made.json()["key"].as_str().unwrap().to_owned()
}

/// `domain` as a domain name.
pub fn domain_name(domain: &str) -> app::model::DomainName {
    use app::model::Parse;
    app::model::DomainName::parse(domain).unwrap()
}

/// Creates `domain` of the reseller `reseller` (made if need be), as Roster itself.
pub async fn system_domain(db: &Db, domain: &str, reseller: &str) {
    add_resellers(db, &[reseller]).await;
    let form = app::model::domain::DomainForm {
        domain: domain.into(),
        reseller: reseller.into(),
        ..app::model::domain::DomainForm::new_domain()
    };
    app::ssr::domains::create_domain(db, &app::ssr::caller::Caller::system(), &form)
        .await
        .unwrap_or_else(|e| panic!("create {domain}: {e:?}"));
}

/// Creates the user `ext` of `domain` with `scope`, as Roster itself; returns its invitation
/// token.
pub async fn system_user(
    db: &Db,
    domain: &str,
    ext: &str,
    scope: app::model::Scope,
) -> Option<String> {
    let form = app::model::user::UserForm {
        user: ext.into(),
        name_first_name: "Person".into(),
        name_last_name: format!("Number{ext}"),
        email: format!("u{ext}@people.example"),
        user_scope: scope.as_str().into(),
        ..app::model::user::UserForm::default()
    };
    app::ssr::users::create_user(
        db,
        &app::ssr::caller::Caller::system(),
        &domain_name(domain),
        &form,
    )
    .await
    .unwrap_or_else(|e| panic!("create {ext}@{domain}: {e:?}"))
    .invitation
}

/// A person: the user `ext` of `domain`, made with `scope`, who took its invitation (choosing
/// [`PERSON_PASSWORD`]) and logged in.
pub async fn person(db: &Db, domain: &str, ext: &str, scope: app::model::Scope) -> Client {
    let token = system_user(db, domain, ext, scope)
        .await
        .expect("an invitation");
    app::ssr::auth::set_password_with_link(
        db,
        &token,
        PERSON_PASSWORD,
        PERSON_PASSWORD,
        String::new(),
    )
    .await
    .unwrap();
    let mut client = Client::new(db);
    log_in(&mut client, &format!("{ext}@{domain}"), PERSON_PASSWORD).await;
    client
}
