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
use crate::model::user::{Device, NewDevice, NewUser, UserDetail, UserForm, UserList, UserQuery};
use crate::model::{DomainName, FieldErrors, Scope};
use std::collections::HashMap;

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
pub(super) fn parse_in(found: &domains::DomainRef, form: &UserForm) -> Result<NewUser, AppError> {
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

/// Whether `caller` may create `new` in `found`: what it may not give (see [`check_grant`]) is
/// reported on the fields; anything else the permission table refuses is `Forbidden`.
pub(super) fn may_create(
    caller: &Caller,
    found: &domains::DomainRef,
    new: &NewUser,
) -> Result<(), AppError> {
    check_grant(caller, new)?;
    let place = UserPlace {
        id: None,
        site: new.site.as_ref().map(|s| s.as_str()),
        scope: new.user_scope,
    };
    if caller
        .who
        .may(Action::ManageUsers, &found.place(Some(place)))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The SIP passwords of a new user's devices: the one given, or a generated one.
pub(super) fn sip_passwords(new: &NewUser) -> Vec<String> {
    new.devices
        .iter()
        .map(|d| {
            d.sip_password
                .as_ref()
                .map_or_else(generate_sip_password, |p| p.expose().to_owned())
        })
        .collect()
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
    create_user_with_devices(db, caller, domain, form, None).await
}

/// A device as sent to the API (several may come with one user): its name and, optionally, its
/// SIP password. Also the body of the API's device create and change.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct DeviceForm {
    pub device: String,
    pub device_sip_registration_password: String,
}

/// [`create_user`], with the user's devices given as a list (the API's nested `devices`) instead
/// of the form's one `device`. Bad devices are reported with the rest, as `devices[i].<field>`.
pub async fn create_user_with_devices(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &UserForm,
    devices: Option<&[DeviceForm]>,
) -> Result<Created, AppError> {
    use crate::model::user::NewDevice;
    use crate::model::{optional, DeviceName, Parse, SipPassword};
    let found = access::domain(db.pool(), caller, domain, Action::ManageUsers).await?;
    let parsed = parse_in(&found, form);
    let mut errors = match &parsed {
        Err(AppError::Invalid { errors, .. }) => errors.clone(),
        _ => FieldErrors::default(),
    };
    let mut listed = Vec::new();
    for (i, d) in devices.unwrap_or_default().iter().enumerate() {
        let name = errors.check(
            &format!("devices[{i}].device"),
            DeviceName::parse(&d.device),
        );
        let password = errors.check(
            &format!("devices[{i}].device-sip-registration-password"),
            optional::<SipPassword>(&d.device_sip_registration_password),
        );
        if let (Some(device), Some(sip_password)) = (name, password) {
            listed.push(NewDevice {
                device,
                sip_password,
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut new = parsed?;
    if devices.is_some() {
        new.devices = listed;
    }
    may_create(caller, &found, &new)?;
    let passwords = sip_passwords(&new);
    write_new(db, caller, found, new, passwords).await
}

/// New users waiting to be written, by domain. Creates that arrive while their domain's writer
/// is busy are written together by its next transaction: one domain lock and one commit for many,
/// which is what lets a domain take many creates a second (every create of a domain holds its
/// lock, and on SQLite every write holds the one write lock). Each create is still checked and
/// answered on its own, as if it had run alone in its order of arrival.
#[derive(Default)]
pub struct Arrivals(std::sync::Mutex<HashMap<i64, Vec<Arrival>>>);

impl std::fmt::Debug for Arrivals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Arrivals")
    }
}

/// One create waiting for its domain's writer, already parsed and allowed.
pub struct Arrival {
    caller: Caller,
    found: domains::DomainRef,
    new: NewUser,
    passwords: Vec<String>,
    reply: tokio::sync::oneshot::Sender<Result<Created, AppError>>,
}

/// The most creates one transaction writes.
const MOST_PER_WRITE: usize = 64;

impl Arrivals {
    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Vec<Arrival>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Queues `new` for its domain's writer (starting one if none is running) and waits for its
/// answer.
async fn write_new(
    db: &Db,
    caller: &Caller,
    found: domains::DomainRef,
    new: NewUser,
    passwords: Vec<String>,
) -> Result<Created, AppError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let domain_id = found.id;
    let arrival = Arrival {
        caller: caller.clone(),
        found,
        new,
        passwords,
        reply,
    };
    let start = {
        let mut waiting = db.arrivals().waiting();
        let start = !waiting.contains_key(&domain_id);
        waiting.entry(domain_id).or_default().push(arrival);
        start
    };
    if start {
        tokio::spawn(write_arrivals(db.clone(), domain_id));
    }
    // A writer that failed outright dropped the reply.
    answer.await.unwrap_or(Err(AppError::Internal))
}

/// A domain's writer: writes what has arrived for it, batch after batch, until nothing is left.
/// While it runs, its domain's entry in [`Arrivals`] exists (empty between batches).
async fn write_arrivals(db: Db, domain_id: i64) {
    /// Should the writer panic, its domain's queue goes with it (whose creates then answer
    /// `Internal`), so the next create starts a new writer instead of waiting for this one.
    struct Unstick<'a>(&'a Db, i64);
    impl Drop for Unstick<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.arrivals().waiting().remove(&self.1);
            }
        }
    }
    let _unstick = Unstick(&db, domain_id);
    loop {
        let batch: Vec<Arrival> = {
            let mut waiting = db.arrivals().waiting();
            let Some(queue) = waiting.get_mut(&domain_id) else {
                return;
            };
            if queue.is_empty() {
                waiting.remove(&domain_id);
                return;
            }
            let rest = queue.split_off(queue.len().min(MOST_PER_WRITE));
            std::mem::replace(queue, rest)
        };
        let mut rest = batch;
        while !rest.is_empty() {
            let (round, later) = apart(rest);
            write_round(&db, round).await;
            rest = later;
        }
    }
}

