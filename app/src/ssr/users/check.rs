//! The checks a user's values pass against its domain before they are written: what collides
//! with something that exists (a taken extension, login, device or number) and what refers to
//! nothing (a call queue, an extension to forward to), every problem of every user at once, each
//! on its field. A batch of users (an import, or many creates) costs a few queries per rule, about
//! what one user does. A change is checked only for what it changes.

use crate::error::AppError;
use crate::model::fields::{split_list, Leaf};
use crate::model::user::{default_login, qualified_login, UserForm, UserValues};
use crate::model::{
    Destination, DeviceName, Extension, FieldErrors, Parse, PhoneNumber, SiteName, YesNo,
};
use crate::ssr::db::domains::DomainRef;
use crate::ssr::db::users::facts;
use crate::ssr::db::DbResult;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// A stored user being changed: its row id and its values before the change.
pub struct Current<'a> {
    pub id: i64,
    pub before: &'a UserValues,
}

/// One user to check: new values, and (for a change) the user they replace.
pub struct Candidate<'a> {
    pub values: &'a UserValues,
    /// The names of its devices: the first is the form's `device`, the rest `devices[i]`.
    pub devices: Vec<&'a str>,
    /// Whether it is to have a voicemail box (voicemail in effect, its own or its domain's).
    pub wants_box: bool,
    pub current: Option<Current<'a>>,
}

impl Candidate<'_> {
    /// The row id of the user itself, whose own devices and numbers are no conflict.
    fn me(&self) -> i64 {
        self.current.as_ref().map_or(-1, |c| c.id)
    }

    /// Whether `part` of the values differs from what the user had (always, for a new user).
    fn changes<T: PartialEq + ?Sized>(&self, part: impl Fn(&UserValues) -> &T) -> bool {
        self.current
            .as_ref()
            .is_none_or(|c| part(c.before) != part(self.values))
    }
}

/// What a user's problems are: collisions with what exists (409) and references to nothing or
/// limits passed (422).
#[derive(Default, Clone)]
pub struct Problems {
    pub conflicts: FieldErrors,
    pub invalid: FieldErrors,
}

impl Problems {
    fn is_empty(&self) -> bool {
        self.conflicts.is_empty() && self.invalid.is_empty()
    }

    /// Every problem, collisions first.
    pub fn all(&self) -> FieldErrors {
        let mut all = self.conflicts.clone();
        all.0.extend(self.invalid.0.iter().cloned());
        all
    }

    /// The error a single write answers with: 409 when something collides, 422 otherwise.
    pub fn into_error(self) -> AppError {
        if self.conflicts.is_empty() {
            AppError::invalid(self.invalid)
        } else {
            AppError::Conflict {
                errors: self.all(),
                input: None,
            }
        }
    }
}

/// What the checks found that the writes need, for one user.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The user's site if it exists already (a new one is made by the writes).
    pub site_id: Option<i64>,
    /// Numbers to route to the user: (number, already in the domain).
    pub numbers: Vec<(PhoneNumber, bool)>,
    /// The call queues it is to be an agent of.
    pub queue_ids: Vec<i64>,
}

/// The outcome of checking a batch: what each user needs written, and the problems of those
/// that may not be written, by position in the batch.
pub struct Checked {
    pub found: Vec<Found>,
    pub problems: Vec<(usize, Problems)>,
}

/// The values of `items`, each once, in the order they first appear.
fn distinct<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(*item)).collect()
}

/// The field a device of the batch is reported on: `device` for the first, `devices[i].device`.
fn device_field(k: usize) -> String {
    if k == 0 {
        "device".to_owned()
    } else {
        format!("devices[{k}].device")
    }
}

