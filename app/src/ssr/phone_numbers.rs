//! Phone numbers (DIDs) of a domain: the plain functions behind the API. A number rings one user
//! or one call queue of its domain, or is available; it exists once in the whole system.
//!
//! Who may do what follows the user a number rings: a manager of that user (a Site Manager: a
//! user of its own site) reads, moves and removes it. Available numbers belong to the whole
//! domain, so only those who manage every user of it (not a Site Manager) see and handle them;
//! a number is sent to a call queue by those who manage the domain's queues.
//! A move from one user to another is one change in one transaction, with its audit entry. The
//! numbers of every domain a caller manages are listed together as well (NetSapiens'
//! `/phonenumbers`).

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::domains::{self, Visible};
use super::db::phone_numbers::Target;
use super::db::{call_queues, phone_numbers, Db, Rule};
use super::errors::conflict_on;
use super::now_ms;
use crate::error::AppError;
use crate::model::dids::{
    DialRule, DomainNumber, NumberList, NumberQuery, NumberRangeForm, NumberSettings,
    PhoneNumberForm, Route,
};
use crate::model::permissions::Action;
use crate::model::{counted, DomainName, FieldErrors, Parse, PhoneNumber};

const DESTINATION: &str = "dial-rule-translation-destination-user";

/// A number from a URL: one that cannot be a number is simply not found.
fn number_in_path(raw: &str) -> Result<PhoneNumber, AppError> {
    PhoneNumber::parse(raw).map_err(|_| AppError::NotFound)
}

/// What `route` rings, by row id, if the caller may send a number there: a user it manages; a
/// call queue, if it manages the domain's queues; nothing (available), if it manages the whole
/// domain. A user or queue the caller cannot reach is refused on the destination field (as one
/// that does not exist is).
async fn reachable(
    db: &Db,
    caller: &Caller,
    found: &domains::DomainRef,
    route: &Route,
) -> Result<Target, AppError> {
    match route {
        Route::User(extension) => {
            match access::user(db, caller, found, extension.as_str(), Action::ManageUsers).await {
                Ok(located) => Ok(Target::User(located.id)),
                Err(AppError::NotFound) => Err(AppError::invalid(FieldErrors::one(
                    DESTINATION,
                    format!("There is no user {extension} in this domain."),
                ))),
                Err(other) => Err(other),
            }
        }
        Route::Queue(extension) => {
            access::domain(db, caller, found.name(), Action::ManageCallQueues).await?;
            let mut conn = db.pool().acquire().await?;
            match call_queues::find(&mut conn, found.name(), found.id, extension.as_str()).await? {
                Some(queue) => Ok(Target::Queue(queue.id)),
                None => Err(AppError::invalid(FieldErrors::one(
                    DESTINATION,
                    format!("There is no call queue {extension} in this domain."),
                ))),
            }
        }
        Route::Available if caller.who.only_site(Action::ManageUsers).is_some() => {
            Err(AppError::Forbidden)
        }
        Route::Available => Ok(Target::Available),
    }
}

/// The dial rule that sends a number of `domain` to `extension` as the portal's one field names
/// it: to the call queue with that extension if there is one (extensions are unique among a
/// domain's users and queues), else to the user; blank, available.
pub async fn application_for(
    db: &Db,
    domain: &DomainName,
    extension: &str,
) -> Result<DialRule, AppError> {
    let extension = extension.trim();
    if extension.is_empty() {
        return Ok(DialRule::AvailableNumber);
    }
    let mut conn = db.pool().acquire().await?;
    let Some(found) = domains::find(&mut conn, domain).await? else {
        return Err(AppError::NotFound);
    };
    Ok(
        match call_queues::find(&mut conn, found.name(), found.id, extension).await? {
            Some(_) => DialRule::ToCallqueue,
            None => DialRule::ToUser,
        },
    )
}

