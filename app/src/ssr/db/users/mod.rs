//! Telephony users and what is attached to them: reading them back. Every query names its domain.
//!
//! A user is kept in several tables: its row (`users`: columns for what lists show and search,
//! and the settings document), its portal account (`accounts`), devices, voicemail box, phone
//! numbers, default answer rule and the call queues it is an agent of. [`details`] reads them all
//! back, for any number of users in seven queries, as the text form they were written from, which
//! parses back into the values (settings a user leaves to its domain then take the domain's).
//! Writing is in [`write`]; the facts the checks before a write need are in [`facts`].

pub mod facts;
pub mod write;

use super::devices::DeviceRow;
use super::domains::{corrupt, DomainRef};
use super::sip::RegistrationRow;
use super::{contains_pattern, indexed_phrase, DbError, DbResult, Listing, PickFirst, Sql};
use crate::model::domain::DomainSettings;
use crate::model::fields::FieldContext;
use crate::model::site::SiteSettings;
use crate::model::user::{SortKey, UserDetail, UserForm, UserList, UserQuery, UserSummary};
use crate::model::{
    Department, DomainName, EmailList, Extension, Login, Parse, PersonName, Scope, SiteName,
    UserStatus,
};
use sqlx::{AnyConnection, AnyPool, FromRow, Row};
use std::collections::HashMap;
use write::rules::RuleColumns;

/// What lists show of a user: its row and its account.
#[derive(FromRow)]
struct SummaryRow {
    extension: String,
    first_name: String,
    last_name: String,
    email: String,
    department: Option<String>,
    site: Option<String>,
    status: String,
    login: String,
    scope: String,
    /// 1 when one of the user's devices is registered (read by the list only).
    #[sqlx(default)]
    registered: i64,
}

const SUMMARY_COLUMNS: &str = "u.extension, u.first_name, u.last_name, u.email, u.department, \
     s.name AS site, u.status, a.login, a.scope";
const FROM_USERS: &str =
    "FROM users u JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id";

impl TryFrom<SummaryRow> for UserSummary {
    type Error = super::DbError;
    fn try_from(r: SummaryRow) -> DbResult<Self> {
        let bad = |e| corrupt("user", e);
        let opt = |v: Option<String>| v.filter(|s| !s.is_empty());
        Ok(UserSummary {
            user: Extension::parse_alphanumeric(&r.extension).map_err(bad)?,
            name_first_name: PersonName::parse(&r.first_name).map_err(bad)?,
            name_last_name: PersonName::parse(&r.last_name).map_err(bad)?,
            login_username: Login::parse(&r.login).map_err(bad)?,
            email: EmailList::parse(&r.email).map_err(bad)?,
            user_scope: Scope::parse(&r.scope).map_err(bad)?,
            status: UserStatus::parse(&r.status).map_err(bad)?,
            department: opt(r.department)
                .map(|d| Department::parse(&d))
                .transpose()
                .map_err(bad)?,
            site: opt(r.site)
                .map(|s| SiteName::parse(&s))
                .transpose()
                .map_err(bad)?,
            registered: r.registered != 0,
        })
    }
}

/// The list's column saying whether one of a user's devices is registered now (a few index
/// lookups per listed user).
const REGISTERED_COLUMN: &str = "CASE WHEN EXISTS (SELECT 1 FROM devices x \
     JOIN sip_registrations r ON r.username = x.device \
     AND r.domain = (SELECT name FROM domains WHERE id = u.domain_id) \
     WHERE x.user_id = u.id) THEN 1 ELSE 0 END AS registered";

