//! Who is calling: the account behind a request (found from its portal session; the API finds it
//! from a key in `api_keys`), with what the permission table needs to know about it.

use super::db::{accounts, sessions::ACCOUNT_KEY, Db};
use super::now_ms;
use crate::error::AppError;
use crate::model::permissions::Who;
use crate::model::{Parse, Scope};
use std::time::Duration;
use tower_sessions::Session;

/// When the session's login happened (Unix ms), for the absolute timeout.
pub(super) const LOGIN_AT_KEY: &str = "login_at";
/// When the session was last used (Unix ms, refreshed at most every [`seen_refresh`]), for the
/// idle timeout.
pub(super) const SEEN_AT_KEY: &str = "seen_at";

/// The logged-in account behind a request, with what the permission table needs to know about it
/// and the address the request came from (for the audit log).
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub who: Who,
    /// The name of the caller's own domain (none for a Super User).
    pub domain: Option<String>,
    /// The caller's own extension, if the account belongs to a telephony user.
    pub extension: Option<String>,
    /// The client's IP address, '' when unknown.
    pub address: String,
    /// The API key the request came with, if it came with one.
    pub key: Option<KeyUse>,
}

/// The API key a request came with: the audit log names it beside the account, and a key it
/// makes stays within it (see [`crate::ssr::api_keys::create_key`]).
#[derive(Debug, Clone)]
pub struct KeyUse {
    /// Its row id.
    pub id: i64,
    /// Its public id (the `key-id` of its listing).
    pub key_id: String,
    /// Whether it may make keys (NetSapiens' `can-create-keys`).
    pub can_create_keys: bool,
    /// Where it may be used from.
    pub allowed: crate::model::api_key::AllowedAddresses,
}

impl Caller {
    pub fn scope(&self) -> Scope {
        self.who.scope
    }

    /// Roster itself, acting without a person behind it (first start, maintenance, tests of the
    /// plain functions): a Super User with no account.
    pub fn system() -> Self {
        Self {
            account_id: 0,
            login: "system".into(),
            display_name: "Roster".into(),
            who: Who {
                scope: Scope::SuperUser,
                domain_id: None,
                reseller: String::new(),
                user_id: None,
                site: None,
            },
            domain: None,
            extension: None,
            address: String::new(),
            key: None,
        }
    }

    /// Someone not logged in (asking for a password reset), at `address`: may do nothing; named
    /// in the audit log as `anonymous`.
    pub fn anonymous(address: String) -> Self {
        let nobody = Self::system();
        Self {
            login: "anonymous".into(),
            display_name: "Anonymous".into(),
            who: Who {
                scope: Scope::NoPortal,
                ..nobody.who
            },
            address,
            ..nobody
        }
    }

    /// The caller an account row stands for; `None` for a No Portal account, which may not act.
    pub fn from_row(row: accounts::CallerRow, address: String) -> Option<Self> {
        let scope = Scope::parse(&row.scope)
            .ok()
            .filter(|s| *s != Scope::NoPortal)?;
        Some(Self {
            account_id: row.id,
            login: row.login,
            display_name: row.display_name,
            who: Who {
                scope,
                domain_id: row.domain_id,
                reseller: row.reseller.unwrap_or_default(),
                user_id: row.user_id,
                site: row.site,
            },
            domain: row.domain,
            extension: row.extension,
            address,
            key: None,
        })
    }
}

/// The client address of a request, put in its extensions by the server (from the connection,
/// or from a trusted proxy's header).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub std::net::IpAddr);

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

pub(super) fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// How stale the idle clock of a session may get before it is written again: writing it on every
/// request would turn every page view into a database write.
fn seen_refresh(policy: &SessionPolicy) -> i64 {
    (policy.idle.as_millis() as i64 / 4).min(60_000)
}

/// The account logged in on `session`, if any. A session idle too long or past its absolute
/// lifetime, or whose account is gone, disabled or No Portal, is ended here.
pub async fn from_session(
    db: &Db,
    session: &Session,
    policy: &SessionPolicy,
    address: String,
) -> Result<Option<Caller>, AppError> {
    let Some(account_id) = session
        .get::<i64>(ACCOUNT_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let now = now_ms();
    let login_at = session
        .get::<i64>(LOGIN_AT_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let seen_at = session
        .get::<i64>(SEEN_AT_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - login_at > policy.absolute.as_millis() as i64
        || now - seen_at > policy.idle.as_millis() as i64
    {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    let usable = accounts::find_caller(db.pool(), account_id)
        .await?
        .filter(|a| a.disabled == 0)
        .and_then(|a| Caller::from_row(a, address));
    if usable.is_none() {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    if now - seen_at > seen_refresh(policy) {
        session
            .insert(SEEN_AT_KEY, now)
            .await
            .map_err(session_error)?;
    }
    Ok(usable)
}
