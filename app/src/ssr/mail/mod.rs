//! Mail: a message is queued in the outbox inside the transaction of the change that causes it
//! ([`queue`]), so nothing is sent for a change that rolled back, and the worker ([`relay`])
//! sends it after commit through the SMTP relay, retrying with backoff, or, with no relay set,
//! keeps it in the outbox for a Super User to read.
//!
//! A message is stored as its template and the values the template needs ([`Params`]), rendered
//! when it is sent or read ([`render`]). The one secret among them (a one-time link's token) is
//! removed once the message has gone or has failed for good.

pub mod relay;
pub mod render;

use super::db::{accounts, outbox, Tx};
use super::now_ms;
use crate::error::AppError;
use crate::model::mail::{MailEntry, MailMessage, MailStatus, MailTemplate};
use crate::model::Parse;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use tokio::sync::Notify;

pub use relay::{MailSettings, Relay, Security};

/// What a template needs, as stored with the message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    pub domain: Option<String>,
    /// Who it is to: the account's name.
    pub name: String,
    pub login: String,
    pub extension: Option<String>,
    /// The one-time link's token; removed once the message has gone or failed for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// How long the link works.
    pub hours: u64,
}

impl Params {
    /// The values a stored message holds, `None` if they no longer parse.
    pub fn read(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The same values without the secret.
    pub fn without_secret(&self) -> String {
        Params {
            token: None,
            ..self.clone()
        }
        .json()
    }
}

/// Queues `template` to the e-mail addresses of `account_id` inside `tx` (with `token`, the secret
/// of the one-time link it carries, valid `hours`), in `batch` if given, and returns the addresses
/// it is to; `None` (and nothing queued) for an account with no address (a user without one, or
/// an account with no user). Call [`wake`] once the transaction is committed.
pub async fn queue(
    tx: &mut Tx,
    account_id: i64,
    template: MailTemplate,
    token: Option<&str>,
    hours: u64,
    batch: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(to) = accounts::mail_to(tx, account_id).await? else {
        return Err(AppError::NotFound);
    };
    let Some(recipients) = to.email.filter(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    let params = Params {
        domain: to.domain,
        name: to.display_name,
        login: to.login,
        extension: to.extension,
        token: token.map(str::to_owned),
        hours,
    };
    let mail = outbox::NewMail {
        domain_id: to.domain_id,
        account_id: Some(account_id),
        template: template.as_str(),
        recipients: &recipients,
        params: &params.json(),
        batch,
    };
    outbox::insert(tx, &mail, now_ms()).await?;
    Ok(Some(recipients))
}

fn waker() -> &'static Notify {
    static WAKE: OnceLock<Notify> = OnceLock::new();
    WAKE.get_or_init(Notify::new)
}

/// Tells this process's mail worker that messages were committed (others find them at their next
/// look, within [`MailSettings::poll`]).
pub fn wake() {
    waker().notify_waiters();
}

/// Stored messages as the portal lists them (their subjects rendered), each domain read once.
pub async fn entries(
    db: &super::db::Db,
    settings: &MailSettings,
    rows: &[outbox::MailRow],
) -> Vec<MailEntry> {
    let mut domains = std::collections::HashMap::new();
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let key = row.domain.clone().unwrap_or_default();
        if !domains.contains_key(&key) {
            let found = relay::domain_of(db, row).await;
            domains.insert(key.clone(), found);
        }
        let composed = match &domains[&key] {
            Ok(domain) => relay::compose(settings, row, domain.as_ref()),
            Err(e) => Err(e.clone()),
        };
        entries.push(entry_of(row, composed.as_ref().ok()));
    }
    entries
}

/// A stored message with its text, as a Super User reads it in the outbox.
pub async fn message(
    db: &super::db::Db,
    settings: &MailSettings,
    row: &outbox::MailRow,
) -> MailMessage {
    let composed = match relay::domain_of(db, row).await {
        Ok(domain) => relay::compose(settings, row, domain.as_ref()),
        Err(e) => Err(e),
    };
    match composed {
        Ok(composed) => MailMessage {
            entry: entry_of(row, Some(&composed)),
            from: composed.from.to_string(),
            reply_to: composed.reply_to.map(|r| r.to_string()),
            text: composed.rendered.text,
        },
        Err(e) => MailMessage {
            entry: entry_of(row, None),
            from: String::new(),
            reply_to: None,
            text: format!("This message cannot be shown: {e}"),
        },
    }
}

fn entry_of(row: &outbox::MailRow, composed: Option<&relay::Composed>) -> MailEntry {
    let status = MailStatus::parse(&row.status).unwrap_or(MailStatus::Failed);
    MailEntry {
        id: row.id,
        template: MailTemplate::parse(&row.template).unwrap_or(MailTemplate::Invitation),
        status,
        to: row.recipients.clone(),
        subject: composed.map_or_else(
            || "(this message cannot be rendered)".to_owned(),
            |c| c.rendered.subject.clone(),
        ),
        domain: row.domain.clone(),
        attempts: row.attempts,
        last_error: row.last_error.clone(),
        created_at: row.created_at,
        sent_at: row.sent_at,
        next_attempt_at: (status == MailStatus::Queued).then_some(row.next_attempt_at),
    }
}
