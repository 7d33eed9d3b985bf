//! Telephony users and what is attached to them. Every query names its domain.
//!
//! [`create`] writes a user and everything attached in the caller's transaction: the caller
//! commits once, or drops the transaction and nothing was written. Many users are written the
//! same way, by the same code: [`check_new`] checks a whole batch with a few queries per rule, and
//! [`insert_checked`] writes it with a few multi-row statements per table (a single create is a
//! batch of one).

use super::domains::DomainRef;
use super::{conflict_on, contains_pattern, internal, DomainPage, Tx, Unique};
use crate::error::AppError;
use crate::model::user::{
    AnswerRule, Device, NewUser, SortKey, User, UserDetail, UserList, UserQuery, UserSettings,
    UserSummary,
};
use crate::model::{
    Department, Destination, DeviceName, DomainName, EmailList, Extension, FieldErrors, GroupName,
    Login, Parse, PersonName, PhoneNumber, Scope, ServiceCode, SiteName, UserStatus,
};
use sqlx::{AnyConnection, AnyPool, FromRow, Row};
use std::collections::{HashMap, HashSet};

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
#[derive(Default, Clone)]
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

/// A statement being built with sqlx's `Any` driver.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The most rows one statement writes.
const MAX_ROWS: usize = 1_000;

/// How many values one statement should bind, and how many an `IN (...)` list should hold, on the
/// database behind `conn`. Postgres takes large statements in its stride (up to 65,535 values).
/// SQLite and sqlx look each `$N` up by name, which costs time in the square of the values per
/// statement: there, small statements are much faster (10,000 users import in about a fifth of
/// the time with 250 values per statement rather than 30,000).
fn bind_budget(conn: &AnyConnection) -> (usize, usize) {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        (30_000, 1_000)
    } else {
        (250, 250)
    }
}

/// `row`'s placeholders (numbered from `$1`, `width` values per row) repeated for `rows` rows and
/// numbered on: `($1, $2)` for three rows is `($1, $2), ($3, $4), ($5, $6)`.
fn repeated(row: &str, width: usize, rows: usize) -> String {
    let mut out = String::with_capacity(rows * (row.len() + 16));
    for k in 0..rows {
        if k > 0 {
            out.push_str(", ");
        }
        let mut rest = row;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if let Ok(n) = rest[..digits].parse::<usize>() {
                out.push_str(&(n + k * width).to_string());
            }
            rest = &rest[digits..];
        }
        out.push_str(rest);
    }
    out
}

/// One multi-row insert: the statement up to `VALUES`, one row's placeholders (from `$1`), how
/// many values a row binds, and what follows the rows (a `RETURNING`, or nothing).
struct RowsInsert {
    head: &'static str,
    row: &'static str,
    width: usize,
    tail: &'static str,
}

/// Writes `items` in as few statements as the bind limits allow, `bind` binding one item's values
/// in order. Returns what the statements return, and tells `written` how many items each wrote.
async fn insert_rows<T: Sync>(
    tx: &mut Tx,
    insert: &RowsInsert,
    items: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> Result<AnyQuery<'q>, AppError>,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<sqlx::any::AnyRow>, AppError> {
    let per_statement = (bind_budget(tx).0 / insert.width).clamp(1, MAX_ROWS);
    let mut returned = Vec::new();
    for chunk in items.chunks(per_statement) {
        let sql = format!(
            "{} {} {}",
            insert.head,
            repeated(insert.row, insert.width, chunk.len()),
            insert.tail
        );
        let mut query = sqlx::query(&sql);
        for item in chunk {
            query = bind(query, item)?;
        }
        returned.extend(query.fetch_all(&mut **tx).await.map_err(write_error)?);
        written(chunk.len());
    }
    Ok(returned)
}

/// The rows `sql` finds for `values`, asked for a few hundred values at a time: `sql` has
/// `{in}` where the list of placeholders goes, after `$1` (the domain) when `domain_id` is given.
async fn select_in<R>(
    conn: &mut AnyConnection,
    sql: &str,
    domain_id: Option<i64>,
    values: &[&str],
) -> Result<Vec<R>, AppError>
where
    R: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let first = usize::from(domain_id.is_some()) + 1;
    let mut found = Vec::new();
    let per_statement = bind_budget(conn).1;
    for chunk in values.chunks(per_statement) {
        let list = (first..first + chunk.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = sql.replace("{in}", &list);
        let mut query = sqlx::query_as::<_, R>(&sql);
        if let Some(id) = domain_id {
            query = query.bind(id);
        }
        for value in chunk {
            query = query.bind(*value);
        }
        found.extend(query.fetch_all(&mut *conn).await.map_err(internal)?);
    }
    Ok(found)
}

