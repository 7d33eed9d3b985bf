//! Phone numbers (DIDs) of a domain, the user each one rings and the rest of its dial rule. A
//! number exists once in the whole system; every other query names its domain, or the domains a
//! caller may see.

use super::domains::{corrupt, Visible};
use super::{contains_pattern, insert_rows, select_in, DbResult, Listing, Sql, Tx};
use crate::model::dids::{
    DestinationHost, DialRuleParameter, DomainNumber, NumberList, NumberOrder, NumberQuery,
    NumberSettings, Route, SourceName,
};
use crate::model::{Description, DomainName, Extension, Parse, PhoneNumber, YesNo};
use sqlx::{AnyConnection, AnyPool, FromRow};

#[derive(FromRow)]
struct NumberRow {
    number: String,
    domain: String,
    extension: Option<String>,
    callqueue: Option<String>,
    created_at: i64,
    enabled: i64,
    dial_rule_parameter: String,
    destination_host: String,
    source_name: String,
    description: String,
}

const COLUMNS: &str = "p.number, d.name AS domain, u.extension, q.callqueue, p.created_at, \
                       p.enabled, p.dial_rule_parameter, p.destination_host, p.source_name, \
                       p.description";
const FROM: &str = "FROM phone_numbers p JOIN domains d ON d.id = p.domain_id \
                    LEFT JOIN users u ON u.id = p.user_id \
                    LEFT JOIN call_queues q ON q.id = p.queue_id";

fn number(row: NumberRow) -> DbResult<DomainNumber> {
    let corrupt = |e: crate::model::Invalid| corrupt("phone number", e);
    let extension = |e: &str| Extension::parse_alphanumeric(e).map_err(corrupt);
    let route = match (&row.extension, &row.callqueue) {
        (Some(user), _) => Route::User(extension(user)?),
        (None, Some(queue)) => Route::Queue(extension(queue)?),
        (None, None) => Route::Available,
    };
    let (dial_rule_application, destination) = route.dial_rule();
    Ok(DomainNumber {
        phonenumber: PhoneNumber::parse(&row.number).map_err(corrupt)?,
        domain: DomainName::parse(&row.domain).map_err(corrupt)?,
        dial_rule_application,
        dial_rule_translation_destination_user: destination,
        settings: NumberSettings {
            enabled: YesNo::from(row.enabled != 0),
            dial_rule_parameter: DialRuleParameter::parse(&row.dial_rule_parameter)
                .map_err(corrupt)?,
            dial_rule_translation_destination_host: DestinationHost::parse(&row.destination_host)
                .map_err(corrupt)?,
            dial_rule_translation_source_name: SourceName::parse(&row.source_name)
                .map_err(corrupt)?,
            dial_rule_description: Description::parse(&row.description).map_err(corrupt)?,
        },
        created_at: row.created_at,
    })
}