/// A user's row with everything the full read needs beside the summary.
#[derive(FromRow)]
struct UserRow {
    id: i64,
    #[sqlx(flatten)]
    summary: SummaryRow,
    service_code: Option<String>,
    settings: String,
    /// The settings document of its site, if it has one.
    site_settings: Option<String>,
    created_at: i64,
    updated_at: i64,
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
pub async fn locate(pool: &AnyPool, domain_id: i64, extension: &str) -> DbResult<Option<Located>> {
    locate_in(&mut *pool.acquire().await?, domain_id, extension).await
}

/// A domain found by name, with its user of one extension as [`locate`] finds it.
#[derive(FromRow)]
struct DomainUserRow {
    #[sqlx(flatten)]
    domain: super::domains::DomainRow,
    user_id: Option<i64>,
    user_account_id: Option<i64>,
    user_site: Option<String>,
    user_scope: Option<String>,
}

/// The domain called `name` (`None` if there is none) and its user `extension` as the permission
/// table sees it (`None` if it has none): what [`super::domains::get`] and [`locate`] read, in
/// one statement.
pub async fn locate_by_name(
    pool: &AnyPool,
    name: &DomainName,
    extension: &str,
) -> DbResult<Option<(DomainRef, Option<Located>)>> {
    let row: Option<DomainUserRow> = Sql::new(&format!(
        "SELECT {}, u.id AS user_id, a.id AS user_account_id, s.name AS user_site, \
         a.scope AS user_scope FROM domains d LEFT JOIN users u ON u.domain_id = d.id \
         AND u.extension = ",
        super::domains::joined_columns()
    ))
    .bind(extension.to_owned())
    .push(
        " LEFT JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id \
         WHERE d.name = ",
    )
    .bind(name.as_str().to_owned())
    .query_as()
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    // A user is located only with its account, as `locate`'s join requires.
    let located = match (row.user_id, row.user_account_id, row.user_scope) {
        (Some(id), Some(account_id), Some(scope)) => Some(Located {
            id,
            account_id,
            site: row.user_site,
            scope,
        }),
        _ => None,
    };
    Ok(Some((DomainRef::try_from(row.domain)?, located)))
}

/// [`locate`], through a connection or a transaction.
pub async fn locate_in(
    conn: &mut AnyConnection,
    domain_id: i64,
    extension: &str,
) -> DbResult<Option<Located>> {
    Ok(sqlx::query_as(
        "SELECT u.id, a.id AS account_id, s.name AS site, a.scope FROM users u \
         JOIN accounts a ON a.user_id = u.id LEFT JOIN sites s ON s.id = u.site_id \
         WHERE u.domain_id = $1 AND u.extension = $2",
    )
    .bind(domain_id)
    .bind(extension.to_owned())
    .fetch_optional(conn)
    .await?)
}

/// The extension of the user of a domain whose row id is `id` (the id Wazo's API names users by).
pub async fn extension_with_id(
    pool: &AnyPool,
    domain_id: i64,
    id: i64,
) -> DbResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT extension FROM users WHERE domain_id = $1 AND id = $2")
            .bind(domain_id)
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The row ids of the users of a domain with these extensions, by extension.
pub async fn ids_with_extensions(
    pool: &AnyPool,
    domain_id: i64,
    extensions: &[&str],
) -> DbResult<HashMap<String, i64>> {
    if extensions.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = Sql::new("SELECT extension, id FROM users WHERE domain_id = ")
        .bind(domain_id)
        .push(" AND extension IN (")
        .list(extensions.iter().map(|e| (*e).to_owned()))
        .push(")")
        .query_as()
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The row ids of the voicemail boxes of the users of a domain with these row ids (XiVO's
/// `voicemailid`), by user id.
pub async fn voicemail_box_ids(
    pool: &AnyPool,
    domain_id: i64,
    user_ids: &[i64],
) -> DbResult<HashMap<i64, i64>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> =
        Sql::new("SELECT user_id, id FROM voicemail_boxes WHERE domain_id = ")
            .bind(domain_id)
            .push(" AND user_id IN (")
            .list(user_ids.iter().copied())
            .push(")")
            .query_as()
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The users the lists show and count (as `u`): not those with a `system-` service code, which
/// stand for features rather than people. The triggers that keep [`listed_count`] repeat it.
pub const LISTED: &str = "(u.service_code IS NULL OR u.service_code NOT LIKE 'system-%')";

/// One page of a domain's users (system users hidden), and how many match in all. With
/// `only_site`, only the users of that site (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain_id: i64,
    only_site: Option<&str>,
    query: &UserQuery,
) -> DbResult<UserList> {
    let query = query.clone().bounded();
    let narrowed = narrowing_search(pool, &query.search).await?;
    // Without a search the count reads only the (domain, service code) index, and the page
    // walks the (domain, sort key) index: a large domain costs no more than a small one. With a
    // search the trigram index narrows to a few candidates, they are looked up by id: the unary
    // plus keeps SQLite from walking the domain's index instead.
    let filter = |sql: &mut Sql| {
        sql.push(if narrowed.is_some() {
            "+u.domain_id = "
        } else {
            "u.domain_id = "
        })
        .bind(domain_id)
        .push(" AND ")
        .push(LISTED);
        if let Some(site) = only_site {
            sql.push(
                " AND u.site_id = (SELECT id FROM sites WHERE domain_id = u.domain_id AND name = ",
            )
            .bind(site.to_owned())
            .push(")");
        }
        if !query.search.is_empty() {
            // The trigram index finds the candidates; the plain condition decides.
            if let Some(indexed) = &narrowed {
                sql.push(" AND u.id IN (SELECT rowid FROM users_search(")
                    .bind(indexed.clone())
                    .push("))");
            }
            sql.push(" AND u.search_text LIKE ")
                .bind(contains_pattern(&query.search))
                .push(" ESCAPE '\\'");
        }
    };
    let keys = order_keys(query.sort);
    let order = keys
        .iter()
        .map(|k| format!("{} {}", k.order, k.direction(query.descending)))
        .collect::<Vec<_>>()
        .join(", ");
    let after = match &query.after {
        Some(cursor) => Some(
            decode_cursor(cursor, keys.len()).ok_or(DbError::Unreadable {
                field: "after",
                message: "Not a cursor of this order: use the one a page of the same order gave.",
            })?,
        ),
        None => None,
    };
    // The page is picked from the users alone (and what the order reads), then read whole: a
    // deep page walks the covering (domain, order, service code) index, not the joins.
    let pick_from = match query.sort {
        SortKey::Login => "FROM users u JOIN accounts a ON a.user_id = u.id",
        SortKey::Site => "FROM users u LEFT JOIN sites s ON s.id = u.site_id",
        SortKey::User | SortKey::Name | SortKey::Department => "FROM users u",
    };
    // Without a search or a site, every listed user of the domain matches: their count is kept.
    let total = match (query.search.is_empty(), only_site) {
        (true, None) => Some(listed_count(pool, domain_id).await?),
        _ => None,
    };
    // Each row also carries its keys in this order (NULL past them), for the next page's cursor.
    let key_columns: String = (0..MAX_ORDER_KEYS)
        .map(|i| format!(", {} AS k{i}", keys.get(i).map_or("NULL", |k| k.text)))
        .collect();
    let (total, rows): (u64, Vec<PageRow>) = Listing {
        select: &format!("SELECT {SUMMARY_COLUMNS}, {REGISTERED_COLUMN}{key_columns}"),
        from: FROM_USERS,
        count_from: "FROM users u",
        order: &order,
        limit: query.limit,
        start: query.start,
        pick_first: Some(PickFirst {
            key: "u.id",
            from: pick_from,
            few: narrowed.is_some(),
        }),
        total,
    }
    .fetch_after(
        pool,
        filter,
        after
            .as_ref()
            .map(|values| |sql: &mut Sql| past(sql, keys, query.descending, values)),
    )
    .await?;
    // A full page has a next one, perhaps empty: its cursor holds the last user's keys.
    let next = rows
        .last()
        .filter(|_| rows.len() as u32 == query.limit)
        .map(|last| {
            let all = [&last.k0, &last.k1, &last.k2, &last.k3, &last.k4];
            let values: Vec<String> = all[..keys.len()]
                .iter()
                .map(|k| (*k).clone().unwrap_or_default())
                .collect();
            encode_cursor(&values)
        });
    let rows = rows.into_iter().map(|r| r.summary);
    Ok(UserList {
        total,
        items: rows
            .into_iter()
            .map(UserSummary::try_from)
            .collect::<DbResult<_>>()?,
        next,
    })
}

/// How many users of a domain its lists show (not system users): kept in step with its users
/// by the triggers of the migration `..._listed_user_counts`.
pub async fn listed_count(pool: &AnyPool, domain_id: i64) -> DbResult<u64> {
    let listed: Option<i64> =
        sqlx::query_scalar("SELECT listed FROM listed_user_counts WHERE domain_id = $1")
            .bind(domain_id)
            .fetch_optional(pool)
            .await?;
    Ok(listed.unwrap_or(0).max(0) as u64)
}

/// A row of a users page: the user as lists show it, and its keys in the page's order.
#[derive(FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    k0: Option<String>,
    k1: Option<String>,
    k2: Option<String>,
    k3: Option<String>,
    k4: Option<String>,
}

/// The most columns an order has ([`order_keys`]): the keys a [`PageRow`] carries.
const MAX_ORDER_KEYS: usize = 5;

/// One column of a users order: what `ORDER BY` sorts by, and the same as text that is never
/// NULL and compares as the order does, which a keyset cursor holds and is compared against.
#[derive(Clone, Copy)]
struct OrderKey {
    order: &'static str,
    text: &'static str,
    /// Whether it follows the list's direction (or always ascends, as tie-breakers do).
    follows: bool,
}

impl OrderKey {
    fn direction(&self, descending: bool) -> &'static str {
        if descending && self.follows {
            "DESC"
        } else {
            "ASC"
        }
    }
}

