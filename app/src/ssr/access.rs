//! The permission table applied to what is stored: finds the domain or user a request names and
//! lets the caller at it only if the table says so.
//!
//! What the caller may not see answers exactly like what does not exist (`NotFound`); what it may
//! see but not do is `Forbidden`.

use super::auth::{self, Caller};
use super::db::domains::{self, DomainRef, Visible};
use super::db::users::{self, Located};
use super::AppState;
use crate::error::AppError;
use crate::model::permissions::{reach, Action, Place, Reach, UserPlace};
use crate::model::{DomainName, Parse};
use sqlx::AnyPool;

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
    pub fn field_context(&self) -> crate::model::user::FieldContext {
        crate::model::user::FieldContext {
            alphanumeric_extensions: self.alphanumeric_extensions,
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
    pool: &AnyPool,
    caller: &Caller,
    name: &DomainName,
    action: Action,
) -> Result<DomainRef, AppError> {
    let found = domains::find_ref(pool, name)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = found.place(None);
    if caller.who.may(action, &place) {
        Ok(found)
    } else if sees(caller, &place) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// The caller of the running server function and the domain `name`, if it may do `action` there.
pub async fn current_in(
    name: &str,
    action: Action,
) -> Result<(AppState, Caller, DomainRef), AppError> {
    let (state, caller) = auth::current().await?;
    let found = domain(state.db.pool(), &caller, &parse_name(name)?, action).await?;
    Ok((state, caller, found))
}

/// The user `extension` of `found`, if the caller may do `action` to it. A user the caller
/// cannot see (another site's, for a Site Manager) is `NotFound`, like a missing one; one it sees
/// but whose scope is above its own is `Forbidden`.
pub async fn user(
    pool: &AnyPool,
    caller: &Caller,
    found: &DomainRef,
    extension: &str,
    action: Action,
) -> Result<Located, AppError> {
    let located = users::locate(pool, found.id, extension)
        .await?
        .ok_or(AppError::NotFound)?;
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

/// The domain `name` and its user `extension`, if the caller may do `action` to that user.
pub async fn user_in(
    pool: &AnyPool,
    caller: &Caller,
    name: &DomainName,
    extension: &str,
    action: Action,
) -> Result<(DomainRef, Located), AppError> {
    let found = domain(pool, caller, name, action).await?;
    let located = user(pool, caller, &found, extension, action).await?;
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
