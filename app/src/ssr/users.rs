//! Creating and removing users: the plain functions behind the server functions (and the API),
//! callable from tests without HTTP.

use super::db::{domains, internal, users, Db, Tx};
use super::now_ms;
use crate::error::AppError;
use crate::model::user::{FieldContext, UserDetail, UserForm};
use crate::model::DomainName;

/// A SIP registration password: 20 characters from a 62-letter alphabet (about 119 bits).
pub fn generate_sip_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Creates a user with everything attached, in one transaction, and returns it as stored.
/// Bad fields are all reported at once; a failure at any step writes nothing.
pub async fn create_user(
    db: &Db,
    domain: &DomainName,
    form: &UserForm,
) -> Result<UserDetail, AppError> {
    let found = domains::find_ref(db.pool(), domain)
        .await?
        .ok_or(AppError::NotFound)?;
    let cx = FieldContext {
        alphanumeric_extensions: found.alphanumeric_extensions,
    };
    let new = form
        .parse(&found.settings, &cx)
        .map_err(AppError::invalid)?;
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
    users::create(&mut tx, &current, &new, &passwords, now_ms()).await?;
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %domain, user = %new.user, "user created");

    users::get(db.pool(), domain, current.id, new.user.as_str(), true)
        .await?
        .ok_or(AppError::Internal)
}

/// Changes a user and what is attached to it, in one transaction, and returns it as stored.
/// Blank secrets (voicemail PIN, SIP password) keep their stored values.
pub async fn update_user(
    db: &Db,
    domain: &DomainName,
    extension: &str,
    form: &UserForm,
) -> Result<UserDetail, AppError> {
    let found = domains::find_ref(db.pool(), domain)
        .await?
        .ok_or(AppError::NotFound)?;
    let existing = users::get(db.pool(), domain, found.id, extension, true)
        .await?
        .ok_or(AppError::NotFound)?;
    let cx = FieldContext {
        alphanumeric_extensions: found.alphanumeric_extensions,
    };
    let mut new = form
        .parse(&found.settings, &cx)
        .map_err(AppError::invalid)?;
    if form.voicemail_login_pin.trim().is_empty() {
        new.settings.voicemail_login_pin = existing.user.settings.voicemail_login_pin.clone();
    }
    let generated: Vec<String> = new
        .devices
        .iter()
        .map(|_| generate_sip_password())
        .collect();

    let (mut tx, current) = begin_in(db, &found).await?;
    if !users::update(&mut tx, &current, extension, &new, &generated, now_ms()).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %domain, user = %extension, now = %new.user, "user updated");
    users::get(db.pool(), domain, current.id, new.user.as_str(), true)
        .await?
        .ok_or(AppError::Internal)
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

/// Deletes a user (see [`users::delete`] for what goes with it).
pub async fn delete_user(
    db: &Db,
    domain: &DomainName,
    extension: &str,
    delete_voicemail: bool,
) -> Result<(), AppError> {
    let found = domains::find_ref(db.pool(), domain)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = db.begin().await.map_err(internal)?;
    if !users::delete(&mut tx, found.id, extension, delete_voicemail).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await.map_err(internal)?;
    tracing::info!(domain = %domain, user = %extension, "user deleted");
    Ok(())
}
