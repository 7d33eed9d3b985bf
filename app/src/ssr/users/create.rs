//! Creating users with everything attached: one request, one transaction. A failure at any step
//! writes nothing, the audit entry and the invitation included; every bad field is reported at
//! once. The bulk import writes its many users with the same [`check_new`] and [`insert_new`].

use super::check::{self, Candidate, Checked, Found};
use super::{begin_locked, field_context, generate_sip_password, stored};
use crate::error::AppError;
use crate::model::fields::diff;
use crate::model::fields::FieldContext;
use crate::model::mail::{Invitation, MailTemplate};
use crate::model::permissions::{Action, UserPlace};
use crate::model::user::{NewDevice, NewUser, UserDetail, UserForm, USER_FIELDS};
use crate::model::{
    optional, Change, DeviceName, DeviceSettingsForm, DomainName, FieldErrors, Parse, Password,
    Provisioning, Scope, SipPassword,
};
use crate::ssr::access;
use crate::ssr::audit;
use crate::ssr::caller::Caller;
use crate::ssr::db::devices::settings_document;
use crate::ssr::db::domains::DomainRef;
use crate::ssr::db::users::write::{self, NewDeviceRow, NewRow, Written};
use crate::ssr::db::{call_queues, sites, Db, DbResult, Tx};
use crate::ssr::now_ms;
use std::collections::HashMap;

/// A user just created, and the secret of its invitation (a one-time set-password link), if it
/// may log into the portal. The secret is shown once, to the creator, or mailed to the user; only
/// its hash is kept.
#[derive(Debug)]
pub struct Created {
    pub detail: UserDetail,
    pub invitation: Option<String>,
    /// The addresses the welcome message (with the link) was queued to, if it was.
    pub mailed_to: Option<String>,
}

/// A device as sent to the API (several may come with one user): its name and, optionally, its
/// SIP password, the phone it is provisioned on (its MAC address and model: absent keeps what is
/// stored, blank clears it) and its settings (NetSapiens' device fields,
/// [`crate::model::DEVICE_FIELDS`]). Also the body of the API's device create and change; a
/// change names the settings it changes apart (see [`crate::ssr::devices::update_device`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct DeviceForm {
    pub device: String,
    pub device_sip_registration_password: String,
    pub device_provisioning_mac_address: Option<String>,
    pub device_models_model: Option<String>,
    #[serde(flatten)]
    pub settings: DeviceSettingsForm,
}

impl DeviceForm {
    /// The form of the device `device` with the SIP password `password` (blank: keep, or
    /// generate), changing nothing else.
    pub fn named(device: String, password: String) -> Self {
        Self {
            device,
            device_sip_registration_password: password,
            ..Self::default()
        }
    }

    /// The new device this form gives (a blank setting takes NetSapiens' default), or its
    /// problems on `{prefix}<field>`. Nothing is stored yet, so a MAC address needs its model in
    /// the same form.
    pub fn parse(&self, prefix: &str, errors: &mut FieldErrors) -> Option<NewDevice> {
        let change = self.parse_change(prefix, errors);
        let settings = match self.settings.parse(&FieldContext::default()) {
            Ok(settings) => Some(settings),
            Err(bad) => {
                for e in bad.iter() {
                    errors.add(format!("{prefix}{}", e.field), e.message.clone());
                }
                None
            }
        };
        let (device, sip_password, provisioning) = change?;
        let model_field = format!("{prefix}device-models-model");
        if let Err(bad) = provisioning.applied_to((None, None), &model_field) {
            errors.0.extend(bad.0);
            return None;
        }
        Some(NewDevice {
            device,
            sip_password,
            provisioning,
            settings: settings?,
        })
    }

