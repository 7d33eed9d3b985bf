//! Writing users: creating many at once in a few multi-row statements per table (a single create
//! is a batch of one), and changing one in place, part by part, so that what is not changed keeps
//! its row (a device keeps the time it was made, a membership its row).
//!
//! The users service checks a new user against these rows first; a unique constraint still
//! guards each row against a concurrent request that got there first, as a [`DbError::Conflict`].

use crate::model::fields::Storage;
use crate::model::user::{AnswerRule, UserValues, USER_FIELDS};
use crate::model::{Destination, Extension, UserStatus, YesNo};
use crate::ssr::db::devices::digest_ha1;
use crate::ssr::db::domains::DomainRef;
use crate::ssr::db::{flag, insert_rows, DbError, DbResult, Sql, SqlRow, Tx};
use sqlx::Row;
use std::collections::HashMap;

mod change;
pub mod rules;
pub use change::*;

/// A device of a new user: its name, SIP password, the MAC address and model of the phone it is
/// provisioned on (if any), and its settings document.
#[derive(Debug, Clone)]
pub struct NewDeviceRow<'a> {
    pub device: &'a str,
    pub password: &'a str,
    pub mac: Option<&'a str>,
    pub model: Option<&'a str>,
    pub settings: String,
}

/// A new user, checked, with where everything attached to it goes.
pub struct NewRow<'a> {
    pub values: &'a UserValues,
    pub site_id: Option<i64>,
    /// Its devices, the first being the form's device.
    pub devices: Vec<NewDeviceRow<'a>>,
    /// The user gets a voicemail box, numbered as its extension.
    pub mailbox: bool,
    /// Numbers to route to the user: (number, already in the domain).
    pub numbers: Vec<(&'a str, bool)>,
}

/// The ids a new user was written with.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub user_id: i64,
    pub account_id: i64,
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

/// What the users list searches: extension, names, login, e-mail and department, lower-cased.
fn search_text(v: &UserValues) -> String {
    format!(
        "{} {} {} {} {} {}",
        v.user,
        v.name_first_name,
        v.name_last_name,
        v.login(),
        v.email,
        v.department.as_ref().map_or("", |d| d.as_str())
    )
    .to_lowercase()
}

fn display_name(v: &UserValues) -> String {
    format!("{} {}", v.name_first_name, v.name_last_name)
}

/// Whether the user's portal account may not log in: the user is disabled, or its web login is
/// blocked (Servetel's switches). Kept on the account so a login check reads one row.
fn portal_blocked(v: &UserValues) -> bool {
    v.status == UserStatus::Disabled || v.block_web_login == YesNo::Yes
}

/// The settings document as kept: a secret setting (the voicemail PIN) is kept as its hash.
fn settings_text(v: &UserValues) -> String {
    let mut doc = v.settings();
    let secrets = USER_FIELDS
        .iter()
        .filter(|f| f.is_secret() && f.storage == Storage::Setting);
    for field in secrets {
        if let Some(serde_json::Value::String(pin)) = doc.get_mut(field.name) {
            if !crate::model::Pin::is_hash(pin) {
                *pin = crate::ssr::hash_pin(pin);
            }
        }
    }
    serde_json::Value::Object(doc).to_string()
}

/// A value of a user's row or account.
enum Col {
    Text(String),
    Maybe(Option<String>),
    Id(Option<i64>),
    Int(i64),
}

impl Col {
    fn bind(self, sql: &mut Sql) {
        match self {
            Col::Text(v) => sql.bind(v),
            Col::Maybe(v) => sql.bind(v),
            Col::Id(v) => sql.bind(v),
            Col::Int(v) => sql.bind(v),
        };
    }

    fn value(self, row: &mut SqlRow<'_>) {
        match self {
            Col::Text(v) => row.value(v),
            Col::Maybe(v) => row.value(v),
            Col::Id(v) => row.value(v),
            Col::Int(v) => row.value(v),
        };
    }
}

