//! Bulk export and import of a domain's users as CSV: the plain functions behind the import page
//! and the API.
//!
//! The columns are the user form's fields by their NetSapiens names ([`USER_FIELDS`], in the
//! wizard's order). Each row is parsed by the same [`UserForm::parse`] as the Create User wizard
//! and checked by the same rules as a single create (the repository checks and writes a batch the
//! way it does one user), plus what only a file can get wrong: two rows with the same extension,
//! login, device or phone number. An import is all or nothing, in one transaction.

use super::access;
use super::audit;
use super::caller::Caller;
use super::db::{users, Db};
use super::users::begin_locked;
use super::users::create::{check_new, insert_new, may_create, parse_new};
use crate::error::AppError;
use crate::model::bulk::{to_field_errors, ImportProgress, ImportReport, ImportStage, RowProblem};
use crate::model::permissions::Action;
use crate::model::user::{default_login, UserDetail, UserForm, USER_FIELDS};
use crate::model::DomainName;
use rows::{cell_out, cross_row, read_csv, row_problems};

mod imports;
mod rows;
#[cfg(test)]
mod tests;

pub use imports::Imports;

/// The most user rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

/// How an import tells how far it has got.
pub type Progress<'a> = Option<&'a (dyn Fn(ImportProgress) + Sync)>;

/// The file's columns: every field of the user form, by its NetSapiens name.
pub fn columns() -> impl Iterator<Item = &'static str> {
    USER_FIELDS.iter().map(|f| f.name)
}

/// The columns a file must have: the fields every user needs that have no default (the
/// extension, the names and the e-mail).
pub fn required_columns() -> Vec<&'static str> {
    USER_FIELDS
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect()
}

fn csv_failed(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "writing CSV failed");
    AppError::Internal
}

/// Every user of `domain` the caller manages (a Site Manager: those of its own site), as CSV: a
/// header row of the form's field names, then one row per user in extension order. A value a
/// spreadsheet would run as a formula is written with a leading `'` (see [`rows::cell_out`]).
/// Secrets (the voicemail PIN, SIP passwords) are left blank, and so is a login that is the
/// domain's default (`extension@domain`), so that the file imports as it is into another domain.
pub async fn export_users(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
) -> Result<String, AppError> {
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let only_site = caller.who.only_site(Action::ManageUsers);
    let mut conn = db.pool().acquire().await?;
    let details = users::details(&mut conn, &found, users::Which::All { only_site }, false).await?;
    drop(conn);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(columns()).map_err(csv_failed)?;
    for detail in &details {
        let form = exported(found.name(), detail);
        out.write_record(
            USER_FIELDS
                .iter()
                .map(|f| cell_out(&(f.get)(&form)).into_owned()),
        )
        .map_err(csv_failed)?;
    }
    let bytes = out.into_inner().map_err(csv_failed)?;
    String::from_utf8(bytes).map_err(csv_failed)
}

/// A stored user as a row of the export: its own values (a setting that follows the domain is
/// blank, and follows the domain it is imported into).
fn exported(domain: &DomainName, detail: &UserDetail) -> UserForm {
    let mut form = detail.form();
    let user = &detail.values;
    if default_login(&user.user, domain).is_ok_and(|login| Some(login) == user.login_username) {
        form.login_username.clear();
    }
    form
}

