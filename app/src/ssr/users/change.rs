//! Changing a user: only the fields a request names, checked for what they change, written in
//! place (the user's row when a column or setting changes; its first device, numbers, answer rule
//! or call queues when those do), with an audit entry naming exactly what changed. A change that
//! changes nothing writes nothing.
//!
//! Managers change any field ([`update_user`]); a user changes what the permission table lets it
//! change of itself ([`update_own`]); [`change_user`] picks between the two for the API.

use super::check::{self, Candidate, Current};
use super::create::may_give;
use super::{begin_locked, field_context, generate_sip_password, stored};
use crate::error::AppError;
use crate::model::fields::{diff, Patch};
use crate::model::permissions::Action;
use crate::model::user::{UserDetail, UserValues, USER_FIELDS};
use crate::model::{DomainName, FieldErrors, Scope, UserStatus, YesNo};
use crate::ssr::access;
use crate::ssr::audit;
use crate::ssr::caller::Caller;
use crate::ssr::db::domains::DomainRef;
use crate::ssr::db::users::{write, Located};
use crate::ssr::db::{sessions, Db};
use crate::ssr::now_ms;

/// Changes the fields `patch` names of the user `extension` of `domain`, as one of its
/// managers, and returns the user as stored.
pub async fn update_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    patch: &Patch,
) -> Result<UserDetail, AppError> {
    let (found, located) =
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    save(
        db,
        caller,
        &found,
        &located,
        extension,
        patch,
        "user.update",
        None,
        FieldErrors::default(),
    )
    .await
}

/// [`update_user`] for an API that speaks another vocabulary (XiVO's, Servetel's): also sets the
/// user's portal password when `password` is given (checked against the password rules, the
/// user's login, extension and names, old and new, as its personal words), and reports the
/// problems `translated` that the translation of the request found already with the change's own
/// (nothing is written if there is any). The password is written, hashed, in the change's
/// transaction, with a masked audit entry; the user's portal sessions end.
pub async fn update_user_translated(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    patch: &Patch,
    password: Option<&str>,
    translated: FieldErrors,
) -> Result<UserDetail, AppError> {
    let (found, located) =
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    let mut problems = translated;
    let hash = match password {
        None => None,
        Some(raw) => {
            let before = {
                let mut conn = db.pool().acquire().await?;
                crate::ssr::db::users::get(&mut conn, &found, extension, false)
                    .await?
                    .ok_or(AppError::NotFound)?
            };
            // The user's words as they are, and as the change would make them.
            let v = &before.values;
            let mut words = crate::ssr::auth::own_words(
                v.login(),
                Some(v.user.as_str()),
                [v.name_first_name.as_str(), v.name_last_name.as_str()],
            );
            words.extend(
                patch
                    .0
                    .iter()
                    .filter(|(name, _)| {
                        matches!(
                            name.as_str(),
                            "user" | "login-username" | "name-first-name" | "name-last-name"
                        )
                    })
                    .map(|(_, text)| text.trim().to_owned())
                    .filter(|text| !text.is_empty()),
            );
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match crate::model::Password::parse(raw, &words) {
                // Hashed before the transaction: it takes a while, and holds no lock meanwhile.
                Ok(password) => Some(crate::ssr::auth::hash_password(&password).await?),
                Err(e) => {
                    problems.add("password", e.0);
                    None
                }
            }
        }
    };
    save(
        db,
        caller,
        &found,
        &located,
        extension,
        patch,
        "user.update",
        hash.as_deref(),
        problems,
    )
    .await
}

/// Changes the fields `patch` names of the caller's own user, each of which it must be allowed to
/// change of itself, and returns the user as its own user sees it.
pub async fn update_own(db: &Db, caller: &Caller, patch: &Patch) -> Result<UserDetail, AppError> {
    let (found, located) = access::own_user(db, caller).await?;
    access::may_change_own(caller, &found, &located, patch.names()).map_err(forbidden_fields)?;
    let extension = caller.extension.clone().unwrap_or_default();
    save(
        db,
        caller,
        &found,
        &located,
        &extension,
        patch,
        "user.update",
        None,
        FieldErrors::default(),
    )
    .await
    .map(UserDetail::without_secrets)
}