/// Checks `batch` against what `domain` holds, read through `conn` (the write transaction, or
/// any connection for a check that writes nothing). `any_caller_id`: the caller may give any
/// caller ID, not only the domain's numbers (see [`crate::ssr::access::may_send_any_caller_id`]).
/// The users of the batch count as existing for each other (a forward to another new user is fine); duplicates within the batch are the
/// caller's to find (the database refuses them).
pub async fn check(
    conn: &mut AnyConnection,
    domain: &DomainRef,
    batch: &[Candidate<'_>],
    any_caller_id: bool,
) -> DbResult<Checked> {
    let d = domain.id;
    let mut p: Vec<Problems> = batch.iter().map(|_| Problems::default()).collect();
    let mut found: Vec<Found> = batch.iter().map(|_| Found::default()).collect();

    // The domain's maximum of users: the new users past it, in order, are refused.
    if let Some(max) = domain.settings.limits_max_users {
        if batch.iter().any(|c| c.current.is_none()) {
            let count = facts::count_in_domain(conn, "users", d).await?;
            let limit = i64::from(max.get());
            let mut users = count;
            for (i, _) in batch
                .iter()
                .enumerate()
                .filter(|(_, c)| c.current.is_none())
            {
                if users >= limit {
                    p[i].invalid.add(
                        "user",
                        if count >= limit {
                            format!("This domain already has its maximum of {max} users.")
                        } else {
                            format!("With the users before it, this one would pass the domain's maximum of {max} users.")
                        },
                    );
                }
                users += 1;
            }
        }
    }

    let renamed = |c: &Candidate<'_>| c.changes(|v| &v.user);
    let wanted = distinct(
        batch
            .iter()
            .filter(|c| renamed(c))
            .map(|c| c.values.user.as_str()),
    );
    let taken = facts::extensions_in_use(conn, d, &wanted).await?;
    for (i, c) in batch.iter().enumerate() {
        if renamed(c) && taken.contains(c.values.user.as_str()) {
            p[i].conflicts
                .add("user", extension_taken(c.values.user.as_str()));
        }
    }

    let new_login = |c: &Candidate<'_>| c.changes(|v| v.login());
    let wanted = distinct(
        batch
            .iter()
            .filter(|c| new_login(c))
            .map(|c| c.values.login()),
    );
    let taken = facts::accounts_with_logins(conn, &wanted).await?;
    for (i, c) in batch.iter().enumerate() {
        if new_login(c) && taken.contains(c.values.login()) {
            p[i].conflicts
                .add("login-username", login_taken(c.values.login()));
        }
    }

    let names = distinct(
        batch
            .iter()
            .filter_map(|c| c.values.site.as_ref().map(|s| s.as_str())),
    );
    let sites = facts::sites_named(conn, d, &names).await?;
    let unknown: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !sites.contains_key(*name))
        .collect();
    // A name that differs from a site's only in case is a typo, not a new site.
    // (None of `unknown` is a site as written, so any site found is one in another case.)
    let near: HashMap<String, String> = if unknown.is_empty() {
        HashMap::new()
    } else {
        facts::sites_named_any_case(conn, d, &unknown)
            .await?
            .into_iter()
            .map(|name| (name.to_lowercase(), name))
            .collect()
    };
    let new_sites: Vec<&str> = unknown
        .iter()
        .copied()
        .filter(|name| !near.contains_key(&name.to_lowercase()))
        .collect();
    let mut refused_sites: HashMap<&str, String> = HashMap::new();
    if let (Some(max), false) = (domain.settings.limits_max_sites, new_sites.is_empty()) {
        let count = facts::count_in_domain(conn, "sites", d).await?;
        let limit = i64::from(max.get());
        let room = usize::try_from(limit - count).unwrap_or(0);
        for site in new_sites.iter().skip(room) {
            let message = if count >= limit {
                format!("{site} would be a new site, and this domain already has its maximum of {max} sites.")
            } else {
                format!("{site} would be a new site past this domain's maximum of {max} sites.")
            };
            refused_sites.insert(site, message);
        }
    }
    for (i, c) in batch.iter().enumerate() {
        if let Some(site) = &c.values.site {
            found[i].site_id = sites.get(site.as_str()).copied();
            if let Some(message) = refused_sites.get(site.as_str()) {
                p[i].invalid.add("site", message.clone());
            }
            if found[i].site_id.is_none() {
                if let Some(existing) = near.get(&site.as_str().to_lowercase()) {
                    p[i].invalid.add("site", site_differs_in_case(existing));
                }
            }
        }
    }

    let names = distinct(batch.iter().flat_map(|c| c.devices.iter().copied()));
    let used = facts::device_owners(conn, d, &names).await?;
    for (i, c) in batch.iter().enumerate() {
        for (k, device) in c.devices.iter().enumerate() {
            if used.get(*device).is_some_and(|owner| *owner != c.me()) {
                p[i].conflicts.add(device_field(k), device_in_use(device));
            }
        }
    }

    let wants_box = |c: &Candidate<'_>| c.wants_box && renamed(c);
    let wanted = distinct(
        batch
            .iter()
            .filter(|c| wants_box(c))
            .map(|c| c.values.user.as_str()),
    );
    let boxes = facts::mailbox_owners(conn, d, &wanted).await?;
    for (i, c) in batch.iter().enumerate() {
        if wants_box(c)
            && boxes
                .get(c.values.user.as_str())
                .is_some_and(|owner| *owner != Some(c.me()))
        {
            p[i].conflicts
                .add("user", mailbox_taken(c.values.user.as_str()));
        }
    }

    let wanted = distinct(
        batch
            .iter()
            .flat_map(|c| c.values.phone_numbers.iter().map(PhoneNumber::as_str)),
    );
    let known = facts::numbers_known(conn, &wanted).await?;
    for (i, c) in batch.iter().enumerate() {
        for (k, number) in c.values.phone_numbers.iter().enumerate() {
            match number_elsewhere(known.get(number.as_str()), d, c.me(), number) {
                Err(problem) => p[i].conflicts.add(format!("phone-numbers[{k}]"), problem),
                Ok(known) => found[i].numbers.push((number.clone(), known)),
            }
        }
    }

    let wanted = distinct(
        batch
            .iter()
            .flat_map(|c| c.values.groups.iter().map(|q| q.as_str())),
    );
    let queues = facts::queues_numbered(conn, d, &wanted).await?;
    for (i, c) in batch.iter().enumerate() {
        for (k, queue) in c.values.groups.iter().enumerate() {
            match queues.get(queue.as_str()) {
                Some(id) => found[i].queue_ids.push(*id),
                None => p[i].invalid.add(
                    format!("groups[{k}]"),
                    format!("This domain has no call queue {queue}."),
                ),
            }
        }
    }

    // Numbers the users' calls go to (forwards, simultaneous ring) must be allowed by their dial
    // policy (their own, or their domain's): checked for what a change adds, or for all of them
    // when the policy itself changes.
    for (i, c) in batch.iter().enumerate() {
        let policy = |v: &UserValues| v.dial_policy.unwrap_or(domain.settings.dial_policy);
        let had = c
            .current
            .as_ref()
            .filter(|cur| policy(cur.before) == policy(c.values));
        let had = had.map(|cur| dialled(cur.before)).unwrap_or_default();
        for (field, number) in dialled(c.values) {
            if !had.contains(&(field.clone(), number)) && !policy(c.values).allows(number) {
                p[i].invalid.add(field, policy(c.values).refusal(number));
            }
        }
    }

    // A caller ID (and an emergency caller ID) is one of the domain's own numbers, or one of the
    // numbers the user is being given; only a Super User may send any other.
    if !any_caller_id {
        let wanted = distinct(
            batch
                .iter()
                .flat_map(new_caller_ids)
                .map(|(_, n)| n.as_str()),
        );
        let known = facts::numbers_known(conn, &wanted).await?;
        for (i, c) in batch.iter().enumerate() {
            for (field, number) in new_caller_ids(c) {
                let ours = known
                    .get(number.as_str())
                    .is_some_and(|known| known.domain_id == d)
                    || (c.values.phone_numbers.contains(number)
                        && !known.contains_key(number.as_str()));
                if !ours {
                    p[i].invalid.add(
                        field,
                        format!("{number} is not a number of this domain: a caller ID must be one of its numbers."),
                    );
                }
            }
        }
    }

    // Extensions the users refer to (voicemail copies, forwards, simultaneous ring) must exist:
    // in the domain, or among the users being written.
    let in_batch: HashSet<&str> = batch.iter().map(|c| c.values.user.as_str()).collect();
    // A change is checked for the references it makes, not for those the user had already.
    let references: Vec<Vec<(String, &Extension)>> = batch
        .iter()
        .map(|c| {
            let had = c
                .current
                .as_ref()
                .map(|cur| referred(cur.before))
                .unwrap_or_default();
            referred(c.values)
                .into_iter()
                .filter(|r| !had.contains(r))
                .collect()
        })
        .collect();
    let wanted = distinct(
        references
            .iter()
            .flatten()
            .map(|(_, ext)| ext.as_str())
            .filter(|ext| !in_batch.contains(ext)),
    );
    let existing = facts::extensions_in_use(conn, d, &wanted).await?;
    for (i, refs) in references.into_iter().enumerate() {
        for (field, ext) in refs {
            if !in_batch.contains(ext.as_str()) && !existing.contains(ext.as_str()) {
                p[i].invalid
                    .add(field, format!("This domain has no extension {ext}."));
            }
        }
    }

    Ok(Checked {
        found,
        problems: p
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !p.is_empty())
            .collect(),
    })
}

