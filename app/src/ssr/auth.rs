//! Who is calling: password hashing, logging in and out, sessions, set-password links, and the
//! first Super User of a new installation.

use super::db::{accounts, sessions::ACCOUNT_KEY, Db};
use super::state::SessionPolicy;
use super::{now_ms, AppState};
use crate::error::AppError;
use crate::model::permissions::Who;
use crate::model::{Login, Parse, Password, Scope};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Argon2, Params};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::Duration;
use tower_sessions::Session;

/// When the session's login happened (Unix ms), for the absolute timeout.
const LOGIN_AT_KEY: &str = "login_at";
/// When the session was last used (Unix ms, refreshed at most every [`seen_refresh`]), for the
/// idle timeout.
const SEEN_AT_KEY: &str = "seen_at";
/// Failed logins in a row before an account is locked, and for how long.
pub const LOCK_AFTER_FAILURES: i64 = 10;
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
/// The header the login server function puts on a refusal, for the server's guard against
/// guessing to count it (the guard takes it off before the answer leaves).
pub const LOGIN_FAILED_HEADER: &str = "x-roster-login-failed";
/// How long a set-password link stays usable.
pub const PASSWORD_LINK_TTL: Duration = Duration::from_secs(72 * 3600);

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
        }
    }

    fn from_row(row: accounts::CallerRow, address: String) -> Option<Self> {
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
        })
    }
}

/// The client address of a request, put in its extensions by the server (from the connection,
/// or from a trusted proxy's header).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub std::net::IpAddr);

/// Until when (Unix ms) the credential a request was answered for stays good if it is not used
/// again: the earlier of its session's absolute and idle ends, or no end for an API key (which
/// lasts until revoked, and revoking is a write). The server puts an empty one in a request's
/// extensions when it may keep a copy of the answer; [`caller`] and the API's key check fill it
/// in. An answer that leaves it empty was not for a checked credential and is not kept.
#[derive(Debug, Clone, Default)]
pub struct CredentialEnds(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl CredentialEnds {
    /// The credential checked for this request is good until `ends` (the earliest wins when
    /// several are checked).
    pub fn until(&self, ends: i64) {
        use std::sync::atomic::Ordering;
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
                Some(if now == 0 { ends } else { now.min(ends) })
            });
    }

    /// When the credential ends, if one was checked.
    pub fn ends(&self) -> Option<i64> {
        let ends = self.0.load(std::sync::atomic::Ordering::Acquire);
        (ends != 0).then_some(ends)
    }
}

/// The client address of the running server function or page, '' when unknown.
fn client_address() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.to_string()))
        .unwrap_or_default()
}

/// Hashes a password with Argon2id at the `argon2` crate's default parameters (m = 19456 KiB,
/// t = 2, p = 1), off the async executor.
pub async fn hash_password(password: &Password) -> Result<String, AppError> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing task failed");
        AppError::Internal
    })?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// A hash of nothing in particular, made with the current parameters, verified against when the
/// login is unknown so that an unknown login takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"roster-dummy-password-for-timing", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches `hash` (the dummy hash when `None`), and whether the hash was made
/// with parameters other than today's and should be replaced.
async fn verify_password(hash: Option<String>, password: String) -> Result<(bool, bool), AppError> {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return (false, false);
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        let current = Params::default();
        let outdated = parsed.algorithm.as_str() != "argon2id"
            || Params::try_from(&parsed).map_or(true, |p| {
                p.m_cost() != current.m_cost()
                    || p.t_cost() != current.t_cost()
                    || p.p_cost() != current.p_cost()
            });
        (ok, ok && outdated)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password verification task failed");
        AppError::Internal
    })
}