const fn key(column: &'static str, follows: bool) -> OrderKey {
    OrderKey {
        order: column,
        text: column,
        follows,
    }
}

/// The columns each order sorts by. Each ends in a unique one, so pages neither repeat nor skip
/// a user; the first two run in an index either way. Users without a department or site come
/// last either way, on both databases (they order NULL apart).
fn order_keys(sort: SortKey) -> &'static [OrderKey] {
    const LAST: OrderKey = key("u.last_name", false);
    const FIRST: OrderKey = key("u.first_name", false);
    const EXTENSION: OrderKey = key("u.extension", false);
    const USER: &[OrderKey] = &[key("u.extension_sort", true)];
    const NAME: &[OrderKey] = &[
        key("u.last_name", true),
        key("u.first_name", true),
        key("u.extension", true),
    ];
    const LOGIN: &[OrderKey] = &[key("a.login", true)];
    const DEPARTMENT: &[OrderKey] = &[
        OrderKey {
            order: "(u.department IS NULL)",
            text: "CASE WHEN u.department IS NULL THEN '1' ELSE '0' END",
            follows: false,
        },
        OrderKey {
            order: "u.department",
            text: "COALESCE(u.department, '')",
            follows: true,
        },
        LAST,
        FIRST,
        EXTENSION,
    ];
    const SITE: &[OrderKey] = &[
        OrderKey {
            order: "(s.name IS NULL)",
            text: "CASE WHEN s.name IS NULL THEN '1' ELSE '0' END",
            follows: false,
        },
        OrderKey {
            order: "s.name",
            text: "COALESCE(s.name, '')",
            follows: true,
        },
        LAST,
        FIRST,
        EXTENSION,
    ];
    match sort {
        SortKey::User => USER,
        SortKey::Name => NAME,
        SortKey::Login => LOGIN,
        SortKey::Department => DEPARTMENT,
        SortKey::Site => SITE,
    }
}

