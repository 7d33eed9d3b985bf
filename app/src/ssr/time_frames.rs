//! Time frames, the plain functions behind the API and the portal: list, count, read, create,
//! change and delete a domain's shared frames and its users' own, each checked against the
//! permission table ([`time_frame_action`]), each change one transaction with its audit entry;
//! and where a frame is active in time, in its time zone ([`is_active`], [`spans`]).
//!
//! A frame an answer rule names is not deleted or renamed (409 naming the users whose rules name
//! it): the rule would name nothing. An answer rule of a user means by a name the user's own
//! frame of that name, else its domain's shared one ([`time_frames::find_for_user`]).

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::domains::DomainRef;
use super::db::time_frames::{self, Owner};
use super::db::{Db, Tx};
use super::now_ms;
use super::users::begin_locked;
use crate::error::AppError;
use crate::model::permissions::time_frame_action;
use crate::model::time_frame::{
    CivilDateTime, Definition, EntryId, NewTimeFrame, TimeFrame, TimeFrameChange, NAME, TYPE,
};
use crate::model::{DomainName, Parse};

/// Whose frames a request is about: the domain's shared ones, or the user with this extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameOwner<'a> {
    Domain,
    User(&'a str),
}

/// What a request reached: the domain, and the owner of the frames in it.
struct Reached {
    found: DomainRef,
    owner: Owner,
    /// The owner's extension (none for the domain's shared frames).
    user: Option<String>,
}

/// The domain `name` and the owner of its frames, if the caller may read (`change: false`) or
/// change them. What the caller may not see is not found; what it sees but may not do,
/// forbidden.
async fn reach(
    db: &Db,
    caller: &Caller,
    name: &DomainName,
    owner: FrameOwner<'_>,
    change: bool,
) -> Result<Reached, AppError> {
    let own_user = match owner {
        FrameOwner::Domain => false,
        FrameOwner::User(extension) => access::as_own_user(caller, name, extension),
    };
    let shared = owner == FrameOwner::Domain;
    match owner {
        FrameOwner::User(_) if own_user => {
            let (found, located) = access::own_user(db, caller).await?;
            own_may(caller, &found, &located, shared, change)?;
            Ok(Reached {
                found,
                owner: Owner::User(located.id),
                user: caller.extension.clone(),
            })
        }
        FrameOwner::User(extension) => {
            let action = time_frame_action(false, false, change).ok_or(AppError::Forbidden)?;
            let (found, located) = access::user_in(db, caller, name, extension, action).await?;
            Ok(Reached {
                found,
                owner: Owner::User(located.id),
                user: Some(extension.to_owned()),
            })
        }
        FrameOwner::Domain => {
            let action = time_frame_action(true, false, change).ok_or(AppError::Forbidden)?;
            let refused = match access::domain(db, caller, name, action).await {
                Ok(found) => {
                    return Ok(Reached {
                        found,
                        owner: Owner::Domain,
                        user: None,
                    })
                }
                Err(refused) => refused,
            };
            // A user of the domain reads its shared frames if it may use them in its rules.
            if change || caller.domain.as_deref() != Some(name.as_str()) {
                return Err(refused);
            }
            let Ok((found, located)) = access::own_user(db, caller).await else {
                return Err(refused);
            };
            own_may(caller, &found, &located, true, false).map_err(|_| refused)?;
            Ok(Reached {
                found,
                owner: Owner::Domain,
                user: None,
            })
        }
    }
}