/// Where a user's calls go besides itself (forwards, simultaneous ring), with the field each is
/// named in.
fn destinations(v: &UserValues) -> Vec<(String, &Destination)> {
    let forwards = [
        ("forward-always", &v.forward_always),
        ("forward-on-busy", &v.forward_on_busy),
        ("forward-no-answer", &v.forward_no_answer),
        ("forward-when-unregistered", &v.forward_when_unregistered),
    ]
    .into_iter()
    .filter_map(|(field, dst)| dst.as_ref().map(|d| (field.to_owned(), d)));
    let ring = v
        .simultaneous_ring
        .iter()
        .enumerate()
        .map(|(k, dst)| (format!("simultaneous-ring[{k}]"), dst));
    forwards.chain(ring).collect()
}

/// The extensions a user's values refer to, with the field each is named in.
fn referred(v: &UserValues) -> Vec<(String, &Extension)> {
    let cc = v
        .email_send_alert_new_voicemail_cc_list_csv
        .iter()
        .enumerate()
        .map(|(k, ext)| {
            (
                format!("email-send-alert-new-voicemail-cc-list-csv[{k}]"),
                ext,
            )
        });
    let calls = destinations(v)
        .into_iter()
        .filter_map(|(field, dst)| match dst {
            Destination::Extension(ext) => Some((field, ext)),
            _ => None,
        });
    cc.chain(calls).collect()
}