/// ` AND` the row comes after the one whose keys are `values`, in the order of `keys`: the
/// first key that differs decides.
fn past(sql: &mut Sql, keys: &[OrderKey], descending: bool, values: &[String]) {
    sql.push(" AND (");
    for (i, key) in keys.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { " OR (" });
        for (equal, value) in keys[..i].iter().zip(values) {
            sql.push(equal.text)
                .push(" = ")
                .bind(value.clone())
                .push(" AND ");
        }
        let beyond = if key.direction(descending) == "DESC" {
            " < "
        } else {
            " > "
        };
        sql.push(key.text)
            .push(beyond)
            .bind(values[i].clone())
            .push(")");
    }
    sql.push(")");
}

/// A cursor as the API hands it out: its keys as a JSON array, in hexadecimal (opaque, and
/// safe in a URL as it is).
fn encode_cursor(values: &[String]) -> String {
    serde_json::to_string(values)
        .unwrap_or_default()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The keys a cursor holds, if it is one for an order of `count` keys.
fn decode_cursor(cursor: &str, count: usize) -> Option<Vec<String>> {
    let text = cursor.trim();
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let values: Vec<String> = serde_json::from_slice(&bytes).ok()?;
    (values.len() == count).then_some(values)
}

/// How many candidates the trigram index may name for a search to be answered through it: past
/// that, looking each one up costs more than reading the domain's users in order.
const NARROW_SEARCH: i64 = 2_000;

/// The phrase to narrow a users search with through the trigram index `users_search`, if the
/// index can answer `search` and names fewer than [`NARROW_SEARCH`] users for it (in all
/// domains: a bounded probe of the index).
async fn narrowing_search(pool: &AnyPool, search: &str) -> DbResult<Option<String>> {
    let Some(phrase) = indexed_phrase(search) else {
        return Ok(None);
    };
    let candidates: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT rowid FROM users_search($1) LIMIT $2) c")
            .bind(&phrase)
            .bind(NARROW_SEARCH)
            .fetch_one(pool)
            .await?;
    Ok((candidates < NARROW_SEARCH).then_some(phrase))
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
    /// The condition on `users u` that picks these users in `domain_id`.
    fn filter(&self, sql: &mut Sql, domain_id: i64) {
        // Several users are found through the (domain, extension) key alone: the unary plus
        // keeps SQLite from walking every user of the domain to test each id against the list
        // (45 ms for a page of 50 in a domain of 100,000 users, 2 ms by the key).
        sql.push(if matches!(self, Which::Several(_)) {
            "+u.domain_id = "
        } else {
            "u.domain_id = "
        })
        .bind(domain_id);
        match *self {
            Which::One(extension) => {
                sql.push(" AND u.extension = ").bind(extension.to_owned());
            }
            Which::Several(extensions) => {
                sql.push(" AND u.id IN (SELECT id FROM users WHERE domain_id = ")
                    .bind(domain_id)
                    .push(" AND extension IN (")
                    .list(extensions.iter().map(|e| (*e).to_owned()))
                    .push("))");
            }
            Which::All { only_site: None } => {}
            Which::All {
                only_site: Some(site),
            } => {
                sql.push(" AND u.site_id = (SELECT id FROM sites WHERE domain_id = u.domain_id AND name = ")
                    .bind(site.to_owned())
                    .push(")");
            }
        }
    }
}

