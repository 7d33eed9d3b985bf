//! Reading the audit log, as far as the caller's scope reaches.

use super::access;
use super::caller::Caller;
use super::db::{audit, Db};
use crate::error::AppError;
use crate::model::audit::{AuditPage, AuditQuery};
use crate::model::permissions::Action;

/// A page of the audit log as `caller` may read it: all of it for a Super User, its reseller's
/// domains for a Reseller, its own domain for an Office Manager, nothing for others.
pub async fn list(db: &Db, caller: &Caller, query: &AuditQuery) -> Result<AuditPage, AppError> {
    let readable = access::visible(caller, Action::ReadAudit)?;
    Ok(audit::list(db.pool(), readable, query).await?)
}