/// The values of `items`, each once, in the order they first appear.
fn distinct<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(*item)).collect()
}

/// The first column of `rows`, as a set.
fn firsts(rows: Vec<(String,)>) -> HashSet<String> {
    rows.into_iter().map(|(value,)| value).collect()
}

/// The user being changed, when a check is for an update rather than a create.
struct Current {
    id: i64,
    extension: String,
    login: String,
}

/// One user to check before it is written: a new one, or the new state of `current`.
struct Candidate<'a> {
    new: &'a NewUser,
    current: Option<&'a Current>,
}

impl Candidate<'_> {
    /// The row id of the user itself, whose own devices and numbers are no conflict (none for a
    /// new user).
    fn me(&self) -> i64 {
        self.current.map_or(-1, |c| c.id)
    }

    /// Whether the user takes an extension it does not hold yet.
    fn renamed(&self) -> bool {
        self.current
            .is_none_or(|c| c.extension != self.new.user.as_str())
    }
}

/// What the checks found that the writes need.
struct Checked<'a> {
    new: &'a NewUser,
    /// The user's site, if it exists already (a new one is made by the writes).
    site_id: Option<i64>,
    /// Numbers to route to the user: (number, already known to the domain).
    numbers: Vec<(&'a PhoneNumber, bool)>,
    group_ids: Vec<i64>,
}

/// New users checked against what their domain holds (see [`check_new`]): what the writes need,
/// and every problem found, by the user's position in the batch.
pub struct CheckedBatch<'a> {
    checked: Vec<Checked<'a>>,
    problems: Vec<(usize, Problems)>,
}

impl CheckedBatch<'_> {
    /// Every problem found, by the position of its user in the batch (collisions first, then
    /// references to nothing); empty when every user may be written.
    pub fn problems(&self) -> Vec<(usize, FieldErrors)> {
        self.problems
            .iter()
            .map(|(i, p)| {
                let mut all = p.conflicts.clone();
                all.0.extend(p.invalid.0.iter().cloned());
                (*i, all)
            })
            .collect()
    }

    /// Each refused user's problems as the error its own create answers (409 when something
    /// collides, 422 otherwise), by the user's position in the batch.
    pub fn refusals(&self) -> Vec<(usize, AppError)> {
        self.problems
            .iter()
            .filter_map(|(i, p)| p.clone().into_result().err().map(|e| (*i, e)))
            .collect()
    }
}