/// What [`details`] reads attached to the users of its `picked` (a `WITH` before it): a row per
/// device (part 0), live registration (1, latest expiry first: `n1` is minus its expiry),
/// voicemail box (2), number (3), queue membership (4, numeric order) and default answer rule (5), with
/// the same columns in each part (numbers `n1`, `n2`, texts `t1`..`t5`): each part's columns and
/// what it reads them from.
const ATTACHED: [(&str, &str); 6] = [
    (
        "0, x.user_id, x.id, x.created_at, x.device, x.sip_password, x.mac, x.model, x.settings",
        "FROM devices x WHERE x.user_id IN (SELECT id FROM picked)",
    ),
    (
        "1, x.user_id, -r.expires_at, NULL, r.username, r.contact, r.received, r.user_agent, NULL",
        "FROM devices x JOIN domains dm ON dm.id = x.domain_id \
         JOIN sip_registrations r ON r.username = x.device AND r.domain = dm.name \
         WHERE x.user_id IN (SELECT id FROM picked)",
    ),
    (
        "2, x.user_id, x.id, NULL, x.mailbox, NULL, NULL, NULL, NULL",
        "FROM voicemail_boxes x WHERE x.user_id IN (SELECT id FROM picked)",
    ),
    (
        "3, x.user_id, NULL, NULL, x.number, NULL, NULL, NULL, NULL",
        "FROM phone_numbers x WHERE x.user_id IN (SELECT id FROM picked)",
    ),
    (
        "4, x.user_id, LENGTH(q.callqueue), NULL, q.callqueue, NULL, NULL, NULL, NULL",
        "FROM call_queue_agents x JOIN call_queues q ON q.id = x.queue_id \
         WHERE x.user_id IN (SELECT id FROM picked)",
    ),
    (
        "5, x.user_id, x.id, x.do_not_disturb, x.forward_always, x.forward_busy, \
         x.forward_no_answer, x.forward_unregistered, x.simultaneous_ring",
        "FROM answer_rules x WHERE x.user_id IN (SELECT id FROM picked) AND x.time_frame = '*'",
    ),
];

