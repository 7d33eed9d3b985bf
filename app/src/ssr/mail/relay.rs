//! The mail worker: claims the message due first, renders it, and hands it to the SMTP relay;
//! on failure tries again later (doubling the wait each time) up to a limit, then marks it failed.
//! With no relay set it keeps each message in the outbox instead, and says so in the log.
//!
//! Messages live in the database, so a restart loses none: a message claimed by a worker that
//! stopped is claimed again once its claim runs out.

use super::render::{one_line, render, Rendered};
use super::{waker, Params};
use crate::model::mail::{MailStatus, MailTemplate};
use crate::model::{DomainName, Parse};
use crate::ssr::db::domains::DomainRef;
use crate::ssr::db::{domains, outbox, Db, DbResult};
use crate::ssr::now_ms;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// How the connection to the relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP, upgraded with STARTTLS (required).
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No TLS at all: only for a relay on this machine or a trusted network.
    None,
}

/// An SMTP relay.
#[derive(Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User and password, if the relay wants them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}

impl Relay {
    /// The relay as the log and the outbox page name it (never its password).
    pub fn describe(&self) -> String {
        let security = match self.security {
            Security::StartTls => "STARTTLS",
            Security::Tls => "TLS",
            Security::None => "no TLS",
        };
        let user = match &self.credentials {
            Some((user, _)) => format!("{user}@"),
            None => String::new(),
        };
        format!("smtp://{user}{}:{} ({security})", self.host, self.port)
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        type Smtp = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match self.security {
            Security::StartTls => Smtp::starttls_relay(&self.host).map_err(|e| e.to_string())?,
            Security::Tls => Smtp::relay(&self.host).map_err(|e| e.to_string())?,
            Security::None => Smtp::builder_dangerous(&self.host),
        };
        let builder = builder
            .port(self.port)
            .timeout(Some(Duration::from_secs(20)));
        let builder = match &self.credentials {
            Some((user, password)) => {
                builder.credentials(Credentials::new(user.clone(), password.clone()))
            }
            None => builder,
        };
        Ok(builder.build())
    }
}

/// How mail is sent: set once from the configuration.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `None`: messages are kept in the outbox.
    pub relay: Option<Relay>,
    /// The From of every message whose domain sets none, e.g. `Roster <roster@pbx.example>`.
    pub from: String,
    /// Where the portal is, for the links in messages.
    pub public_url: String,
    /// The wait before the second attempt; each later wait doubles, up to an hour.
    pub retry_after: Duration,
    /// Attempts before a message is marked failed.
    pub max_attempts: i64,
    /// How often the worker looks for messages queued by other processes or due again.
    pub poll: Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            relay: None,
            from: "Roster <roster@localhost>".into(),
            public_url: "http://127.0.0.1:3000".into(),
            retry_after: Duration::from_secs(30),
            max_attempts: 8,
            poll: Duration::from_secs(5),
        }
    }
}

/// How long a worker holds a message it is sending before another may take it.
const CLAIM: Duration = Duration::from_secs(120);

/// A message, rendered and addressed.
pub struct Composed {
    pub rendered: Rendered,
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: Vec<Mailbox>,
}

/// The domain a stored message is from (for its name, From and Reply-To), if it still exists.
pub async fn domain_of(db: &Db, row: &outbox::MailRow) -> Result<Option<DomainRef>, String> {
    match row.domain.as_deref().map(DomainName::parse) {
        Some(Ok(name)) => domains::get(db.pool(), &name)
            .await
            .map_err(|e| e.to_string()),
        _ => Ok(None),
    }
}

/// Renders and addresses a stored message of `domain` (see [`domain_of`]): the domain's own From
/// and Reply-To where it sets them.
pub fn compose(
    settings: &MailSettings,
    row: &outbox::MailRow,
    domain: Option<&DomainRef>,
) -> Result<Composed, String> {
    let template = MailTemplate::parse(&row.template).map_err(|e| e.to_string())?;
    let params = Params::read(&row.params).ok_or("its stored values no longer read")?;
    let organisation = domain.map_or_else(
        || "Roster".to_owned(),
        |d| match d.settings.description.as_str() {
            "" => d.name().to_string(),
            described => described.to_owned(),
        },
    );
    let rendered = render(template, &params, &organisation, &settings.public_url)
        .map_err(|e| format!("its template does not render: {e}"))?;
    let settings_of = domain.map(|d| &d.settings);
    let from = match settings_of.and_then(|s| s.email_send_from_address.as_ref()) {
        Some(address) => mailbox(Some(&organisation), address.as_str())?,
        None => settings
            .from
            .parse::<Mailbox>()
            .map_err(|e| format!("the From address {:?} is not valid: {e}", settings.from))?,
    };
    let reply_to = settings_of
        .and_then(|s| s.email_reply_to_address.as_ref())
        .map(|a| mailbox(None, a.as_str()))
        .transpose()?;
    let to = row
        .recipients
        .split(';')
        .map(|a| mailbox(Some(&params.name), a.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Composed {
        rendered,
        from,
        reply_to,
        to,
    })
}

/// A mailbox with a display name made safe for a header.
fn mailbox(name: Option<&str>, address: &str) -> Result<Mailbox, String> {
    let address = address
        .parse()
        .map_err(|e| format!("{address:?} is not an address: {e}"))?;
    Ok(Mailbox::new(
        name.map(one_line).filter(|n| !n.is_empty()),
        address,
    ))
}

fn message(composed: Composed) -> Result<Message, String> {
    let mut builder = Message::builder()
        .from(composed.from)
        .subject(composed.rendered.subject);
    for to in composed.to {
        builder = builder.to(to);
    }
    if let Some(reply_to) = composed.reply_to {
        builder = builder.reply_to(reply_to);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            composed.rendered.text,
            composed.rendered.html,
        ))
        .map_err(|e| e.to_string())
}