/// Checks `batch` against what the domain holds, reporting every problem of every user at once.
/// Each rule is one query per few hundred users, so a batch costs about what one user does.
/// The users of the batch count as existing for each other (a forward to another new user is
/// fine); duplicates within the batch are the caller's to find (the database refuses them).
async fn check_batch<'a>(
    conn: &mut AnyConnection,
    domain: &DomainRef,
    batch: &[Candidate<'a>],
) -> Result<CheckedBatch<'a>, AppError> {
    let d = domain.id;
    let mut p: Vec<Problems> = batch.iter().map(|_| Problems::default()).collect();

    // The domain's maximum of users: the new users past it, in order, are refused.
    if let Some(max) = domain.settings.limits_max_users {
        if batch.iter().any(|c| c.current.is_none()) {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE domain_id = $1")
                .bind(d)
                .fetch_one(&mut *conn)
                .await
                .map_err(internal)?;
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

    let wanted = distinct(
        batch
            .iter()
            .filter(|c| c.renamed())
            .map(|c| c.new.user.as_str()),
    );
    let taken = firsts(
        select_in(
            conn,
            "SELECT extension FROM users WHERE domain_id = $1 AND extension IN ({in})",
            Some(d),
            &wanted,
        )
        .await?,
    );
    for (i, c) in batch.iter().enumerate() {
        if c.renamed() && taken.contains(c.new.user.as_str()) {
            p[i].conflicts.add(
                "user",
                format!("Extension {} is already taken in this domain.", c.new.user),
            );
        }
    }

    let new_login = |c: &Candidate<'_>| {
        c.current
            .is_none_or(|cur| cur.login != c.new.login_username.as_str())
    };
    let wanted = distinct(
        batch
            .iter()
            .filter(|c| new_login(c))
            .map(|c| c.new.login_username.as_str()),
    );
    let taken = firsts(
        select_in(
            conn,
            "SELECT login FROM accounts WHERE login IN ({in})",
            None,
            &wanted,
        )
        .await?,
    );
    for (i, c) in batch.iter().enumerate() {
        if new_login(c) && taken.contains(c.new.login_username.as_str()) {
            p[i].conflicts.add(
                "login-username",
                format!("The login {} is already taken.", c.new.login_username),
            );
        }
    }

    let names = distinct(
        batch
            .iter()
            .filter_map(|c| c.new.site.as_ref().map(SiteName::as_str)),
    );
    let sites: HashMap<String, i64> = select_in::<(String, i64)>(
        conn,
        "SELECT name, id FROM sites WHERE domain_id = $1 AND name IN ({in})",
        Some(d),
        &names,
    )
    .await?
    .into_iter()
    .collect();
    let new_sites: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !sites.contains_key(*name))
        .collect();
    let mut refused_sites: HashMap<&str, String> = HashMap::new();
    if let (Some(max), false) = (domain.settings.limits_max_sites, new_sites.is_empty()) {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE domain_id = $1")
            .bind(d)
            .fetch_one(&mut *conn)
            .await
            .map_err(internal)?;
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
        if let Some(message) = c
            .new
            .site
            .as_ref()
            .and_then(|site| refused_sites.get(site.as_str()))
        {
            p[i].invalid.add("site", message.clone());
        }
    }

    let names = distinct(
        batch
            .iter()
            .flat_map(|c| c.new.devices.iter().map(|x| x.device.as_str())),
    );
    let used: HashMap<String, i64> = select_in::<(String, i64)>(
        conn,
        "SELECT device, user_id FROM devices WHERE domain_id = $1 AND device IN ({in})",
        Some(d),
        &names,
    )
    .await?
    .into_iter()
    .collect();
    for (i, c) in batch.iter().enumerate() {
        for (k, device) in c.new.devices.iter().enumerate() {
            if used
                .get(device.device.as_str())
                .is_some_and(|owner| *owner != c.me())
            {
                let field = if k == 0 {
                    "device".to_owned()
                } else {
                    format!("devices[{k}].device")
                };
                p[i].conflicts.add(
                    field,
                    format!(
                        "The device {} is already in use in this domain.",
                        device.device
                    ),
                );
            }
        }
    }

    let wants_box = |c: &Candidate<'_>| bool::from(c.new.settings.voicemail_enabled) && c.renamed();
    let wanted = distinct(
        batch
            .iter()
            .filter(|c| wants_box(c))
            .map(|c| c.new.user.as_str()),
    );
    let boxes: HashMap<String, Option<i64>> = select_in::<(String, Option<i64>)>(
        conn,
        "SELECT mailbox, user_id FROM voicemail_boxes WHERE domain_id = $1 AND mailbox IN ({in})",
        Some(d),
        &wanted,
    )
    .await?
    .into_iter()
    .collect();
    for (i, c) in batch.iter().enumerate() {
        if wants_box(c)
            && boxes
                .get(c.new.user.as_str())
                .is_some_and(|owner| *owner != Some(c.me()))
        {
            p[i].conflicts.add(
                "user",
                format!(
                    "A voicemail box {} already exists in this domain.",
                    c.new.user
                ),
            );
        }
    }

    let wanted = distinct(
        batch
            .iter()
            .flat_map(|c| c.new.phone_numbers.iter().map(PhoneNumber::as_str)),
    );
    let known: HashMap<String, (i64, Option<i64>)> = select_in::<(String, i64, Option<i64>)>(
        conn,
        "SELECT number, domain_id, user_id FROM phone_numbers WHERE number IN ({in})",
        None,
        &wanted,
    )
    .await?
    .into_iter()
    .map(|(number, owner, user)| (number, (owner, user)))
    .collect();
    let mut numbers: Vec<Vec<(&'a PhoneNumber, bool)>> = Vec::with_capacity(batch.len());
    for (i, c) in batch.iter().enumerate() {
        let mut mine = Vec::new();
        for (k, number) in c.new.phone_numbers.iter().enumerate() {
            match known.get(number.as_str()) {
                None => mine.push((number, false)),
                Some((owner, _)) if *owner != d => p[i].conflicts.add(
                    format!("phone-numbers[{k}]"),
                    format!("{number} belongs to another domain."),
                ),
                Some((_, Some(user))) if *user != c.me() => p[i].conflicts.add(
                    format!("phone-numbers[{k}]"),
                    format!("{number} is already routed to another user."),
                ),
                Some(_) => mine.push((number, true)),
            }
        }
        numbers.push(mine);
    }

    let wanted = distinct(
        batch
            .iter()
            .flat_map(|c| c.new.groups.iter().map(GroupName::as_str)),
    );
    let groups: HashMap<String, i64> = select_in::<(String, i64)>(
        conn,
        "SELECT name, id FROM groups WHERE domain_id = $1 AND name IN ({in})",
        Some(d),
        &wanted,
    )
    .await?
    .into_iter()
    .collect();
    let mut group_ids: Vec<Vec<i64>> = Vec::with_capacity(batch.len());
    for (i, c) in batch.iter().enumerate() {
        let mut ids = Vec::new();
        for (k, group) in c.new.groups.iter().enumerate() {
            match groups.get(group.as_str()) {
                Some(id) => ids.push(*id),
                None => p[i].invalid.add(
                    format!("groups[{k}]"),
                    format!("This domain has no group named {group}."),
                ),
            }
        }
        group_ids.push(ids);
    }

    // Extensions the users refer to (voicemail copies, forwards, simultaneous ring) must exist:
    // in the domain, or among the users being written.
    let in_batch: HashSet<&str> = batch.iter().map(|c| c.new.user.as_str()).collect();
    let referred = |c: &Candidate<'a>| -> Vec<(String, &'a Extension)> {
        let new = c.new;
        let rule = &new.answer_rule;
        let cc = new
            .settings
            .email_send_alert_new_voicemail_cc_list_csv
            .iter()
            .enumerate()
            .map(|(k, ext)| {
                (
                    format!("email-send-alert-new-voicemail-cc-list-csv[{k}]"),
                    Some(ext),
                )
            });
        let forwards = [
            ("forward-always", &rule.forward_always),
            ("forward-on-busy", &rule.forward_on_busy),
            ("forward-no-answer", &rule.forward_no_answer),
            ("forward-when-unregistered", &rule.forward_when_unregistered),
        ]
        .into_iter()
        .map(|(field, dst)| (field.to_owned(), dst.as_ref()));
        let ring = rule
            .simultaneous_ring
            .iter()
            .enumerate()
            .map(|(k, dst)| (format!("simultaneous-ring[{k}]"), Some(dst)));
        let destinations = forwards.chain(ring).filter_map(|(field, dst)| match dst {
            Some(Destination::Extension(ext)) => Some((field, Some(ext))),
            _ => None,
        });
        cc.chain(destinations)
            .filter_map(|(field, ext)| ext.map(|ext| (field, ext)))
            .collect()
    };
    let references: Vec<Vec<(String, &'a Extension)>> = batch.iter().map(referred).collect();
    let wanted = distinct(
        references
            .iter()
            .flatten()
            .map(|(_, ext)| ext.as_str())
            .filter(|ext| !in_batch.contains(ext)),
    );
    let existing = firsts(
        select_in(
            conn,
            "SELECT extension FROM users WHERE domain_id = $1 AND extension IN ({in})",
            Some(d),
            &wanted,
        )
        .await?,
    );
    for (i, refs) in references.into_iter().enumerate() {
        for (field, ext) in refs {
            if !in_batch.contains(ext.as_str()) && !existing.contains(ext.as_str()) {
                p[i].invalid
                    .add(field, format!("This domain has no extension {ext}."));
            }
        }
    }

    let checked = batch
        .iter()
        .zip(numbers)
        .zip(group_ids)
        .map(|((c, numbers), group_ids)| Checked {
            new: c.new,
            site_id: c
                .new
                .site
                .as_ref()
                .and_then(|site| sites.get(site.as_str()).copied()),
            numbers,
            group_ids,
        })
        .collect();
    Ok(CheckedBatch {
        checked,
        problems: p
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !p.conflicts.is_empty() || !p.invalid.is_empty())
            .collect(),
    })
}