/// The columns of a user's own row in [`details`]' statement (a [`UserRow`], and `k`, the
/// order of the users).
fn user_columns() -> String {
    format!(
        "u.id, {SUMMARY_COLUMNS}, u.service_code, u.settings, s.settings AS site_settings, \
         u.created_at, u.updated_at, u.extension_sort AS k"
    )
}

/// Everything [`details`] reads after its `WITH picked`, in one statement (each round trip to
/// the database costs more than the rows): the users' own rows first (part -1, in extension
/// order, with [`ATTACHED`]'s columns empty), then [`ATTACHED`]'s parts in the order each is
/// shown (with the user's own columns empty).
fn details_statement() -> &'static str {
    static STATEMENT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let own = user_columns();
        let no_own = vec!["NULL"; own.split(", ").count()].join(", ");
        let mut sql = format!(
            "SELECT -1 AS part, u.id AS user_id, NULL AS n1, NULL AS n2, NULL AS t1, \
             NULL AS t2, NULL AS t3, NULL AS t4, NULL AS t5, {own} {FROM_USERS} \
             WHERE u.id IN (SELECT id FROM picked)"
        );
        for (columns, from) in ATTACHED {
            sql.push_str(&format!(" UNION ALL SELECT {columns}, {no_own} {from}"));
        }
        sql.push_str(" ORDER BY part, k, user_id, n1, t1");
        sql
    });
    &STATEMENT
}

/// One row of [`ATTACHED`].
#[derive(FromRow)]
struct AttachedRow {
    part: i64,
    user_id: i64,
    n1: Option<i64>,
    n2: Option<i64>,
    t1: Option<String>,
    t2: Option<String>,
    t3: Option<String>,
    t4: Option<String>,
    t5: Option<String>,
}

