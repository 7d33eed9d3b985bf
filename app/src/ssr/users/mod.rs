//! Telephony users: the plain functions behind the pages and the API, callable from tests without
//! HTTP. Each asks the permission table (through [`access`]) before it acts, runs its change in one
//! transaction, and records it in the audit log inside that transaction.
//!
//! - [`create`]: a user with everything attached, all or nothing (one request, one transaction);
//! - [`change`]: a change of the fields a request names, written in place;
//! - [`check`]: the checks against the domain that a create and a change share;
//! - here: reading, deleting, invitations and sessions.

pub mod change;
pub mod check;
pub mod create;

pub use change::{change_user, may_change, update_own, update_user, update_user_translated};
pub use create::{
    create_user, create_user_translated, create_user_with_devices, Created, DeviceForm,
};

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::domains::DomainRef;
use super::db::users::{self, Located};
use super::db::{sessions, Db, Tx};
use super::now_ms;
use crate::error::AppError;
use crate::model::fields::{diff, FieldContext};
use crate::model::mail::{BatchProgress, Invitation, InvitedMany, MailStatus, MailTemplate};
use crate::model::permissions::Action;
use crate::model::phone_setup::PhoneSetup;
use crate::model::user::{UserDetail, UserForm, UserList, UserQuery, USER_FIELDS};
use crate::model::{DomainName, FieldErrors, Parse, Scope};

/// A SIP registration password: 20 characters from a 62-letter alphabet (about 119 bits).
pub fn generate_sip_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
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
    Ok(page(db, caller, domain, site, query).await?.1)
}

/// The domain and the page of [`list_users`].
async fn page(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    site: Option<&str>,
    query: &UserQuery,
) -> Result<(DomainRef, UserList), AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers).or(site);
    let list = users::list(db.pool(), found.id, only_site, query).await?;
    Ok((found, list))
}

/// A page of users read whole, how many match in all, and the cursor of the next page (see
/// [`UserList::next`]).
pub struct WholePage {
    pub total: u64,
    pub items: Vec<UserDetail>,
    pub next: Option<String>,
}

/// The page of [`list_users`] with each user read whole, as [`get_user`] reads one (the API's
/// list, whose items are NetSapiens' full users), in the page's order, and how many match in
/// all: the page, then everything attached to its users in one batch of queries.
pub async fn list_users_whole(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    site: Option<&str>,
    query: &UserQuery,
) -> Result<WholePage, AppError> {
    let (found, list) = page(db, caller, domain, site, query).await?;
    let extensions: Vec<String> = list.items.iter().map(|u| u.user.to_string()).collect();
    let wanted: Vec<&str> = extensions.iter().map(String::as_str).collect();
    let mut conn = db.pool().acquire().await?;
    let read = users::details(&mut conn, &found, users::Which::Several(&wanted), true).await?;
    let mut by_extension: std::collections::HashMap<String, UserDetail> = read
        .into_iter()
        .map(|d| (d.values.user.to_string(), d))
        .collect();
    // A list shows users above the caller too (a read of one such user is refused): their SIP
    // passwords are for those who rank at least as high, as in the devices list.
    let items = extensions
        .iter()
        .filter_map(|e| by_extension.remove(e))
        .map(|d| {
            if caller.who.ranks_at_least(d.values.user_scope) {
                d
            } else {
                d.without_secrets()
            }
        })
        .collect();
    Ok(WholePage {
        total: list.total,
        items,
        next: list.next,
    })
}

/// The extension of the user of `domain` whose row id is `id` (how Wazo's API names users), if
/// the caller manages the domain's users; `NotFound` for an id of no user of this domain.
pub async fn extension_with_id(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    id: i64,
) -> Result<String, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    users::extension_with_id(db.pool(), found.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The row ids of the users of `domain` with these extensions (those the caller's lists show),
/// by extension.
pub async fn ids_with_extensions(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extensions: &[&str],
) -> Result<std::collections::HashMap<String, i64>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(users::ids_with_extensions(db.pool(), found.id, extensions).await?)
}

/// Every listed user of `domain`, read whole (as [`list_users_whole`] reads a page), each with
/// its row id, in extension order: what the vendor APIs without pages (XiVO) or with their own
/// cursor (Servetel's, over ids) answer from. Pages of 1,000 walked by keyset cursor, each with
/// its own connection.
pub async fn all_users_whole_with_ids(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<Vec<(i64, UserDetail)>, AppError> {
    const PAGE: u32 = 1000;
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let query = UserQuery {
            limit: PAGE,
            after,
            ..UserQuery::default()
        };
        let page = list_users_whole(db, caller, domain, None, &query).await?;
        let extensions: Vec<String> = page
            .items
            .iter()
            .map(|d| d.values.user.to_string())
            .collect();
        let wanted: Vec<&str> = extensions.iter().map(String::as_str).collect();
        let ids = ids_with_extensions(db, caller, domain, &wanted).await?;
        all.extend(
            page.items
                .into_iter()
                .filter_map(|d| ids.get(d.values.user.as_str()).map(|&id| (id, d))),
        );
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(all),
        }
    }
}