/// Checks a login and password and, if they are right, starts a fresh session for the account.
/// Every refusal (unknown login, wrong password, locked, disabled, No Portal) is the same
/// `BadCredentials` after the same amount of work.
pub async fn log_in(
    db: &Db,
    session: &Session,
    policy: &SessionPolicy,
    login: &str,
    password: &str,
) -> Result<Caller, AppError> {
    let now = now_ms();
    let account = match Login::parse(login) {
        Ok(login) => accounts::find_by_login(db.pool(), &login).await?,
        Err(_) => None,
    };
    let locked = account
        .as_ref()
        .is_some_and(|a| a.locked_until.is_some_and(|t| t > now));
    let hash = account
        .as_ref()
        .filter(|_| !locked)
        .and_then(|a| a.password_hash.clone());
    let (matches, needs_rehash) = verify_password(hash, password.to_owned()).await?;

    let Some(account) = account else {
        return Err(AppError::BadCredentials);
    };
    if locked {
        return Err(AppError::BadCredentials);
    }
    if !matches {
        let until = now + LOCK_FOR.as_millis() as i64;
        accounts::record_failed_login(db.pool(), account.id, LOCK_AFTER_FAILURES, until).await?;
        tracing::info!(
            account = account.id,
            failures = account.failed_logins + 1,
            "failed login"
        );
        return Err(AppError::BadCredentials);
    }
    let scope = Scope::parse(&account.scope).map_err(|_| AppError::Internal)?;
    if account.disabled != 0 || scope == Scope::NoPortal {
        return Err(AppError::BadCredentials);
    }
    accounts::clear_failed_logins(db.pool(), account.id).await?;
    if needs_rehash {
        if let Ok(password) = Password::parse(password, &[]) {
            accounts::upgrade_password_hash(
                db.pool(),
                account.id,
                &hash_password(&password).await?,
            )
            .await?;
        }
    }
    // A new id at login, so an id planted before login (session fixation) is worth nothing.
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(ACCOUNT_KEY, account.id)
        .await
        .map_err(session_error)?;
    session
        .insert(LOGIN_AT_KEY, now)
        .await
        .map_err(session_error)?;
    session
        .insert(SEEN_AT_KEY, now)
        .await
        .map_err(session_error)?;
    // The cookie and the stored record both end at the absolute timeout.
    let ends = time::OffsetDateTime::now_utc()
        + time::Duration::try_from(policy.absolute).unwrap_or(time::Duration::hours(12));
    session.set_expiry(Some(tower_sessions::Expiry::AtDateTime(ends)));
    tracing::info!(account = account.id, "logged in");
    accounts::find_caller(db.pool(), account.id)
        .await?
        .and_then(|row| Caller::from_row(row, client_address()))
        .ok_or(AppError::BadCredentials)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// How stale the idle clock of a session may get before it is written again: writing it on every
/// request would turn every page view into a database write.
fn seen_refresh(policy: &SessionPolicy) -> i64 {
    (policy.idle.as_millis() as i64 / 4).min(60_000)
}

/// The account logged in on this session, if any. A session idle too long or past its absolute
/// lifetime, or whose account is gone, disabled or No Portal, is ended here.
/// `ends`, when given, learns until when the session stays good.
pub async fn caller(
    db: &Db,
    session: &Session,
    policy: &SessionPolicy,
    ends: Option<&CredentialEnds>,
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
        .and_then(|a| Caller::from_row(a, client_address()));
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
    if let Some(ends) = ends {
        ends.until(
            (login_at + policy.absolute.as_millis() as i64)
                .min(seen_at + policy.idle.as_millis() as i64),
        );
    }
    Ok(usable)
}

/// The caller of the running server function or page: its state and account, or `Unauthenticated`.
/// Looked up once per request: a page's header and its data share the answer.
pub async fn current() -> Result<(AppState, Caller), AppError> {
    let state = AppState::current()?;
    let cache = leptos::prelude::use_context::<RequestCaller>();
    let found = match &cache {
        Some(cache) => cache.0.get_or_try_init(|| look_up(&state)).await?.clone(),
        None => look_up(&state).await?,
    };
    match found {
        Some(caller) => Ok((state, caller)),
        None => Err(AppError::Unauthenticated),
    }
}

async fn look_up(state: &AppState) -> Result<Option<Caller>, AppError> {
    let session: Session = leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer in front of this request");
        AppError::Internal
    })?;
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let ends = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<CredentialEnds>());
    caller(&state.db, &session, &state.sessions, ends).await
}

/// The caller of one request, once looked up. The server provides a fresh one to each request.
#[derive(Clone, Default)]
pub struct RequestCaller(std::sync::Arc<tokio::sync::OnceCell<Option<Caller>>>);

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a one-time set-password link for an account and returns its secret token (shown once:
/// only its hash is stored).
pub async fn issue_password_link(
    tx: &mut super::db::Tx,
    account_id: i64,
) -> Result<String, AppError> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let now = now_ms();
    let expires = now + PASSWORD_LINK_TTL.as_millis() as i64;
    accounts::insert_password_token(tx, &sha256_hex(&token), account_id, expires, now).await?;
    Ok(token)
}

/// The login a live set-password link is for, if it is live.
pub async fn password_link_login(db: &Db, token: &str) -> Result<Option<String>, AppError> {
    Ok(
        accounts::peek_password_token(db.pool(), &sha256_hex(token), now_ms())
            .await?
            .map(|a| a.login),
    )
}

/// Sets a password through a one-time link. The link is used up; the account's sessions end.
pub async fn set_password_with_link(
    db: &Db,
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let link_gone = || {
        AppError::invalid(crate::model::FieldErrors::one(
            "token",
            "This link has expired or was already used. Ask for a new one.",
        ))
    };
    let account = accounts::peek_password_token(db.pool(), &sha256_hex(token), now_ms())
        .await?
        .ok_or_else(link_gone)?;
    let personal = personal_words(db, account.id).await?;
    let password = new_password(
        password,
        confirm,
        &personal,
        crate::model::FieldErrors::default(),
    )?;
    let hash = hash_password(&password).await?;
    let mut tx = db.begin().await.map_err(super::db::internal)?;
    let account_id = accounts::take_password_token(&mut tx, &sha256_hex(token), now_ms())
        .await?
        .ok_or_else(link_gone)?;
    accounts::set_password_hash(&mut tx, account_id, &hash, now_ms()).await?;
    tx.commit().await.map_err(super::db::internal)?;
    super::db::sessions::end_all_for(db, account_id, None)
        .await
        .map_err(super::db::internal)?;
    tracing::info!(account = account_id, "password set through a one-time link");
    Ok(())
}