/// Users of a domain with everything attached, in extension order: one statement however many
/// users there are. SIP passwords are included only when `with_secrets`.
pub async fn details(
    conn: &mut AnyConnection,
    domain: &DomainRef,
    which: Which<'_>,
    with_secrets: bool,
) -> DbResult<Vec<UserDetail>> {
    if matches!(which, Which::Several([])) {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("WITH picked AS (SELECT u.id FROM users u WHERE ");
    which.filter(&mut sql, domain.id);
    sql.push(") ").push(details_statement());
    let mut rows: Vec<UserRow> = Vec::new();
    let mut attached: HashMap<i64, Attached> = HashMap::new();
    for row in sql.query().fetch_all(&mut *conn).await? {
        let part: i64 = row.try_get("part")?;
        if part < 0 {
            rows.push(UserRow::from_row(&row)?);
            continue;
        }
        let row = AttachedRow::from_row(&row)?;
        let to = attached.entry(row.user_id).or_default();
        let text = |t: Option<String>| t.unwrap_or_default();
        match row.part {
            0 => to.devices.push(DeviceRow {
                device: text(row.t1),
                sip_password: text(row.t2),
                created_at: row.n2.unwrap_or_default(),
                mac: row.t3,
                model: row.t4,
                settings: text(row.t5),
            }),
            1 => to.registrations.push(RegistrationRow {
                device: text(row.t1),
                contact: text(row.t2),
                received: row.t3,
                user_agent: text(row.t4),
                expires_at: -row.n1.unwrap_or_default(),
            }),
            2 => to.mailbox = row.t1,
            3 => to.numbers.extend(row.t1),
            4 => to.queues.extend(row.t1),
            _ => {
                to.rule = Some(RuleColumns {
                    forward_always: row.t1,
                    forward_busy: row.t2,
                    forward_no_answer: row.t3,
                    forward_unregistered: row.t4,
                    do_not_disturb: row.n2.unwrap_or_default(),
                    simultaneous_ring: text(row.t5),
                })
            }
        }
    }

    // What the users of each site inherit, worked out once per site rather than once per user.
    let mut inherited: HashMap<Option<String>, DomainSettings> = HashMap::new();
    for row in &rows {
        if !inherited.contains_key(&row.site_settings) {
            let settings = inherited_from(domain, row.site_settings.as_deref())?;
            inherited.insert(row.site_settings.clone(), settings);
        }
    }
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            let inherits = &inherited[&row.site_settings];
            assemble(
                domain,
                inherits,
                row,
                attached.remove(&id).unwrap_or_default(),
                with_secrets,
            )
        })
        .collect()
}

/// The user `extension` of `domain` with everything attached, or `None`.
pub async fn get(
    conn: &mut AnyConnection,
    domain: &DomainRef,
    extension: &str,
    with_secrets: bool,
) -> DbResult<Option<UserDetail>> {
    Ok(details(conn, domain, Which::One(extension), with_secrets)
        .await?
        .pop())
}

/// What [`details`] read about one user beside its row.
#[derive(Default)]
struct Attached {
    /// Its devices, in the order they were made.
    devices: Vec<DeviceRow>,
    /// Its devices' live registrations, latest expiry first.
    registrations: Vec<RegistrationRow>,
    mailbox: Option<String>,
    numbers: Vec<String>,
    /// The extensions of the call queues it is an agent of.
    queues: Vec<String>,
    /// Its default rule.
    rule: Option<RuleColumns>,
}

/// What a user inherits: its domain's settings, with its site's where the site sets them.
fn inherited_from(domain: &DomainRef, site: Option<&str>) -> DbResult<DomainSettings> {
    let doc: serde_json::Map<String, serde_json::Value> = match site {
        None => return Ok(domain.settings.clone()),
        Some(doc) => serde_json::from_str(doc).map_err(|e| corrupt("site settings", e))?,
    };
    if doc.is_empty() {
        return Ok(domain.settings.clone());
    }
    let site = SiteSettings::from_document(&doc)
        .map_err(|e| corrupt("site settings", format!("{e:?}")))?;
    Ok(domain.settings.for_site(&site))
}