/// One page of the numbers of the domains `visible` allows, and how many match in all. With
/// `only_site`, only the numbers that ring users of that site (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    visible: Visible<'_>,
    only_site: Option<&str>,
    query: &NumberQuery,
) -> DbResult<NumberList> {
    let search = query.search.trim();
    let filter = |sql: &mut Sql| {
        sql.push("1 = 1");
        visible.narrow(sql, "p.domain_id", "d.reseller");
        if let Some(site) = only_site {
            sql.push(
                " AND u.site_id = (SELECT id FROM sites WHERE domain_id = p.domain_id AND name = ",
            )
            .bind(site.to_owned())
            .push(")");
        }
        if !search.is_empty() {
            // Numbers are stored as +digits: a search for 612555 or +1612 finds the same numbers.
            let pattern = contains_pattern(search.trim_start_matches('+'));
            sql.push(" AND (p.number LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR u.extension LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR q.callqueue LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = match query.order {
        NumberOrder::Number => format!("p.number {direction}"),
        // Available numbers come last either way, on both databases.
        NumberOrder::User => format!(
            "(u.id IS NULL), (q.id IS NULL), d.name, u.extension_sort {direction}, \
             q.callqueue {direction}, p.number"
        ),
        NumberOrder::CreatedAt => format!("p.created_at {direction}, p.number"),
    };
    let (total, rows): (u64, Vec<NumberRow>) = Listing {
        select: &format!("SELECT {COLUMNS}"),
        from: FROM,
        count_from: FROM,
        order: &order,
        limit: query.limit,
        start: query.start,
        pick_first: None,
        total: None,
    }
    .fetch(pool, filter)
    .await?;
    Ok(NumberList {
        total,
        items: rows.into_iter().map(number).collect::<DbResult<_>>()?,
    })
}

/// The number `phonenumber` of a domain, read through `conn` (a connection or a transaction).
pub async fn get(
    conn: &mut AnyConnection,
    domain_id: i64,
    phonenumber: &PhoneNumber,
) -> DbResult<Option<DomainNumber>> {
    let row: Option<NumberRow> = Sql::new(&format!("SELECT {COLUMNS} {FROM} WHERE p.domain_id = "))
        .bind(domain_id)
        .push(" AND p.number = ")
        .bind(phonenumber.as_str().to_owned())
        .query_as()
        .fetch_optional(conn)
        .await?;
    row.map(number).transpose()
}

/// The numbers of a domain with their row ids (the ids Servetel's API names numbers by), among
/// `ids` or among `numbers` (as stored, `+digits`): `(id, number)` in the order of the ids.
pub async fn with_ids(
    pool: &AnyPool,
    domain_id: i64,
    ids: &[i64],
    numbers: &[&str],
) -> DbResult<Vec<(i64, String)>> {
    if ids.is_empty() && numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, number FROM phone_numbers WHERE domain_id = ");
    sql.bind(domain_id).push(" AND (1 = 0");
    if !ids.is_empty() {
        sql.push(" OR id IN (").list(ids.iter().copied()).push(")");
    }
    if !numbers.is_empty() {
        sql.push(" OR number IN (")
            .list(numbers.iter().map(|n| (*n).to_owned()))
            .push(")");
    }
    sql.push(") ORDER BY id");
    Ok(sql.query_as().fetch_all(pool).await?)
}

/// Which of `numbers` any domain has already, as stored, in order.
pub async fn existing(tx: &mut Tx, numbers: &[PhoneNumber]) -> DbResult<Vec<String>> {
    let numbers: Vec<&str> = numbers.iter().map(PhoneNumber::as_str).collect();
    let rows: Vec<(String,)> = select_in(
        &mut **tx,
        |sql| {
            sql.push("SELECT number FROM phone_numbers WHERE number IN (");
        },
        &numbers,
        " ORDER BY number",
    )
    .await?;
    Ok(rows.into_iter().map(|(number,)| number).collect())
}

/// What a number of a domain rings, by row id: a user of the domain, a call queue of the domain,
/// or nothing (available).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    User(i64),
    Queue(i64),
    Available,
}

impl Target {
    /// The `user_id` and `queue_id` columns of a number ringing it.
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Target::User(id) => (Some(id), None),
            Target::Queue(id) => (None, Some(id)),
            Target::Available => (None, None),
        }
    }
}

/// Adds `numbers` to a domain, each ringing `target` (of the same domain), all with `settings`,
/// in as few statements as the database allows. A number that exists anywhere breaks
/// [`super::Rule::PhoneNumber`].
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    numbers: &[PhoneNumber],
    target: Target,
    settings: &NumberSettings,
    now: i64,
) -> DbResult<()> {
    let (user_id, queue_id) = target.columns();
    insert_rows(
        tx,
        "INSERT INTO phone_numbers (domain_id, number, user_id, queue_id, created_at, enabled, \
         dial_rule_parameter, destination_host, source_name, description)",
        "",
        numbers,
        10,
        |r, number| {
            r.value(domain_id)
                .value(number.as_str().to_owned())
                .value(user_id)
                .value(queue_id)
                .value(now)
                .value(i64::from(bool::from(settings.enabled)))
                .value(settings.dial_rule_parameter.to_string())
                .value(settings.dial_rule_translation_destination_host.to_string())
                .value(settings.dial_rule_translation_source_name.to_string())
                .value(settings.dial_rule_description.to_string());
        },
        &mut |_| {},
    )
    .await?;
    Ok(())
}

/// Sends a number of a domain to `target` (of the same domain) and gives it `settings`. `false`
/// if the domain has no such number.
pub async fn update(
    tx: &mut Tx,
    domain_id: i64,
    phonenumber: &PhoneNumber,
    target: Target,
    settings: &NumberSettings,
) -> DbResult<bool> {
    let (user_id, queue_id) = target.columns();
    let done = sqlx::query(
        "UPDATE phone_numbers SET user_id = $3, queue_id = $4, enabled = $5, \
         dial_rule_parameter = $6, destination_host = $7, source_name = $8, description = $9 \
         WHERE domain_id = $1 AND number = $2",
    )
    .bind(domain_id)
    .bind(phonenumber.as_str().to_owned())
    .bind(user_id)
    .bind(queue_id)
    .bind(i64::from(bool::from(settings.enabled)))
    .bind(settings.dial_rule_parameter.to_string())
    .bind(settings.dial_rule_translation_destination_host.to_string())
    .bind(settings.dial_rule_translation_source_name.to_string())
    .bind(settings.dial_rule_description.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a number from a domain. `false` if the domain has no such number.
pub async fn delete(tx: &mut Tx, domain_id: i64, phonenumber: &PhoneNumber) -> DbResult<bool> {
    let done = sqlx::query("DELETE FROM phone_numbers WHERE domain_id = $1 AND number = $2")
        .bind(domain_id)
        .bind(phonenumber.as_str().to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}