/// Imports the users of a CSV file into `domain` (columns as [`export_users`] writes them; only
/// the header and the columns in [`required_columns`] are required), all or nothing.
///
/// A dry run checks everything and writes nothing: its report lists every problem of every row.
/// A real run writes every user, or, if any row has a problem, nothing: it is then refused as
/// `Invalid`, with every problem as a field error on `rows[N].<field>` (see
/// [`crate::model::bulk`] for the numbering). `progress` is told how far the import has got.
pub async fn import_users(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    csv_text: &str,
    dry_run: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, AppError> {
    let report = run_import(db, caller, domain, csv_text, dry_run, progress).await?;
    if !dry_run && !report.problems.is_empty() {
        return Err(AppError::invalid(to_field_errors(&report.problems)));
    }
    Ok(report)
}

/// [`import_users`], answering a refused import with its report (nothing created, every
/// problem listed) rather than an error: what the import page shows either way.
pub async fn run_import(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    csv_text: &str,
    dry_run: bool,
    progress: Progress<'_>,
) -> Result<ImportReport, AppError> {
    let tell = |stage, done, total| {
        if let Some(progress) = progress {
            progress(ImportProgress { stage, done, total });
        }
    };
    let found = access::domain(db, caller, domain, Action::ManageUsers).await?;
    let file = match read_csv(csv_text, &required_columns()) {
        Ok(file) => file,
        Err(problems) => {
            tell(ImportStage::Done, 0, 0);
            return Ok(report(dry_run, 0, 0, problems));
        }
    };
    let total = file.len();
    let mut problems = Vec::new();
    let mut rows = Vec::with_capacity(total);
    let mut news = Vec::with_capacity(total);
    // The extensions of rows that do not parse, so a later row with the same one is still told.
    let mut unparsed = Vec::new();
    for (i, (row, form)) in file.into_iter().enumerate() {
        if i % 256 == 0 {
            tell(ImportStage::Reading, i, total);
        }
        match parse_new(&found, &form, None)
            .and_then(|new| may_create(caller, &found, &new).map(|()| new))
        {
            Ok(new) => {
                rows.push(row);
                news.push(new);
            }
            Err(error) => {
                problems.extend(row_problems(row, &error));
                unparsed.push((row, form.user.trim().to_owned()));
            }
        }
    }
    tell(ImportStage::Checking, 0, total);
    problems.extend(cross_row(&rows, &news, &unparsed));

    // A dry run reads in a transaction of its own (a consistent view, and no write lock); a real
    // one in the write transaction, with the domain held, so the limits hold under concurrency.
    let (mut tx, current) = if dry_run {
        (db.begin_read().await?, found.clone())
    } else {
        begin_locked(db, &found).await?
    };
    let checked = check_new(&mut tx, caller, &current, &news).await?;
    for (i, row_problems) in &checked.problems {
        let i = *i;
        problems.extend(row_problems.all().iter().map(|e| RowProblem {
            row: rows[i],
            field: e.field.clone(),
            message: e.message.clone(),
        }));
    }
    // The rows refused above were not checked against the domain; their extensions are, so one
    // pass reports every problem (a taken extension is not left to show up only once the rest of
    // its row is mended).
    let unchecked: Vec<(usize, &str)> = unparsed
        .iter()
        .filter(|(row, user)| {
            !user.is_empty() && !problems.iter().any(|p| p.row == *row && p.field == "user")
        })
        .map(|(row, user)| (*row, user.as_str()))
        .collect();
    let wanted: Vec<&str> = unchecked.iter().map(|(_, user)| *user).collect();
    let taken = users::facts::extensions_in_use(&mut tx, current.id, &wanted).await?;
    problems.extend(
        unchecked
            .into_iter()
            .filter(|(_, user)| taken.contains(*user))
            .map(|(row, user)| RowProblem {
                row,
                field: "user".into(),
                message: super::users::check::extension_taken(user),
            }),
    );
    tell(ImportStage::Checking, total, total);
    // Row order; within a row, the order the fields were checked in.
    problems.sort_by_key(|p| p.row);
    if dry_run || !problems.is_empty() {
        tell(ImportStage::Done, total, total);
        return Ok(report(dry_run, total, 0, problems));
    }

    let all_rows = news
        .iter()
        .map(|n| 4 + n.devices.len() + n.values.phone_numbers.len() + n.values.groups.len())
        .sum::<usize>();
    let mut done = 0;
    let mut written = |n: usize| {
        done += n;
        tell(ImportStage::Writing, done.min(all_rows), all_rows);
    };
    insert_new(&mut tx, &current, &news, checked.found, &mut written).await?;
    // One entry for the import, naming every user it created by extension, in the file's order
    // (the log's user filter finds an import by any of them: see `db::audit::list`).
    let created: Vec<&str> = news.iter().map(|n| n.values.user.as_str()).collect();
    let changes = [(
        audit::IMPORTED_USERS.to_owned(),
        (String::new(), created.join(", ")),
    )]
    .into();
    audit::record(
        &mut tx,
        caller,
        audit::within(&current),
        "user.import",
        &format!("{total} users"),
        &changes,
    )
    .await?;
    tx.commit().await?;
    db.refresh_statistics();
    tell(ImportStage::Done, total, total);
    tracing::info!(domain = %domain, users = total, by = caller.account_id, "users imported");
    Ok(report(dry_run, total, total, Vec::new()))
}

/// The report of an import that read `rows` user rows and created `created` users.
fn report(dry_run: bool, rows: usize, created: usize, problems: Vec<RowProblem>) -> ImportReport {
    let plural = |n: usize, one: &str, many: &str| crate::model::counted(n as i64, one, many);
    let message = if !problems.is_empty() {
        let rows_with = {
            let mut r: Vec<usize> = problems.iter().map(|p| p.row).collect();
            r.dedup();
            r.len()
        };
        format!(
            "{} in {}: nothing {} imported. Correct the file and try again.",
            plural(problems.len(), "problem", "problems"),
            plural(rows_with, "row", "rows"),
            if dry_run { "would be" } else { "was" }
        )
    } else if dry_run {
        format!(
            "{} checked: no problems. Import the file to create {}.",
            plural(rows, "row", "rows"),
            if rows == 1 { "it" } else { "them" }
        )
    } else {
        format!(
            "Created {}. No invitations went out yet: e-mail them below, or give a user its link \
             from its page (New invitation link).",
            plural(created, "user", "users")
        )
    };
    ImportReport {
        dry_run,
        rows,
        created,
        problems,
        message,
    }
}
