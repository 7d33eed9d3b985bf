//! The permission table applied to what is stored: finds the domain or user a request names and
//! lets the caller at it only if the table says so. The services ask here, and only here.
//!
//! What the caller may not see answers exactly like what does not exist (`NotFound`); what it may
//! see but not do is `Forbidden`.

use super::caller::Caller;
use super::db::domains::{self, DomainRef, Visible};
use super::db::users::{self, Located};
use super::db::Db;
use crate::error::AppError;
use crate::model::fields::FieldContext;
use crate::model::permissions::{own_change, reach, Action, Place, Reach, UserPlace};
use crate::model::{DomainName, FieldErrors, Parse, Scope};

impl DomainRef {
    /// This domain as a place for the permission table, optionally with one of its users.
    pub fn place<'a>(&'a self, user: Option<UserPlace<'a>>) -> Place<'a> {
        Place {
            domain_id: self.id,
            reseller: self.settings.reseller.as_str(),
            user,
        }
    }

    /// What checking a user's fields needs to know about this domain.
    pub fn field_context(&self) -> FieldContext {
        FieldContext {
            alphanumeric_extensions: self.alphanumeric_extensions,
            stored: false,
        }
    }
}

/// Whether the caller can see the domain at all: its own, or one it may view or manage.
fn sees(caller: &Caller, place: &Place<'_>) -> bool {
    caller.who.domain_id == Some(place.domain_id)
        || caller.who.may(Action::ViewDomain, place)
        || caller.who.may(Action::ManageDomain, place)
}

/// A domain name from a URL or a form: one that cannot exist is simply not found.
pub fn parse_name(name: &str) -> Result<DomainName, AppError> {
    DomainName::parse(name).map_err(|_| AppError::NotFound)
}

/// The domain called `name`, if the caller may do `action` in it.
pub async fn domain(
    db: &Db,
    caller: &Caller,
    name: &DomainName,
    action: Action,
) -> Result<DomainRef, AppError> {
    let found = domains::get(db.pool(), name)
        .await?
        .ok_or(AppError::NotFound)?;
    may_in_domain(caller, &found, action)?;
    Ok(found)
}

/// Whether the caller may do `action` in `found`: `Forbidden` in a domain it sees, `NotFound`
/// in one it does not.
fn may_in_domain(caller: &Caller, found: &DomainRef, action: Action) -> Result<(), AppError> {
    let place = found.place(None);
    if caller.who.may(action, &place) {
        Ok(())
    } else if sees(caller, &place) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// The user `extension` of `found`, if the caller may do `action` to it. A user the caller
/// cannot see (another site's, for a Site Manager) is `NotFound`, like a missing one; one it sees
/// but whose scope is above its own is `Forbidden`.
pub async fn user(
    db: &Db,
    caller: &Caller,
    found: &DomainRef,
    extension: &str,
    action: Action,
) -> Result<Located, AppError> {
    let located = users::locate(db.pool(), found.id, extension)
        .await?
        .ok_or(AppError::NotFound)?;
    may_at_user(caller, found, located, action)
}

/// `located` of `found`, if the caller may do `action` to it (see [`user`]).
fn may_at_user(
    caller: &Caller,
    found: &DomainRef,
    located: Located,
    action: Action,
) -> Result<Located, AppError> {
    if caller.who.may(action, &found.place(Some(located.place()))) {
        return Ok(located);
    }
    let at_own_level = UserPlace {
        scope: caller.scope(),
        ..located.place()
    };
    if caller.who.may(action, &found.place(Some(at_own_level))) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// The domain `name` and its user `extension`, if the caller may do `action` to that user: what
/// [`domain`] then [`user`] answer, read in one statement.
pub async fn user_in(
    db: &Db,
    caller: &Caller,
    name: &DomainName,
    extension: &str,
    action: Action,
) -> Result<(DomainRef, Located), AppError> {
    let (found, located) = users::locate_by_name(db.pool(), name, extension)
        .await?
        .ok_or(AppError::NotFound)?;
    may_in_domain(caller, &found, action)?;
    let located = may_at_user(caller, &found, located.ok_or(AppError::NotFound)?, action)?;
    Ok((found, located))
}

/// Which domains the caller's lists of `action` may show (domains, audit entries), as far as
/// its scope reaches; `Forbidden` if nowhere.
pub fn visible(caller: &Caller, action: Action) -> Result<Visible<'_>, AppError> {
    match reach(caller.scope(), action) {
        Reach::Everywhere => Ok(Visible::All),
        Reach::ResellerDomains => Ok(Visible::Reseller(&caller.who.reseller)),
        Reach::OwnDomain => caller
            .who
            .domain_id
            .map(Visible::One)
            .ok_or(AppError::Forbidden),
        _ => Err(AppError::Forbidden),
    }
}

/// Whether `caller` may give a user a caller ID that is not one of the domain's numbers: only
/// those who manage every domain (Super Users) may.
pub fn may_send_any_caller_id(caller: &Caller) -> bool {
    caller.who.everywhere(Action::ManageDomain)
}

/// Nobody gives a scope above its own, to a user or to a key: the one check, reported on
/// `field`.
pub fn within_own_scope(caller: &Caller, scope: Scope, field: &str, errors: &mut FieldErrors) {
    if !caller.who.ranks_at_least(scope) {
        errors.add(
            field,
            format!(
                "You cannot give a scope above your own ({}).",
                caller.scope()
            ),
        );
    }
}

/// Whether the caller reaches the user `extension` of `domain` only as that user itself (not as
/// one of its managers): then it sees it as its own profile, and changes only what it may
/// change of itself.
pub fn as_own_user(caller: &Caller, domain: &DomainName, extension: &str) -> bool {
    caller.domain.as_deref() == Some(domain.as_str())
        && caller.extension.as_deref() == Some(extension)
        && !caller.who.may_somewhere(Action::ManageUsers)
}

/// The caller's own user, if it has one and may read it: the one check of "your own profile".
pub async fn own_user(db: &Db, caller: &Caller) -> Result<(DomainRef, Located), AppError> {
    let (Some(domain), Some(extension)) = (caller.domain.as_deref(), caller.extension.as_deref())
    else {
        return Err(AppError::NotFound);
    };
    let (found, located) = users::locate_by_name(db.pool(), &parse_name(domain)?, extension)
        .await?
        .ok_or(AppError::NotFound)?;
    let located = located.ok_or(AppError::NotFound)?;
    if !caller
        .who
        .may(Action::EditOwnProfile, &found.place(Some(located.place())))
    {
        return Err(AppError::Forbidden);
    }
    Ok((found, located))
}

/// Whether the caller may change `fields` of its own user (found by [`own_user`]): each must be
/// one a user changes of itself, allowed to its scope. The fields it may not change are named,
/// with `Forbidden`'s status.
pub fn may_change_own<'a>(
    caller: &Caller,
    found: &DomainRef,
    located: &Located,
    fields: impl IntoIterator<Item = &'a str>,
) -> Result<(), FieldErrors> {
    let mut refused = FieldErrors::default();
    let place = found.place(Some(located.place()));
    for field in fields {
        match own_change(field) {
            Some(action) if caller.who.may(action, &place) => {}
            Some(_) => refused.add(field, "Your scope does not allow you to change this."),
            None => refused.add(field, "Only a manager of the domain can change this."),
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}
