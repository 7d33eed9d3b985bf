//! Telephony users and what is attached to them. Every query names its domain.
//!
//! [`create`] writes a user and everything attached in the caller's transaction: the caller
//! commits once, or drops the transaction and nothing was written.

use super::domains::DomainRef;
use super::{conflict_on, internal, Tx, Unique};
use crate::error::AppError;
use crate::model::user::{
    AnswerRule, Device, NewUser, SortKey, User, UserDetail, UserList, UserQuery, UserSettings,
    UserSummary,
};
use crate::model::{
    Department, Destination, DeviceName, DomainName, EmailList, Extension, FieldErrors, GroupName,
    Login, Parse, PersonName, PhoneNumber, Scope, ServiceCode, SiteName, UserStatus,
};
use sqlx::{AnyPool, FromRow, Row};

const UNIQUE: &[Unique] = &[
    Unique {
        postgres_constraint: "users_domain_extension_key",
        sqlite_columns: "users.domain_id, users.extension",
        field: "user",
        message: "This extension is already taken in this domain.",
    },
    Unique {
        postgres_constraint: "accounts_login_key",
        sqlite_columns: "accounts.login",
        field: "login-username",
        message: "This login is already taken.",
    },
    Unique {
        postgres_constraint: "devices_domain_device_key",
        sqlite_columns: "devices.domain_id, devices.device",
        field: "device",
        message: "This device name is already in use in this domain.",
    },
    Unique {
        postgres_constraint: "phone_numbers_number_key",
        sqlite_columns: "phone_numbers.number",
        field: "phone-numbers",
        message: "This number is already in use.",
    },
    Unique {
        postgres_constraint: "voicemail_boxes_domain_mailbox_key",
        sqlite_columns: "voicemail_boxes.domain_id, voicemail_boxes.mailbox",
        field: "user",
        message: "A voicemail box with this number already exists in this domain.",
    },
];

fn write_error(e: sqlx::Error) -> AppError {
    conflict_on(&e, UNIQUE).unwrap_or_else(|| internal(e))
}

/// A problem found before writing, sorted into "collides with something" and "refers to nothing".
#[derive(Default)]
struct Problems {
    conflicts: FieldErrors,
    invalid: FieldErrors,
}

impl Problems {
    fn into_result(self) -> Result<(), AppError> {
        if !self.conflicts.is_empty() {
            let mut all = self.conflicts;
            all.0.extend(self.invalid.0);
            Err(AppError::Conflict {
                errors: all,
                input: None,
            })
        } else if !self.invalid.is_empty() {
            Err(AppError::invalid(self.invalid))
        } else {
            Ok(())
        }
    }
}

async fn exists(tx: &mut Tx, sql: &str, a: i64, b: &str) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(a)
        .bind(b)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(found.is_some())
}

async fn extension_exists(tx: &mut Tx, domain_id: i64, extension: &str) -> Result<bool, AppError> {
    exists(
        tx,
        "SELECT 1 FROM users WHERE domain_id = $1 AND extension = $2",
        domain_id,
        extension,
    )
    .await
}

/// The user being changed, when a check is for an update rather than a create.
struct Current {
    id: i64,
    extension: String,
    login: String,
}

/// What the checks found that the writes need.
struct Checked<'a> {
    site_id: Option<i64>,
    /// Numbers to route to the user: (number, already known to the domain).
    numbers: Vec<(&'a PhoneNumber, bool)>,
    group_ids: Vec<i64>,
}

