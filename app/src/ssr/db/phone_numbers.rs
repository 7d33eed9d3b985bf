//! Phone numbers (DIDs) of a domain and the user each one rings. A number exists once in the
//! whole system; every other query names its domain.

use super::domains::corrupt;
use super::{contains_pattern, insert_rows, select_in, DbResult, Listing, Sql, Tx};
use crate::model::dids::{DialRule, DomainNumber, NumberList, NumberOrder, NumberQuery};
use crate::model::{DomainName, Extension, Parse, PhoneNumber};
use sqlx::{AnyConnection, AnyPool, FromRow};

#[derive(FromRow)]
struct NumberRow {
    number: String,
    extension: Option<String>,
    created_at: i64,
}

const COLUMNS: &str = "p.number, u.extension, p.created_at";
const FROM: &str = "FROM phone_numbers p LEFT JOIN users u ON u.id = p.user_id";

fn number(domain: &DomainName, row: NumberRow) -> DbResult<DomainNumber> {
    let corrupt = |e: crate::model::Invalid| corrupt("phone number", e);
    let user = row
        .extension
        .as_deref()
        .map(Extension::parse_alphanumeric)
        .transpose()
        .map_err(corrupt)?;
    Ok(DomainNumber {
        phonenumber: PhoneNumber::parse(&row.number).map_err(corrupt)?,
        domain: domain.clone(),
        dial_rule_application: match user {
            Some(_) => DialRule::ToUser,
            None => DialRule::AvailableNumber,
        },
        dial_rule_translation_destination_user: user,
        created_at: row.created_at,
    })
}

/// One page of a domain's numbers, and how many match in all. With `only_site`, only the numbers
/// that ring users of that site (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain: &DomainName,
    domain_id: i64,
    only_site: Option<&str>,
    query: &NumberQuery,
) -> DbResult<NumberList> {
    let search = query.search.trim();
    let filter = |sql: &mut Sql| {
        sql.push("p.domain_id = ").bind(domain_id);
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
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = match query.order {
        NumberOrder::Number => format!("p.number {direction}"),
        // Available numbers come last either way, on both databases.
        NumberOrder::User => format!("(u.id IS NULL), u.extension_sort {direction}, p.number"),
        NumberOrder::CreatedAt => format!("p.created_at {direction}, p.number"),
    };
    let (total, rows): (u64, Vec<NumberRow>) = Listing {
        select: &format!("SELECT {COLUMNS}"),
        from: FROM,
        count_from: FROM,
        order: &order,
        limit: query.limit,
        start: query.start,
    }
    .fetch(pool, filter)
    .await?;
    Ok(NumberList {
        total,
        items: rows
            .into_iter()
            .map(|row| number(domain, row))
            .collect::<DbResult<_>>()?,
    })
}

/// The number `phonenumber` of a domain, read through `conn` (a connection or a transaction).
pub async fn get(
    conn: &mut AnyConnection,
    domain: &DomainName,
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
    row.map(|row| number(domain, row)).transpose()
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

/// Adds `numbers` to a domain, each ringing the user with row id `user_id` (of the same
/// domain), or available, in as few statements as the database allows. A number that exists
/// anywhere breaks [`super::Rule::PhoneNumber`].
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    numbers: &[PhoneNumber],
    user_id: Option<i64>,
    now: i64,
) -> DbResult<()> {
    insert_rows(
        tx,
        "INSERT INTO phone_numbers (domain_id, number, user_id, created_at)",
        "",
        numbers,
        4,
        |r, number| {
            r.value(domain_id)
                .value(number.as_str().to_owned())
                .value(user_id)
                .value(now);
        },
        &mut |_| {},
    )
    .await?;
    Ok(())
}

/// Sends a number of a domain to the user with row id `user_id` (of the same domain), or makes it
/// available. `false` if the domain has no such number.
pub async fn route(
    tx: &mut Tx,
    domain_id: i64,
    phonenumber: &PhoneNumber,
    user_id: Option<i64>,
) -> DbResult<bool> {
    let done =
        sqlx::query("UPDATE phone_numbers SET user_id = $3 WHERE domain_id = $1 AND number = $2")
            .bind(domain_id)
            .bind(phonenumber.as_str().to_owned())
            .bind(user_id)
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