/// Checks new users against what `domain` holds (every problem of every user at once), for
/// [`insert_checked`] to write. Read through `conn`: the write transaction, or any connection for
/// a check that writes nothing.
pub async fn check_new<'a>(
    conn: &mut AnyConnection,
    domain: &DomainRef,
    news: &'a [NewUser],
) -> Result<CheckedBatch<'a>, AppError> {
    let batch: Vec<Candidate<'a>> = news
        .iter()
        .map(|new| Candidate { new, current: None })
        .collect();
    check_batch(conn, domain, &batch).await
}

/// Checks one user, new or (with `current`) changed, and answers with its problems as one error.
async fn check_one<'a>(
    tx: &mut Tx,
    domain: &DomainRef,
    new: &'a NewUser,
    current: Option<&'a Current>,
) -> Result<Checked<'a>, AppError> {
    let mut batch = check_batch(&mut **tx, domain, &[Candidate { new, current }]).await?;
    if let Some((_, problems)) = batch.problems.pop() {
        problems.into_result()?;
    }
    batch.checked.pop().ok_or(AppError::Internal)
}

/// Writes users that [`check_new`] found nothing wrong with, with everything attached (site, made
/// if new; portal account; devices; voicemail box; phone numbers; answer rule; group
/// memberships), in a few multi-row statements per table. `sip_passwords` has one
/// list per user, one password per device. `progress` is told (rows written, rows to write) as
/// the writes go. Returns the users' portal account ids, in batch order. A batch with problems
/// writes nothing and answers with the first user's.
pub async fn insert_checked(
    tx: &mut Tx,
    domain: &DomainRef,
    batch: CheckedBatch<'_>,
    sip_passwords: &[Vec<String>],
    now: i64,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<i64>, AppError> {
    if let Some((_, problems)) = batch.problems.into_iter().next() {
        problems.into_result()?;
    }
    let checked = batch.checked;
    if checked.len() != sip_passwords.len() {
        tracing::error!("a batch of users came with a different number of password lists");
        return Err(AppError::Internal);
    }
    let d = domain.id;
    let total = checked.len() * 3
        + checked
            .iter()
            .map(|c| {
                usize::from(bool::from(c.new.settings.voicemail_enabled))
                    + c.new.devices.len()
                    + c.numbers.len()
                    + c.group_ids.len()
            })
            .sum::<usize>();
    let mut done = 0;
    let mut written = |n: usize| {
        done += n;
        progress(done, total);
    };

    // Everything checks out: write. A unique constraint still guards each row against a
    // concurrent request that got there first.
    let mut new_sites: HashMap<&str, i64> = HashMap::new();
    for c in &checked {
        if let (Some(site), None) = (&c.new.site, c.site_id) {
            if !new_sites.contains_key(site.as_str()) {
                let id = insert_site(tx, d, site, now).await?;
                new_sites.insert(site.as_str(), id);
            }
        }
    }
    let rows: Vec<(&NewUser, Option<i64>)> = checked
        .iter()
        .map(|c| {
            let site = c.site_id.or_else(|| {
                c.new
                    .site
                    .as_ref()
                    .and_then(|s| new_sites.get(s.as_str()).copied())
            });
            (c.new, site)
        })
        .collect();
    let returned = insert_rows(
        tx,
        &RowsInsert {
            head: "INSERT INTO users (domain_id, extension, first_name, last_name, email, department, site_id, \
                   status, service_code, search_text, settings, extension_sort, created_at, updated_at) VALUES",
            row: "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
            width: 13,
            tail: "RETURNING id, extension",
        },
        &rows,
        |query, (new, site_id)| bind_user_row(query.bind(d), new, *site_id, now),
        &mut written,
    )
    .await?;
    let ids: HashMap<String, i64> = returned
        .iter()
        .map(|row| Ok((row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)?;
    let user_ids: Vec<i64> = checked
        .iter()
        .map(|c| {
            ids.get(c.new.user.as_str())
                .copied()
                .ok_or(AppError::Internal)
        })
        .collect::<Result<_, _>>()?;

    let rows: Vec<(&NewUser, i64)> = checked
        .iter()
        .map(|c| c.new)
        .zip(user_ids.iter().copied())
        .collect();
    let returned = insert_rows(
        tx,
        &RowsInsert {
            head: "INSERT INTO accounts (login, display_name, scope, domain_id, user_id, disabled, created_at) VALUES",
            row: "($1, $2, $3, $4, $5, $6, $7)",
            width: 7,
            tail: "RETURNING id, user_id",
        },
        &rows,
        |query, (new, user_id)| {
            Ok(query
                .bind(new.login_username.as_str())
                .bind(display_name(new))
                .bind(new.user_scope.as_str())
                .bind(d)
                .bind(*user_id)
                .bind(portal_blocked(new))
                .bind(now))
        },
        &mut written,
    )
    .await?;
    let accounts: HashMap<i64, i64> = returned
        .iter()
        .map(|row| Ok((row.try_get::<i64, _>(1)?, row.try_get::<i64, _>(0)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)?;
    let account_ids: Vec<i64> = user_ids
        .iter()
        .map(|id| accounts.get(id).copied().ok_or(AppError::Internal))
        .collect::<Result<_, _>>()?;

    let boxes: Vec<(i64, &str)> = rows
        .iter()
        .filter(|(new, _)| new.settings.voicemail_enabled.into())
        .map(|(new, user_id)| (*user_id, new.user.as_str()))
        .collect();
    insert_rows(
        tx,
        &RowsInsert {
            head: "INSERT INTO voicemail_boxes (domain_id, user_id, mailbox, created_at) VALUES",
            row: "($1, $2, $3, $4)",
            width: 4,
            tail: "",
        },
        &boxes,
        |query, (user_id, mailbox)| Ok(query.bind(d).bind(*user_id).bind(*mailbox).bind(now)),
        &mut written,
    )
    .await?;

    let attachments: Vec<Attachments<'_>> = checked
        .into_iter()
        .zip(user_ids)
        .zip(sip_passwords)
        .map(|((c, user_id), passwords)| Attachments {
            user_id,
            new: c.new,
            numbers: c.numbers,
            group_ids: c.group_ids,
            sip_passwords: passwords,
        })
        .collect();
    write_attachments(tx, d, &attachments, now, &mut written).await?;
    Ok(account_ids)
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
    let checked = check_one(tx, domain, new, Some(&current)).await?;
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
    let attachments = Attachments {
        user_id,
        new,
        numbers: checked.numbers,
        group_ids: checked.group_ids,
        sip_passwords: &passwords,
    };
    write_attachments(tx, domain.id, &[attachments], now, &mut |_| {}).await?;
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

/// What hangs off one user row, ready to be written.
struct Attachments<'a> {
    user_id: i64,
    new: &'a NewUser,
    /// Numbers to route to the user: (number, already known to the domain).
    numbers: Vec<(&'a PhoneNumber, bool)>,
    group_ids: Vec<i64>,
    /// One per device.
    sip_passwords: &'a [String],
}

/// Writes what hangs off user rows: devices, phone numbers, the answer rule, group memberships;
/// a few multi-row statements per table, however many users.
async fn write_attachments(
    tx: &mut Tx,
    domain_id: i64,
    users: &[Attachments<'_>],
    now: i64,
    written: &mut (dyn FnMut(usize) + Send),
) -> Result<(), AppError> {
    let devices: Vec<(i64, &str, &str)> = users
        .iter()
        .flat_map(|u| {
            u.new
                .devices
                .iter()
                .zip(u.sip_passwords)
                .map(|(device, password)| (u.user_id, device.device.as_str(), password.as_str()))
        })
        .collect();
    insert_rows(
        tx,
        &RowsInsert {
            head:
                "INSERT INTO devices (domain_id, user_id, device, sip_password, created_at) VALUES",
            row: "($1, $2, $3, $4, $5)",
            width: 5,
            tail: "",
        },
        &devices,
        |query, (user_id, device, password)| {
            Ok(query
                .bind(domain_id)
                .bind(*user_id)
                .bind(*device)
                .bind(*password)
                .bind(now))
        },
        written,
    )
    .await?;

    let numbers = |known: bool| -> Vec<(i64, &str)> {
        users
            .iter()
            .flat_map(|u| {
                u.numbers
                    .iter()
                    .filter(move |(_, k)| *k == known)
                    .map(|(number, _)| (u.user_id, number.as_str()))
            })
            .collect()
    };
    insert_rows(
        tx,
        &RowsInsert {
            head: "INSERT INTO phone_numbers (domain_id, number, user_id, created_at) VALUES",
            row: "($1, $2, $3, $4)",
            width: 4,
            tail: "",
        },
        &numbers(false),
        |query, (user_id, number)| Ok(query.bind(domain_id).bind(*number).bind(*user_id).bind(now)),
        written,
    )
    .await?;
    // A number the domain already has is routed to the user only if it is still free (or the
    // user's own).
    for (user_id, number) in numbers(true) {
        let done = sqlx::query("UPDATE phone_numbers SET user_id = $3 WHERE domain_id = $1 AND number = $2 AND (user_id IS NULL OR user_id = $3)")
            .bind(domain_id).bind(number).bind(user_id).execute(&mut **tx).await.map_err(write_error)?;
        if done.rows_affected() != 1 {
            return Err(AppError::conflict(
                "phone-numbers",
                "A number was taken by another request meanwhile.",
            ));
        }
        written(1);
    }

    let text = |d: &Option<Destination>| d.as_ref().map(|d| d.as_str().to_owned());
    insert_rows(
        tx,
        &RowsInsert {
            head: "INSERT INTO answer_rules (user_id, time_frame, enabled, forward_always, forward_busy, \
                   forward_no_answer, forward_unregistered, do_not_disturb, simultaneous_ring, position) VALUES",
            row: "($1, '*', $2, $3, $4, $5, $6, $7, $8, 0)",
            width: 8,
            tail: "",
        },
        users,
        |query, u| {
            let rule = &u.new.answer_rule;
            Ok(query
                .bind(u.user_id)
                .bind(true)
                .bind(text(&rule.forward_always))
                .bind(text(&rule.forward_on_busy))
                .bind(text(&rule.forward_no_answer))
                .bind(text(&rule.forward_when_unregistered))
                .bind(rule.do_not_disturb)
                .bind(joined(&rule.simultaneous_ring)))
        },
        written,
    )
    .await?;

    let members: Vec<(i64, i64)> = users
        .iter()
        .flat_map(|u| u.group_ids.iter().map(|group| (*group, u.user_id)))
        .collect();
    insert_rows(
        tx,
        &RowsInsert {
            head: "INSERT INTO group_members (group_id, user_id) VALUES",
            row: "($1, $2)",
            width: 2,
            tail: "",
        },
        &members,
        |query, (group_id, user_id)| Ok(query.bind(*group_id).bind(*user_id)),
        written,
    )
    .await?;
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
    // Without a search the count reads only the (domain, service code) index, and the page
    // walks the (domain, sort key) index: a large domain costs no more than a small one.
    let mut found = DomainPage::new(
        "u.domain_id = $1 AND (u.service_code IS NULL OR u.service_code NOT LIKE 'system-%')",
    );
    if let Some(site) = only_site {
        found.and(site.to_owned(), |p| {
            format!("u.site_id = (SELECT id FROM sites WHERE domain_id = $1 AND name = {p})")
        });
    }
    if !query.search.is_empty() {
        found.and(contains_pattern(&query.search), |p| {
            format!("u.search_text LIKE {p} ESCAPE '\\'")
        });
    }
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
    let select = format!("SELECT {SUMMARY_COLUMNS} {FROM_USERS}");
    let (total, rows): (u64, Vec<UserRow>) = found
        .fetch(
            pool,
            domain_id,
            "FROM users u",
            &select,
            &order,
            query.limit,
            query.start,
        )
        .await?;
    Ok(UserList {
        total,
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
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    extension: &str,
    with_secrets: bool,
) -> Result<Option<UserDetail>, AppError> {
    Ok(
        details(conn, domain, domain_id, Which::One(extension), with_secrets)
            .await?
            .pop(),
    )
}

/// Which users a read of [`details`] covers.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// The user with this extension.
    One(&'a str),
    /// The users with these extensions.
    Several(&'a [&'a str]),
    /// Every user of the domain (system users too), or with `only_site` those of one site (what
    /// a Site Manager sees).
    All { only_site: Option<&'a str> },
}

impl Which<'_> {
    /// The condition on `users u` that picks these users, with `$1` the domain and `$2`, `$3`...
    /// the values returned beside it.
    fn filter(&self) -> (std::borrow::Cow<'static, str>, Vec<&str>) {
        match *self {
            Which::One(extension) => (
                "u.domain_id = $1 AND u.extension = $2".into(),
                vec![extension],
            ),
            Which::Several(extensions) => {
                let places: Vec<String> = (2..extensions.len() + 2).map(|n| format!("${n}")).collect();
                (
                    format!("u.domain_id = $1 AND u.extension IN ({})", places.join(", ")).into(),
                    extensions.to_vec(),
                )
            }
            Which::All { only_site: None } => ("u.domain_id = $1".into(), Vec::new()),
            Which::All {
                only_site: Some(site),
            } => (
                "u.domain_id = $1 AND u.site_id = (SELECT id FROM sites WHERE domain_id = $1 AND name = $2)".into(),
                vec![site],
            ),
        }
    }
}

/// Users of a domain with everything attached, in extension order: six queries however many
/// users there are. SIP passwords are included only when `with_secrets`.
pub async fn details(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    which: Which<'_>,
    with_secrets: bool,
) -> Result<Vec<UserDetail>, AppError> {
    if matches!(which, Which::Several([])) {
        return Ok(Vec::new());
    }
    let (filter, values) = which.filter();
    let chosen = format!("SELECT u.id FROM users u WHERE {filter}");
    macro_rules! fetch {
        ($sql:expr) => {{
            let sql = $sql;
            let mut query = sqlx::query_as(&sql).bind(domain_id);
            for value in &values {
                query = query.bind(*value);
            }
            query.fetch_all(&mut *conn).await.map_err(internal)?
        }};
    }
    // A few users by extension are found through the (domain, extension) key first: left to
    // itself, SQLite walks the whole domain in extension order to save sorting a handful.
    let users = match which {
        Which::Several(_) => format!("u.id IN ({chosen})"),
        _ => filter.to_string(),
    };
    let rows: Vec<UserFullRow> = fetch!(format!(
        "SELECT {SUMMARY_COLUMNS}, u.settings, u.created_at, u.updated_at {FROM_USERS} \
         WHERE {users} ORDER BY u.extension_sort"
    ));
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    fn by_user<T>(rows: Vec<(i64, T)>) -> HashMap<i64, Vec<T>> {
        let mut map: HashMap<i64, Vec<T>> = HashMap::new();
        for (user_id, value) in rows {
            map.entry(user_id).or_default().push(value);
        }
        map
    }
    let devices: Vec<(i64, (String, String))> = fetch!(format!(
        "SELECT user_id, device, sip_password FROM devices WHERE user_id IN ({chosen}) ORDER BY id"
    ))
    .into_iter()
    .map(|(user, device, password): (i64, String, String)| (user, (device, password)))
    .collect();
    let mut devices = by_user(devices);
    let mut mailboxes = by_user::<String>(fetch!(format!(
        "SELECT user_id, mailbox FROM voicemail_boxes WHERE user_id IN ({chosen})"
    )));
    let mut numbers = by_user::<String>(fetch!(format!(
        "SELECT user_id, number FROM phone_numbers WHERE user_id IN ({chosen}) ORDER BY number"
    )));
    let mut groups = by_user::<String>(fetch!(format!(
        "SELECT m.user_id, g.name FROM groups g JOIN group_members m ON m.group_id = g.id \
         WHERE m.user_id IN ({chosen}) ORDER BY g.name"
    )));
    let rules: Vec<RuleRow> = fetch!(format!(
        "SELECT user_id, forward_always, forward_busy, forward_no_answer, forward_unregistered, \
         CAST(do_not_disturb AS INTEGER) AS do_not_disturb, simultaneous_ring FROM answer_rules \
         WHERE time_frame = '*' AND user_id IN ({chosen})"
    ));
    let mut rules: HashMap<i64, RuleRow> = rules.into_iter().map(|r| (r.user_id, r)).collect();
    rows.into_iter()
        .map(|full| {
            let id = full.row.id;
            assemble(
                domain,
                full,
                Attached {
                    devices: devices.remove(&id).unwrap_or_default(),
                    mailbox: mailboxes.remove(&id).and_then(|mut m| m.pop()),
                    numbers: numbers.remove(&id).unwrap_or_default(),
                    groups: groups.remove(&id).unwrap_or_default(),
                    rule: rules.remove(&id),
                },
                with_secrets,
            )
        })
        .collect()
}

/// A user's default answer rule as stored.
#[derive(FromRow)]
struct RuleRow {
    user_id: i64,
    forward_always: Option<String>,
    forward_busy: Option<String>,
    forward_no_answer: Option<String>,
    forward_unregistered: Option<String>,
    do_not_disturb: i64,
    simultaneous_ring: String,
}

/// What [`details`] read about one user beside its row.
struct Attached {
    /// (device, SIP password), in the order they were made.
    devices: Vec<(String, String)>,
    mailbox: Option<String>,
    numbers: Vec<String>,
    groups: Vec<String>,
    rule: Option<RuleRow>,
}

/// One user with everything attached, from what was read.
fn assemble(
    domain: &DomainName,
    full: UserFullRow,
    attached: Attached,
    with_secrets: bool,
) -> Result<UserDetail, AppError> {
    let service_code = full.row.service_code.clone();
    let summary = UserSummary::try_from(full.row)?;
    let settings: UserSettings =
        serde_json::from_str(&full.settings).map_err(|e| corrupt("user settings", e))?;
    let bad = |e| corrupt("user", e);
    let destination = |v: Option<String>| {
        v.as_deref()
            .map(Destination::parse)
            .transpose()
            .map_err(bad)
    };
    let answer_rule = match attached.rule {
        None => AnswerRule::default(),
        Some(rule) => AnswerRule {
            forward_always: destination(rule.forward_always)?,
            forward_on_busy: destination(rule.forward_busy)?,
            forward_no_answer: destination(rule.forward_no_answer)?,
            forward_when_unregistered: destination(rule.forward_unregistered)?,
            do_not_disturb: rule.do_not_disturb != 0,
            simultaneous_ring: rule
                .simultaneous_ring
                .split(',')
                .filter(|s| !s.is_empty())
                .map(Destination::parse)
                .collect::<Result<_, _>>()
                .map_err(bad)?,
        },
    };
    let pin_set = settings.voicemail_login_pin.is_some();
    Ok(UserDetail {
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
        devices: attached
            .devices
            .into_iter()
            .map(|(device, password)| {
                Ok(Device {
                    device: DeviceName::parse(&device).map_err(bad)?,
                    device_sip_registration_password: with_secrets.then_some(password),
                })
            })
            .collect::<Result<_, AppError>>()?,
        voicemail_box: attached
            .mailbox
            .as_deref()
            .map(Extension::parse_alphanumeric)
            .transpose()
            .map_err(bad)?,
        phone_numbers: attached
            .numbers
            .iter()
            .map(|n| PhoneNumber::parse(n))
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        answer_rule,
        groups: attached
            .groups
            .iter()
            .map(|g| GroupName::parse(g))
            .collect::<Result<_, _>>()
            .map_err(bad)?,
        voicemail_pin_set: pin_set,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rows_placeholders_are_numbered_on_for_each_row() {
        assert_eq!(repeated("($1, $2)", 2, 3), "($1, $2), ($3, $4), ($5, $6)");
        assert_eq!(
            repeated("($1, '*', $2, $2, 0)", 2, 2),
            "($1, '*', $2, $2, 0), ($3, '*', $4, $4, 0)"
        );
        assert_eq!(repeated("($1)", 1, 1), "($1)");
    }

    #[test]
    fn distinct_keeps_the_first_of_each_in_order() {
        assert_eq!(
            distinct(["b", "a", "b", "c", "a"].into_iter()),
            ["b", "a", "c"]
        );
    }
}
