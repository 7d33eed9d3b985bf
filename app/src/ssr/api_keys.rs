//! API keys: making them (within the maker's own reach), listing and revoking them, and turning a
//! `Bearer` token back into the [`Caller`] it acts as.
//!
//! A key acts for the account that made it, never beyond it: its scope is at most the maker's
//! (and at most the maker's *current* scope, checked at every use), a key for one domain acts at
//! most as that domain's Office Manager, and a key below Office Manager acts as the maker's own
//! user, so it can only be for the maker's own domain.

use super::access;
use super::audit;
use super::caller::{Caller, KeyUse};
use super::db::{api_keys, domains, Db};
use super::{hex, now_ms, random_hex};
use crate::error::AppError;
use crate::model::api_key::{AllowedAddresses, ApiKey, ApiKeyForm, IssuedApiKey, KeyDomain};
use crate::model::audit::rfc3339;
use crate::model::permissions::{Action, Who};
use crate::model::{FieldErrors, Parse, Scope, YesNo};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::time::Duration;

/// How often a key's last-used time is written: NetSapiens keeps it "accurate up to the hour",
/// which spares a write on every request.
const LAST_USED_GRANULARITY: Duration = Duration::from_secs(3600);
/// Tokens start with this, so a leaked one is recognisable (and greppable).
const TOKEN_PREFIX: &str = "rk_";

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
        parent_key_id: row.parent,
        created_by: row.created_by,
        created_datetime: rfc3339(row.created_at),
        lastused_datetime: row.last_used_at.map(rfc3339),
    }
}

/// Makes a key for `caller` and returns it with its token (shown this once). Every bad field is
/// reported at once; a scope or domain beyond the caller's reach is a field error too. Made with
/// a key, the new key is that key's child: the key must have `can-create-keys`; the child stays
/// within it (scope, its one domain, its addresses: with none given it takes the parent's; a
/// read-only key makes nothing, being read-only) and is revoked with it.
pub async fn create_key(
    db: &Db,
    caller: &Caller,
    form: &ApiKeyForm,
) -> Result<IssuedApiKey, AppError> {
    let parent = caller.key.as_ref();
    if parent.is_some_and(|p| !p.can_create_keys) {
        return Err(AppError::Forbidden);
    }
    let mut new = form.parse().map_err(AppError::invalid)?;
    let scope = new.user_scope.unwrap_or(caller.scope());
    let mut errors = FieldErrors::default();
    if let Some(parent) = parent {
        // A child is for its parent's one domain (if it has one), and reaches no address the
        // parent does not: with none given, it takes the parent's.
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
    }
    access::within_own_scope(caller, scope, "user-scope", &mut errors);
    if scope == Scope::NoPortal {
        errors.add("user-scope", "A No Portal key could do nothing.");
    }
    let several = matches!(scope, Scope::Reseller | Scope::SuperUser);
    let mut reseller = String::new();
    let mut domain: Option<(i64, String)> = None;
    match &new.domain {
        KeyDomain::All if !several => errors.add(
            "domain",
            "A key for all domains (*) needs the Reseller or Super User scope; name one domain.",
        ),
        KeyDomain::All => {
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
        KeyDomain::Own | KeyDomain::Named(_) => {
            if several {
                errors.add(
                    "user-scope",
                    "A key for one domain acts at most as its Office Manager.",
                );
            }
            // The caller's own domain is its to name even when its scope may not view domains
            // (a Basic User's key is for its own domain); any other must be visible to it.
            let own = caller
                .domain
                .as_deref()
                .filter(|_| caller.who.domain_id.is_some());
            let found = match &new.domain {
                KeyDomain::Named(name) if own == Some(name.as_str()) => {
                    domains::get(db.pool(), name).await?
                }
                KeyDomain::Named(name) => access::domain(db, caller, name, Action::ViewDomain)
                    .await
                    .ok(),
                _ => match own {
                    Some(name) => domains::get(db.pool(), &access::parse_name(name)?).await?,
                    None => None,
                },
            };
            match found {
                None if new.domain == KeyDomain::Own => errors.add(
                    "domain",
                    "You have no domain of your own: name one, or * for all.",
                ),
                None => errors.add("domain", "No such domain."),
                Some(found) => {
                    let own = caller.who.domain_id == Some(found.id);
                    if scope < Scope::OfficeManager && !own {
                        errors.add(
                            "domain",
                            "A key below Office Manager acts as your own user, so it is for your own domain only.",
                        );
                    }
                    if scope >= Scope::OfficeManager
                        && !own
                        && !caller.who.may(Action::ManageUsers, &found.place(None))
                    {
                        errors.add("domain", "You do not manage this domain.");
                    }
                    domain = Some((found.id, found.settings.domain.to_string()));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }

    let key_id = random_hex(8);
    let secret = random_hex(32);
    let allowed = new.allowed.to_string();
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
            parent_id: parent.map(|p| p.id),
        },
        now_ms(),
    )
    .await?;
    let key = api_keys::get(&mut tx, &key_id)
        .await?
        .map(listed)
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        caller,
        domain.as_ref().map(|(id, name)| (*id, name.as_str())),
        "apikey.create",
        &key_id,
        &audit::changes(None, Some(&key)),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(key = %key_id, by = caller.account_id, "API key created");
    Ok(IssuedApiKey {
        key,
        token: format!("{TOKEN_PREFIX}{key_id}_{secret}"),
    })
}

/// The keys `caller` may see: every key for a Super User, its own for anyone else.
pub async fn list_keys(db: &Db, caller: &Caller) -> Result<Vec<ApiKey>, AppError> {
    let whose = (caller.scope() != Scope::SuperUser).then_some(caller.account_id);
    Ok(api_keys::list(db.pool(), whose)
        .await?
        .into_iter()
        .map(listed)
        .collect())
}

/// The key `key_id`, if the caller may see it (its own, or any for a Super User).
pub async fn get_key(db: &Db, caller: &Caller, key_id: &str) -> Result<ApiKey, AppError> {
    visible_key(db, caller, key_id).await.map(listed)
}

async fn visible_key(db: &Db, caller: &Caller, key_id: &str) -> Result<api_keys::KeyRow, AppError> {
    api_keys::get(&mut *db.pool().acquire().await?, key_id)
        .await?
        .filter(|k| k.account_id == caller.account_id || caller.scope() == Scope::SuperUser)
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

/// Who a bearer token acts as, and whether it may only read.
#[derive(Debug, Clone)]
pub struct KeyCaller {
    pub caller: Caller,
    pub read_only: bool,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not a token, no such key, wrong secret, or its account cannot log in: one answer for all.
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
    let allowed = AllowedAddresses::parse(&row.allowed_addresses).unwrap_or_default();
    if !allowed.allows(address) {
        return Ok(Err(Refused::Address));
    }
    let now = now_ms();
    if row.last_used_at.map_or(true, |t| {
        now - t >= LAST_USED_GRANULARITY.as_millis() as i64
    }) {
        api_keys::touch(db.writer(), row.id, now).await?;
    }
    let scope = key_scope.min(account_scope);
    let own_domain = row.domain_id.is_some() && row.domain_id == row.account_domain_id;
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
            user_id: row.user_id.filter(|_| own_domain),
            site: row.site.filter(|_| own_domain),
        },
        domain: row.domain,
        extension: row.extension.filter(|_| own_domain),
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
