//! Command-line flags, each with a matching `ROSTER_*` environment variable.

use app::ssr::mail::{MailSettings, Relay, Security};
use clap::{ArgAction, Parser, ValueEnum};
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "roster",
    version,
    about = "Roster: telephony users for hosted-PBX domains, in one step."
)]
pub struct Config {
    /// The database: a SQLite file path (created and migrated at start) or a postgres:// URL.
    #[arg(long, env = "ROSTER_DATABASE_URL", default_value = "roster.db")]
    pub database_url: String,

    /// The address and port to listen on.
    #[arg(long, env = "ROSTER_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// What to log, in tracing's filter syntax: `info`, `debug`, `roster=debug,sqlx=warn`, ...
    #[arg(long, env = "ROSTER_LOG", default_value = "info")]
    pub log_level: String,

    /// How to log: `text` for people, `json` for log collectors.
    #[arg(long, env = "ROSTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Mark the session cookie `Secure` (`true` when Roster is served over HTTPS, as it should be
    /// anywhere but on a developer's machine).
    #[arg(long, env = "ROSTER_SECURE_COOKIES", action = ArgAction::Set, default_value_t = false)]
    pub secure_cookies: bool,

    /// The address people reach Roster at, for the links it prints (default: http://<listen>).
    #[arg(long, env = "ROSTER_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Where the built browser bundle is: the .wasm, its JavaScript and the stylesheet are in pkg/
    /// below it.
    #[arg(long, env = "ROSTER_SITE_ROOT", default_value = "target/site/release")]
    pub site_root: String,

    /// The largest request body accepted, in bytes; a larger one is answered 413.
    #[arg(long, env = "ROSTER_MAX_BODY_BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,

    /// The largest bulk import (CSV) accepted, in bytes: 10 000 users are about 2 MiB.
    #[arg(long, env = "ROSTER_MAX_IMPORT_BYTES", default_value_t = 32 << 20)]
    pub max_import_bytes: usize,

    /// A portal session unused for this many minutes ends.
    #[arg(long, env = "ROSTER_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,

    /// A portal session ends this many hours after its login, used or not.
    #[arg(long, env = "ROSTER_SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    pub session_absolute_hours: u64,

    /// Logins (and other password forms) one client address may send in a burst before it is
    /// answered 429 ...
    #[arg(long, env = "ROSTER_LOGIN_BURST", default_value_t = 20)]
    pub login_burst: u32,

    /// ... and how many more it may send per minute after that.
    #[arg(long, env = "ROSTER_LOGIN_PER_MINUTE", default_value_t = 10)]
    pub login_per_minute: u32,

    /// The reverse proxies in front of Roster (addresses and subnets, separated by commas), whose
    /// `X-Forwarded-For` is believed: the client is the right-most address in it that is not one
    /// of them. Blank (the default): the header is ignored and the client is the connection's peer.
    #[arg(long, env = "ROSTER_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,

    /// Each failed login from a client address makes its next refusal this many milliseconds
    /// slower (up to eight times); the account itself locks after ten failures.
    #[arg(long, env = "ROSTER_LOGIN_FAILURE_DELAY_MS", default_value_t = 250)]
    pub login_failure_delay_ms: u64,

    /// On SIGTERM or Ctrl-C, how many seconds requests in flight get to finish.
    #[arg(long, env = "ROSTER_SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,

    /// The SMTP relay mail goes out through (host name). Without one, mail is kept in the outbox,
    /// which a Super User reads at /outbox.
    #[arg(long, env = "ROSTER_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// The relay's port: by default 587 with STARTTLS, 465 with TLS, 25 with none.
    #[arg(long, env = "ROSTER_SMTP_PORT")]
    pub smtp_port: Option<u16>,

    /// How the connection to the relay is secured.
    #[arg(long, env = "ROSTER_SMTP_SECURITY", value_enum, default_value_t = SmtpSecurity::Starttls)]
    pub smtp_security: SmtpSecurity,

    /// The user to log in to the relay as, if it wants one. The password comes from
    /// --smtp-password-file or the ROSTER_SMTP_PASSWORD variable (never a flag, which `ps` shows).
    #[arg(long, env = "ROSTER_SMTP_USER")]
    pub smtp_user: Option<String>,

    /// A file holding the relay's password (its first line).
    #[arg(long, env = "ROSTER_SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<std::path::PathBuf>,

