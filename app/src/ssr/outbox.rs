//! The mail outbox as a Super User reads it: every message, newest first, and one message with
//! its text (with no relay set, that is where an invitation's link is read).

use super::caller::Caller;
use super::db::{outbox, Db};
use super::mail::{self, MailSettings};
use crate::error::AppError;
use crate::model::mail::{MailMessage, MailStatus, Outbox};
use crate::model::permissions::Action;

/// How many messages a page of the outbox shows.
pub const PAGE: i64 = 50;

/// The outbox holds every domain's mail: only those whose reach is everywhere read it.
fn may_read(caller: &Caller) -> Result<(), AppError> {
    if caller.who.everywhere(Action::ReadOutbox) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A page of the outbox: the messages with `status` (all if `None`), before message `before`.
pub async fn page(
    db: &Db,
    caller: &Caller,
    settings: &MailSettings,
    status: Option<MailStatus>,
    before: Option<i64>,
) -> Result<Outbox, AppError> {
    may_read(caller)?;
    let status = status.map(MailStatus::as_str);
    let mut rows = outbox::page(db.pool(), status, before, PAGE + 1).await?;
    let next = (rows.len() as i64 > PAGE).then(|| {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.id)
    });
    Ok(Outbox {
        entries: mail::entries(db, settings, &rows).await,
        next: next.flatten(),
        relay: settings.relay.as_ref().map(|r| r.describe()),
    })
}

/// One message of the outbox with its text.
pub async fn message(
    db: &Db,
    caller: &Caller,
    settings: &MailSettings,
    id: i64,
) -> Result<MailMessage, AppError> {
    may_read(caller)?;
    let row = outbox::get(db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(mail::message(db, settings, &row).await)
}
