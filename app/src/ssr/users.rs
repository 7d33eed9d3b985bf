//! Creating, changing and removing users: the plain functions behind the server functions (and the
//! API), callable from tests without HTTP. Each one checks the caller against the permission
//! table, and records what it did in the audit log inside its own transaction.

use super::access;
use super::audit;
use super::auth::{self, Caller};
use super::db::{domains, internal, sessions, users, Db, Tx};
use super::now_ms;
use crate::error::AppError;
use crate::model::permissions::{Action, UserPlace};
use crate::model::user::{NewUser, UserDetail, UserForm};
use crate::model::{DomainName, FieldErrors, Scope};

/// A SIP registration password: 20 characters from a 62-letter alphabet (about 119 bits).
pub fn generate_sip_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The user `form` describes, parsed against its domain's settings and rules; every bad field at
/// once.
fn parse_in(found: &domains::DomainRef, form: &UserForm) -> Result<NewUser, AppError> {
    form.parse(&found.settings, &found.field_context())
        .map_err(AppError::invalid)
}

/// A user just created, and the secret of its invitation (a one-time set-password link), if it
/// may log into the portal. The secret is shown once, to the creator; only its hash is kept.
#[derive(Debug)]
pub struct Created {
    pub detail: UserDetail,
    pub invitation: Option<String>,
}