/// The account's own words, which its password must not contain: its login (and the part before
/// any `@`), its extension, and each of its names.
async fn personal_words(db: &Db, account_id: i64) -> Result<Vec<String>, AppError> {
    let Some(row) = accounts::find_caller(db.pool(), account_id).await? else {
        return Ok(Vec::new());
    };
    let mut words = vec![row.login.clone()];
    words.extend(row.login.split('@').next().map(str::to_owned));
    words.extend(row.extension);
    words.extend(row.display_name.split_whitespace().map(str::to_owned));
    Ok(words)
}

/// Checks a new password and its confirmation, adding to `errors` (which may already hold
/// others, such as a wrong current password) and reporting them all.
fn new_password(
    password: &str,
    confirm: &str,
    personal: &[String],
    mut errors: crate::model::FieldErrors,
) -> Result<Password, AppError> {
    let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
    let password = errors.check("password", Password::parse(password, &personal));
    if password.as_ref().is_some_and(|p| p.expose() != confirm) {
        errors.add("confirm", "The two passwords differ.");
    }
    match password {
        Some(password) if errors.is_empty() => Ok(password),
        _ => Err(AppError::invalid(errors)),
    }
}

/// Changes the caller's own password, given its current one. The caller's other sessions end;
/// this one stays. Recorded in the audit log (as a masked change).
pub async fn change_password(
    db: &Db,
    session: &Session,
    caller: &Caller,
    current: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let hash = accounts::password_hash(db.pool(), caller.account_id).await?;
    let had_hash = hash.is_some();
    let (matches, _) = verify_password(hash, current.to_owned()).await?;
    let mut errors = crate::model::FieldErrors::default();
    if !(matches && had_hash) {
        errors.add("current", "This is not your current password.");
    }
    let personal = personal_words(db, caller.account_id).await?;
    let password = new_password(password, confirm, &personal, errors)?;
    let hash = hash_password(&password).await?;
    let mut tx = db.begin().await.map_err(super::db::internal)?;
    accounts::set_password_hash(&mut tx, caller.account_id, &hash, now_ms()).await?;
    let changes = [(
        "password".to_owned(),
        super::audit::masked("password", "*".into(), "*".into()),
    )]
    .into();
    let domain = caller.who.domain_id.zip(caller.domain.as_deref());
    super::audit::record(
        &mut tx,
        caller,
        domain,
        "account.password",
        &caller.login,
        &changes,
    )
    .await?;
    tx.commit().await.map_err(super::db::internal)?;
    super::db::sessions::end_all_for(db, caller.account_id, session.id().as_ref())
        .await
        .map_err(super::db::internal)?;
    tracing::info!(
        account = caller.account_id,
        "password changed; other sessions ended"
    );
    Ok(())
}

/// On a new installation, creates the first Super User (`admin`). While no Super User has a
/// password, returns a fresh one-time set-password link token for the oldest of them, for the
/// operator to open. Safe to run from several processes at once.
pub async fn bootstrap_super_user(db: &Db) -> Result<Option<(String, String)>, AppError> {
    if accounts::count_super_users(db.pool()).await? == 0 {
        let login = Login::parse("admin").map_err(|_| AppError::Internal)?;
        let mut tx = db.begin().await.map_err(super::db::internal)?;
        let new = accounts::NewAccount {
            login: &login,
            display_name: "Administrator",
            scope: Scope::SuperUser,
            domain_id: None,
        };
        match accounts::insert(&mut tx, &new, now_ms()).await {
            Ok(_) => tx.commit().await.map_err(super::db::internal)?,
            Err(AppError::Conflict { .. }) => {} // another process made it first
            Err(e) => return Err(e),
        }
    }
    let Some(account) = accounts::super_users_without_password(db.pool())
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let mut tx = db.begin().await.map_err(super::db::internal)?;
    let token = issue_password_link(&mut tx, account.id).await?;
    tx.commit().await.map_err(super::db::internal)?;
    Ok(Some((account.login, token)))
}

/// The full address of a set-password link, on the host the request came to.
pub fn password_link_url(state: &AppState, token: &str) -> String {
    let host = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "localhost".into());
    let scheme = if state.sessions.secure_cookie {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/set-password?token={token}")
}

/// Where a caller lands after logging in: the domains for those who see several, the users of
/// its domain for a manager of one, its own profile for everyone else.
pub fn home_page(caller: &Caller) -> String {
    use crate::model::permissions::{own_users_page, reach, Action, Reach};
    match reach(caller.scope(), Action::ViewDomain) {
        Reach::Everywhere | Reach::ResellerDomains => "/domains".into(),
        _ => {
            own_users_page(caller.scope(), caller.domain.as_deref()).unwrap_or_else(|| "/me".into())
        }
    }
}
