//! API keys: making them (within the maker's own reach), listing, changing and revoking them,
//! and turning a `Bearer` token back into the [`Caller`] it acts as.
//!
//! A key acts for the account that made it, never beyond it: its scope is at most the maker's
//! (and at most the maker's *current* scope, checked at every use), a key for one domain acts at
//! most as that domain's Office Manager, and a key below Office Manager acts as the maker's own
//! user, so it can only be for the maker's own domain. A key may name a user of its one domain
//! instead (NetSapiens' `user`): it then acts as that user, with at most that user's current
//! scope as well, and only a user its maker may manage (or the maker's own) may be named. Its
//! `allowed-models` limit the routes it may use (see the API's route table).

use super::access;
use super::audit;
use super::caller::{Caller, KeyUse};
use super::db::domains::DomainRef;
use super::db::users::{self, Located};
use super::db::{api_keys, domains, Db};
use super::{hex, now_ms, random_hex};
use crate::error::AppError;
use crate::model::api_key::{
    AllowedAddresses, AllowedModels, ApiKey, ApiKeyChangeForm, ApiKeyForm, IssuedApiKey, KeyDomain,
};
use crate::model::audit::rfc3339;
use crate::model::permissions::{Action, Who};
use crate::model::{Extension, FieldErrors, Parse, Scope, YesNo};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::time::Duration;

/// How often a key's last-used time is written: NetSapiens keeps it "accurate up to the hour",
/// which spares a write on every request.
const LAST_USED_GRANULARITY: Duration = Duration::from_secs(3600);
/// Tokens start with this, so a leaked one is recognisable (and greppable).
const TOKEN_PREFIX: &str = "rk_";
/// Random bytes of a new key's id: 12 hex characters, NetSapiens' length of a `key-id`. (Keys made
/// before had 16; their tokens keep working: an id is whatever stands between `rk_` and the
/// next `_`.)
const KEY_ID_BYTES: usize = 6;

fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two hashes in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn listed(row: api_keys::KeyRow) -> ApiKey {
    ApiKey {
        key_id: row.key_id,
        description: row.description,
        user_scope: Scope::parse(&row.scope).unwrap_or(Scope::BasicUser),
        domain: row.domain.unwrap_or_else(|| "*".into()),
        reseller: row.reseller,
        readonly: YesNo::from(row.read_only != 0),
        ip_address: row.allowed_addresses,
        can_create_keys: YesNo::from(row.can_create_keys != 0),
        user: row.user_extension.unwrap_or_default(),
        allowed_models: AllowedModels::parse(&row.allowed_models).unwrap_or_default(),
        parent_key_id: row.parent,
        created_by: row.created_by,
        created_datetime: rfc3339(row.created_at),
        lastused_datetime: row.last_used_at.map(rfc3339),
    }
}

/// The limits a stored key holds: where it may be used from, and which models it may use.
/// Roster writes both from parsed values, so one that no longer parses is a fault, not a reason
/// to let the key reach further.
fn limits(row: &api_keys::KeyRow) -> Result<(AllowedAddresses, AllowedModels), AppError> {
    match (
        AllowedAddresses::parse(&row.allowed_addresses),
        AllowedModels::parse(&row.allowed_models),
    ) {
        (Ok(addresses), Ok(models)) => Ok((addresses, models)),
        _ => {
            tracing::error!(key = %row.key_id, "stored limits of an API key do not parse");
            Err(AppError::Internal)
        }
    }
}