/// Whether the caller may see `number`: a manager of the user it rings, or of the whole domain
/// for a queue's or an available one. What it may not see is not found.
async fn may_see(
    db: &Db,
    caller: &Caller,
    found: &domains::DomainRef,
    number: &DomainNumber,
) -> Result<(), AppError> {
    match (
        number.dial_rule_application,
        &number.dial_rule_translation_destination_user,
    ) {
        (DialRule::ToUser, Some(extension)) => {
            access::user(db, caller, found, extension.as_str(), Action::ManageUsers).await?;
            Ok(())
        }
        // A queue's number, or an available one: the whole domain's.
        _ if caller.who.only_site(Action::ManageUsers).is_some() => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

/// One page of the numbers of `domain` the caller may see (a Site Manager: those ringing users
/// of its own site), and how many match in all.
pub async fn list_numbers(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    query: &NumberQuery,
) -> Result<NumberList, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers);
    Ok(phone_numbers::list(db.pool(), Visible::One(found.id), only_site, query).await?)
}

/// One page of the numbers of every domain whose users the caller manages (all of them for a
/// Super User, its reseller's for a Reseller, its own domain's for an Office Manager, those of
/// its own site's users for a Site Manager), and how many match in all.
pub async fn list_all_numbers(
    db: &Db,
    caller: &Caller,
    query: &NumberQuery,
) -> Result<NumberList, AppError> {
    let only_site = caller.who.only_site(Action::ManageUsers);
    let visible = match (only_site, caller.who.domain_id) {
        (Some(_), Some(own)) => Visible::One(own),
        (Some(_), None) => return Err(AppError::Forbidden),
        (None, _) => access::visible(caller, Action::ManageUsers)?,
    };
    Ok(phone_numbers::list(db.pool(), visible, only_site, query).await?)
}

/// The numbers of `domain` with their row ids (the ids Servetel's API names numbers by), among
/// `ids` or among `numbers`, as `(id, number)` in the order of the ids, if the caller manages the
/// domain's users. An id or a number of no number of this domain is simply not among them.
pub async fn numbers_with_ids(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    ids: &[i64],
    numbers: &[&str],
) -> Result<Vec<(i64, String)>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(phone_numbers::with_ids(db.pool(), found.id, ids, numbers).await?)
}

/// The domain `domain` and its number `raw` (as written in a URL), if the caller may see it.
async fn find(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    raw: &str,
) -> Result<(domains::DomainRef, DomainNumber), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let wanted = number_in_path(raw)?;
    // The connection goes back to the pool before the permission check takes another.
    let number = {
        let mut conn = db.pool().acquire().await?;
        phone_numbers::get(&mut conn, found.id, &wanted)
            .await?
            .ok_or(AppError::NotFound)?
    };
    may_see(db, caller, &found, &number).await?;
    Ok((found, number))
}

/// The number `raw` of `domain`, if the caller may see it.
pub async fn get_number(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    raw: &str,
) -> Result<DomainNumber, AppError> {
    find(db, caller, domain, raw)
        .await
        .map(|(_, number)| number)
}

/// Adds a number to `domain`, ringing a user or available. A number any domain has already is
/// a conflict on `phonenumber` ("Phone number already exists", as NetSapiens says).
pub async fn create_number(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &PhoneNumberForm,
) -> Result<DomainNumber, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let new = form.parse(found.name()).map_err(AppError::invalid)?;
    let added = add(
        db,
        caller,
        &found,
        &[new.number],
        &new.route,
        &new.settings,
        "phonenumber",
    )
    .await?;
    added.into_iter().next().ok_or(AppError::Internal)
}

/// Adds a run of consecutive numbers to `domain`, all ringing one user or all available (with
/// NetSapiens' defaults for the rest of their dial rule): every one of them or, if any is taken
/// anywhere, none (a conflict on `first` naming them).
pub async fn create_range(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &NumberRangeForm,
) -> Result<Vec<DomainNumber>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let range = form.parse().map_err(AppError::invalid)?;
    let settings = NumberSettings::default();
    add(
        db,
        caller,
        &found,
        &range.numbers,
        &range.route,
        &settings,
        "first",
    )
    .await
}

