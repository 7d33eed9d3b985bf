//! Logging in, passwords and their hashing, one-time set-password links, and the first Super
//! User of a new installation.

use super::caller::{session_error, Caller, SessionPolicy, LOGIN_AT_KEY, SEEN_AT_KEY};
use super::db::{accounts, sessions::ACCOUNT_KEY, Db, DbError};
use super::now_ms;
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

/// Failed logins in a row before an account is soft-locked, and for how long. A soft lock holds
/// back everyone but the owner: the right password is still taken from an address the account
/// has logged in from before (see [`log_in`]), so a stranger cannot lock anyone out.
pub const LOCK_AFTER_FAILURES: i64 = 10;
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
/// How many addresses an account remembers having logged in from.
const KNOWN_ADDRESSES: usize = 10;
/// The header the login server function puts on a refusal, for the server's guard against
/// guessing to count it (the guard takes it off before the answer leaves).
pub const LOGIN_FAILED_HEADER: &str = "x-roster-login-failed";
/// How long an invitation (a set-password link made for a new user, or by a manager) stays usable.
pub const PASSWORD_LINK_TTL: Duration = Duration::from_secs(72 * 3600);
/// How long a password-reset link (asked for on the login page) stays usable.
pub const RESET_LINK_TTL: Duration = Duration::from_secs(3600);
/// The most password-reset messages one account gets in [`RESET_WINDOW`]; further requests are
/// answered alike and send nothing.
pub const RESETS_PER_WINDOW: i64 = 3;
pub const RESET_WINDOW: Duration = Duration::from_secs(3600);
/// The most accounts one reset request (an address several users share) reaches.
const RESET_MAX_ACCOUNTS: i64 = 10;

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
///
/// Failed logins are counted per account; after [`LOCK_AFTER_FAILURES`] in a row the account is
/// soft-locked for [`LOCK_FOR`]: while it is, only an address the account has logged in from
/// before gets in (with the right password), and attempts from elsewhere are refused without
/// being counted. (Each client address is also slowed and limited by the server's guard.)
///
/// The audit log gets every outcome, with the address: `account.login` for a login,
/// `account.login-failed` for every refusal (with its reason; an unknown login as the text typed,
/// cut short, in no domain, so only Super Users read it), `account.soft-locked` for the failure
/// that locks, and `account.unlocked` for the login that ends a lock. A password is never
/// recorded. Refusals cannot flood the log faster than the server's guard lets attempts in: each
/// client address gets a burst and then a few attempts a minute (`--login-burst`,
/// `--login-per-minute`, answered 429 beyond), every refusal costs the caller a password hash
/// and a growing delay, and a locked account's counter stops counting, not the guard. Each entry
/// is written in a short transaction of its own, after the password was checked and with no
/// other connection held.
pub async fn log_in(
    db: &Db,
    session: &Session,
    policy: &SessionPolicy,
    login: &str,
    password: &str,
    address: String,
) -> Result<Caller, AppError> {
    let now = now_ms();
    let account = match Login::parse(login) {
        Ok(login) => accounts::find_by_login(db.pool(), &login).await?,
        Err(_) => None,
    };
    // Not a login: the e-mail address of exactly one account's user serves as well.
    let account = match (account, crate::model::EmailAddress::parse(login.trim())) {
        (None, Ok(email)) => accounts::find_by_email(db.pool(), email.as_str()).await?,
        (account, _) => account,
    };
    let known = |a: &accounts::AccountRow| {
        !address.is_empty() && a.known_addresses.split(',').any(|k| k == address)
    };
    let locked = account
        .as_ref()
        .is_some_and(|a| a.locked_until.is_some_and(|t| t > now));
    let held_back = account.as_ref().is_some_and(|a| locked && !known(a));
    let hash = account
        .as_ref()
        .filter(|_| !held_back)
        .and_then(|a| a.password_hash.clone());
    let (matches, needs_rehash) = verify_password(hash, password.to_owned()).await?;

    let Some(account) = account else {
        tracing::info!(%address, "failed login: no such account");
        refused(db, None, &typed_login(login), &address, "unknown login").await?;
        return Err(AppError::BadCredentials);
    };
    let domain = account.domain_id.zip(account.domain.as_deref());
    if held_back {
        tracing::info!(account = account.id, %address, "login from an unknown address refused: the account is soft-locked");
        let reason = "soft-locked, and not an address it has logged in from";
        refused(db, domain, &account.login, &address, reason).await?;
        return Err(AppError::BadCredentials);
    }
    if !matches {
        failed_login(db, &account, &address, now).await?;
        return Err(AppError::BadCredentials);
    }
    let scope = Scope::parse(&account.scope).map_err(|_| AppError::Internal)?;
    if account.disabled != 0 || scope == Scope::NoPortal {
        let reason = if account.disabled != 0 {
            "disabled"
        } else {
            "no portal access"
        };
        refused(db, domain, &account.login, &address, reason).await?;
        return Err(AppError::BadCredentials);
    }
    // Read before the write transaction begins, so no connection waits on another.
    let caller = accounts::find_caller(db.pool(), account.id)
        .await?
        .and_then(|row| Caller::from_row(row, address.clone()))
        .ok_or(AppError::BadCredentials)?;
    let remembered: Vec<&str> = std::iter::once(address.as_str())
        .chain(account.known_addresses.split(',').filter(|k| *k != address))
        .filter(|k| !k.is_empty())
        .take(KNOWN_ADDRESSES)
        .collect();
    let mut tx = db.begin().await?;
    accounts::record_login(&mut tx, account.id, &remembered.join(",")).await?;
    if locked {
        let changes = [("address".to_owned(), (String::new(), address.clone()))].into();
        let action = "account.unlocked";
        super::audit::record(&mut tx, &caller, domain, action, &account.login, &changes).await?;
    }
    let none = super::audit::Changes::new();
    super::audit::record(
        &mut tx,
        &caller,
        domain,
        "account.login",
        &account.login,
        &none,
    )
    .await?;
    tx.commit().await?;
    if needs_rehash {
        if let Ok(password) = Password::parse(password, &[]) {
            accounts::upgrade_password_hash(
                db.writer(),
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
    Ok(caller)
}

/// The most characters of an unknown login the audit log keeps.
const TYPED_LOGIN_CHARS: usize = 64;

/// An unknown login as the audit log keeps it: what was typed, trimmed, lower-cased (as logins
/// are compared), without control characters, and cut to [`TYPED_LOGIN_CHARS`] (marked `…`), so
/// that a long paste does not land whole in the log.
fn typed_login(login: &str) -> String {
    let clean: String = login
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    if clean.chars().count() > TYPED_LOGIN_CHARS {
        let mut cut: String = clean.chars().take(TYPED_LOGIN_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        clean
    }
}

/// Records a refused login that is not counted against an account (an unknown login, a
/// soft-locked account tried from elsewhere, a disabled account), as `account.login-failed` by
/// `anonymous` from `address`, with its `reason`, in a transaction of its own.
async fn refused(
    db: &Db,
    domain: Option<(i64, &str)>,
    target: &str,
    address: &str,
    reason: &str,
) -> Result<(), AppError> {
    let stranger = Caller::anonymous(address.to_owned());
    let changes = [("reason".to_owned(), (String::new(), reason.to_owned()))].into();
    let mut tx = db.begin().await?;
    let action = "account.login-failed";
    super::audit::record(&mut tx, &stranger, domain, action, target, &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Counts a failed login of `account` from `address`, audits it, and audits the soft lock it may
/// cause.
async fn failed_login(
    db: &Db,
    account: &accounts::AccountRow,
    address: &str,
    now: i64,
) -> Result<(), AppError> {
    let domain = account.domain_id.zip(account.domain.as_deref());
    let stranger = Caller::anonymous(address.to_owned());
    let mut tx = db.begin().await?;
    let until = now + LOCK_FOR.as_millis() as i64;
    let (failures, locked) =
        accounts::record_failed_login(&mut tx, account.id, LOCK_AFTER_FAILURES, until).await?;
    let count = [
        ("failures".to_owned(), (String::new(), failures.to_string())),
        (
            "reason".to_owned(),
            (String::new(), "wrong password".to_owned()),
        ),
    ]
    .into();
    let actions = ["account.login-failed"]
        .into_iter()
        .chain(locked.then_some("account.soft-locked"));
    for action in actions {
        super::audit::record(&mut tx, &stranger, domain, action, &account.login, &count).await?;
    }
    tx.commit().await?;
    tracing::info!(account = account.id, failures, locked, %address, "failed login");
    Ok(())
}

fn sha256_hex(text: &str) -> String {
    super::hex(&Sha256::digest(text.as_bytes()))
}

/// Makes a one-time set-password link for an account, valid `ttl`, and returns its secret token
/// (shown or mailed once: only its hash is stored). Any older live link of the account ends:
/// one live link per account.
pub async fn issue_password_link(
    tx: &mut super::db::Tx,
    account_id: i64,
    ttl: Duration,
) -> Result<String, AppError> {
    let token = super::random_hex(32);
    let now = now_ms();
    accounts::end_password_tokens(tx, account_id, now).await?;
    let expires = now + ttl.as_millis() as i64;
    accounts::insert_password_token(tx, &sha256_hex(&token), account_id, expires, now).await?;
    Ok(token)
}

/// Makes a set-password link for an account and queues `template` with it to the account's
/// e-mail addresses, inside `tx`. Returns the token, and the addresses the message is queued to
/// (none when the account has no address).
pub async fn mail_password_link(
    tx: &mut super::db::Tx,
    account_id: i64,
    template: crate::model::mail::MailTemplate,
    batch: Option<&str>,
) -> Result<(String, Option<String>), AppError> {
    let ttl = match template {
        crate::model::mail::MailTemplate::PasswordReset => RESET_LINK_TTL,
        _ => PASSWORD_LINK_TTL,
    };
    let token = issue_password_link(tx, account_id, ttl).await?;
    let hours = ttl.as_secs() / 3600;
    let to = super::mail::queue(tx, account_id, template, Some(&token), hours, batch).await?;
    Ok((token, to))
}

/// The login a live set-password link is for, if it is live.
pub async fn password_link_login(db: &Db, token: &str) -> Result<Option<String>, AppError> {
    Ok(
        accounts::peek_password_token(db.pool(), &sha256_hex(token), now_ms())
            .await?
            .map(|a| a.login),
    )
}

/// Sets a password through a one-time link. The link (and any other of the account) is used up;
/// the account's sessions end; the owner is told by mail; the audit log records it, from the
/// owner's address: `account.invitation-used` for an invitation, `account.password-set` for a
/// reset link.
pub async fn set_password_with_link(
    db: &Db,
    token: &str,
    password: &str,
    confirm: &str,
    address: String,
) -> Result<String, AppError> {
    let link_gone = || {
        AppError::invalid(crate::model::FieldErrors::one(
            "token",
            "This link has expired or was already used. Ask for a new one.",
        ))
    };
    let account = accounts::peek_password_token(db.pool(), &sha256_hex(token), now_ms())
        .await?
        .ok_or_else(link_gone)?;
    let owner = accounts::find_caller(db.pool(), account.id)
        .await?
        .and_then(|row| Caller::from_row(row, address))
        .ok_or_else(link_gone)?;
    let password = new_password(
        password,
        confirm,
        &personal_words(&owner),
        crate::model::FieldErrors::default(),
    )?;
    let hash = hash_password(&password).await?;
    let mut tx = db.begin().await?;
    let (account_id, lasted) = accounts::take_password_token(&mut tx, &sha256_hex(token), now_ms())
        .await?
        .ok_or_else(link_gone)?;
    accounts::set_password_hash(&mut tx, account_id, &hash, now_ms()).await?;
    super::db::sessions::end_all(&mut tx, account_id, None).await?;
    // An invitation (a new user's link, a manager's, the first Super User's) is made to last
    // longer than a reset link from the login page: that is how the two are told apart.
    let action = if lasted > RESET_LINK_TTL.as_millis() as i64 {
        "account.invitation-used"
    } else {
        "account.password-set"
    };
    password_changed(&mut tx, &owner, action).await?;
    tx.commit().await?;
    super::mail::wake();
    tracing::info!(account = account_id, "password set through a one-time link");
    Ok(account.login)
}

/// Records a password change of `owner` (by itself) in the audit log as `action`, and queues the
/// "your password was changed" message to it.
async fn password_changed(
    tx: &mut super::db::Tx,
    owner: &Caller,
    action: &str,
) -> Result<(), AppError> {
    let changes = [(
        "password".to_owned(),
        super::audit::masked("password", "*".into(), "*".into()),
    )]
    .into();
    let domain = owner.who.domain_id.zip(owner.domain.as_deref());
    super::audit::record(tx, owner, domain, action, &owner.login, &changes).await?;
    let template = crate::model::mail::MailTemplate::PasswordChanged;
    // An account with no e-mail address (a Super User's, say) is simply not told.
    super::mail::queue(tx, owner.account_id, template, None, 0, None).await?;
    Ok(())
}

/// Asks for a password-reset link for the account whose login, or whose user's e-mail address,
/// is `who`. The answer is the same whether or not such an account exists (and whether or not a
/// message went out); the link, valid an hour, goes only to the account's own addresses, and ends
/// any older link. An account gets at most [`RESETS_PER_WINDOW`] in [`RESET_WINDOW`] (the
/// server's guard limits each client address as well). The audit log records each request.
pub async fn request_password_reset(db: &Db, who: &str, address: String) -> Result<(), AppError> {
    use crate::model::mail::MailTemplate;
    use crate::model::EmailAddress;
    let who = who.trim();
    if who.is_empty() {
        return Err(AppError::invalid(crate::model::FieldErrors::one(
            "who",
            "Type your login or your e-mail address.",
        )));
    }
    let login = Login::parse(who).ok();
    let email = EmailAddress::parse(who).ok();
    let accounts = accounts::mail_to_by_login_or_email(
        db.pool(),
        login.as_ref().map(Login::as_str),
        email.as_ref().map(|e| e.as_str()),
        RESET_MAX_ACCOUNTS,
    )
    .await?;
    let now = now_ms();
    let mut queued = 0;
    for account in accounts {
        let may_log_in = account.disabled == 0
            && Scope::parse(&account.scope).is_ok_and(|s| s != Scope::NoPortal);
        if !may_log_in {
            continue;
        }
        let mut tx = db.begin().await?;
        let since = now - RESET_WINDOW.as_millis() as i64;
        let template = MailTemplate::PasswordReset;
        let recent =
            super::db::outbox::count_since(&mut tx, account.id, template.as_str(), since).await?;
        let outcome = if recent >= RESETS_PER_WINDOW {
            "throttled"
        } else if mail_password_link(&mut tx, account.id, template, None)
            .await?
            .1
            .is_some()
        {
            queued += 1;
            "sent"
        } else {
            "no e-mail address"
        };
        let requester = Caller::anonymous(address.clone());
        let domain = account.domain_id.zip(account.domain.as_deref());
        let changes = [("outcome".to_owned(), (String::new(), outcome.to_owned()))].into();
        let action = "account.password-reset-requested";
        super::audit::record(
            &mut tx,
            &requester,
            domain,
            action,
            &account.login,
            &changes,
        )
        .await?;
        tx.commit().await?;
    }
    if queued > 0 {
        super::mail::wake();
    }
    Ok(())
}

/// The account's own words, which its password must not contain: its login (and the part before
/// any `@`), its extension, and each of its names.
fn personal_words(owner: &Caller) -> Vec<String> {
    own_words(
        &owner.login,
        owner.extension.as_deref(),
        owner.display_name.split_whitespace(),
    )
}

/// The words of an account with this `login`, `extension` and `names` that its password must
/// not contain (see [`personal_words`]); also for a password a manager sets through an API.
pub fn own_words<'a>(
    login: &str,
    extension: Option<&str>,
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut words = vec![login.to_owned()];
    words.extend(login.split('@').next().map(str::to_owned));
    words.extend(extension.map(str::to_owned));
    words.extend(names.into_iter().map(str::to_owned));
    words.retain(|w| !w.trim().is_empty());
    words
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
    let password = new_password(password, confirm, &personal_words(caller), errors)?;
    let hash = hash_password(&password).await?;
    let mut tx = db.begin().await?;
    accounts::set_password_hash(&mut tx, caller.account_id, &hash, now_ms()).await?;
    password_changed(&mut tx, caller, "account.password").await?;
    super::db::sessions::end_all(&mut tx, caller.account_id, session.id().as_ref()).await?;
    tx.commit().await?;
    super::mail::wake();
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
        let mut tx = db.begin().await?;
        let new = accounts::NewAccount {
            login: &login,
            display_name: "Administrator",
            scope: Scope::SuperUser,
            domain_id: None,
        };
        match accounts::insert(&mut tx, &new, now_ms()).await {
            Ok(_) => tx.commit().await?,
            Err(DbError::Conflict(_)) => {} // another process made it first
            Err(e) => return Err(e.into()),
        }
    }
    let Some(account) = accounts::super_users_without_password(db.pool())
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let token = issue_password_link(&mut tx, account.id, PASSWORD_LINK_TTL).await?;
    tx.commit().await?;
    Ok(Some((account.login, token)))
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