/// The row ids of the voicemail boxes of the users of `domain` with these row ids (XiVO's
/// `voicemailid`), by user id, if the caller manages the domain's users.
pub async fn voicemail_box_ids(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    user_ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    Ok(users::voicemail_box_ids(db.pool(), found.id, user_ids).await?)
}

/// The user `extension` of `found`, with everything attached, read on one connection.
async fn read(
    db: &Db,
    found: &DomainRef,
    extension: &str,
    with_secrets: bool,
) -> Result<UserDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    users::get(&mut conn, found, extension, with_secrets)
        .await?
        .ok_or(AppError::NotFound)
}

/// The user `extension` of `domain` with everything attached, as its managers see it (SIP
/// passwords included; the voicemail PIN only as whether one is set).
pub async fn get_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<UserDetail, AppError> {
    Ok(managed_user(db, caller, domain, extension).await?.2)
}

/// [`get_user`], with the user's domain and where the user stands.
async fn managed_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<(DomainRef, Located, UserDetail), AppError> {
    let (found, located) =
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    let detail = read(db, &found, extension, true).await?;
    Ok((found, located, detail))
}

/// The caller's own telephony user: its domain, where it stands, and everything attached (SIP
/// passwords left out: they are for managers). `NotFound` for an account without one.
pub async fn own_user(
    db: &Db,
    caller: &Caller,
) -> Result<(DomainRef, Located, UserDetail), AppError> {
    let (found, located) = access::own_user(db, caller).await?;
    let extension = caller.extension.clone().unwrap_or_default();
    let detail = read(db, &found, &extension, false).await?;
    Ok((found, located, detail))
}

/// The caller's own user as it sees it (no secrets), whether it may change its own answer rules
/// (the permission table says so for some scopes only), and how to set up its phones with
/// Roster's SIP server at `sip_server`: each of its devices with its own password, which its
/// user may see (it is what its phone needs), and as a QR code.
pub async fn own_profile(
    db: &Db,
    caller: &Caller,
    sip_server: Option<&str>,
) -> Result<(UserDetail, bool, Vec<PhoneSetup>), AppError> {
    let (found, located) = access::own_user(db, caller).await?;
    let extension = caller.extension.clone().unwrap_or_default();
    let detail = read(db, &found, &extension, true).await?;
    let rules = access::may_change_own(caller, &found, &located, ["forward-always"]).is_ok();
    let display_name = format!(
        "{} {}",
        detail.values.name_first_name, detail.values.name_last_name
    );
    let phones = detail
        .devices
        .iter()
        .map(|device| {
            let mut setup = PhoneSetup {
                server: sip_server.map(str::to_owned),
                domain: detail.domain.clone(),
                username: device.device.to_string(),
                password: device
                    .device_sip_registration_password
                    .clone()
                    .unwrap_or_default(),
                display_name: display_name.clone(),
                qr_svg: String::new(),
            };
            setup.qr_svg = qr_svg(&setup.wave_account());
            setup
        })
        .collect();
    Ok((detail.without_secrets(), rules, phones))
}

/// `text` as a QR code, an SVG image (empty if it is too long for one).
fn qr_svg(text: &str) -> String {
    qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L)
        .map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(224, 224)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

/// The user `extension` of `domain` as the caller may see it: as one of its managers (SIP
/// passwords included), or as the user itself (no secrets).
pub async fn read_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<UserDetail, AppError> {
    Ok(read_user_located(db, caller, domain, extension).await?.2)
}

/// [`read_user`], with the user's domain and where the user stands.
pub async fn read_user_located(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<(DomainRef, Located, UserDetail), AppError> {
    if access::as_own_user(caller, domain, extension) {
        own_user(db, caller).await
    } else {
        managed_user(db, caller, domain, extension).await
    }
}

/// The user `extension` as `tx` sees it, with secrets (for what the caller is shown next).
pub(crate) async fn stored(
    tx: &mut Tx,
    found: &DomainRef,
    extension: &str,
) -> Result<UserDetail, AppError> {
    users::get(&mut *tx, found, extension, true)
        .await?
        .ok_or(AppError::NotFound)
}

/// Starts the write transaction of a change to the users of a domain that a domain limit
/// counts: holds the domain, then reads it again, so its limits are checked against what this
/// transaction sees.
pub(crate) async fn begin_locked(db: &Db, found: &DomainRef) -> Result<(Tx, DomainRef), AppError> {
    let mut tx = db.begin().await?;
    super::db::domains::lock(&mut tx, found.id).await?;
    let current = super::db::domains::find(&mut tx, found.name())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, current))
}

