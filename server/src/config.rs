//! Command-line flags, each with a matching `ROSTER_*` environment variable.

use clap::{ArgAction, Parser, ValueEnum};
use std::net::SocketAddr;

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

    /// Take the client's address from the first `X-Forwarded-For` entry (only behind a reverse
    /// proxy that sets it; otherwise clients could pick their own address).
    #[arg(long, env = "ROSTER_TRUST_FORWARDED_FOR", action = ArgAction::Set, default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Each failed login from a client address makes its next refusal this many milliseconds
    /// slower (up to eight times); the account itself locks after ten failures.
    #[arg(long, env = "ROSTER_LOGIN_FAILURE_DELAY_MS", default_value_t = 250)]
    pub login_failure_delay_ms: u64,

    /// On SIGTERM or Ctrl-C, how many seconds requests in flight get to finish.
    #[arg(long, env = "ROSTER_SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}