/// Checks `new` against what the domain holds, reporting every problem at once. For an update,
/// `current` is the user itself, whose own extension, login, devices and numbers are no conflict.
async fn check<'a>(
    tx: &mut Tx,
    domain: &DomainRef,
    new: &'a NewUser,
    current: Option<&Current>,
) -> Result<Checked<'a>, AppError> {
    let d = domain.id;
    let me = current.map_or(-1, |c| c.id);
    let renamed = current.is_none_or(|c| c.extension != new.user.as_str());
    let mut p = Problems::default();

    if let (Some(max), None) = (domain.settings.limits_max_users, current) {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE domain_id = $1")
            .bind(d)
            .fetch_one(&mut **tx)
            .await
            .map_err(internal)?;
        if count >= i64::from(max.get()) {
            p.invalid.add(
                "user",
                format!("This domain already has its maximum of {max} users."),
            );
        }
    }
    if renamed && extension_exists(tx, d, new.user.as_str()).await? {
        p.conflicts.add(
            "user",
            format!("Extension {} is already taken in this domain.", new.user),
        );
    }
    if current.is_none_or(|c| c.login != new.login_username.as_str()) {
        let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM accounts WHERE login = $1")
            .bind(new.login_username.as_str())
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
        if taken.is_some() {
            p.conflicts.add(
                "login-username",
                format!("The login {} is already taken.", new.login_username),
            );
        }
    }
    let site_id = match &new.site {
        None => None,
        Some(site) => {
            let id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM sites WHERE domain_id = $1 AND name = $2")
                    .bind(d)
                    .bind(site.as_str())
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(internal)?;
            if id.is_none() {
                if let Some(max) = domain.settings.limits_max_sites {
                    let count: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE domain_id = $1")
                            .bind(d)
                            .fetch_one(&mut **tx)
                            .await
                            .map_err(internal)?;
                    if count >= i64::from(max.get()) {
                        p.invalid.add("site", format!("{site} would be a new site, and this domain already has its maximum of {max} sites."));
                    }
                }
            }
            id
        }
    };
    for (i, device) in new.devices.iter().enumerate() {
        let used: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM devices WHERE domain_id = $1 AND device = $2 AND user_id <> $3",
        )
        .bind(d)
        .bind(device.device.as_str())
        .bind(me)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
        if used.is_some() {
            let field = if i == 0 {
                "device".to_owned()
            } else {
                format!("devices[{i}].device")
            };
            p.conflicts.add(
                field,
                format!(
                    "The device {} is already in use in this domain.",
                    device.device
                ),
            );
        }
    }
    if new.settings.voicemail_enabled.into() && renamed {
        let box_owner: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT user_id FROM voicemail_boxes WHERE domain_id = $1 AND mailbox = $2",
        )
        .bind(d)
        .bind(new.user.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
        if box_owner.is_some_and(|owner| owner != Some(me)) {
            p.conflicts.add(
                "user",
                format!(
                    "A voicemail box {} already exists in this domain.",
                    new.user
                ),
            );
        }
    }
    let mut numbers = Vec::new();
    for (i, number) in new.phone_numbers.iter().enumerate() {
        let row: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT domain_id, user_id FROM phone_numbers WHERE number = $1")
                .bind(number.as_str())
                .fetch_optional(&mut **tx)
                .await
                .map_err(internal)?;
        match row {
            None => numbers.push((number, false)),
            Some((owner, _)) if owner != d => p.conflicts.add(
                format!("phone-numbers[{i}]"),
                format!("{number} belongs to another domain."),
            ),
            Some((_, Some(user))) if user != me => p.conflicts.add(
                format!("phone-numbers[{i}]"),
                format!("{number} is already routed to another user."),
            ),
            Some(_) => numbers.push((number, true)),
        }
    }
    let mut group_ids = Vec::new();
    for (i, group) in new.groups.iter().enumerate() {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM groups WHERE domain_id = $1 AND name = $2")
                .bind(d)
                .bind(group.as_str())
                .fetch_optional(&mut **tx)
                .await
                .map_err(internal)?;
        match id {
            Some(id) => group_ids.push(id),
            None => p.invalid.add(
                format!("groups[{i}]"),
                format!("This domain has no group named {group}."),
            ),
        }
    }
    for (i, ext) in new
        .settings
        .email_send_alert_new_voicemail_cc_list_csv
        .iter()
        .enumerate()
    {
        if ext != &new.user && !extension_exists(tx, d, ext.as_str()).await? {
            p.invalid.add(
                format!("email-send-alert-new-voicemail-cc-list-csv[{i}]"),
                format!("This domain has no extension {ext}."),
            );
        }
    }
    let rule = &new.answer_rule;
    let forwards = [
        ("forward-always", &rule.forward_always),
        ("forward-on-busy", &rule.forward_on_busy),
        ("forward-no-answer", &rule.forward_no_answer),
        ("forward-when-unregistered", &rule.forward_when_unregistered),
    ];
    let ring = rule
        .simultaneous_ring
        .iter()
        .enumerate()
        .map(|(i, dst)| (format!("simultaneous-ring[{i}]"), Some(dst)));
    for (field, dst) in forwards
        .iter()
        .map(|(f, d)| ((*f).to_owned(), d.as_ref()))
        .chain(ring)
    {
        if let Some(Destination::Extension(ext)) = dst {
            if ext != &new.user && !extension_exists(tx, d, ext.as_str()).await? {
                p.invalid
                    .add(field, format!("This domain has no extension {ext}."));
            }
        }
    }
    p.into_result()?;
    Ok(Checked {
        site_id,
        numbers,
        group_ids,
    })
}

