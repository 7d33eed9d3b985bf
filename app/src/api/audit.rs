//! Reading the audit log: office managers their domain's, resellers their domains', super users
//! everything.

use crate::error::AppError;
use crate::model::audit::{AuditPage, AuditQuery};
use leptos::prelude::*;

/// A page of the audit log entries the caller may read, newest first.
#[server(endpoint = "list-audit")]
pub async fn list_audit(#[server(default)] query: AuditQuery) -> Result<AuditPage, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::audit_log::list(&state.db, &caller, &query).await
        }
        .await,
    )
}