/// Whether the caller, as its own user `located`, may read or change frames (`shared`: its
/// domain's).
fn own_may(
    caller: &Caller,
    found: &DomainRef,
    located: &super::db::users::Located,
    shared: bool,
    change: bool,
) -> Result<(), AppError> {
    let allowed = time_frame_action(shared, true, change)
        .is_some_and(|action| caller.who.may(action, &found.place(Some(located.place()))));
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A frame's id from a URL: one that cannot be an id is simply not found.
fn frame_id(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// The frames of `owner` in `domain`, by name.
pub async fn list_time_frames(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    owner: FrameOwner<'_>,
) -> Result<Vec<TimeFrame>, AppError> {
    let reached = reach(db, caller, domain, owner, false).await?;
    let mut conn = db.pool().acquire().await?;
    Ok(time_frames::list(
        &mut conn,
        reached.found.name(),
        reached.found.id,
        reached.owner,
    )
    .await?)
}

/// How many frames `owner` has in `domain`.
pub async fn count_time_frames(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    owner: FrameOwner<'_>,
) -> Result<u64, AppError> {
    let reached = reach(db, caller, domain, owner, false).await?;
    let mut conn = db.pool().acquire().await?;
    let n = time_frames::count(&mut conn, reached.found.id, reached.owner).await?;
    Ok(n.max(0) as u64)
}

/// The frame `id` of `owner` in `domain`.
pub async fn get_time_frame(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    owner: FrameOwner<'_>,
    id: &str,
) -> Result<TimeFrame, AppError> {
    let reached = reach(db, caller, domain, owner, false).await?;
    let id = frame_id(id)?;
    let mut conn = db.pool().acquire().await?;
    time_frames::get(
        &mut conn,
        reached.found.name(),
        reached.found.id,
        reached.owner,
        id,
    )
    .await?
    .ok_or(AppError::NotFound)
}

/// A fresh id for a new entry of a frame.
fn fresh_entry_id() -> EntryId {
    EntryId::parse(&super::random_hex(6)).unwrap_or_else(|_| unreachable!("hex is an id"))
}

/// Adds the frame `new` to `owner` in `domain`; a name the owner has already is a conflict on
/// `timeframe-name`.
pub async fn create_time_frame(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    owner: FrameOwner<'_>,
    new: &NewTimeFrame,
) -> Result<TimeFrame, AppError> {
    let reached = reach(db, caller, domain, owner, true).await?;
    let mut definition = new.definition.clone();
    definition.assign_ids(fresh_entry_id);
    let (mut tx, current) = begin_locked(db, &reached.found).await?;
    let id = time_frames::insert(
        &mut tx,
        current.id,
        reached.owner,
        &new.name,
        &definition,
        now_ms(),
    )
    .await?;
    renew_spans(&mut tx, id, now_ms()).await?;
    let created = time_frames::get(&mut tx, current.name(), current.id, reached.owner, id)
        .await?
        .ok_or(AppError::Internal)?;
    let mut changes = audit::Changes::new();
    changes.insert(NAME.into(), (String::new(), new.name.to_string()));
    changes.insert(TYPE.into(), (String::new(), definition.kind().to_string()));
    changes.insert("entries".into(), (String::new(), definition.stored()));
    record(
        &mut tx,
        caller,
        &current,
        &reached,
        "time-frame.create",
        &created,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, frame = %new.name, by = caller.account_id, "time frame created");
    Ok(created)
}

/// Changes the frame `id` of `owner` in `domain` as `change` says (its name, its kind, its
/// entries), in one transaction with one audit entry. A frame an answer rule names keeps its
/// name (409).
pub async fn update_time_frame(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    owner: FrameOwner<'_>,
    id: &str,
    change: &TimeFrameChange,
) -> Result<TimeFrame, AppError> {
    let reached = reach(db, caller, domain, owner, true).await?;
    let id = frame_id(id)?;
    let (mut tx, current) = begin_locked(db, &reached.found).await?;
    let before = time_frames::get(&mut tx, current.name(), current.id, reached.owner, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut definition = before
        .definition
        .changed(change)
        .map_err(AppError::invalid)?;
    definition.assign_ids(fresh_entry_id);
    let name = change.name.clone().unwrap_or_else(|| before.name.clone());
    if name != before.name {
        refuse_if_named(&mut tx, &current, &reached, &before, "renamed").await?;
    }
    if !time_frames::update(
        &mut tx,
        current.id,
        reached.owner,
        id,
        &name,
        &definition,
        now_ms(),
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    renew_spans(&mut tx, id, now_ms()).await?;
    let after = time_frames::get(&mut tx, current.name(), current.id, reached.owner, id)
        .await?
        .ok_or(AppError::Internal)?;
    let mut changes = audit::Changes::new();
    if before.name != after.name {
        changes.insert(
            NAME.into(),
            (before.name.to_string(), after.name.to_string()),
        );
    }
    let (kind_before, kind_after) = (before.definition.kind(), after.definition.kind());
    if kind_before != kind_after {
        changes.insert(
            TYPE.into(),
            (kind_before.to_string(), kind_after.to_string()),
        );
    }
    let (entries_before, entries_after) = (before.definition.stored(), after.definition.stored());
    if entries_before != entries_after {
        changes.insert("entries".into(), (entries_before, entries_after));
    }
    if !changes.is_empty() {
        record(
            &mut tx,
            caller,
            &current,
            &reached,
            "time-frame.update",
            &before,
            &changes,
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(domain = %domain, frame = %after.name, by = caller.account_id, "time frame changed");
    Ok(after)
}

/// Deletes the frame `id` of `owner` in `domain`, unless an answer rule names it (409 naming
/// the users whose rules do).
pub async fn delete_time_frame(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    owner: FrameOwner<'_>,
    id: &str,
) -> Result<(), AppError> {
    let reached = reach(db, caller, domain, owner, true).await?;
    let id = frame_id(id)?;
    let (mut tx, current) = begin_locked(db, &reached.found).await?;
    let frame = time_frames::get(&mut tx, current.name(), current.id, reached.owner, id)
        .await?
        .ok_or(AppError::NotFound)?;
    refuse_if_named(&mut tx, &current, &reached, &frame, "deleted").await?;
    if !time_frames::delete(&mut tx, current.id, reached.owner, id).await? {
        return Err(AppError::NotFound);
    }
    let mut changes = audit::Changes::new();
    changes.insert(NAME.into(), (frame.name.to_string(), String::new()));
    changes.insert(
        TYPE.into(),
        (frame.definition.kind().to_string(), String::new()),
    );
    changes.insert("entries".into(), (frame.definition.stored(), String::new()));
    record(
        &mut tx,
        caller,
        &current,
        &reached,
        "time-frame.delete",
        &frame,
        &changes,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, frame = %frame.name, by = caller.account_id, "time frame deleted");
    Ok(())
}

/// A conflict on `timeframe-name` when an answer rule names `frame` (it would name nothing once
/// the frame is `done`).
async fn refuse_if_named(
    tx: &mut Tx,
    found: &DomainRef,
    reached: &Reached,
    frame: &TimeFrame,
    done: &str,
) -> Result<(), AppError> {
    let users = time_frames::rules_naming(tx, found.id, reached.owner, frame.name.as_str()).await?;
    if users.is_empty() {
        return Ok(());
    }
    let whose = match reached.owner {
        Owner::User(_) => "This user's answer rule".to_owned(),
        Owner::Domain => format!(
            "The answer {} of {} {}",
            if users.len() == 1 { "rule" } else { "rules" },
            if users.len() == 1 { "user" } else { "users" },
            users.join(", ")
        ),
    };
    Err(AppError::conflict(
        NAME,
        &format!(
            "{whose} {} the time frame {}: it cannot be {done} until {} changed.",
            if users.len() == 1 { "names" } else { "name" },
            frame.name,
            if users.len() == 1 {
                "that rule is"
            } else {
                "they are"
            },
        ),
    ))
}

async fn record(
    tx: &mut Tx,
    caller: &Caller,
    found: &DomainRef,
    reached: &Reached,
    action: &str,
    frame: &TimeFrame,
    changes: &audit::Changes,
) -> Result<(), AppError> {
    // A user's frame is named with its user: another user may have a frame of the same name.
    let target = match &reached.user {
        Some(extension) => format!("{} of {extension}", frame.name),
        None => frame.name.to_string(),
    };
    audit::record(tx, caller, audit::within(found), action, &target, changes).await
}

/// How far ahead of now a frame's spans are stored.
const SPANS_AHEAD_MS: i64 = 35 * MS_PER_DAY;
/// How soon before its stored spans run out a frame's are renewed.
const RENEW_WITHIN_MS: i64 = 14 * MS_PER_DAY;

/// Writes the spans of the frame `placed` (as [`time_frames::placed`] read it in `tx`) from a
/// little before `now` to [`SPANS_AHEAD_MS`] after, in the zone it is evaluated in now.
async fn write_placed(tx: &mut Tx, placed: &time_frames::Placed, now: i64) -> Result<(), AppError> {
    let zone = placed.zone();
    let until = now + SPANS_AHEAD_MS;
    let spans = spans(&placed.definition()?, &zone, now - MS_PER_DAY, until);
    time_frames::write_spans(tx, placed.id, &zone, until, &spans).await?;
    Ok(())
}

/// Renews the spans of the frame `id` (just made or changed) in `tx`.
async fn renew_spans(tx: &mut Tx, id: i64, now: i64) -> Result<(), AppError> {
    for placed in time_frames::placed(&mut **tx, Some(id)).await? {
        write_placed(tx, &placed, now).await?;
    }
    Ok(())
}

/// Renews the spans of every frame whose stored spans are due at `now`: worked out in a zone
/// that is no longer the frame's (its user, site or domain changed time zone), or running out
/// within [`RENEW_WITHIN_MS`]. Each frame in its own short transaction, read again there (it may
/// have changed meanwhile). Answers how many were renewed. The server runs it every minute, so a
/// change of time zone reaches the SIP side within one.
pub async fn renew_due_spans(db: &Db, now: i64) -> Result<usize, AppError> {
    let due = |placed: &time_frames::Placed| {
        placed.spans_until < now + RENEW_WITHIN_MS || placed.spans_zone != placed.zone()
    };
    let ids: Vec<i64> = {
        let mut conn = db.pool().acquire().await?;
        time_frames::placed(&mut conn, None)
            .await?
            .iter()
            .filter(|placed| due(placed))
            .map(|placed| placed.id)
            .collect()
    };
    let mut renewed = 0;
    for id in ids {
        let mut tx = db.begin().await?;
        if let Some(placed) = time_frames::placed(&mut *tx, Some(id)).await?.pop() {
            if due(&placed) {
                write_placed(&mut tx, &placed, now).await?;
                renewed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(renewed)
}

/// The zone called `name` in the tz database compiled into Roster (the same on every machine,
/// whatever `/usr/share/zoneinfo` holds). Every zone name Roster accepts is there (a test says
/// so); should one not be, UTC, and a warning.
fn zone(name: &str) -> jiff::tz::TimeZone {
    static DATABASE: std::sync::OnceLock<jiff::tz::TimeZoneDatabase> = std::sync::OnceLock::new();
    DATABASE
        .get_or_init(jiff::tz::TimeZoneDatabase::bundled)
        .get(name)
        .unwrap_or_else(|e| {
            tracing::warn!(zone = name, error = %e, "unknown time zone: using UTC");
            jiff::tz::TimeZone::UTC
        })
}

const MS_PER_MINUTE: i64 = 60_000;
const MS_PER_DAY: i64 = 86_400_000;

/// Whether `frame` is active at the instant `instant_ms` (Unix milliseconds) in the zone
/// `tz_name`: whether it is active at the wall-clock time the zone shows then.
pub fn is_active(frame: &Definition, tz_name: &str, instant_ms: i64) -> bool {
    let Ok(instant) = jiff::Timestamp::from_millisecond(instant_ms) else {
        return false;
    };
    let offset_ms = i64::from(zone(tz_name).to_offset(instant).seconds()) * 1000;
    CivilDateTime::from_epoch_seconds((instant_ms + offset_ms).div_euclid(1000))
        .is_some_and(|local| frame.active_at(local))
}

/// The instants from `from_ms` to `to_ms` (Unix milliseconds, `to_ms` excluded) at which `frame`
/// is active in the zone `tz_name`, as sorted, separate `[begin, end)` intervals of Unix
/// milliseconds: exactly the instants at which [`is_active`] is true.
///
/// Between two changes of the zone's offset, the wall clock runs evenly, so the frame's active
/// minutes of each local day in that stretch map back by one offset. Across a change they do not:
/// the wall-clock times skipped when clocks go forward are never active, those repeated when
/// they go back are active twice.
pub fn spans(frame: &Definition, tz_name: &str, from_ms: i64, to_ms: i64) -> Vec<(i64, i64)> {
    let tz = zone(tz_name);
    let mut out: Vec<(i64, i64)> = Vec::new();
    let mut start = from_ms;
    while start < to_ms {
        let Ok(instant) = jiff::Timestamp::from_millisecond(start) else {
            break;
        };
        let offset_ms = i64::from(tz.to_offset(instant).seconds()) * 1000;
        let next_change = tz
            .following(instant)
            .map(|t| t.timestamp().as_millisecond())
            .find(|&t| t > start)
            .unwrap_or(i64::MAX);
        let end = next_change.min(to_ms);
        // The stretch [start, end) on the wall clock.
        let (local_start, local_end) = (start + offset_ms, end + offset_ms);
        let mut day = local_start.div_euclid(MS_PER_DAY);
        while day * MS_PER_DAY < local_end {
            let Some(date) = crate::model::time_frame::CivilDate::from_days_since_epoch(day) else {
                break;
            };
            for (begin, finish) in frame.intervals_on(date) {
                let a = (day * MS_PER_DAY + i64::from(begin) * MS_PER_MINUTE).max(local_start);
                let b = (day * MS_PER_DAY + i64::from(finish) * MS_PER_MINUTE).min(local_end);
                if a < b {
                    push_merged(&mut out, (a - offset_ms, b - offset_ms));
                }
            }
            day += 1;
        }
        start = end;
    }
    out
}

/// Adds `span` to the sorted, separate `spans`, joining it to the last if they touch.
fn push_merged(spans: &mut Vec<(i64, i64)>, span: (i64, i64)) {
    match spans.last_mut() {
        Some(last) if span.0 <= last.1 => last.1 = last.1.max(span.1),
        _ => spans.push(span),
    }
}

#[cfg(test)]
mod tests;
