//! What every handler and server function can reach.

use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::time::Duration;

/// The state shared by the whole server, provided to server functions by `leptos_routes`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub sessions: SessionPolicy,
    /// Bulk imports run from the portal: their progress and reports (in this process's memory).
    pub imports: super::bulk::Imports,
}

/// How long a portal session lasts.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after its login, used or not.
    pub absolute: Duration,
    /// Whether the cookie is marked `Secure` (served over TLS).
    pub secure_cookie: bool,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            secure_cookie: false,
        }
    }
}

impl AppState {
    /// The state of the server function or page being run.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState was not provided to this server function");
            crate::error::AppError::Internal
        })
    }
}
