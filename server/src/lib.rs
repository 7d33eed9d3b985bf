//! Wiring: configuration, the database pool, sessions, the router and its layers, shutdown.
//! No business logic lives here; it is in the `app` crate.

pub mod config;
pub mod guard;
pub mod ns_api;
pub mod servetel;
pub mod sip;
pub mod wazo;
pub mod xivo;

use app::ssr::db::{sessions::DbSessionStore, Db};
use app::ssr::request::RequestCaller;
use app::ssr::state::{AppState, SessionPolicy};
use app::{shell, App};
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Everything the router needs that comes from configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub site_root: String,
    pub max_body_bytes: usize,
    /// The limit for bulk imports (CSV files of many users).
    pub max_import_bytes: usize,
    pub sessions: SessionPolicy,
    pub logins: guard::LoginRate,
    /// The reverse proxies whose `X-Forwarded-For` is believed (see [`guard::client_address`]).
    pub trusted_proxies: app::model::api_key::AllowedAddresses,
    /// How mail goes out (see [`config::Config::mail_settings`]).
    pub mail: std::sync::Arc<app::ssr::mail::MailSettings>,
    /// Where phones register with Roster's SIP server, shown on their users' pages (see
    /// [`config::Config::sip_server`]).
    pub sip_server: Option<String>,
}

impl TryFrom<&config::Config> for Settings {
    type Error = String;

    fn try_from(c: &config::Config) -> Result<Self, String> {
        Ok(Self {
            site_root: c.site_root.clone(),
            max_body_bytes: c.max_body_bytes,
            max_import_bytes: c.max_import_bytes,
            sessions: SessionPolicy {
                idle: Duration::from_secs(c.session_idle_minutes * 60),
                absolute: Duration::from_secs(c.session_absolute_hours * 3600),
                secure_cookie: c.secure_cookies,
            },
            logins: guard::LoginRate {
                burst: c.login_burst,
                per_minute: c.login_per_minute,
                failure_delay: Duration::from_millis(c.login_failure_delay_ms),
            },
            trusted_proxies: {
                use app::model::Parse;
                app::model::api_key::AllowedAddresses::parse(&c.trusted_proxies)
                    .map_err(|e| format!("--trusted-proxies: {e}"))?
            },
            mail: std::sync::Arc::new(c.mail_settings()?),
            sip_server: c.sip_server(),
        })
    }
}

/// The Leptos options Roster runs with: the bundle is `pkg/roster.js` + `pkg/roster_bg.wasm`.
pub fn leptos_options(site_root: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("roster")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

/// The whole application: pages, server functions (registered by `leptos_routes_with_context`
/// at `/api/<endpoint>`), health checks, static files, and the layers
/// every request passes through (request id, trace, body limit, cross-site guard, session).
pub fn router(db: Db, settings: &Settings) -> Router {
    let state = AppState {
        leptos_options: leptos_options(&settings.site_root),
        db: db.clone(),
        sessions: settings.sessions,
        imports: Default::default(),
        mail: settings.mail.clone(),
        sip_server: settings.sip_server.clone(),
    };
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(db.clone()))
        .with_name("roster_session")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_secure(settings.sessions.secure_cookie)
        // Login sets the expiry to the absolute timeout; the idle timeout is checked in
        // `app::ssr::caller::from_session` so that using a session does not write it on every request.
        .with_expiry(Expiry::OnSessionEnd);
    let pkg = ServiceBuilder::new()
        .layer(CompressionLayer::new())
        .service(ServeDir::new(format!("{}/pkg", settings.site_root)));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest(ns_api::BASE, ns_api::router())
        .nest(wazo::BASE, wazo::router())
        .nest(xivo::BASE, xivo::router())
        .nest(servetel::BASE, servetel::router())
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    // Each request looks its caller up once, however many server functions
                    // its page runs.
                    provide_context(RequestCaller::default());
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(axum::middleware::from_fn(guard::security_headers))
                .layer(axum::middleware::from_fn_with_state(std::sync::Arc::new(settings.trusted_proxies.clone()), guard::client_address))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                    let id = req
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                }))
                .layer(axum::middleware::from_fn(guard::reject_cross_site))
                .layer(axum::middleware::from_fn(guard::malformed_is_400))
                .layer(axum::middleware::from_fn_with_state(
                    guard::BodyLimits { any: settings.max_body_bytes, import: settings.max_import_bytes },
                    guard::limit_body,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    (std::sync::Arc::new(guard::LoginGuard::default()), settings.logins),
                    guard::guard_logins,
                ))
                .layer(sessions)
                .layer(axum::middleware::from_fn(guard::refused_in_session)),
        )
        .with_state(state)
}

/// Request ids: a random prefix per process and a counter, short and unique enough to grep.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: std::sync::Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self {
            prefix: rand::random(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

/// The process is alive.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if DRAINING.load(Ordering::Relaxed) {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down")
    } else if state.db.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Set when this process starts shutting down: `/readyz` answers 503 and every answer closes its
/// connection (`Connection: close`), so that clients on keep-alive connections move elsewhere.
static DRAINING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How long a stopping server keeps serving the connections it has (each answer closing its
/// connection) before it closes the idle ones: a request already on its way on a keep-alive
/// connection when the stop came is answered, not reset.
const DRAIN: Duration = Duration::from_millis(1500);

/// While draining, every answer says `Connection: close`.
async fn close_when_draining(
    req: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(req).await;
    if DRAINING.load(Ordering::Relaxed) {
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
    }
    response
}

/// Serves `app` on `listener` until SIGTERM or Ctrl-C; then drains (see [`DRAIN`]), stops
/// accepting, gives requests in flight `grace` to finish, and closes the database pool.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    db: Db,
    grace: Duration,
) -> std::io::Result<()> {
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let app = app
        .layer(axum::middleware::from_fn(close_when_draining))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown({
        let stop = stop.clone();
        async move { stop.notified().await }
    });
    let mut server = tokio::spawn(async move { server.await });
    let result = tokio::select! {
        done = &mut server => done,
        () = shutdown_signal() => {
            tracing::info!(grace_seconds = grace.as_secs(), "shutting down: answering what is on its way, then finishing requests in flight");
            DRAINING.store(true, Ordering::Relaxed);
            tokio::time::sleep(DRAIN.min(grace)).await;
            stop.notify_one();
            match tokio::time::timeout(grace, &mut server).await {
                Ok(done) => done,
                Err(_) => {
                    tracing::warn!("requests still in flight after the grace period were cut off");
                    server.abort();
                    Ok(Ok(()))
                }
            }
        }
    };
    db.close().await;
    tracing::info!("stopped");
    result.unwrap_or(Ok(()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