    /// What this form changes of a stored device, or its problems on `{prefix}<field>`: the
    /// device's (new) name, a new SIP password (none: keep) and its phone. Not its settings.
    pub fn parse_change(
        &self,
        prefix: &str,
        errors: &mut FieldErrors,
    ) -> Option<(DeviceName, Option<SipPassword>, Provisioning)> {
        let device = errors.check(&format!("{prefix}device"), DeviceName::parse(&self.device));
        let sip_password = errors.check(
            &format!("{prefix}device-sip-registration-password"),
            optional::<SipPassword>(&self.device_sip_registration_password),
        );
        let mac = errors.check(
            &format!("{prefix}device-provisioning-mac-address"),
            Change::parse(self.device_provisioning_mac_address.as_deref()),
        );
        let model = errors.check(
            &format!("{prefix}device-models-model"),
            Change::parse(self.device_models_model.as_deref()),
        );
        Some((
            device?,
            sip_password?,
            Provisioning {
                mac: mac?,
                model: model?,
            },
        ))
    }
}

/// The new user `form` describes in `found` (with `devices` instead of the form's one device,
/// when given), every bad field reported at once.
pub(crate) fn parse_new(
    found: &DomainRef,
    form: &UserForm,
    devices: Option<&[DeviceForm]>,
) -> Result<NewUser, AppError> {
    let parsed = NewUser::parse(form, found.name(), &field_context(found));
    let mut errors = match &parsed {
        Err(errors) => errors.clone(),
        Ok(_) => FieldErrors::default(),
    };
    let listed: Vec<Option<NewDevice>> = devices
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, d)| d.parse(&format!("devices[{i}]."), &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut new = parsed.map_err(AppError::invalid)?;
    if devices.is_some() {
        new.devices = listed.into_iter().flatten().collect();
        if let Some(first) = new.devices.first() {
            new.values.device = Some(first.device.clone());
            new.values.device_sip_registration_password.0 = first.sip_password.clone();
        }
    }
    Ok(new)
}