/// The wait before attempt `attempts + 1`: `retry_after`, doubled for each attempt after the
/// first, at most an hour.
fn backoff(settings: &MailSettings, attempts: i64) -> Duration {
    let doublings = (attempts - 1).clamp(0, 16) as u32;
    (settings.retry_after * 2u32.pow(doublings)).min(Duration::from_secs(3600))
}

/// Runs the worker for this process until it is dropped.
pub async fn run(db: Db, settings: Arc<MailSettings>) {
    match &settings.relay {
        Some(relay) => tracing::info!(relay = %relay.describe(), "mail goes out through the SMTP relay"),
        None => tracing::info!(
            "no SMTP relay is set: mail is kept in the outbox, where a Super User reads it at /outbox"
        ),
    }
    let transport = match settings.relay.as_ref().map(Relay::transport).transpose() {
        Ok(transport) => transport,
        Err(e) => {
            tracing::error!(error = %e, "the SMTP relay cannot be used: mail stays queued");
            return;
        }
    };
    loop {
        // Listen before looking, so a message committed between the look and the wait wakes us.
        let woken = waker().notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        match deliver_one(&db, &settings, transport.as_ref()).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "the mail worker cannot read the outbox"),
        }
        tokio::select! {
            () = &mut woken => {}
            () = tokio::time::sleep(settings.poll) => {}
        }
    }
}

/// Claims and handles the message due first; `false` if none is due.
async fn deliver_one(
    db: &Db,
    settings: &MailSettings,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
) -> DbResult<bool> {
    let Some(row) = outbox::claim_due(db.writer(), now_ms(), CLAIM.as_millis() as i64).await?
    else {
        return Ok(false);
    };
    let scrubbed = Params::read(&row.params)
        .map(|p| p.without_secret())
        .unwrap_or_else(|| row.params.clone());
    let Some(transport) = transport else {
        tracing::info!(
            mail = row.id,
            template = %row.template,
            to = %row.recipients,
            "mail kept in the outbox (no SMTP relay is set)"
        );
        let status = MailStatus::Kept.as_str();
        outbox::finish(db.writer(), row.id, status, &row.params, None, now_ms()).await?;
        return Ok(true);
    };
    let composed = match domain_of(db, &row).await {
        Ok(domain) => compose(settings, &row, domain.as_ref()),
        Err(e) => Err(e),
    };
    let sent = match composed.and_then(message) {
        Ok(message) => transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    match sent {
        Ok(()) => {
            tracing::info!(
                mail = row.id,
                template = %row.template,
                to = %row.recipients,
                "mail handed to the SMTP relay"
            );
            let status = MailStatus::Sent.as_str();
            outbox::finish(db.writer(), row.id, status, &scrubbed, None, now_ms()).await?;
        }
        Err(error) if row.attempts >= settings.max_attempts => {
            tracing::warn!(mail = row.id, attempts = row.attempts, %error, "mail failed for good");
            let status = MailStatus::Failed.as_str();
            outbox::finish(
                db.writer(),
                row.id,
                status,
                &scrubbed,
                Some(&error),
                now_ms(),
            )
            .await?;
        }
        Err(error) => {
            let wait = backoff(settings, row.attempts);
            tracing::warn!(
                mail = row.id,
                attempts = row.attempts,
                retry_in_seconds = wait.as_secs_f64(),
                %error,
                "mail not sent; trying again later"
            );
            let next = now_ms() + wait.as_millis() as i64;
            outbox::retry_at(db.writer(), row.id, &error, next).await?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_the_first_retry_up_to_an_hour() {
        let settings = MailSettings {
            retry_after: Duration::from_secs(30),
            ..MailSettings::default()
        };
        let waits: Vec<u64> = (1..=9).map(|n| backoff(&settings, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }

    #[test]
    fn a_relay_is_described_without_its_password() {
        let relay = Relay {
            host: "smtp.example".into(),
            port: 587,
            security: Security::StartTls,
            credentials: Some(("roster".into(), "s3cret".into())),
        };
        assert_eq!(
            relay.describe(),
            "smtp://roster@smtp.example:587 (STARTTLS)"
        );
        assert!(!format!("{relay:?}").contains("s3cret"));
    }
}