/// Splits arrivals into those that can be written together and those that must wait for them:
/// an arrival that asks for an extension, login, device or phone number an earlier one asks for
/// waits, and is then checked against what the earlier one wrote (a conflict, as it would be had
/// it come alone and later).
fn apart(arrivals: Vec<Arrival>) -> (Vec<Arrival>, Vec<Arrival>) {
    let mut asked: std::collections::HashSet<(&'static str, String)> = Default::default();
    let (mut now, mut later) = (Vec::new(), Vec::new());
    for arrival in arrivals {
        let new = &arrival.new;
        let wants: Vec<(&'static str, String)> = [("user", new.user.to_string())]
            .into_iter()
            .chain([("login", new.login_username.to_string())])
            .chain(new.devices.iter().map(|d| ("device", d.device.to_string())))
            .chain(new.phone_numbers.iter().map(|n| ("number", n.to_string())))
            .collect();
        if wants.iter().any(|w| asked.contains(w)) {
            later.push(arrival);
        } else {
            asked.extend(wants);
            now.push(arrival);
        }
    }
    (now, later)
}

/// Writes one round of arrivals in one transaction and answers each. Should the transaction fail
/// (a database error, or a row another server wrote first), nothing of it is kept and each
/// arrival is tried again alone, so each gets its own answer.
async fn write_round(db: &Db, round: Vec<Arrival>) {
    let answers = match together(db, &round).await {
        Ok(answers) => answers,
        Err(error) if round.len() == 1 => vec![Err(error)],
        Err(_) => {
            for arrival in round {
                let answer = together(db, std::slice::from_ref(&arrival))
                    .await
                    .and_then(|mut one| one.pop().ok_or(AppError::Internal))
                    .unwrap_or_else(Err);
                let _ = arrival.reply.send(answer);
            }
            return;
        }
    };
    for (arrival, answer) in round.into_iter().zip(answers) {
        let _ = arrival.reply.send(answer);
    }
}

/// Creates `round`'s users in one transaction, each with everything attached, its invitation and
/// its audit entry. Users with problems are answered with them and the rest are checked again
/// without them (one may have referred to another); the rest are then written. Answers in round
/// order; `Err` when the transaction itself failed (then nothing was written).
async fn together(db: &Db, round: &[Arrival]) -> Result<Vec<Result<Created, AppError>>, AppError> {
    let Some(first) = round.first() else {
        return Ok(Vec::new());
    };
    let (mut tx, current) = begin_in(db, &first.found).await?;
    let mut answers: Vec<Option<Result<Created, AppError>>> = round.iter().map(|_| None).collect();
    let mut left: Vec<usize> = (0..round.len()).collect();
    while !left.is_empty() {
        let news: Vec<NewUser> = left.iter().map(|&i| round[i].new.clone()).collect();
        let checked = users::check_new(&mut tx, &current, &news).await?;
        let refused = checked.refusals();
        if !refused.is_empty() {
            for (k, error) in refused {
                answers[left[k]] = Some(Err(error));
            }
            left.retain(|&i| answers[i].is_none());
            continue;
        }
        let passwords: Vec<Vec<String>> =
            left.iter().map(|&i| round[i].passwords.clone()).collect();
        let accounts =
            users::insert_checked(&mut tx, &current, checked, &passwords, now_ms(), &|_, _| {})
                .await?;
        let extensions: Vec<&str> = news.iter().map(|n| n.user.as_str()).collect();
        let mut details: HashMap<String, UserDetail> = users::details(
            &mut tx,
            &current.settings.domain,
            current.id,
            users::Which::Several(&extensions),
            true,
        )
        .await?
        .into_iter()
        .map(|d| (d.user.user.to_string(), d))
        .collect();
        for (&i, account_id) in left.iter().zip(accounts) {
            let Arrival { caller, new, .. } = &round[i];
            let invitation = match new.user_scope {
                Scope::NoPortal => None,
                _ => Some(auth::issue_password_link(&mut tx, account_id).await?),
            };
            let detail = details
                .remove(new.user.as_str())
                .ok_or(AppError::Internal)?;
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
            answers[i] = Some(Ok(Created { detail, invitation }));
        }
        break;
    }
    tx.commit().await.map_err(internal)?;
    for (arrival, answer) in round.iter().zip(&answers) {
        if let Some(Ok(_)) = answer {
            let (domain, user, by) = (
                &current.settings.domain,
                &arrival.new.user,
                arrival.caller.account_id,
            );
            tracing::info!(domain = %domain, user = %user, by, "user created");
        }
    }
    Ok(answers
        .into_iter()
        .map(|a| a.unwrap_or(Err(AppError::Internal)))
        .collect())
}

/// One page of the users of `domain` the caller manages (a Site Manager: its own site only;
/// others may narrow to `site`), and how many match in all.
pub async fn list_users(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    site: Option<&str>,
    query: &UserQuery,
) -> Result<UserList, AppError> {
    let found = access::domain(db.pool(), caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers).or(site);
    users::list(db.pool(), found.id, only_site, query).await
}

/// The user `extension` of `domain` with everything attached, as its managers see it (SIP
/// passwords included, the voicemail PIN only as whether one is set).
pub async fn get_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<UserDetail, AppError> {
    let (found, _) =
        access::user_in(db.pool(), caller, domain, extension, Action::ManageUsers).await?;
    users::get(db.pool(), &found.settings.domain, found.id, extension, true)
        .await?
        .map(UserDetail::without_pin)
        .ok_or(AppError::NotFound)
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
    save(
        db,
        caller,
        &found,
        extension,
        &located,
        form,
        new,
        How::EDIT,
    )
    .await
}

/// Changes the devices of the user `extension` through `change`, which makes the complete list
/// from the stored one inside the transaction: the same checks (a device name is used once per
/// domain), transaction and audit entry (as `action`) as any edit of the user. Problems with a
/// device are reported on `device`.
pub async fn update_devices(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    action: &str,
    change: DeviceChange<'_>,
) -> Result<UserDetail, AppError> {
    let (found, located) =
        access::user_in(db.pool(), caller, domain, extension, Action::ManageUsers).await?;
    let detail = users::get(
        db.pool(),
        &found.settings.domain,
        found.id,
        extension,
        false,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let form = UserForm::from(&detail);
    let new = parse_in(&found, &form)?;
    check_grant(caller, &new)?;
    let how = How {
        action,
        devices: Some(change),
    };
    save(db, caller, &found, extension, &located, &form, new, how)
        .await
        .map_err(|e| match e {
            AppError::Conflict { errors, input } => AppError::Conflict {
                errors: on_device(errors),
                input,
            },
            AppError::Invalid { errors, input } => AppError::Invalid {
                errors: on_device(errors),
                input,
            },
            other => other,
        })
}

/// Field errors about any of a user's devices (`devices[2].device`), as errors on `device`.
fn on_device(errors: FieldErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if e.field.starts_with("devices[") && e.field.ends_with(".device") {
                    e.field = "device".to_owned();
                }
                e
            })
            .collect(),
    )
}

