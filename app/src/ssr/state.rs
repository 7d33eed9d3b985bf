//! What every handler and server function can reach.

use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

pub use super::caller::SessionPolicy;

/// The state shared by the whole server, provided to server functions by `leptos_routes`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub sessions: SessionPolicy,
    /// Bulk imports run from the portal: their progress and reports (in this process's memory).
    pub imports: super::bulk::Imports,
    /// How mail goes out (the relay, the From, the portal's address for links).
    pub mail: std::sync::Arc<super::mail::MailSettings>,
    /// Where phones register with Roster's SIP server (`host:port`), if it runs one.
    pub sip_server: Option<String>,
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