/// Adds `numbers` to the domain `found`, routed by `route`, with `settings`, in one transaction
/// with one audit entry; a number that exists anywhere already refuses them all, on `field`.
async fn add(
    db: &Db,
    caller: &Caller,
    found: &domains::DomainRef,
    numbers: &[PhoneNumber],
    route: &Route,
    settings: &NumberSettings,
    field: &str,
) -> Result<Vec<DomainNumber>, AppError> {
    let target = reachable(db, caller, found, route).await?;
    // A number taken between the check and the write (by another domain's add) is named as
    // taken without knowing which; the check names them in every other case.
    let taken_message = |taken: &[String]| match taken {
        _ if numbers.len() == 1 => "Phone number already exists.".to_owned(),
        [] => "Another add took one of these numbers meanwhile: no number of the range was added."
            .to_owned(),
        [one] => format!("{one} already exists: no number of the range was added."),
        many => format!(
            "{} already exist ({}): no number of the range was added.",
            counted(many.len(), "number", "numbers"),
            many.join(", ")
        ),
    };
    let mut tx = db.begin().await?;
    let taken = phone_numbers::existing(&mut tx, numbers).await?;
    if !taken.is_empty() {
        return Err(AppError::conflict(field, &taken_message(&taken)));
    }
    let now = now_ms();
    phone_numbers::insert(&mut tx, found.id, numbers, target, settings, now)
        .await
        .map_err(|e| conflict_on(e, Rule::PhoneNumber, field, &taken_message(&[])))?;
    // What was written, as a read would show it.
    let (dial_rule_application, destination) = route.dial_rule();
    let added: Vec<DomainNumber> = numbers
        .iter()
        .map(|number| DomainNumber {
            phonenumber: number.clone(),
            domain: found.name().clone(),
            dial_rule_application,
            dial_rule_translation_destination_user: destination.clone(),
            settings: settings.clone(),
            created_at: now,
        })
        .collect();
    let (target, changes) = match added.as_slice() {
        [one] => (
            one.phonenumber.to_string(),
            audit::changes(None, Some(&PhoneNumberForm::from(one))),
        ),
        [first, .., last] => {
            let mut changes = audit::changes(None, Some(&PhoneNumberForm::from(first)));
            changes.insert(
                "phonenumber".to_owned(),
                (
                    String::new(),
                    format!(
                        "{} to {} ({})",
                        first.phonenumber,
                        last.phonenumber,
                        counted(added.len(), "number", "numbers")
                    ),
                ),
            );
            (
                format!("{}…{}", first.phonenumber, last.phonenumber),
                changes,
            )
        }
        [] => return Err(AppError::Internal),
    };
    audit::record(
        &mut tx,
        caller,
        audit::within(found),
        "phonenumber.create",
        &target,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %found.name(), numbers = %target, by = caller.account_id, "phone numbers added");
    Ok(added)
}

/// Sends the number `raw` of `domain` to another user, or back to available, and sets the rest of
/// its dial rule, as `form` says (its `phonenumber`, if given, must be the number itself).
pub async fn update_number(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    raw: &str,
    form: &PhoneNumberForm,
) -> Result<DomainNumber, AppError> {
    let (found, before) = find(db, caller, domain, raw).await?;
    let new = form.parse(found.name()).map_err(AppError::invalid)?;
    if new.number != before.phonenumber {
        return Err(AppError::invalid(FieldErrors::one(
            "phonenumber",
            "A number cannot be changed into another: delete it and add the new one.",
        )));
    }
    let target = reachable(db, caller, &found, &new.route).await?;
    let mut tx = db.begin().await?;
    if !phone_numbers::update(&mut tx, found.id, &new.number, target, &new.settings).await? {
        return Err(AppError::NotFound);
    }
    let after = phone_numbers::get(&mut tx, found.id, &new.number)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &mut tx,
        caller,
        audit::within(&found),
        "phonenumber.update",
        new.number.as_str(),
        &audit::changes(
            Some(&PhoneNumberForm::from(&before)),
            Some(&PhoneNumberForm::from(&after)),
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, number = %new.number, by = caller.account_id, "phone number changed");
    Ok(after)
}

/// Removes the number `raw` from `domain` (from the user it rings, if any).
pub async fn delete_number(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    raw: &str,
) -> Result<(), AppError> {
    let (found, before) = find(db, caller, domain, raw).await?;
    let mut tx = db.begin().await?;
    if !phone_numbers::delete(&mut tx, found.id, &before.phonenumber).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        caller,
        audit::within(&found),
        "phonenumber.delete",
        before.phonenumber.as_str(),
        &audit::changes(Some(&PhoneNumberForm::from(&before)), None),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, number = %before.phonenumber, by = caller.account_id, "phone number removed");
    Ok(())
}
