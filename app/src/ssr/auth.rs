//! Who is calling: password hashing, logging in and out, sessions, set-password links, and the
//! first Super User of a new installation.

use super::db::{accounts, sessions::ACCOUNT_KEY, Db};
use super::state::SessionPolicy;
use super::{now_ms, AppState};
use crate::error::AppError;
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
/// How long a set-password link stays usable.
pub const PASSWORD_LINK_TTL: Duration = Duration::from_secs(72 * 3600);

/// The logged-in account behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub scope: Scope,
    pub domain_id: Option<i64>,
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
        tracing::info!(account = account.id, "failed login");
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
    Ok(Caller {
        account_id: account.id,
        login: account.login,
        display_name: account.display_name,
        scope,
        domain_id: account.domain_id,
    })
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
pub async fn caller(
    db: &Db,
    session: &Session,
    policy: &SessionPolicy,
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
    let account = accounts::find_by_id(db.pool(), account_id).await?;
    let usable = account.filter(|a| a.disabled == 0).and_then(|a| {
        let scope = Scope::parse(&a.scope)
            .ok()
            .filter(|s| *s != Scope::NoPortal)?;
        Some(Caller {
            account_id: a.id,
            login: a.login,
            display_name: a.display_name,
            scope,
            domain_id: a.domain_id,
        })
    });
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

/// The caller of the running server function or page: its state and account, or `Unauthenticated`.
pub async fn current() -> Result<(AppState, Caller), AppError> {
    let state = AppState::current()?;
    let session: Session = leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer in front of this request");
        AppError::Internal
    })?;
    match caller(&state.db, &session, &state.sessions).await? {
        Some(caller) => Ok((state, caller)),
        None => Err(AppError::Unauthenticated),
    }
}

/// Like [`current`], for what only a Super User may do.
pub async fn require_super_user() -> Result<(AppState, Caller), AppError> {
    let (state, caller) = current().await?;
    if caller.scope == Scope::SuperUser {
        Ok((state, caller))
    } else {
        Err(AppError::Forbidden)
    }
}

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
    let mut errors = crate::model::FieldErrors::default();
    let personal = [account.login.as_str(), account.display_name.as_str()];
    let password = errors.check("password", Password::parse(password, &personal));
    if password.as_ref().is_some_and(|p| p.expose() != confirm) {
        errors.add("confirm", "The two passwords differ.");
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
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

/// The caller of the running server function, if they may manage the users of `domain`, and the
/// domain. A domain the caller may not see is `NotFound`, exactly like one that does not exist.
/// (For now only Super Users manage domains; scopes come with the permission table.)
pub async fn require_domain_manager(
    domain: &str,
) -> Result<(AppState, Caller, super::db::domains::DomainRef), AppError> {
    let (state, caller) = current().await?;
    let name = crate::model::DomainName::parse(domain).map_err(|_| AppError::NotFound)?;
    if caller.scope != Scope::SuperUser {
        return Err(AppError::NotFound);
    }
    let found = super::db::domains::find_ref(state.db.pool(), &name)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((state, caller, found))
}