/// Whether `caller` may create `new` in `found`: what it may not give (a scope above its own; for
/// a Site Manager, a site not its own) is reported on the fields; anything else the permission
/// table refuses is `Forbidden`.
pub(crate) fn may_create(
    caller: &Caller,
    found: &DomainRef,
    new: &NewUser,
) -> Result<(), AppError> {
    may_give(caller, &new.values)?;
    let place = UserPlace {
        id: None,
        site: new.values.site.as_ref().map(|s| s.as_str()),
        scope: new.values.user_scope,
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

/// What the caller may not give a user: a scope above its own, or (for a Site Manager) a site
/// other than its own. Reported on the fields, like any other bad input.
pub(crate) fn may_give(
    caller: &Caller,
    values: &crate::model::user::UserValues,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    access::within_own_scope(caller, values.user_scope, "user-scope", &mut errors);
    if let Some(site) = caller.who.only_site(Action::ManageUsers) {
        if values.site.as_ref().map(|s| s.as_str()) != Some(site) {
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

/// Creates a user with everything attached, in one transaction, and returns it as stored.
pub async fn create_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &UserForm,
) -> Result<Created, AppError> {
    create_user_with_devices(db, caller, domain, form, None, Invitation::Link).await
}

/// [`create_user`], with the user's devices given as a list (the API's nested `devices`) instead
/// of the form's one `device`, and the welcome message e-mailed if `invitation` says so. Bad
/// devices are reported with the rest, as `devices[i].<field>`.
pub async fn create_user_with_devices(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &UserForm,
    devices: Option<&[DeviceForm]>,
    invitation: Invitation,
) -> Result<Created, AppError> {
    create_nested(
        db,
        caller,
        domain,
        form,
        devices,
        FirstPassword::Invitation(invitation),
        FieldErrors::default(),
    )
    .await
}

/// How a new user's portal login gets its first password.
enum FirstPassword<'a> {
    /// A one-time set-password link, shown or mailed.
    Invitation(Invitation),
    /// The password the creator gives (checked by [`Password::parse`]); no link is made.
    Given(&'a str),
}

/// [`create_user_with_devices`] for an API that speaks another vocabulary (Wazo's): the portal
/// password given by the creator when `password` is (then no invitation link is made), and the
/// problems `translated` that the translation of the request found already, reported with the
/// form's own (nothing is written if there is any). A bad password is reported on `password`.
pub async fn create_user_translated(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &UserForm,
    devices: Option<&[DeviceForm]>,
    password: Option<&str>,
    translated: FieldErrors,
) -> Result<Created, AppError> {
    let first = match password {
        Some(password) => FirstPassword::Given(password),
        None => FirstPassword::Invitation(Invitation::Link),
    };
    create_nested(db, caller, domain, form, devices, first, translated).await
}

async fn create_nested(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    form: &UserForm,
    devices: Option<&[DeviceForm]>,
    first: FirstPassword<'_>,
    translated: FieldErrors,
) -> Result<Created, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    // Every problem at once: the translation's, the form's, then an invitation that cannot be
    // sent or a password that may not be used.
    let mut problems = translated;
    let mut late = FieldErrors::default();
    let mut password = None;
    let invitation = match first {
        FirstPassword::Invitation(invitation) => {
            if let Err(problem) = may_invite(Scope::parse(&form.user_scope).ok(), invitation) {
                late.add("invitation", problem);
            }
            invitation
        }
        FirstPassword::Given(raw) => {
            let words = crate::ssr::auth::own_words(
                &form.login_username,
                Some(form.user.as_str()),
                [form.name_first_name.as_str(), form.name_last_name.as_str()],
            );
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            password = late.check("password", Password::parse(raw, &words));
            Invitation::Link
        }
    };
    let new = match parse_new(&found, form, devices) {
        Ok(new) if problems.is_empty() && late.is_empty() => new,
        Ok(_) => {
            problems.0.extend(late.0);
            return Err(AppError::invalid(problems));
        }
        Err(AppError::Invalid { errors, input }) => {
            problems.0.extend(errors.0);
            problems.0.extend(late.0);
            return Err(AppError::Invalid {
                errors: problems,
                input,
            });
        }
        Err(e) => return Err(e),
    };
    may_create(caller, &found, &new)?;
    let password_hash = match &password {
        Some(password) => Some(crate::ssr::auth::hash_password(password).await?),
        None => None,
    };
    let (mut tx, current) = begin_locked(db, &found).await?;
    let news = std::slice::from_ref(&new);
    let checked = check_new(&mut tx, caller, &current, news).await?;
    if let Some((_, problems)) = checked.problems.into_iter().next() {
        return Err(problems.into_error());
    }
    let written = insert_new(&mut tx, &current, news, checked.found, &mut |_| {}).await?;
    let account_id = written.first().ok_or(AppError::Internal)?.account_id;
    if let Some(hash) = &password_hash {
        crate::ssr::db::accounts::set_password_hash(&mut tx, account_id, hash, now_ms()).await?;
    }
    let (invitation, mailed_to) = match (new.values.user_scope, invitation) {
        (Scope::NoPortal, _) => (None, None),
        _ if password_hash.is_some() => (None, None),
        (_, Invitation::Link) => {
            let ttl = crate::ssr::auth::PASSWORD_LINK_TTL;
            let token = crate::ssr::auth::issue_password_link(&mut tx, account_id, ttl).await?;
            (Some(token), None)
        }
        (_, Invitation::Send) => {
            let welcome = MailTemplate::Welcome;
            let (token, to) =
                crate::ssr::auth::mail_password_link(&mut tx, account_id, welcome, None).await?;
            (Some(token), to)
        }
    };
    let extension = new.values.user.as_str();
    let detail = stored(&mut tx, &current, extension).await?;
    let changes = audit::from_diff(diff(USER_FIELDS, &UserForm::default(), &detail.form()));
    audit::record(
        &mut tx,
        caller,
        audit::within(&current),
        "user.create",
        extension,
        &changes,
    )
    .await?;
    tx.commit().await?;
    if mailed_to.is_some() {
        crate::ssr::mail::wake();
    }
    tracing::info!(domain = %domain, user = %extension, by = caller.account_id, "user created");
    Ok(Created {
        detail,
        invitation,
        mailed_to,
    })
}

/// Whether a user of scope `scope` can be sent an invitation.
fn may_invite(scope: Option<Scope>, invitation: Invitation) -> Result<(), &'static str> {
    if invitation == Invitation::Send && scope == Some(Scope::NoPortal) {
        return Err("A user with no portal access (No Portal) has nothing to be invited to: choose another scope, or do not send an invitation.");
    }
    Ok(())
}

/// The candidates of new users for the checks.
fn candidates<'a>(domain: &DomainRef, news: &'a [NewUser]) -> Vec<Candidate<'a>> {
    news.iter()
        .map(|new| Candidate {
            values: &new.values,
            devices: new.devices.iter().map(|d| d.device.as_str()).collect(),
            wants_box: check::has_voicemail(&new.values, domain),
            current: None,
        })
        .collect()
}