/// The columns of a user's row that its values fill: the one list its insert and its update
/// share.
fn row_columns(v: &UserValues, site_id: Option<i64>) -> [(&'static str, Col); 11] {
    let text = |s: &str| Col::Text(s.to_owned());
    [
        ("extension", text(v.user.as_str())),
        ("first_name", text(v.name_first_name.as_str())),
        ("last_name", text(v.name_last_name.as_str())),
        ("email", text(v.email.as_str())),
        (
            "department",
            Col::Maybe(v.department.as_ref().map(|x| x.as_str().to_owned())),
        ),
        ("site_id", Col::Id(site_id)),
        ("status", text(v.status.as_str())),
        (
            "service_code",
            Col::Maybe(v.service_code.as_ref().map(|x| x.as_str().to_owned())),
        ),
        ("search_text", Col::Text(search_text(v))),
        ("settings", Col::Text(settings_text(v))),
        ("extension_sort", Col::Text(extension_sort(&v.user))),
    ]
}

/// The columns of a user's portal account that its values fill (insert and update alike).
fn account_columns(v: &UserValues) -> [(&'static str, Col); 4] {
    [
        ("login", Col::Text(v.login().to_owned())),
        ("display_name", Col::Text(display_name(v))),
        ("scope", Col::Text(v.user_scope.as_str().to_owned())),
        ("disabled", Col::Int(flag(portal_blocked(v)))),
    ]
}

/// The columns of a user's default answer rule (time frame `*`): its insert and its update alike.
fn rule_columns(rule: &AnswerRule) -> [(&'static str, Col); 6] {
    [
        (
            "forward_always",
            Col::Maybe(destination(&rule.forward_always)),
        ),
        (
            "forward_busy",
            Col::Maybe(destination(&rule.forward_on_busy)),
        ),
        (
            "forward_no_answer",
            Col::Maybe(destination(&rule.forward_no_answer)),
        ),
        (
            "forward_unregistered",
            Col::Maybe(destination(&rule.forward_when_unregistered)),
        ),
        ("do_not_disturb", Col::Int(flag(rule.do_not_disturb))),
        (
            "simultaneous_ring",
            Col::Text(joined(&rule.simultaneous_ring)),
        ),
    ]
}

/// Writes the default answer rules of users (user id, rule), a few statements however many.
async fn insert_rules(
    tx: &mut Tx,
    rules: &[(i64, AnswerRule)],
    written: &mut (dyn FnMut(usize) + Send),
) -> DbResult<()> {
    let head = format!(
        "INSERT INTO answer_rules (user_id, time_frame, enabled, position, {})",
        names(&rule_columns(&AnswerRule::default()))
    );
    insert_rows(
        tx,
        &head,
        "",
        rules,
        7,
        |r, (user_id, rule)| {
            r.value(*user_id)
                .literal("'*'")
                .value(flag(true))
                .literal("0");
            for (_, value) in rule_columns(rule) {
                value.value(r);
            }
        },
        written,
    )
    .await?;
    Ok(())
}

/// `(names of columns)` of a list of columns.
fn names<const N: usize>(columns: &[(&'static str, Col); N]) -> String {
    columns
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `UPDATE {table} SET col = $1, ... WHERE {key} = $n`.
async fn update(
    tx: &mut Tx,
    table: &str,
    columns: impl IntoIterator<Item = (&'static str, Col)>,
    key: &str,
    id: i64,
) -> DbResult<()> {
    let mut sql = set(table, columns);
    sql.push(&format!(" WHERE {key} = ")).bind(id);
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// `UPDATE {table} SET col = $1, ...`, for a `WHERE` to follow.
fn set(table: &str, columns: impl IntoIterator<Item = (&'static str, Col)>) -> Sql {
    let mut sql = Sql::new(&format!("UPDATE {table} SET "));
    for (i, (name, value)) in columns.into_iter().enumerate() {
        sql.push(if i == 0 { "" } else { ", " })
            .push(&format!("{name} = "));
        value.bind(&mut sql);
    }
    sql
}

/// What a multi-row insert returned: the id (column 0) of each row by its key (column 1).
fn ids_by<K>(returned: &[sqlx::any::AnyRow]) -> DbResult<HashMap<K, i64>>
where
    K: std::hash::Hash + Eq + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    Ok(returned
        .iter()
        .map(|row| Ok((row.try_get::<K, _>(1)?, row.try_get::<i64, _>(0)?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

fn destination(d: &Option<Destination>) -> Option<String> {
    d.as_ref().map(|d| d.as_str().to_owned())
}

fn joined(list: &[Destination]) -> String {
    list.iter()
        .map(Destination::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes new users with everything attached (portal account, voicemail box, devices, numbers,
/// answer rule; the call queues they join are the caller's, see
/// [`crate::ssr::db::call_queues::insert_agents`]) in a few multi-row statements per table, and returns their
/// ids in order. `written` is told how many rows each statement wrote.
pub async fn insert(
    tx: &mut Tx,
    domain: &DomainRef,
    rows: &[NewRow<'_>],
    now: i64,
    written: &mut (dyn FnMut(usize) + Send),
) -> DbResult<Vec<Written>> {
    let d = domain.id;
    let head = format!(
        "INSERT INTO users (domain_id, {}, created_at, updated_at)",
        names(&row_columns(rows[0].values, None))
    );
    let returned = insert_rows(
        tx,
        &head,
        "RETURNING id, extension",
        rows,
        14,
        |r, row| {
            r.value(d);
            for (_, value) in row_columns(row.values, row.site_id) {
                value.value(r);
            }
            r.value(now).value(now);
        },
        written,
    )
    .await?;
    let ids: HashMap<String, i64> = ids_by(&returned)?;
    let user_ids: Vec<i64> = rows
        .iter()
        .map(|row| ids.get(row.values.user.as_str()).copied())
        .collect::<Option<_>>()
        .ok_or(DbError::NotFound)?;

    let with_ids: Vec<(&NewRow<'_>, i64)> = rows.iter().zip(user_ids.iter().copied()).collect();
    let head = format!(
        "INSERT INTO accounts (domain_id, user_id, created_at, {})",
        names(&account_columns(rows[0].values))
    );
    let returned = insert_rows(
        tx,
        &head,
        "RETURNING id, user_id",
        &with_ids,
        7,
        |r, (row, user_id)| {
            r.value(d).value(*user_id).value(now);
            for (_, value) in account_columns(row.values) {
                value.value(r);
            }
        },
        written,
    )
    .await?;
    let accounts: HashMap<i64, i64> = ids_by(&returned)?;

    let boxes: Vec<(i64, &str)> = with_ids
        .iter()
        .filter(|(row, _)| row.mailbox)
        .map(|(row, id)| (*id, row.values.user.as_str()))
        .collect();
    insert_rows(
        tx,
        "INSERT INTO voicemail_boxes (domain_id, user_id, mailbox, created_at)",
        "",
        &boxes,
        4,
        |r, (user_id, mailbox)| {
            r.value(d)
                .value(*user_id)
                .value((*mailbox).to_owned())
                .value(now);
        },
        written,
    )
    .await?;

    let realm = domain.name().as_str();
    let devices: Vec<(i64, &NewDeviceRow<'_>, String)> = with_ids
        .iter()
        .flat_map(|(row, id)| {
            row.devices
                .iter()
                .map(move |dv| (*id, dv, digest_ha1(dv.device, realm, dv.password)))
        })
        .collect();
    insert_rows(
        tx,
        "INSERT INTO devices \
         (domain_id, user_id, device, sip_password, ha1, mac, model, settings, created_at)",
        "",
        &devices,
        9,
        |r, (user_id, dv, ha1)| {
            r.value(d)
                .value(*user_id)
                .value(dv.device.to_owned())
                .value(dv.password.to_owned())
                .value(ha1.clone())
                .value(dv.mac.map(str::to_owned))
                .value(dv.model.map(str::to_owned))
                .value(dv.settings.clone())
                .value(now);
        },
        written,
    )
    .await?;

    for (row, user_id) in &with_ids {
        route_numbers(tx, d, *user_id, &row.numbers, now).await?;
        written(row.numbers.len());
    }

    let rules: Vec<(i64, AnswerRule)> = with_ids
        .iter()
        .map(|(row, id)| (*id, row.values.answer_rule()))
        .collect();
    insert_rules(tx, &rules, written).await?;

    user_ids
        .into_iter()
        .map(|user_id| {
            accounts
                .get(&user_id)
                .map(|account_id| Written {
                    user_id,
                    account_id: *account_id,
                })
                .ok_or(DbError::NotFound)
        })
        .collect()
}

/// Routes `numbers` (number, already in the domain) to the user: new ones are added to the
/// domain, known ones taken if they are free (or the user's own).
async fn route_numbers(
    tx: &mut Tx,
    domain_id: i64,
    user_id: i64,
    numbers: &[(&str, bool)],
    now: i64,
) -> DbResult<()> {
    let new: Vec<&str> = numbers
        .iter()
        .filter(|(_, k)| !k)
        .map(|(n, _)| *n)
        .collect();
    insert_rows(
        tx,
        "INSERT INTO phone_numbers (domain_id, number, user_id, created_at)",
        "",
        &new,
        4,
        |r, number| {
            r.value(domain_id)
                .value((*number).to_owned())
                .value(user_id)
                .value(now);
        },
        &mut |_| {},
    )
    .await?;
    for (number, _) in numbers.iter().filter(|(_, known)| *known) {
        let done = sqlx::query(
            "UPDATE phone_numbers SET user_id = $3 WHERE domain_id = $1 AND number = $2 \
             AND (user_id IS NULL OR user_id = $3) AND queue_id IS NULL",
        )
        .bind(domain_id)
        .bind((*number).to_owned())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() != 1 {
            // Taken by another request since it was checked.
            return Err(DbError::Conflict(crate::ssr::db::Rule::PhoneNumber));
        }
    }
    Ok(())
}