/// Creates `new` in `domain` with everything attached: its site (made if new), portal account,
/// devices (with `sip_passwords`, one per device), voicemail box, phone numbers, answer rule and
/// group memberships. Every problem that can be seen before writing is reported at once.
/// Returns the id of the user's portal account.
pub async fn create(
    tx: &mut Tx,
    domain: &DomainRef,
    new: &NewUser,
    sip_passwords: &[String],
    now: i64,
) -> Result<i64, AppError> {
    let checked = check(tx, domain, new, None).await?;
    // Everything checks out: write. A unique constraint still guards each row against a
    // concurrent request that got there first.
    let site_id = resolve_site(tx, domain.id, new, checked.site_id, now).await?;
    let user_id: i64 = bind_user_row(
        sqlx::query(
            "INSERT INTO users (domain_id, extension, first_name, last_name, email, department, site_id, \
             status, service_code, search_text, settings, extension_sort, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(domain.id),
        new,
        site_id,
        now,
    )?
    .fetch_one(&mut **tx)
    .await
    .map_err(write_error)?
    .try_get(0)
    .map_err(internal)?;

    let account_id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (login, display_name, scope, domain_id, user_id, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.login_username.as_str())
    .bind(display_name(new))
    .bind(new.user_scope.as_str())
    .bind(domain.id)
    .bind(user_id)
    .bind(portal_blocked(new))
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(write_error)?;
    if new.settings.voicemail_enabled.into() {
        sqlx::query("INSERT INTO voicemail_boxes (domain_id, user_id, mailbox, created_at) VALUES ($1, $2, $3, $4)")
            .bind(domain.id).bind(user_id).bind(new.user.as_str()).bind(now)
            .execute(&mut **tx).await.map_err(write_error)?;
    }
    write_attachments(tx, domain.id, user_id, new, checked, sip_passwords, now).await?;
    Ok(account_id)
}

/// Whether the user's portal account may not log in: the user is disabled, or its web login is
/// blocked (Servetel's switches). Kept on the account so a login check reads one row.
fn portal_blocked(new: &NewUser) -> bool {
    new.status == UserStatus::Disabled || bool::from(new.settings.block_web_login)
}

/// Replaces everything about the user `extension` of `domain` with `new`: a rename moves its
/// voicemail box along (as XiVO does); devices given without a password keep theirs (or get
/// `sip_passwords`); numbers left out are freed. `false` if there is no such user.
pub async fn update(
    tx: &mut Tx,
    domain: &DomainRef,
    extension: &str,
    new: &NewUser,
    sip_passwords: &[String],
    now: i64,
) -> Result<bool, AppError> {
    let found: Option<(i64, String)> = sqlx::query_as(
        "SELECT u.id, a.login FROM users u JOIN accounts a ON a.user_id = u.id WHERE u.domain_id = $1 AND u.extension = $2",
    )
    .bind(domain.id).bind(extension).fetch_optional(&mut **tx).await.map_err(internal)?;
    let Some((user_id, login)) = found else {
        return Ok(false);
    };
    let current = Current {
        id: user_id,
        extension: extension.to_owned(),
        login,
    };
    let checked = check(tx, domain, new, Some(&current)).await?;
    let site_id = resolve_site(tx, domain.id, new, checked.site_id, now).await?;
    bind_user_row(
        sqlx::query(
            "UPDATE users SET extension = $2, first_name = $3, last_name = $4, email = $5, department = $6, \
             site_id = $7, status = $8, service_code = $9, search_text = $10, settings = $11, \
             extension_sort = $12, updated_at = $13 WHERE id = $1",
        )
        .bind(user_id),
        new,
        site_id,
        now,
    )?
    .execute(&mut **tx)
    .await
    .map_err(write_error)?;
    sqlx::query("UPDATE accounts SET login = $2, display_name = $3, scope = $4, disabled = $5 WHERE user_id = $1")
        .bind(user_id)
        .bind(new.login_username.as_str())
        .bind(display_name(new))
        .bind(new.user_scope.as_str())
        .bind(portal_blocked(new))
        .execute(&mut **tx)
        .await
        .map_err(write_error)?;
    // The voicemail box follows the extension; a user who gains voicemail gets a box. (Turning
    // voicemail off keeps the box and its messages.)
    let has_box = sqlx::query("UPDATE voicemail_boxes SET mailbox = $2 WHERE user_id = $1")
        .bind(user_id)
        .bind(new.user.as_str())
        .execute(&mut **tx)
        .await
        .map_err(write_error)?
        .rows_affected()
        > 0;
    if !has_box && new.settings.voicemail_enabled.into() {
        sqlx::query("INSERT INTO voicemail_boxes (domain_id, user_id, mailbox, created_at) VALUES ($1, $2, $3, $4)")
            .bind(domain.id).bind(user_id).bind(new.user.as_str()).bind(now)
            .execute(&mut **tx).await.map_err(write_error)?;
    }
    // Devices keep their passwords unless a new one is given.
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT device, sip_password FROM devices WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?;
    let passwords: Vec<String> = new
        .devices
        .iter()
        .zip(sip_passwords)
        .map(|(device, generated)| match &device.sip_password {
            Some(given) => given.expose().to_owned(),
            None => kept
                .iter()
                .find(|(name, _)| name == device.device.as_str())
                .map_or_else(|| generated.clone(), |(_, p)| p.clone()),
        })
        .collect();
    for sql in [
        "DELETE FROM devices WHERE user_id = $1",
        "UPDATE phone_numbers SET user_id = NULL WHERE user_id = $1",
        "DELETE FROM answer_rules WHERE user_id = $1",
        "DELETE FROM group_members WHERE user_id = $1",
    ] {
        sqlx::query(sql)
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    write_attachments(tx, domain.id, user_id, new, checked, &passwords, now).await?;
    Ok(true)
}

/// The site's id, making the site if it is new.
async fn resolve_site(
    tx: &mut Tx,
    domain_id: i64,
    new: &NewUser,
    known: Option<i64>,
    now: i64,
) -> Result<Option<i64>, AppError> {
    match (&new.site, known) {
        (Some(site), None) => Ok(Some(insert_site(tx, domain_id, site, now).await?)),
        (_, id) => Ok(id),
    }
}

/// Binds a user row's columns as `$2` to `$13` (extension, names, e-mail, department, site,
/// status, service code, search text, settings, sort key, time), after the `$1` the statement already has:
/// the one list the insert and the update share.
fn bind_user_row<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    new: &'q NewUser,
    site_id: Option<i64>,
    now: i64,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, AppError> {
    Ok(query
        .bind(new.user.as_str())
        .bind(new.name_first_name.as_str())
        .bind(new.name_last_name.as_str())
        .bind(new.email.as_str())
        .bind(new.department.as_ref().map(Department::as_str))
        .bind(site_id)
        .bind(new.status.as_str())
        .bind(new.service_code.as_ref().map(ServiceCode::as_str))
        .bind(search_text(new))
        .bind(settings_json(new)?)
        .bind(extension_sort(&new.user))
        .bind(now))
}

fn settings_json(new: &NewUser) -> Result<String, AppError> {
    serde_json::to_string(&new.settings).map_err(|e| {
        tracing::error!(error = %e, "user settings do not serialise");
        AppError::Internal
    })
}

fn display_name(new: &NewUser) -> String {
    format!("{} {}", new.name_first_name, new.name_last_name)
}

/// Writes what hangs off a user row: devices, phone numbers, the answer rule, group memberships.
async fn write_attachments(
    tx: &mut Tx,
    domain_id: i64,
    user_id: i64,
    new: &NewUser,
    checked: Checked<'_>,
    sip_passwords: &[String],
    now: i64,
) -> Result<(), AppError> {
    for (device, password) in new.devices.iter().zip(sip_passwords) {
        sqlx::query("INSERT INTO devices (domain_id, user_id, device, sip_password, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(domain_id).bind(user_id).bind(device.device.as_str()).bind(password).bind(now)
            .execute(&mut **tx).await.map_err(write_error)?;
    }
    for (number, known) in checked.numbers {
        let done = if known {
            sqlx::query("UPDATE phone_numbers SET user_id = $3 WHERE domain_id = $1 AND number = $2 AND (user_id IS NULL OR user_id = $3)")
                .bind(domain_id).bind(number.as_str()).bind(user_id).execute(&mut **tx).await.map_err(write_error)?
        } else {
            sqlx::query("INSERT INTO phone_numbers (domain_id, number, user_id, created_at) VALUES ($1, $2, $3, $4)")
                .bind(domain_id).bind(number.as_str()).bind(user_id).bind(now).execute(&mut **tx).await.map_err(write_error)?
        };
        if done.rows_affected() != 1 {
            return Err(AppError::conflict(
                "phone-numbers",
                "A number was taken by another request meanwhile.",
            ));
        }
    }
    insert_answer_rule(tx, user_id, &new.answer_rule).await?;
    for group_id in checked.group_ids {
        sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)")
            .bind(group_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(write_error)?;
    }
    Ok(())
}

/// How extensions sort: numbers by value (99 before 100), then names. Indexed with the domain,
/// so the first page of a large domain is read in order instead of sorted.
fn extension_sort(extension: &Extension) -> String {
    if extension.is_numeric() {
        format!("{:0>16}", extension.as_str())
    } else {
        format!("~{extension}")
    }
}

fn search_text(new: &NewUser) -> String {
    format!(
        "{} {} {} {} {}",
        new.user, new.name_first_name, new.name_last_name, new.login_username, new.email
    )
    .to_lowercase()
}

async fn insert_site(
    tx: &mut Tx,
    domain_id: i64,
    site: &SiteName,
    now: i64,
) -> Result<i64, AppError> {
    // Another request may be making the same site: keep whichever row exists.
    sqlx::query("INSERT INTO sites (domain_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (domain_id, name) DO NOTHING")
        .bind(domain_id).bind(site.as_str()).bind(now).execute(&mut **tx).await.map_err(internal)?;
    sqlx::query_scalar("SELECT id FROM sites WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(site.as_str())
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)
}

fn joined(list: &[Destination]) -> String {
    list.iter()
        .map(Destination::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

async fn insert_answer_rule(tx: &mut Tx, user_id: i64, rule: &AnswerRule) -> Result<(), AppError> {
    let text = |d: &Option<Destination>| d.as_ref().map(|d| d.as_str().to_owned());
    sqlx::query(
        "INSERT INTO answer_rules (user_id, time_frame, enabled, forward_always, forward_busy, forward_no_answer, \
         forward_unregistered, do_not_disturb, simultaneous_ring, position) VALUES ($1, '*', $2, $3, $4, $5, $6, $7, $8, 0)",
    )
    .bind(user_id)
    .bind(true)
    .bind(text(&rule.forward_always))
    .bind(text(&rule.forward_on_busy))
    .bind(text(&rule.forward_no_answer))
    .bind(text(&rule.forward_when_unregistered))
    .bind(rule.do_not_disturb)
    .bind(joined(&rule.simultaneous_ring))
    .execute(&mut **tx)
    .await
    .map_err(write_error)?;
    Ok(())
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    extension: String,
    first_name: String,
    last_name: String,
    email: String,
    department: Option<String>,
    site: Option<String>,
    status: String,
    service_code: Option<String>,
    login: String,
    scope: String,
}

#[derive(FromRow)]
struct UserFullRow {
    #[sqlx(flatten)]
    row: UserRow,
    settings: String,
    created_at: i64,
    updated_at: i64,
}

const SUMMARY_COLUMNS: &str =
    "u.id, u.extension, u.first_name, u.last_name, u.email, u.department, s.name AS site, \
     u.status, u.service_code, a.login, a.scope";
const FROM_USERS: &str =
    "FROM users u JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id";

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(problem = %e, "stored {what} no longer parses");
    AppError::Internal
}

impl TryFrom<UserRow> for UserSummary {
    type Error = AppError;
    fn try_from(r: UserRow) -> Result<Self, AppError> {
        let bad = |e| corrupt("user", e);
        Ok(UserSummary {
            user: Extension::parse_alphanumeric(&r.extension).map_err(bad)?,
            name_first_name: PersonName::parse(&r.first_name).map_err(bad)?,
            name_last_name: PersonName::parse(&r.last_name).map_err(bad)?,
            login_username: Login::parse(&r.login).map_err(bad)?,
            email: EmailList::parse(&r.email).map_err(bad)?,
            user_scope: Scope::parse(&r.scope).map_err(bad)?,
            status: UserStatus::parse(&r.status).map_err(bad)?,
            department: r
                .department
                .as_deref()
                .map(Department::parse)
                .transpose()
                .map_err(bad)?,
            site: r
                .site
                .as_deref()
                .map(SiteName::parse)
                .transpose()
                .map_err(bad)?,
        })
    }
}

/// A user as the permission table sees it: its ids, site and scope.
#[derive(Debug, Clone, FromRow)]
pub struct Located {
    pub id: i64,
    pub account_id: i64,
    pub site: Option<String>,
    scope: String,
}

impl Located {
    /// A stored scope that no longer parses counts as the highest, so nobody but a Super User
    /// acts on that user until it is mended.
    pub fn scope(&self) -> Scope {
        Scope::parse(&self.scope).unwrap_or(Scope::SuperUser)
    }

    pub fn place(&self) -> crate::model::permissions::UserPlace<'_> {
        crate::model::permissions::UserPlace {
            id: Some(self.id),
            site: self.site.as_deref(),
            scope: self.scope(),
        }
    }
}

/// The user `extension` of a domain, as the permission table sees it.
pub async fn locate(
    pool: &AnyPool,
    domain_id: i64,
    extension: &str,
) -> Result<Option<Located>, AppError> {
    sqlx::query_as(
        "SELECT u.id, a.id AS account_id, s.name AS site, a.scope FROM users u \
         JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id \
         WHERE u.domain_id = $1 AND u.extension = $2",
    )
    .bind(domain_id)
    .bind(extension)
    .fetch_optional(pool)
    .await
    .map_err(internal)
}

/// One page of a domain's users (system users hidden), and how many match in all. With
/// `only_site`, only the users of that site (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain_id: i64,
    only_site: Option<&str>,
    query: &UserQuery,
) -> Result<UserList, AppError> {
    let query = query.clone().bounded();
    let pattern = format!(
        "%{}%",
        query
            .search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    // Without a search the count reads only the (domain, service code) index, and the page
    // walks the (domain, sort key) index: a large domain costs no more than a small one.
    // Placeholders are numbered as they are needed: $1 the domain, then the site and the
    // search pattern when there are any, then the page's bounds.
    let mut next = 1;
    let mut placeholder = || {
        next += 1;
        format!("${next}")
    };
    let site = match only_site {
        Some(_) => format!(
            " AND u.site_id = (SELECT id FROM sites WHERE domain_id = $1 AND name = {})",
            placeholder()
        ),
        None => String::new(),
    };
    let search = if query.search.is_empty() {
        String::new()
    } else {
        format!(" AND u.search_text LIKE {} ESCAPE '\\'", placeholder())
    };
    let filter = format!(
        "u.domain_id = $1 AND (u.service_code IS NULL OR u.service_code NOT LIKE 'system-%'){site}{search}"
    );
    let (limit, offset) = (placeholder(), placeholder());
    let direction = if query.descending { "DESC" } else { "ASC" };
    // Only these fixed column lists ever reach the ORDER BY; the key picks one.
    let order = match query.sort {
        SortKey::User => format!("u.extension_sort {direction}"),
        SortKey::Name => format!("u.last_name {direction}, u.first_name {direction}, u.extension"),
        SortKey::Login => format!("a.login {direction}"),
        // Users without one come last either way, on both databases (they order NULL apart).
        SortKey::Department => {
            format!("(u.department IS NULL), u.department {direction}, u.last_name, u.first_name")
        }
        SortKey::Site => format!("(s.name IS NULL), s.name {direction}, u.last_name, u.first_name"),
    };
    let count_sql = format!("SELECT COUNT(*) FROM users u WHERE {filter}");
    let mut count = sqlx::query_scalar(&count_sql).bind(domain_id);
    let sql = format!("SELECT {SUMMARY_COLUMNS} {FROM_USERS} WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
    let mut page = sqlx::query_as(&sql).bind(domain_id);
    if let Some(site) = only_site {
        count = count.bind(site);
        page = page.bind(site);
    }
    if !query.search.is_empty() {
        count = count.bind(&pattern);
        page = page.bind(&pattern);
    }
    let total: i64 = count.fetch_one(pool).await.map_err(internal)?;
    let rows: Vec<UserRow> = page
        .bind(i64::from(query.limit))
        .bind(i64::from(query.start))
        .fetch_all(pool)
        .await
        .map_err(internal)?;
    Ok(UserList {
        total: total as u64,
        items: rows
            .into_iter()
            .map(UserSummary::try_from)
            .collect::<Result<_, _>>()?,
    })
}

/// A user of a domain with everything attached, or `None`. SIP passwords are included only when
/// `with_secrets`.
pub async fn get(
    pool: &AnyPool,
    domain: &DomainName,
    domain_id: i64,
    extension: &str,
    with_secrets: bool,
) -> Result<Option<UserDetail>, AppError> {
    let mut conn = pool.acquire().await.map_err(internal)?;
    get_in(&mut conn, domain, domain_id, extension, with_secrets).await
}

/// Like [`get`], on one connection or inside a transaction (to see what it has written).
pub async fn get_in(
    conn: &mut sqlx::AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    extension: &str,
    with_secrets: bool,
) -> Result<Option<UserDetail>, AppError> {
    let row: Option<UserFullRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS}, u.settings, u.created_at, u.updated_at {FROM_USERS} \
         WHERE u.domain_id = $1 AND u.extension = $2"
    ))
    .bind(domain_id)
    .bind(extension)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    let Some(full) = row else { return Ok(None) };
    let user_id = full.row.id;
    let service_code = full.row.service_code.clone();
    let summary = UserSummary::try_from(full.row)?;
    let settings: UserSettings =
        serde_json::from_str(&full.settings).map_err(|e| corrupt("user settings", e))?;
    let bad = |e| corrupt("user", e);

    let devices: Vec<(String, String)> =
        sqlx::query_as("SELECT device, sip_password FROM devices WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
    let mailbox: Option<String> =
        sqlx::query_scalar("SELECT mailbox FROM voicemail_boxes WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM phone_numbers WHERE user_id = $1 ORDER BY number")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT g.name FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = $1 ORDER BY g.name",
    )
    .bind(user_id).fetch_all(&mut *conn).await.map_err(internal)?;
    let rule: Option<(Option<String>, Option<String>, Option<String>, Option<String>, i64, String)> = sqlx::query_as(
        "SELECT forward_always, forward_busy, forward_no_answer, forward_unregistered, \
         CAST(do_not_disturb AS INTEGER), simultaneous_ring FROM answer_rules WHERE user_id = $1 AND time_frame = '*'",
    )
    .bind(user_id).fetch_optional(&mut *conn).await.map_err(internal)?;
    let destination = |v: Option<String>| {
        v.as_deref()
            .map(Destination::parse)
            .transpose()
            .map_err(bad)
    };
    let answer_rule = match rule {
        None => AnswerRule::default(),
        Some((always, busy, no_answer, offline, dnd, ring)) => AnswerRule {
            forward_always: destination(always)?,
            forward_on_busy: destination(busy)?,
            forward_no_answer: destination(no_answer)?,
            forward_when_unregistered: destination(offline)?,
            do_not_disturb: dnd != 0,
            simultaneous_ring: ring
                .split(',')
                .filter(|s| !s.is_empty())
                .map(Destination::parse)
                .collect::<Result<_, _>>()
                .map_err(bad)?,
        },
    };
    let pin_set = settings.voicemail_login_pin.is_some();
    Ok(Some(UserDetail {
        user: User {
            domain: domain.clone(),
            user: summary.user,
            name_first_name: summary.name_first_name,
            name_last_name: summary.name_last_name,
            login_username: summary.login_username,
            email: summary.email,
            user_scope: summary.user_scope,
            status: summary.status,
            department: summary.department,
            site: summary.site,
            service_code: service_code
                .as_deref()
                .map(ServiceCode::parse)
                .transpose()
                .map_err(bad)?,
            settings,
            created_at: full.created_at,
            updated_at: full.updated_at,
        },
        devices: devices
            .into_iter()
            .map(|(device, password)| {
                Ok(Device {
                    device: DeviceName::parse(&device).map_err(bad)?,
                    device_sip_registration_password: with_secrets.then_some(password),
                })
            })
            .collect::<Result<_, AppError>>()?,
        voicemail_box: mailbox
            .as_deref()
            .map(Extension::parse_alphanumeric)
            .transpose()
            .map_err(bad)?,
        phone_numbers: numbers
            .iter()
            .map(|n| PhoneNumber::parse(n))
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        answer_rule,
        groups: groups
            .iter()
            .map(|g| GroupName::parse(g))
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        voicemail_pin_set: pin_set,
    }))
}

/// Deletes a user of a domain. A user who owns a voicemail box is deleted only with
/// `delete_voicemail` (XiVO's 412 otherwise). Its phone numbers are freed, its group memberships,
/// devices, answer rules and portal account go with it. `false` if there was no such user.
pub async fn delete(
    tx: &mut Tx,
    domain_id: i64,
    extension: &str,
    delete_voicemail: bool,
) -> Result<bool, AppError> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE domain_id = $1 AND extension = $2")
            .bind(domain_id)
            .bind(extension)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    let Some(user_id) = id else { return Ok(false) };
    let mailbox: Option<String> =
        sqlx::query_scalar("SELECT mailbox FROM voicemail_boxes WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(internal)?;
    if let Some(mailbox) = mailbox {
        if !delete_voicemail {
            return Err(AppError::PreconditionFailed {
                message: format!("Extension {extension} owns voicemail box {mailbox}: delete it too, or keep the user."),
            });
        }
        sqlx::query("DELETE FROM voicemail_boxes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    // Phone numbers are freed by ON DELETE SET NULL; the rest goes by ON DELETE CASCADE.
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(true)
}

/// Whether `extension` is free in the domain (no user, no voicemail box holds it).
pub async fn extension_free(
    pool: &AnyPool,
    domain_id: i64,
    extension: &str,
) -> Result<bool, AppError> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE domain_id = $1 AND extension = $2 \
         UNION ALL SELECT 1 FROM voicemail_boxes WHERE domain_id = $1 AND mailbox = $2",
    )
    .bind(domain_id)
    .bind(extension)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    Ok(taken.is_none())
}

/// A free extension to suggest: one past the highest numeric extension of the domain (100 in an
/// empty domain), skipping any that is taken.
pub async fn next_free_extension(
    pool: &AnyPool,
    domain_id: i64,
) -> Result<Option<Extension>, AppError> {
    let highest: Vec<String> = sqlx::query_scalar(
        "SELECT extension FROM users WHERE domain_id = $1 ORDER BY LENGTH(extension) DESC, extension DESC LIMIT 200",
    )
    .bind(domain_id).fetch_all(pool).await.map_err(internal)?;
    let start = highest
        .iter()
        .find_map(|e| Extension::parse(e).ok())
        .and_then(|e| e.next_after());
    let mut candidate = match start {
        Some(c) => c,
        None => Extension::parse("100").map_err(|e| corrupt("extension", e))?,
    };
    for _ in 0..1000 {
        if extension_free(pool, domain_id, candidate.as_str()).await? {
            return Ok(Some(candidate));
        }
        match candidate.next_after() {
            Some(next) => candidate = next,
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// The departments in use in a domain, for suggestions.
pub async fn departments(pool: &AnyPool, domain_id: i64) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar("SELECT DISTINCT department FROM users WHERE domain_id = $1 AND department IS NOT NULL ORDER BY department")
        .bind(domain_id).fetch_all(pool).await.map_err(internal)
}

/// The sites of a domain, by name.
pub async fn sites(pool: &AnyPool, domain_id: i64) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar("SELECT name FROM sites WHERE domain_id = $1 ORDER BY name")
        .bind(domain_id)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// The groups of a domain, by name.
pub async fn groups(pool: &AnyPool, domain_id: i64) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar("SELECT name FROM groups WHERE domain_id = $1 ORDER BY name")
        .bind(domain_id)
        .fetch_all(pool)
        .await
        .map_err(internal)
}

/// Adds a group to a domain.
pub async fn insert_group(
    tx: &mut Tx,
    domain_id: i64,
    name: &GroupName,
    kind: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO groups (domain_id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
        .bind(domain_id)
        .bind(name.as_str())
        .bind(kind)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(|e| {
            conflict_on(
                &e,
                &[Unique {
                    postgres_constraint: "groups_domain_name_key",
                    sqlite_columns: "groups.domain_id, groups.name",
                    field: "name",
                    message: "This domain already has a group with this name.",
                }],
            )
            .unwrap_or_else(|| internal(e))
        })?;
    Ok(())
}