/// How the user form of `found` is checked: the domain's rules.
pub(crate) fn field_context(found: &DomainRef) -> FieldContext {
    found.field_context()
}

/// Deletes a user with its devices, answer rules, memberships and portal account; its numbers are
/// freed; its sessions end. A user who owns a voicemail box is deleted only with
/// `delete_voicemail` (XiVO's 412 otherwise).
pub async fn delete_user(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    delete_voicemail: bool,
) -> Result<(), AppError> {
    let (found, located) =
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    let mut tx = db.begin().await?;
    let before = stored(&mut tx, &found, extension).await?;
    if let (Some(mailbox), false) = (&before.voicemail_box, delete_voicemail) {
        return Err(AppError::PreconditionFailed {
            message: format!(
                "Extension {extension} owns voicemail box {mailbox}: delete it too, or keep the user."
            ),
        });
    }
    users::write::delete(&mut tx, located.id, delete_voicemail).await?;
    let changes = audit::from_diff(diff(USER_FIELDS, &before.form(), &UserForm::default()));
    audit::record(
        &mut tx,
        caller,
        audit::within(&found),
        "user.delete",
        extension,
        &changes,
    )
    .await?;
    sessions::end_all(&mut tx, located.account_id, None).await?;
    tx.commit().await?;
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
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    let mut tx = db.begin().await?;
    let ended = sessions::end_all(&mut tx, located.account_id, None).await?;
    let changes = [("sessions".to_owned(), (ended.to_string(), "0".to_owned()))].into();
    audit::record(
        &mut tx,
        caller,
        audit::within(&found),
        "user.end-sessions",
        extension,
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// What a new invitation did: its secret (to be shown once), and the addresses it was e-mailed
/// to, if it was.
#[derive(Debug)]
pub struct Invited {
    pub token: String,
    pub mailed_to: Option<String>,
}

/// Makes a new invitation (one-time set-password link, ending any older one) for the user
/// `extension`, and e-mails it to the user if `delivery` says so.
pub async fn invite(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    delivery: Invitation,
) -> Result<Invited, AppError> {
    let template = (delivery == Invitation::Send).then_some(MailTemplate::Invitation);
    new_link(db, caller, domain, extension, template).await
}

/// E-mails the user `extension` a new one-time link with `template` (an invitation, or a
/// password reset valid an hour), ending any older link; returns the addresses it went to.
pub async fn mail_link(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    template: MailTemplate,
) -> Result<String, AppError> {
    let invited = new_link(db, caller, domain, extension, Some(template)).await?;
    invited.mailed_to.ok_or(AppError::Internal)
}

/// A new link for the user `extension`, mailed with `template` if given (shown otherwise),
/// recorded in the audit log.
async fn new_link(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    template: Option<MailTemplate>,
) -> Result<Invited, AppError> {
    let (found, located) =
        access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    if located.scope() == Scope::NoPortal {
        return Err(AppError::invalid(FieldErrors::one(
            "user-scope",
            "This user has no portal access (No Portal): give it a scope first.",
        )));
    }
    let mut tx = db.begin().await?;
    let (token, mailed_to) = match template {
        None => {
            let ttl = super::auth::PASSWORD_LINK_TTL;
            let token = super::auth::issue_password_link(&mut tx, located.account_id, ttl).await?;
            (token, None)
        }
        Some(template) => {
            super::auth::mail_password_link(&mut tx, located.account_id, template, None).await?
        }
    };
    if template.is_some() && mailed_to.is_none() {
        return Err(AppError::invalid(FieldErrors::one(
            "email",
            "This user has no e-mail address to send the link to.",
        )));
    }
    let how = template.map_or("shown", MailTemplate::as_str);
    let changes = [("delivery".to_owned(), (String::new(), how.to_owned()))].into();
    let action = match template {
        Some(MailTemplate::PasswordReset) => "user.password-reset",
        _ => "user.invite",
    };
    audit::record(
        &mut tx,
        caller,
        audit::within(&found),
        action,
        extension,
        &changes,
    )
    .await?;
    tx.commit().await?;
    if mailed_to.is_some() {
        super::mail::wake();
    }
    Ok(Invited { token, mailed_to })
}

/// E-mails an invitation to every user of `domain` the caller manages who may log in, has an
/// e-mail address, has never set a password and holds no live link (those a bulk import
/// created), as one batch whose progress [`batch_progress`] tells. Queued in transactions of a
/// few hundred, each with its audit entry.
pub async fn invite_uninvited(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<InvitedMany, AppError> {
    const CHUNK: usize = 250;
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers);
    let pending = super::db::accounts::uninvited(db.pool(), found.id, only_site, now_ms()).await?;
    if pending.is_empty() {
        return Ok(InvitedMany {
            batch: None,
            invited: 0,
        });
    }
    let batch = super::random_hex(12);
    let mut invited = 0;
    for chunk in pending.chunks(CHUNK) {
        let mut tx = db.begin().await?;
        for (account_id, _) in chunk {
            let template = MailTemplate::Invitation;
            let (_, to) =
                super::auth::mail_password_link(&mut tx, *account_id, template, Some(&batch))
                    .await?;
            invited += usize::from(to.is_some());
        }
        let extensions: Vec<&str> = chunk.iter().map(|(_, e)| e.as_str()).collect();
        let changes = [("users".to_owned(), (String::new(), extensions.join(", ")))].into();
        let target = format!("{} users", chunk.len());
        audit::record(
            &mut tx,
            caller,
            audit::within(&found),
            "user.invite-many",
            &target,
            &changes,
        )
        .await?;
        tx.commit().await?;
        super::mail::wake();
    }
    tracing::info!(domain = %domain, invited, by = caller.account_id, "invitations queued");
    Ok(InvitedMany {
        batch: Some(batch),
        invited,
    })
}

/// How far the messages of a batch (see [`invite_uninvited`]) have got.
pub async fn batch_progress(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    batch: &str,
) -> Result<BatchProgress, AppError> {
    access::domain(db, caller, domain, Action::ManageUsers).await?;
    let mut progress = BatchProgress::default();
    for (status, count) in super::db::outbox::batch_counts(db.pool(), batch).await? {
        match MailStatus::parse(&status) {
            Ok(MailStatus::Queued) => progress.queued += count,
            Ok(MailStatus::Sent) => progress.sent += count,
            Ok(MailStatus::Kept) => progress.kept += count,
            Ok(MailStatus::Failed) | Err(_) => progress.failed += count,
        }
    }
    Ok(progress)
}

/// What the wizard starts from for a new user of `domain` (a free extension suggested), or,
/// with `extension`, what the editor of that user starts from (its own values; secrets and
/// inherited settings blank). A Site Manager's offers its own site only.
pub async fn wizard_start(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: Option<&str>,
) -> Result<crate::model::user::WizardStart, AppError> {
    let (found, mut form) = match extension {
        None => {
            let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
            let mut form = UserForm::new_user();
            form.user = users::next_free_extension(db.pool(), found.id)
                .await?
                .map(|e| e.to_string())
                .unwrap_or_default();
            (found, form)
        }
        Some(extension) => {
            let (found, _) =
                access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
            let form = read(db, &found, extension, false).await?.form();
            (found, form)
        }
    };
    let sites = match caller.who.only_site(Action::ManageUsers) {
        Some(own) => {
            form.site = own.to_owned();
            vec![own.to_owned()]
        }
        None => super::db::sites::names(db.pool(), found.id).await?,
    };
    Ok(crate::model::user::WizardStart {
        domain: found.settings.clone(),
        form,
        field_context: found.field_context(),
        departments: users::departments(db.pool(), found.id).await?,
        sites,
        groups: super::db::call_queues::refs(db.pool(), found.id).await?,
        scopes: caller.who.grantable_scopes().collect(),
    })
}

/// What the form being typed in `domain` already collides with (a taken extension, login, device
/// or number), field by field: the wizard's and the editor's live check. `editing`: the extension
/// of the user being edited.
pub async fn conflicts(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    editing: Option<&str>,
    form: &UserForm,
) -> Result<FieldErrors, AppError> {
    // Access first (it reads through the pool), then one connection for the reads.
    let (found, me) = match editing {
        None => (
            access::domain(db, caller, domain, Action::ManageUsers).await?,
            None,
        ),
        Some(extension) => {
            let (found, located) =
                access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
            (found, Some((located.id, extension)))
        }
    };
    let mut conn = db.pool().acquire().await?;
    let me = match me {
        None => None,
        Some((id, extension)) => {
            let detail = users::get(&mut *conn, &found, extension, false)
                .await?
                .ok_or(AppError::NotFound)?;
            Some((id, detail.values))
        }
    };
    let me = me.as_ref().map(|(id, values)| (*id, values));
    Ok(check::typed_conflicts(&mut conn, &found, me, form).await?)
}

/// The newest messages to the user `extension` (at most ten): what its page shows of its mail,
/// failures included.
pub async fn mail_of(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    settings: &super::mail::MailSettings,
) -> Result<Vec<crate::model::mail::MailEntry>, AppError> {
    let (_, located) = access::user_in(db, caller, domain, extension, Action::ManageUsers).await?;
    let rows = super::db::outbox::for_account(db.pool(), located.account_id, 10).await?;
    Ok(super::mail::entries(db, settings, &rows).await)
}