/// Refused fields, answered with `Forbidden`'s meaning but naming each field.
fn forbidden_fields(errors: FieldErrors) -> AppError {
    AppError::ForbiddenFields { errors }
}

/// Changes the fields `patch` names of the user `extension` of `domain`: as its manager, or, for
/// the user itself without a manager's scope, as self-service. Answers with the user as the caller
/// may see it.
pub async fn change_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    patch: &Patch,
) -> Result<UserDetail, AppError> {
    if access::as_own_user(caller, domain, extension) {
        update_own(db, caller, patch).await
    } else {
        update_user(db, caller, domain, extension, patch).await
    }
}

/// The fields whose change touches a domain limit (a new site counts against the maximum).
const LIMITED: &[&str] = &["site"];

/// Writes the change `patch` to the user `extension` (found as `located`) in one transaction,
/// with its audit entry (as `action`), and ends the user's sessions if it may no longer log in.
/// With `password_hash`, the user's portal password is set too (and its sessions end); the
/// `problems` found before are reported with the change's own.
#[allow(clippy::too_many_arguments)]
async fn save(
    db: &Db,
    caller: &Caller,
    found: &DomainRef,
    located: &Located,
    extension: &str,
    patch: &Patch,
    action: &str,
    password_hash: Option<&str>,
    problems: FieldErrors,
) -> Result<UserDetail, AppError> {
    // Only a change that a domain limit counts holds the domain: others run side by side.
    let (mut tx, domain) = if patch.names_any(LIMITED) {
        begin_locked(db, found).await?
    } else {
        (db.begin().await?, found.clone())
    };
    let before = stored(&mut tx, &domain, extension).await?;
    let old = before.stored();
    let mut new = old.clone();
    let mut errors = problems;
    let cx = field_context(&domain);
    for (name, text) in &patch.0 {
        if !new.apply(name, text, &cx, &mut errors) {
            errors.add(name.as_str(), "Unknown field.");
        }
    }
    if password_hash.is_some() && new.user_scope == Scope::NoPortal {
        errors.add(
            "password",
            "A user with no portal access (No Portal) has no portal password.",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    if new.login_username.is_none() || new.device.is_none() {
        // A blank login or device is NetSapiens' default again.
        new.complete(domain.name())?;
    } else if new.login_username != old.login_username {
        new.qualify_login(domain.name())?;
    }
    if new.voicemail_login_pin != old.voicemail_login_pin || new.user != old.user {
        new.check_together()?;
    }
    if new == old && password_hash.is_none() {
        return Ok(before);
    }
    may_give(caller, &new)?;

    let first_device = before.devices.first().map(|d| d.device.as_str());
    let device_renamed = new.device.as_ref().map(|d| d.as_str()) != first_device;
    let has_box = before.voicemail_box.is_some();
    let wants_box = check::has_voicemail(&new, &domain) && !has_box;
    let candidate = Candidate {
        values: &new,
        devices: new
            .device
            .iter()
            .filter(|_| device_renamed)
            .map(|d| d.as_str())
            .collect(),
        wants_box: wants_box || (has_box && new.user != old.user),
        current: Some(Current {
            id: located.id,
            before: &old,
        }),
    };
    let any_caller_id = crate::ssr::access::may_send_any_caller_id(caller);
    let checked = check::check(
        &mut tx,
        &domain,
        std::slice::from_ref(&candidate),
        any_caller_id,
    )
    .await?;
    if let Some((_, problems)) = checked.problems.into_iter().next() {
        return Err(problems.into_error());
    }
    let found_now = checked.found.into_iter().next().unwrap_or_default();
    let now = now_ms();

    if write::row_differs(&old, &new) {
        let site_id = match (&new.site, found_now.site_id) {
            (Some(site), None) => {
                Some(crate::ssr::db::sites::ensure(&mut tx, domain.id, site, now).await?)
            }
            (_, id) => id,
        };
        write::update_row(&mut tx, located.id, &new, site_id, now).await?;
    }
    // A box moves with a new extension; a user who now has voicemail gets one.
    if (has_box && new.user != old.user) || wants_box {
        write::set_mailbox(&mut tx, domain.id, located.id, new.user.as_str(), now).await?;
    }
    let password = new
        .device_sip_registration_password
        .get()
        .map(|p| p.expose().to_owned());
    match (first_device, &new.device) {
        (Some(first), Some(device)) if device_renamed || password.is_some() => {
            let rename = device_renamed.then_some(device.as_str());
            write::change_device(
                &mut tx,
                &domain,
                located.id,
                first,
                rename,
                password.as_deref(),
            )
            .await?;
        }
        (None, Some(device)) => {
            let password = password.clone().unwrap_or_else(generate_sip_password);
            write::insert_device(
                &mut tx,
                &domain,
                located.id,
                device.as_str(),
                &password,
                now,
            )
            .await?;
        }
        _ => {}
    }
    if new.phone_numbers != old.phone_numbers {
        let numbers: Vec<(&str, bool)> = found_now
            .numbers
            .iter()
            .map(|(n, k)| (n.as_str(), *k))
            .collect();
        write::set_numbers(&mut tx, domain.id, located.id, &numbers, now).await?;
    }
    if new.answer_rule() != old.answer_rule() {
        write::set_answer_rule(&mut tx, located.id, &new.answer_rule()).await?;
    }
    if new.groups != old.groups {
        let defaults = crate::ssr::call_queues::new_agent_defaults()?;
        crate::ssr::db::call_queues::set_user_queues(
            &mut tx,
            located.id,
            &found_now.queue_ids,
            &defaults,
            now,
        )
        .await?;
    }
    if let Some(hash) = password_hash {
        crate::ssr::db::accounts::set_password_hash(&mut tx, located.account_id, hash, now).await?;
    }

    let after = stored(&mut tx, &domain, new.user.as_str()).await?;
    let mut changes = audit::from_diff(diff(USER_FIELDS, &before.form(), &after.form()));
    for (field, changed) in [
        (
            "voicemail-login-pin",
            old.voicemail_login_pin != new.voicemail_login_pin,
        ),
        ("device-sip-registration-password", password.is_some()),
        ("password", password_hash.is_some()),
    ] {
        if changed {
            changes.insert(field.to_owned(), ("***".into(), "***".into()));
        }
    }
    audit::record(
        &mut tx,
        caller,
        audit::within(&domain),
        action,
        extension,
        &changes,
    )
    .await?;
    if locked_out(&new) || password_hash.is_some() {
        sessions::end_all(&mut tx, located.account_id, None).await?;
    }
    tx.commit().await?;
    tracing::info!(domain = %domain.name(), user = %extension, now = %new.user, by = caller.account_id, "user updated");
    Ok(after)
}

/// Whether a user with these values may no longer use the portal.
fn locked_out(v: &UserValues) -> bool {
    v.status == UserStatus::Disabled
        || v.block_web_login == YesNo::Yes
        || v.user_scope == Scope::NoPortal
}

/// Whether the caller may change `fields` of the user `extension` of `domain` (as its manager, or
/// of itself as the permission table allows), without changing anything: the refusal a change
/// of them would meet. Answers with the user's domain and the user, as found.
pub async fn may_change(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    fields: &[&str],
) -> Result<(DomainRef, Located), AppError> {
    if access::as_own_user(caller, domain, extension) {
        let (found, located) = access::own_user(db, caller).await?;
        access::may_change_own(caller, &found, &located, fields.iter().copied())
            .map_err(forbidden_fields)?;
        Ok((found, located))
    } else {
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await
    }
}
