//! The mail outbox, for Super Users.

use crate::error::AppError;
use crate::model::mail::{MailMessage, MailStatus, Outbox};
use leptos::prelude::*;

/// A page of the outbox, newest first: the messages with `status` (all if blank), before `before`.
#[server(endpoint = "list-outbox")]
pub async fn list_outbox(
    #[server(default)] status: Option<MailStatus>,
    #[server(default)] before: Option<i64>,
) -> Result<Outbox, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::outbox::page(&state.db, &caller, &state.mail, status, before).await
        }
        .await,
    )
}

/// One message of the outbox, with its text.
#[server(endpoint = "outbox-message")]
pub async fn outbox_message(id: i64) -> Result<MailMessage, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::outbox::message(&state.db, &caller, &state.mail, id).await
        }
        .await,
    )
}