/// The phone numbers a user's calls go to besides itself, with the field each is named in.
fn dialled(v: &UserValues) -> Vec<(String, &PhoneNumber)> {
    destinations(v)
        .into_iter()
        .filter_map(|(field, dst)| match dst {
            Destination::Number(number) => Some((field, number)),
            _ => None,
        })
        .collect()
}

/// The caller IDs a user sends that it did not send before, with their fields.
fn new_caller_ids<'a>(c: &Candidate<'a>) -> Vec<(&'static str, &'a PhoneNumber)> {
    let ids = |v: &'a UserValues| {
        [
            ("caller-id-number", v.caller_id_number.as_ref()),
            (
                "caller-id-number-emergency",
                v.caller_id_number_emergency.as_ref(),
            ),
        ]
    };
    let before = c.current.as_ref().map(|cur| ids(cur.before));
    ids(c.values)
        .into_iter()
        .enumerate()
        .filter_map(|(k, (field, number))| {
            let had = before.as_ref().and_then(|b| b[k].1);
            number.filter(|n| had != Some(*n)).map(|n| (field, n))
        })
        .collect()
}

/// Whether a user with these values has voicemail in effect: its own setting, or its domain's.
pub fn has_voicemail(values: &UserValues, domain: &DomainRef) -> bool {
    values
        .voicemail_enabled
        .unwrap_or(domain.settings.voicemail_enabled)
        == YesNo::Yes
}

/// What a user is told about an extension its domain already has (a user's or a queue's).
pub(crate) fn extension_taken(extension: &str) -> String {
    format!("Extension {extension} is already taken in this domain.")
}

fn mailbox_taken(mailbox: &str) -> String {
    format!("A voicemail box {mailbox} already exists in this domain.")
}

/// What a user is told about a new site named as an existing one in another case.
pub(crate) fn site_differs_in_case(existing: &str) -> String {
    format!("This domain has a site {existing}: name it as written, or a site whose name differs by more than case.")
}

fn login_taken(login: &str) -> String {
    format!("The login {login} is already taken.")
}

fn device_in_use(device: &str) -> String {
    format!("The device {device} is already in use in this domain.")
}

/// Whether `number`, found as `known` (its domain, the user it rings), may go to user `me` of
/// domain `d`: `Ok(whether it exists already)`, or the conflict.
fn number_elsewhere(
    known: Option<&facts::KnownNumber>,
    d: i64,
    me: i64,
    number: &PhoneNumber,
) -> Result<bool, String> {
    match known {
        None => Ok(false),
        Some(k) if k.domain_id != d => Err(format!("{number} belongs to another domain.")),
        Some(k) if k.user_id.is_some_and(|user| user != me) => {
            Err(format!("{number} is already routed to another user."))
        }
        Some(facts::KnownNumber {
            queue: Some(queue), ..
        }) => Err(format!(
            "{number} rings the call queue {queue}: route it elsewhere first."
        )),
        Some(_) => Ok(true),
    }
}

