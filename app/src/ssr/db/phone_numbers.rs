//! Phone numbers (DIDs) of a domain and the user each one rings. A number exists once in the
//! whole system; every other query names its domain.

use super::{conflict_on, contains_pattern, internal, DomainPage, Tx, Unique};
use crate::error::AppError;
use crate::model::dids::{DialRule, DomainNumber, NumberList, NumberOrder, NumberQuery};
use crate::model::{DomainName, Extension, Parse, PhoneNumber};
use sqlx::{AnyConnection, AnyPool, FromRow};

const UNIQUE: &[Unique] = &[Unique {
    postgres_constraint: "phone_numbers_number_key",
    sqlite_columns: "phone_numbers.number",
    field: "phonenumber",
    message: "Phone number already exists.",
}];

#[derive(FromRow)]
struct NumberRow {
    number: String,
    extension: Option<String>,
    created_at: i64,
}

const COLUMNS: &str = "p.number, u.extension, p.created_at";
const FROM: &str = "FROM phone_numbers p LEFT JOIN users u ON u.id = p.user_id";

fn number(domain: &DomainName, row: NumberRow) -> Result<DomainNumber, AppError> {
    let corrupt = |e: crate::model::Invalid| {
        tracing::error!(problem = %e, "a stored phone number no longer parses");
        AppError::Internal
    };
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
) -> Result<NumberList, AppError> {
    let mut found = DomainPage::new("p.domain_id = $1");
    if let Some(site) = only_site {
        found.and(site.to_owned(), |p| {
            format!("u.site_id = (SELECT id FROM sites WHERE domain_id = $1 AND name = {p})")
        });
    }
    if !query.search.trim().is_empty() {
        // Numbers are stored as +digits: a search for 612555 or +1612 finds the same numbers.
        let pattern = contains_pattern(query.search.trim().trim_start_matches('+'));
        found.and(pattern, |p| {
            format!("(p.number LIKE {p} ESCAPE '\\' OR u.extension LIKE {p} ESCAPE '\\')")
        });
    }
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = match query.order {
        NumberOrder::Number => format!("p.number {direction}"),
        // Available numbers come last either way, on both databases.
        NumberOrder::User => format!("(u.id IS NULL), u.extension_sort {direction}, p.number"),
        NumberOrder::CreatedAt => format!("p.created_at {direction}, p.number"),
    };
    let select = format!("SELECT {COLUMNS} {FROM}");
    let (total, rows): (u64, Vec<NumberRow>) = found
        .fetch(
            pool,
            domain_id,
            FROM,
            &select,
            &order,
            query.limit,
            query.start,
        )
        .await?;
    Ok(NumberList {
        total,
        items: rows
            .into_iter()
            .map(|row| number(domain, row))
            .collect::<Result<_, _>>()?,
    })
}

/// The number `phonenumber` of a domain, read through `conn` (a connection or a transaction).
pub async fn get(
    conn: &mut AnyConnection,
    domain: &DomainName,
    domain_id: i64,
    phonenumber: &PhoneNumber,
) -> Result<Option<DomainNumber>, AppError> {
    let row: Option<NumberRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.domain_id = $1 AND p.number = $2"
    ))
    .bind(domain_id)
    .bind(phonenumber.as_str())
    .fetch_optional(conn)
    .await
    .map_err(internal)?;
    row.map(|row| number(domain, row)).transpose()
}

/// Whether any domain has the number `phonenumber`.
pub async fn exists(tx: &mut Tx, phonenumber: &PhoneNumber) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM phone_numbers WHERE number = $1")
        .bind(phonenumber.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(found.is_some())
}

/// Adds a number to a domain, ringing the user with row id `user_id` (of the same domain), or
/// available. A number that exists anywhere is a conflict on `phonenumber`.
pub async fn insert(
    tx: &mut Tx,
    domain_id: i64,
    phonenumber: &PhoneNumber,
    user_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO phone_numbers (domain_id, number, user_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(domain_id)
    .bind(phonenumber.as_str())
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| conflict_on(&e, UNIQUE).unwrap_or_else(|| internal(e)))?;
    Ok(())
}

/// Sends a number of a domain to the user with row id `user_id` (of the same domain), or makes it
/// available. `false` if the domain has no such number.
pub async fn route(
    tx: &mut Tx,
    domain_id: i64,
    phonenumber: &PhoneNumber,
    user_id: Option<i64>,
) -> Result<bool, AppError> {
    let done =
        sqlx::query("UPDATE phone_numbers SET user_id = $3 WHERE domain_id = $1 AND number = $2")
            .bind(domain_id)
            .bind(phonenumber.as_str())
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    Ok(done.rows_affected() > 0)
}

/// Removes a number from a domain. `false` if the domain has no such number.
pub async fn delete(
    tx: &mut Tx,
    domain_id: i64,
    phonenumber: &PhoneNumber,
) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM phone_numbers WHERE domain_id = $1 AND number = $2")
        .bind(domain_id)
        .bind(phonenumber.as_str())
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(done.rows_affected() > 0)
}