/// One user with everything attached: the text form it was written from, parsed back, its
/// inherited settings taken from `inherits` (its domain's, or its site's over them).
fn assemble(
    domain: &DomainRef,
    inherits: &DomainSettings,
    row: UserRow,
    attached: Attached,
    with_secrets: bool,
) -> DbResult<UserDetail> {
    let s = row.summary;
    let doc: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.settings).map_err(|e| corrupt("user settings", e))?;
    let text = |v: Option<String>| v.unwrap_or_default();
    let mut form = UserForm {
        user: s.extension,
        name_first_name: s.first_name,
        name_last_name: s.last_name,
        login_username: s.login,
        email: s.email,
        user_scope: s.scope,
        status: s.status,
        department: text(s.department),
        site: text(s.site),
        service_code: text(row.service_code),
        device: attached
            .devices
            .first()
            .map(|d| d.device.clone())
            .unwrap_or_default(),
        phone_numbers: attached.numbers.join(", "),
        groups: attached.queues.join(", "),
        ..UserForm::default()
    };
    form.read_settings(&doc);
    let mut stored = form
        .parse(&FieldContext::STORED)
        .map_err(|e| corrupt("user", format!("{e:?}")))?;
    if let Some(rule) = attached.rule {
        stored = stored.with_answer_rule(&rule.answer_rule()?);
    }
    let bad = |e| corrupt("user", e);
    Ok(UserDetail {
        domain: domain.settings.domain.clone(),
        inherited: stored.inherited().into_iter().map(str::to_owned).collect(),
        voicemail_pin_set: stored.voicemail_login_pin.is_set(),
        values: stored.effective(inherits),
        devices: attached
            .devices
            .into_iter()
            .map(|d| {
                let registration = attached
                    .registrations
                    .iter()
                    .find(|r| r.device == d.device)
                    .map(RegistrationRow::shown)
                    .unwrap_or_default();
                let user = stored.user.clone();
                d.read(&domain.settings.domain, user, registration, with_secrets)
            })
            .collect::<DbResult<_>>()?,
        voicemail_box: attached
            .mailbox
            .as_deref()
            .map(Extension::parse_alphanumeric)
            .transpose()
            .map_err(bad)?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Whether `extension` is free in the domain (no user, call queue or voicemail box holds it).
async fn extension_free(pool: &AnyPool, domain_id: i64, extension: &str) -> DbResult<bool> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE domain_id = $1 AND extension = $2 \
         UNION ALL SELECT 1 FROM call_queues WHERE domain_id = $1 AND callqueue = $2 \
         UNION ALL SELECT 1 FROM voicemail_boxes WHERE domain_id = $1 AND mailbox = $2",
    )
    .bind(domain_id)
    .bind(extension.to_owned())
    .fetch_optional(pool)
    .await?;
    Ok(taken.is_none())
}

/// A free extension to suggest: one past the highest numeric extension of the domain (100 in an
/// empty domain), skipping any that is taken.
pub async fn next_free_extension(pool: &AnyPool, domain_id: i64) -> DbResult<Option<Extension>> {
    let highest: Vec<String> = sqlx::query_scalar(
        "SELECT extension FROM users WHERE domain_id = $1 \
         ORDER BY LENGTH(extension) DESC, extension DESC LIMIT 200",
    )
    .bind(domain_id)
    .fetch_all(pool)
    .await?;
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
pub async fn departments(pool: &AnyPool, domain_id: i64) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT department FROM users WHERE domain_id = $1 AND department IS NOT NULL \
         ORDER BY department",
    )
    .bind(domain_id)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn a_page_row_carries_every_key_of_every_order() {
        for sort in SortKey::ALL {
            assert!(order_keys(sort).len() <= MAX_ORDER_KEYS, "{sort:?}");
        }
    }

    #[test]
    fn a_cursor_reads_back_only_for_an_order_of_as_many_keys() {
        let values = vec!["Lee".to_owned(), "Ann".to_owned(), "2\"01".to_owned()];
        let cursor = encode_cursor(&values);
        assert!(
            cursor.bytes().all(|b| b.is_ascii_hexdigit()),
            "safe in a URL as it is"
        );
        assert_eq!(decode_cursor(&cursor, 3), Some(values));
        assert_eq!(decode_cursor(&cursor, 1), None);
        assert_eq!(decode_cursor("zz", 1), None);
        assert_eq!(decode_cursor("7b7d", 1), None);
    }
}