/// What the caller may not give `new`: a scope above its own, or (for a Site Manager) a site
/// other than its own. Reported on the fields, like any other bad input.
fn check_grant(caller: &Caller, new: &NewUser) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    if new.user_scope > caller.scope() {
        errors.add(
            "user-scope",
            format!(
                "You cannot give a scope above your own ({}).",
                caller.scope()
            ),
        );
    }
    if let Some(site) = caller.who.only_site(Action::ManageUsers) {
        if new.site.as_ref().map(|s| s.as_str()) != Some(site) {
            errors.add(
                "site",
                format!("You add users to your own site ({site}) only."),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

/// Creates a user with everything attached, in one transaction, and returns it as stored.
/// Bad fields are all reported at once; a failure at any step writes nothing (the audit entry and
/// the invitation included).
pub async fn create_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &UserForm,
) -> Result<Created, AppError> {
    let found = access::domain(db.pool(), caller, domain, Action::ManageUsers).await?;
    let new = parse_in(&found, form)?;
    check_grant(caller, &new)?;
    let place = UserPlace {
        id: None,
        site: new.site.as_ref().map(|s| s.as_str()),
        scope: new.user_scope,
    };
    if !caller
        .who
        .may(Action::ManageUsers, &found.place(Some(place)))
    {
        return Err(AppError::Forbidden);
    }
    let passwords: Vec<String> = new
        .devices
        .iter()
        .map(|d| {
            d.sip_password
                .as_ref()
                .map_or_else(generate_sip_password, |p| p.expose().to_owned())
        })
        .collect();

    let (mut tx, current) = begin_in(db, &found).await?;
    let account_id = users::create(&mut tx, &current, &new, &passwords, now_ms()).await?;
    let invitation = match new.user_scope {
        Scope::NoPortal => None,
        _ => Some(auth::issue_password_link(&mut tx, account_id).await?),
    };
    let detail = stored(&mut tx, &current, new.user.as_str()).await?;
    let changes = audit::changes(None, Some(&UserForm::from(&detail)));
    audit::record(
        &mut tx,
        caller,
        Some((current.id, current.settings.domain.as_str())),
        "user.create",
        new.user.as_str(),
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %domain, user = %new.user, by = caller.account_id, "user created");
    Ok(Created { detail, invitation })
}

/// The user `extension` as `tx` sees it, with secrets (for what the caller is shown next).
async fn stored(
    tx: &mut Tx,
    found: &domains::DomainRef,
    extension: &str,
) -> Result<UserDetail, AppError> {
    users::get_in(&mut *tx, &found.settings.domain, found.id, extension, true)
        .await?
        .ok_or(AppError::Internal)
}

/// Changes a user and what is attached to it, in one transaction, and returns it as stored.
/// Blank secrets (voicemail PIN, SIP password) keep their stored values. A user who ends up
/// disabled or blocked from web login is logged out everywhere.
pub async fn update_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    form: &UserForm,
) -> Result<UserDetail, AppError> {
    let (found, located) =
        access::user_in(db.pool(), caller, domain, extension, Action::ManageUsers).await?;
    let new = parse_in(&found, form)?;
    check_grant(caller, &new)?;
    save(db, caller, &found, extension, &located, form, new).await
}

/// Writes `new` over the user `extension` (found as `located`), with its audit entry, and ends
/// the user's sessions if it may no longer log in. Shared by managers' edits and self-service.
async fn save(
    db: &Db,
    caller: &Caller,
    found: &domains::DomainRef,
    extension: &str,
    located: &users::Located,
    form: &UserForm,
    mut new: NewUser,
) -> Result<UserDetail, AppError> {
    let generated: Vec<String> = new
        .devices
        .iter()
        .map(|_| generate_sip_password())
        .collect();
    let (mut tx, current) = begin_in(db, found).await?;
    let before = users::get_in(
        &mut tx,
        &current.settings.domain,
        current.id,
        extension,
        true,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    if form.voicemail_login_pin.trim().is_empty() {
        new.settings.voicemail_login_pin = before.user.settings.voicemail_login_pin.clone();
    }
    if !users::update(&mut tx, &current, extension, &new, &generated, now_ms()).await? {
        return Err(AppError::NotFound);
    }
    let after = stored(&mut tx, &current, new.user.as_str()).await?;
    let mut changes = audit::changes(
        Some(&UserForm::from(&before)),
        Some(&UserForm::from(&after)),
    );
    for (field, changed) in [
        (
            "voicemail-login-pin",
            before.user.settings.voicemail_login_pin != after.user.settings.voicemail_login_pin,
        ),
        (
            "device-sip-registration-password",
            before
                .devices
                .iter()
                .map(|d| &d.device_sip_registration_password)
                .ne(after
                    .devices
                    .iter()
                    .map(|d| &d.device_sip_registration_password)),
        ),
    ] {
        if changed {
            changes.insert(
                field.to_owned(),
                audit::masked(field, "*".into(), "*".into()),
            );
        }
    }
    audit::record(
        &mut tx,
        caller,
        Some((current.id, current.settings.domain.as_str())),
        "user.update",
        extension,
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    let locked_out = after.user.status == crate::model::UserStatus::Disabled
        || bool::from(after.user.settings.block_web_login)
        || after.user.user_scope == Scope::NoPortal;
    if locked_out {
        sessions::end_all_for(db, located.account_id, None)
            .await
            .map_err(internal)?;
    }
    tracing::info!(domain = %found.settings.domain, user = %extension, now = %new.user, by = caller.account_id, "user updated");
    Ok(after)
}

/// Starts the write transaction of a change to the users of a domain: holds the domain, then
/// reads it again, so its limits are checked against what this transaction sees.
async fn begin_in(
    db: &Db,
    found: &domains::DomainRef,
) -> Result<(Tx, domains::DomainRef), AppError> {
    let mut tx = db.begin().await.map_err(internal)?;
    domains::lock(&mut tx, found.id).await?;
    let current = domains::find_ref(&mut *tx, &found.settings.domain)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, current))
}

/// Deletes a user (see [`users::delete`] for what goes with it); its sessions end with it.
pub async fn delete_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    delete_voicemail: bool,
) -> Result<(), AppError> {
    let (found, located) =
        access::user_in(db.pool(), caller, domain, extension, Action::ManageUsers).await?;
    let mut tx = db.begin().await.map_err(internal)?;
    let before = users::get_in(&mut tx, &found.settings.domain, found.id, extension, true)
        .await?
        .ok_or(AppError::NotFound)?;
    if !users::delete(&mut tx, found.id, extension, delete_voicemail).await? {
        return Err(AppError::NotFound);
    }
    let changes = audit::changes(Some(&UserForm::from(&before)), None);
    audit::record(
        &mut tx,
        caller,
        Some((found.id, found.settings.domain.as_str())),
        "user.delete",
        extension,
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    sessions::end_all_for(db, located.account_id, None)
        .await
        .map_err(internal)?;
    tracing::info!(domain = %domain, user = %extension, by = caller.account_id, "user deleted");
    Ok(())
}

/// Ends every portal session of the user `extension`. Returns how many there were.
pub async fn end_sessions(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<u64, AppError> {
    let (found, located) =
        access::user_in(db.pool(), caller, domain, extension, Action::ManageUsers).await?;
    let mut tx = db.begin().await.map_err(internal)?;
    let ended = sessions::end_all_in(&mut tx, located.account_id).await?;
    let changes = [("sessions".to_owned(), (ended.to_string(), "0".to_owned()))].into();
    audit::record(
        &mut tx,
        caller,
        Some((found.id, found.settings.domain.as_str())),
        "user.end-sessions",
        extension,
        &changes,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(ended)
}

/// Makes a new invitation (one-time set-password link) for the user `extension`, and returns its
/// secret, to be shown once. Earlier links stay valid until used or expired.
pub async fn invite(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<String, AppError> {
    let (found, located) =
        access::user_in(db.pool(), caller, domain, extension, Action::ManageUsers).await?;
    if located.scope() == Scope::NoPortal {
        return Err(AppError::invalid(FieldErrors::one(
            "user-scope",
            "This user has no portal access (No Portal): give it a scope first.",
        )));
    }
    let mut tx = db.begin().await.map_err(internal)?;
    let token = auth::issue_password_link(&mut tx, located.account_id).await?;
    audit::record(
        &mut tx,
        caller,
        Some((found.id, found.settings.domain.as_str())),
        "user.invite",
        extension,
        &Default::default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(token)
}

/// The caller's own telephony user: its domain, where it stands, and everything attached (SIP
/// passwords left out: they are for managers). `NotFound` for an account without one.
pub async fn own_user(
    db: &Db,
    caller: &Caller,
) -> Result<(domains::DomainRef, users::Located, UserDetail), AppError> {
    let (Some(domain), Some(extension)) = (caller.domain.as_deref(), caller.extension.as_deref())
    else {
        return Err(AppError::NotFound);
    };
    let found = domains::find_ref(db.pool(), &access::parse_name(domain)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let located = users::locate(db.pool(), found.id, extension)
        .await?
        .ok_or(AppError::NotFound)?;
    if !caller
        .who
        .may(Action::EditOwnProfile, &found.place(Some(located.place())))
    {
        return Err(AppError::Forbidden);
    }
    let detail = users::get(
        db.pool(),
        &found.settings.domain,
        found.id,
        extension,
        false,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((found, located, detail))
}

/// Changes the caller's own user through `change`, which edits the form of what is stored: the
/// same parse, transaction and audit entry as a manager's edit. `action` is what the change needs
/// the table to allow (the profile, or the answer rules).
pub async fn update_own(
    db: &Db,
    caller: &Caller,
    action: Action,
    change: impl FnOnce(&mut UserForm),
) -> Result<UserDetail, AppError> {
    let (found, located, detail) = own_user(db, caller).await?;
    if !caller.who.may(action, &found.place(Some(located.place()))) {
        return Err(AppError::Forbidden);
    }
    let mut form = UserForm::from(&detail);
    change(&mut form);
    let new = parse_in(&found, &form)?;
    let extension = detail.user.user.to_string();
    save(db, caller, &found, &extension, &located, &form, new)
        .await
        .map(UserDetail::without_secrets)
}