/// The stored key `key_id`, whoever made it (the key a request came with, or a key's parent).
async fn stored_key(db: &Db, key_id: &str) -> Result<api_keys::KeyRow, AppError> {
    api_keys::get(&mut *db.pool().acquire().await?, key_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The domain a key for one domain is for, found as `caller` may name it: its own (even when its
/// scope may not view domains: a Basic User's key is for its own domain), or one it may view.
/// `None`, with the reason recorded on `domain`, when there is none.
async fn key_domain(
    db: &Db,
    caller: &Caller,
    domain: &KeyDomain,
    errors: &mut FieldErrors,
) -> Result<Option<DomainRef>, AppError> {
    let own = caller
        .domain
        .as_deref()
        .filter(|_| caller.who.domain_id.is_some());
    let found = match domain {
        KeyDomain::All => return Ok(None),
        KeyDomain::Named(name) if own == Some(name.as_str()) => {
            domains::get(db.pool(), name).await?
        }
        KeyDomain::Named(name) => access::domain(db, caller, name, Action::ViewDomain)
            .await
            .ok(),
        KeyDomain::Own => match own {
            Some(name) => domains::get(db.pool(), &access::parse_name(name)?).await?,
            None => None,
        },
    };
    if found.is_none() {
        errors.add(
            "domain",
            match domain {
                KeyDomain::Own => "You have no domain of your own: name one, or * for all.",
                _ => "No such domain.",
            },
        );
    }
    Ok(found)
}

/// The user `extension` of `domain` a key of `caller` may act as: its own user, or one it may
/// manage. Any other answers like a missing one, so a key says nothing of users its maker may not
/// see.
async fn key_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainRef,
    extension: &Extension,
    errors: &mut FieldErrors,
) -> Result<Option<Located>, AppError> {
    let found = users::locate(db.pool(), domain.id, extension.as_str())
        .await?
        .filter(|user| {
            caller.who.user_id == Some(user.id)
                || caller
                    .who
                    .may(Action::ManageUsers, &domain.place(Some(user.place())))
        });
    if found.is_none() {
        errors.add(
            "user",
            format!("No user {extension} in {} that you manage.", domain.name()),
        );
    }
    Ok(found)
}

/// Makes a key for `caller` and returns it with its token (shown this once). Every bad field is
/// reported at once; a scope, domain or user beyond the caller's reach is a field error too. Made
/// with a key, the new key is that key's child: the key must have `can-create-keys`; the child
/// stays within it (scope, its one domain, its addresses and models: with none given it takes the
/// parent's, and the parent's user too; a read-only key makes nothing, being read-only) and is
/// revoked with it.
pub async fn create_key(
    db: &Db,
    caller: &Caller,
    form: &ApiKeyForm,
) -> Result<IssuedApiKey, AppError> {
    let parent = match caller.key.as_ref() {
        Some(key) if !key.can_create_keys => return Err(AppError::Forbidden),
        Some(key) => Some((key, stored_key(db, &key.key_id).await?)),
        None => None,
    };
    let mut new = form.parse().map_err(AppError::invalid)?;
    let mut errors = FieldErrors::default();
    if let Some((parent, row)) = &parent {
        // A child is for its parent's one domain (if it has one), and reaches no address or
        // model the parent does not: with none given, it takes the parent's, and its user.
        if caller.who.domain_id.is_some() && new.domain != KeyDomain::Own {
            let named_own = matches!(&new.domain, KeyDomain::Named(n) if caller.domain.as_deref() == Some(n.as_str()));
            if !named_own {
                errors.add(
                    "domain",
                    "A key made by a key is for that key's own domain.",
                );
            }
        }
        if new.allowed.is_empty() {
            new.allowed = parent.allowed.clone();
        } else if !parent.allowed.covers(&new.allowed) {
            errors.add(
                "ip-address",
                format!(
                    "A key made by a key may only be used from where that key may: {}.",
                    parent.allowed
                ),
            );
        }
        let (_, models) = limits(row)?;
        match &new.models {
            None => new.models = Some(models),
            Some(wanted) if !models.covers(wanted) => errors.add(
                "allowed-models",
                format!("A key made by a key may only use that key's models: {models}."),
            ),
            Some(_) => {}
        }
        if new.user.is_none() {
            new.user = row
                .user_extension
                .as_deref()
                .map(|ext| Extension::parse_alphanumeric(ext).map_err(|_| AppError::Internal))
                .transpose()?;
        }
    }

    let found = key_domain(db, caller, &new.domain, &mut errors).await?;
    let user = match (&new.user, &found) {
        (None, _) => None,
        (Some(_), None) if new.domain == KeyDomain::All => {
            errors.add(
                "user",
                "A key for all domains (*) acts as no one user: name the user's domain.",
            );
            None
        }
        // The domain's own error says why.
        (Some(_), None) => None,
        (Some(extension), Some(domain)) => {
            key_user(db, caller, domain, extension, &mut errors).await?
        }
    };
    // Acting as a user, a key has at most that user's scope.
    let ceiling = user
        .as_ref()
        .map_or(caller.scope(), |u| u.scope().min(caller.scope()));
    let scope = new.user_scope.unwrap_or(ceiling);
    access::within_own_scope(caller, scope, "user-scope", &mut errors);
    if let (Some(user), Some(extension)) = (&user, &new.user) {
        if scope > user.scope() {
            errors.add(
                "user-scope",
                format!(
                    "A key acting as user {extension} has at most its scope ({}).",
                    user.scope()
                ),
            );
        }
    }
    if scope == Scope::NoPortal {
        errors.add("user-scope", "A No Portal key could do nothing.");
    }
    let several = matches!(scope, Scope::Reseller | Scope::SuperUser);
    let mut reseller = String::new();
    match (&new.domain, &found) {
        (KeyDomain::All, _) if !several => errors.add(
            "domain",
            "A key for all domains (*) needs the Reseller or Super User scope; name one domain.",
        ),
        (KeyDomain::All, _) => {
            if scope == Scope::Reseller {
                reseller = match (&new.reseller, caller.scope()) {
                    (Some(r), Scope::SuperUser) => r.to_string(),
                    (Some(r), _) if r.as_str() != caller.who.reseller => {
                        errors.add("reseller", "You can only make keys for your own reseller.");
                        String::new()
                    }
                    _ => caller.who.reseller.clone(),
                };
                if reseller.is_empty() {
                    errors.add("reseller", "Name the reseller this key acts for.");
                }
            }
        }
        (_, found) => {
            if several {
                errors.add(
                    "user-scope",
                    "A key for one domain acts at most as its Office Manager.",
                );
            }
            if let Some(found) = found {
                let own = caller.who.domain_id == Some(found.id);
                if scope < Scope::OfficeManager && !own && user.is_none() {
                    errors.add(
                        "domain",
                        "A key below Office Manager acts as your own user, so it is for your own domain only (or name a user of it).",
                    );
                }
                if scope >= Scope::OfficeManager
                    && !own
                    && !caller.who.may(Action::ManageUsers, &found.place(None))
                {
                    errors.add("domain", "You do not manage this domain.");
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }

    let domain = found.map(|d| (d.id, d.settings.domain.to_string()));
    let key_id = random_hex(KEY_ID_BYTES);
    let secret = random_hex(32);
    let allowed = new.allowed.to_string();
    let models = new.models.unwrap_or_default().to_string();
    let mut tx = db.begin().await?;
    api_keys::insert(
        &mut tx,
        &api_keys::NewKeyRow {
            key_id: &key_id,
            secret_hash: &secret_hash(&secret),
            description: new.description.as_str(),
            account_id: caller.account_id,
            scope: scope.as_str(),
            domain_id: domain.as_ref().map(|(id, _)| *id),
            reseller: &reseller,
            read_only: new.readonly,
            allowed_addresses: &allowed,
            can_create_keys: new.can_create_keys,
            parent_id: parent.as_ref().map(|(p, _)| p.id),
            user_id: user.as_ref().map(|u| u.id),
            allowed_models: &models,
        },
        now_ms(),
    )
    .await?;
    let listing = api_keys::get(&mut tx, &key_id)
        .await?
        .map(listed)
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        caller,
        domain.as_ref().map(|(id, name)| (*id, name.as_str())),
        "apikey.create",
        &key_id,
        &audit::changes(None, Some(&listing)),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(key = %key_id, by = caller.account_id, "API key created");
    Ok(IssuedApiKey {
        listing,
        key: format!("{TOKEN_PREFIX}{key_id}_{secret}"),
    })
}

/// The keys `caller` may see: every key for a Super User, its own for anyone else; through a key
/// that acts as a user, only its maker's keys that act as that same user (a key handed to a
/// user's app neither sees nor manages its maker's other keys).
pub async fn list_keys(db: &Db, caller: &Caller) -> Result<Vec<ApiKey>, AppError> {
    let whose = (caller.scope() != Scope::SuperUser).then_some(caller.account_id);
    let acting = acting_user(db, caller).await?;
    Ok(api_keys::list(db.pool(), whose)
        .await?
        .into_iter()
        .filter(|k| acting.is_none() || k.user_id == acting)
        .map(listed)
        .collect())
}

/// The key `key_id`, if the caller may see it (see [`list_keys`]).
pub async fn get_key(db: &Db, caller: &Caller, key_id: &str) -> Result<ApiKey, AppError> {
    visible_key(db, caller, key_id).await.map(listed)
}

/// The user the caller acts as through its key, if its key names one.
async fn acting_user(db: &Db, caller: &Caller) -> Result<Option<i64>, AppError> {
    match &caller.key {
        Some(key) => Ok(stored_key(db, &key.key_id).await?.user_id),
        None => Ok(None),
    }
}

/// The key `key_id`, if the caller may see, change and revoke it (see [`list_keys`]).
async fn visible_key(db: &Db, caller: &Caller, key_id: &str) -> Result<api_keys::KeyRow, AppError> {
    let acting = acting_user(db, caller).await?;
    api_keys::get(&mut *db.pool().acquire().await?, key_id)
        .await?
        .filter(|k| k.account_id == caller.account_id || caller.scope() == Scope::SuperUser)
        .filter(|k| acting.is_none() || k.user_id == acting)
        .ok_or(AppError::NotFound)
}

/// Revokes a key: it stops working at once.
pub async fn delete_key(db: &Db, caller: &Caller, key_id: &str) -> Result<(), AppError> {
    let row = visible_key(db, caller, key_id).await?;
    let domain = row.domain_id.zip(row.domain.clone());
    let before = listed(row.clone());
    let mut tx = db.begin().await?;
    api_keys::delete(&mut tx, row.id).await?;
    audit::record(
        &mut tx,
        caller,
        domain.as_ref().map(|(id, name)| (*id, name.as_str())),
        "apikey.delete",
        key_id,
        &audit::changes(Some(&before), None),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(key = %key_id, by = caller.account_id, "API key revoked");
    Ok(())
}

/// Changes a key's description, addresses or models (NetSapiens' `PUT /apikeys/{key_id}`: its
/// scope, reach and permissions never change; a new key is made for that). The caller changes
/// only keys it may revoke (its own; any, for a Super User), and never lets one reach further
/// than the key's parent or the key the change comes with: a key may narrow itself, not widen.
/// A change that changes nothing writes nothing.
pub async fn update_key(
    db: &Db,
    caller: &Caller,
    key_id: &str,
    form: &ApiKeyChangeForm,
) -> Result<ApiKey, AppError> {
    let row = visible_key(db, caller, key_id).await?;
    let change = form.parse().map_err(AppError::invalid)?;
    let (mut allowed, mut models) = limits(&row)?;
    let mut bounds = Vec::new();
    if let Some(parent) = &row.parent {
        bounds.push(stored_key(db, parent).await?);
    }
    if let Some(used) = &caller.key {
        bounds.push(stored_key(db, &used.key_id).await?);
    }
    let mut errors = FieldErrors::default();
    if let Some(wanted) = change.allowed {
        for bound in &bounds {
            let (theirs, _) = limits(bound)?;
            if !theirs.covers(&wanted) {
                errors.add(
                    "ip-address",
                    format!(
                        "Only where key {} may be used from: {theirs}.",
                        bound.key_id
                    ),
                );
                break;
            }
        }
        allowed = wanted;
    }
    if let Some(wanted) = change.models {
        for bound in &bounds {
            let (_, theirs) = limits(bound)?;
            if !theirs.covers(&wanted) {
                errors.add(
                    "allowed-models",
                    format!("Only models key {} may use: {theirs}.", bound.key_id),
                );
                break;
            }
        }
        models = wanted;
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let description = change
        .description
        .map_or_else(|| row.description.clone(), |d| d.to_string());
    let before = listed(row.clone());
    let after = ApiKey {
        description: description.clone(),
        ip_address: allowed.to_string(),
        allowed_models: models.clone(),
        ..before.clone()
    };
    let changes = audit::changes(Some(&before), Some(&after));
    if changes.is_empty() {
        return Ok(before);
    }
    let domain = row.domain_id.zip(row.domain.clone());
    let mut tx = db.begin().await?;
    api_keys::update(
        &mut tx,
        row.id,
        &api_keys::KeyLimitsRow {
            description: &description,
            allowed_addresses: &after.ip_address,
            allowed_models: &models.to_string(),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        caller,
        domain.as_ref().map(|(id, name)| (*id, name.as_str())),
        "apikey.update",
        key_id,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(key = %key_id, by = caller.account_id, "API key changed");
    Ok(after)
}

/// Who a bearer token acts as, whether it may only read, and which models it may use.
#[derive(Debug, Clone)]
pub struct KeyCaller {
    pub caller: Caller,
    pub read_only: bool,
    pub models: AllowedModels,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not a token, no such key, wrong secret, or its account (or the user it acts as) cannot
    /// log in: one answer for all.
    Unknown,
    /// A real key used from an address it does not allow.
    Address,
}

/// The caller a bearer `token` stands for, used from `address`. Records the use (to the hour).
pub async fn bearer(
    db: &Db,
    token: &str,
    address: Option<IpAddr>,
) -> Result<Result<KeyCaller, Refused>, AppError> {
    // The id is what stands between the prefix and the next `_` (ids are hex: 12 characters,
    // or 16 for keys made before NetSapiens' length was followed).
    let Some((key_id, secret)) = token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(Err(Refused::Unknown));
    };
    let Some(row) = api_keys::find_bearer(db.pool(), key_id).await? else {
        return Ok(Err(Refused::Unknown));
    };
    let account_scope = Scope::parse(&row.account_scope).unwrap_or(Scope::NoPortal);
    let key_scope = Scope::parse(&row.scope).unwrap_or(Scope::NoPortal);
    if !same(&secret_hash(secret), &row.secret_hash)
        || row.disabled != 0
        || account_scope == Scope::NoPortal
    {
        return Ok(Err(Refused::Unknown));
    }
    let (Ok(allowed), Ok(models)) = (
        AllowedAddresses::parse(&row.allowed_addresses),
        AllowedModels::parse(&row.allowed_models),
    ) else {
        tracing::error!(key = %key_id, "stored limits of an API key do not parse");
        return Ok(Err(Refused::Unknown));
    };
    if !allowed.allows(address) {
        return Ok(Err(Refused::Address));
    }
    // The user the key acts as: the one it names (at most that user's current scope; not if
    // that user may not log in), or its maker's own in the key's domain.
    let own_domain = row.domain_id.is_some() && row.domain_id == row.account_domain_id;
    let (user_id, site, extension, user_scope) = match row.key_user_id {
        Some(id) => {
            let user_scope = row
                .key_user_scope
                .as_deref()
                .and_then(|s| Scope::parse(s).ok())
                .unwrap_or(Scope::NoPortal);
            if row.key_user_disabled != Some(0)
                || row.key_user_domain_id.is_none()
                || row.key_user_domain_id != row.domain_id
                || user_scope == Scope::NoPortal
            {
                return Ok(Err(Refused::Unknown));
            }
            (
                Some(id),
                row.key_user_site,
                row.key_user_extension,
                user_scope,
            )
        }
        None => (
            row.user_id.filter(|_| own_domain),
            row.site.filter(|_| own_domain),
            row.extension.filter(|_| own_domain),
            Scope::SuperUser,
        ),
    };
    let now = now_ms();
    if row.last_used_at.map_or(true, |t| {
        now - t >= LAST_USED_GRANULARITY.as_millis() as i64
    }) {
        api_keys::touch(db.writer(), row.id, now).await?;
    }
    let scope = key_scope.min(account_scope).min(user_scope);
    let reseller = if scope == Scope::Reseller && row.domain_id.is_none() {
        row.reseller
    } else {
        row.domain_reseller
            .or(row.account_reseller)
            .unwrap_or_default()
    };
    let caller = Caller {
        account_id: row.account_id,
        login: row.login,
        display_name: row.display_name,
        who: Who {
            scope,
            domain_id: row.domain_id,
            reseller,
            user_id,
            site,
        },
        domain: row.domain,
        extension,
        address: address.map(|a| a.to_string()).unwrap_or_default(),
        key: Some(KeyUse {
            id: row.id,
            key_id: key_id.to_owned(),
            can_create_keys: row.can_create_keys != 0,
            allowed,
        }),
    };
    Ok(Ok(KeyCaller {
        caller,
        read_only: row.read_only != 0,
        models,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_compare_equal_only_when_equal() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