/// The complete device list of a user, made from its stored devices inside the change's
/// transaction (a device without a password keeps its own, or gets a generated one if new).
pub type DeviceChange<'a> =
    Box<dyn FnOnce(&[Device]) -> Result<Vec<NewDevice>, AppError> + Send + 'a>;

/// How [`save`] names a change in the audit log and treats the user's devices.
struct How<'a> {
    /// The audit log's action: `user.update`, `device.create`, ...
    action: &'a str,
    /// The whole device list; without it, the form's one device comes first and the user's
    /// other devices are kept.
    devices: Option<DeviceChange<'a>>,
}

impl How<'_> {
    /// An edit of the user through its form.
    const EDIT: How<'static> = How {
        action: "user.update",
        devices: None,
    };
}

/// Writes `new` over the user `extension` (found as `located`), with its audit entry, and ends
/// the user's sessions if it may no longer log in. Shared by managers' edits and self-service.
#[allow(clippy::too_many_arguments)]
async fn save(
    db: &Db,
    caller: &Caller,
    found: &domains::DomainRef,
    extension: &str,
    located: &users::Located,
    form: &UserForm,
    mut new: NewUser,
    how: How<'_>,
) -> Result<UserDetail, AppError> {
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
    match how.devices {
        Some(change) => new.devices = change(&before.devices)?,
        // The form shows one device; a user with more (made through the API) keeps the others.
        None => {
            for kept in before.devices.iter().skip(1) {
                if new.devices.iter().all(|d| d.device != kept.device) {
                    new.devices.push(NewDevice {
                        device: kept.device.clone(),
                        sip_password: None,
                    });
                }
            }
        }
    }
    let generated: Vec<String> = new
        .devices
        .iter()
        .map(|_| generate_sip_password())
        .collect();
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
    // The form names the first device only: the log names them all.
    let names = |d: &UserDetail| {
        d.devices
            .iter()
            .map(|x| x.device.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if names(&before) != names(&after) {
        changes.insert("devices".to_owned(), (names(&before), names(&after)));
    }
    audit::record(
        &mut tx,
        caller,
        Some((current.id, current.settings.domain.as_str())),
        how.action,
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
pub(super) async fn begin_in(
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
    save(
        db,
        caller,
        &found,
        &extension,
        &located,
        &form,
        new,
        How::EDIT,
    )
    .await
    .map(UserDetail::without_secrets)
}