/// Whether the user `form` describes gets a voicemail box (blank follows the domain).
fn wants_box(form: &UserForm, domain: &DomainRef) -> bool {
    match form.voicemail_enabled.trim() {
        "" => domain.settings.voicemail_enabled == YesNo::Yes,
        typed => typed == YesNo::Yes.as_str(),
    }
}

/// The conflicts a form being typed has with what its domain holds: a taken extension (or
/// voicemail box), login, device name or phone number, or a site named as an existing one in
/// another case, with the messages [`check`] gives. Each
/// field is read on its own, as the rest of the form may not be valid yet; a field that does not
/// parse is left to its own check. `me`: the user being edited (its id and stored values), whose
/// own extension, login, device and numbers are no conflict.
pub async fn typed_conflicts(
    conn: &mut AnyConnection,
    domain: &DomainRef,
    me: Option<(i64, &UserValues)>,
    form: &UserForm,
) -> DbResult<FieldErrors> {
    let cx = domain.field_context();
    let d = domain.id;
    let my_id = me.map_or(-1, |(id, _)| id);
    let mut errors = FieldErrors::default();
    let extension = Extension::read(form.user.trim(), &cx).ok();
    let unchanged = |stored: Option<&str>, typed: &str| me.is_some() && stored == Some(typed);

    if let Some(ext) = &extension {
        if !unchanged(me.map(|(_, v)| v.user.as_str()), ext.as_str()) {
            let wanted = [ext.as_str()];
            if facts::extensions_in_use(conn, d, &wanted)
                .await?
                .contains(ext.as_str())
            {
                errors.add("user", extension_taken(ext.as_str()));
            } else if wants_box(form, domain)
                && facts::mailbox_owners(conn, d, &wanted)
                    .await?
                    .get(ext.as_str())
                    .is_some_and(|owner| *owner != Some(my_id))
            {
                errors.add("user", mailbox_taken(ext.as_str()));
            }
        }
    }

    // The login as it would be stored (blank is extension@domain, a name alone gets @domain).
    let typed_login = form.login_username.trim();
    let login = if typed_login.is_empty() {
        extension
            .as_ref()
            .and_then(|ext| default_login(ext, domain.name()).ok())
    } else {
        qualified_login(typed_login, domain.name()).ok()
    };
    if let Some(login) = login {
        let login = login.as_str();
        let stored = me.map(|(_, v)| v.login());
        if !unchanged(stored, login)
            && facts::accounts_with_logins(conn, &[login])
                .await?
                .contains(login)
        {
            errors.add("login-username", login_taken(login));
        }
    }

    let device = match form.device.trim() {
        "" => extension.as_ref().map(|ext| ext.as_str().to_owned()),
        typed => Some(typed.to_owned()),
    };
    if let Some(device) = device.filter(|name| DeviceName::parse(name).is_ok()) {
        let owners = facts::device_owners(conn, d, &[device.as_str()]).await?;
        if owners.get(&device).is_some_and(|owner| *owner != my_id) {
            errors.add("device", device_in_use(&device));
        }
    }

    if let Ok(site) = SiteName::parse(form.site.trim()) {
        let named = facts::sites_named_any_case(conn, d, &[site.as_str()]).await?;
        if let (false, Some(existing)) = (named.iter().any(|n| n == site.as_str()), named.first()) {
            errors.add("site", site_differs_in_case(existing));
        }
    }

    let numbers: Vec<(usize, PhoneNumber)> = split_list(&form.phone_numbers)
        .enumerate()
        .filter_map(|(k, raw)| PhoneNumber::parse(raw).ok().map(|n| (k, n)))
        .collect();
    if !numbers.is_empty() {
        let wanted: Vec<&str> = numbers.iter().map(|(_, n)| n.as_str()).collect();
        let known = facts::numbers_known(conn, &wanted).await?;
        for (k, number) in &numbers {
            if let Err(problem) = number_elsewhere(known.get(number.as_str()), d, my_id, number) {
                errors.add(format!("phone-numbers[{k}]"), problem);
            }
        }
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keeps_the_first_of_each_in_order() {
        assert_eq!(
            distinct(["b", "a", "b", "c", "a"].into_iter()),
            ["b", "a", "c"]
        );
    }
}