/// Checks new users against what `domain` holds (every problem of every user at once), for
/// [`insert_new`] to write. Read through `conn`: the write transaction, or any connection for a
/// check that writes nothing.
pub(crate) async fn check_new(
    conn: &mut sqlx::AnyConnection,
    caller: &Caller,
    domain: &DomainRef,
    news: &[NewUser],
) -> DbResult<Checked> {
    let any_caller_id = access::may_send_any_caller_id(caller);
    check::check(conn, domain, &candidates(domain, news), any_caller_id).await
}

/// Writes new users that [`check_new`] found nothing wrong with, with everything attached (a
/// site named for the first time is made), and returns their ids in order. A device without a
/// password gets a generated one. `written` is told how many rows each statement wrote.
pub(crate) async fn insert_new(
    tx: &mut Tx,
    domain: &DomainRef,
    news: &[NewUser],
    found: Vec<Found>,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<Written>, AppError> {
    let now = now_ms();
    let mut new_sites: HashMap<String, i64> = HashMap::new();
    for (new, found) in news.iter().zip(&found) {
        if let (Some(site), None) = (&new.values.site, found.site_id) {
            if !new_sites.contains_key(site.as_str()) {
                let id = sites::ensure(tx, domain.id, site, now).await?;
                new_sites.insert(site.as_str().to_owned(), id);
            }
        }
    }
    let passwords: Vec<Vec<String>> = news
        .iter()
        .map(|new| {
            new.devices
                .iter()
                .map(|d| {
                    d.sip_password
                        .as_ref()
                        .map_or_else(generate_sip_password, |p| p.expose().to_owned())
                })
                .collect()
        })
        .collect();
    let rows: Vec<NewRow<'_>> = news
        .iter()
        .zip(&found)
        .zip(&passwords)
        .map(|((new, found), passwords)| NewRow {
            values: &new.values,
            site_id: found.site_id.or_else(|| {
                new.values
                    .site
                    .as_ref()
                    .and_then(|s| new_sites.get(s.as_str()).copied())
            }),
            devices: new
                .devices
                .iter()
                .zip(passwords)
                .map(|(d, p)| {
                    let (mac, model) = d.provisioned();
                    NewDeviceRow {
                        device: d.device.as_str(),
                        password: p.as_str(),
                        mac,
                        model,
                        settings: settings_document(&d.settings),
                    }
                })
                .collect(),
            mailbox: check::has_voicemail(&new.values, domain),
            numbers: found
                .numbers
                .iter()
                .map(|(n, k)| (n.as_str(), *k))
                .collect(),
        })
        .collect();
    let ids = write::insert(tx, domain, &rows, now, written).await?;
    // Each user becomes an agent of the queues its form names, logged in, with every other
    // agent field's default.
    let agents: Vec<(i64, i64)> = found
        .iter()
        .zip(&ids)
        .flat_map(|(found, ids)| found.queue_ids.iter().map(|q| (*q, ids.user_id)))
        .collect();
    if !agents.is_empty() {
        let defaults = crate::ssr::call_queues::new_agent_defaults()?;
        call_queues::insert_agents(tx, &agents, &defaults, now, written).await?;
    }
    Ok(ids)
}