    /// The From of Roster's mail, where a domain sets none of its own.
    #[arg(
        long,
        env = "ROSTER_MAIL_FROM",
        default_value = "Roster <roster@localhost>"
    )]
    pub mail_from: String,

    /// The wait before a failed message is tried again, in milliseconds; it doubles with each
    /// attempt, up to an hour.
    #[arg(long, env = "ROSTER_MAIL_RETRY_MS", default_value_t = 30_000)]
    pub mail_retry_ms: u64,

    /// Attempts before a message is marked failed.
    #[arg(long, env = "ROSTER_MAIL_MAX_ATTEMPTS", default_value_t = 8)]
    pub mail_max_attempts: i64,

    /// How often the mail worker looks for messages queued by other Roster servers, in
    /// milliseconds (its own are sent at once).
    #[arg(long, env = "ROSTER_MAIL_POLL_MS", default_value_t = 5_000)]
    pub mail_poll_ms: u64,

    /// Where Roster's SIP server (Kamailio, started and stopped with Roster) listens for SIP over
    /// UDP, such as 127.0.0.1:5060. Unset: Roster runs without its SIP side (scripts/run.sh sets
    /// it unless told `--no-sip`).
    #[arg(long, env = "ROSTER_SIP_LISTEN")]
    pub sip_listen: Option<SocketAddr>,

    /// The address phones are told to register at (shown on their page), when it is not the
    /// listening address (behind NAT or a DNS name).
    #[arg(long, env = "ROSTER_SIP_PUBLIC_ADDRESS")]
    pub sip_public_address: Option<String>,

    /// The carrier's address: its requests are calls to Roster's numbers (DIDs).
    #[arg(long, env = "ROSTER_SIP_CARRIER", default_value = "127.0.0.2")]
    pub sip_carrier: std::net::IpAddr,

    /// Where calls to phone numbers leave: the carrier's gateway, host:port.
    #[arg(long, env = "ROSTER_SIP_GATEWAY", default_value = "127.0.0.2:5060")]
    pub sip_gateway: String,

    /// Kamailio's configuration (by default the repository's scripts/sip/roster.cfg).
    #[arg(long, env = "ROSTER_SIP_CONFIG")]
    pub sip_config: Option<std::path::PathBuf>,
}

/// How the connection to the SMTP relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SmtpSecurity {
    /// Plain SMTP upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No TLS: only for a relay on this machine or a trusted network.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// Where phones register, if Roster runs a SIP server: the public address, else where it
    /// listens.
    pub fn sip_server(&self) -> Option<String> {
        let listen = self.sip_listen?;
        Some(
            self.sip_public_address
                .clone()
                .unwrap_or_else(|| listen.to_string()),
        )
    }

    /// How to run the SIP server, if Roster runs one.
    pub fn sip_options(&self) -> Option<crate::sip::SipOptions> {
        let listen = self.sip_listen?;
        let mut options = crate::sip::SipOptions::new(listen);
        options.carrier = self.sip_carrier;
        options.gateway = self.sip_gateway.clone();
        if let Some(config) = &self.sip_config {
            options.config = config.clone();
        }
        Some(options)
    }

    /// How mail goes out, from the flags (reading the relay's password file, if one is named).
    pub fn mail_settings(&self) -> Result<MailSettings, String> {
        let password = match &self.smtp_password_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| {
                        format!("cannot read the SMTP password file {}: {e}", path.display())
                    })?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            ),
            None => std::env::var("ROSTER_SMTP_PASSWORD").ok(),
        };
        let security = match self.smtp_security {
            SmtpSecurity::Starttls => Security::StartTls,
            SmtpSecurity::Tls => Security::Tls,
            SmtpSecurity::None => Security::None,
        };
        let default_port = match security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        };
        let relay = self.smtp_host.clone().map(|host| Relay {
            host,
            port: self.smtp_port.unwrap_or(default_port),
            security,
            credentials: self
                .smtp_user
                .clone()
                .map(|user| (user, password.clone().unwrap_or_default())),
        });
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "--mail-from {:?} is not an address such as \"Roster <roster@pbx.example>\"",
                self.mail_from
            ));
        }
        Ok(MailSettings {
            relay,
            from: self.mail_from.clone(),
            public_url: self.public_url(),
            retry_after: Duration::from_millis(self.mail_retry_ms.max(1)),
            max_attempts: self.mail_max_attempts.max(1),
            poll: Duration::from_millis(self.mail_poll_ms.max(10)),
        })
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}
