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
use crate::model::bulk::{
    to_field_errors, ImportProgress, ImportReport, ImportStage, RowProblem, HEADER_ROW,
};
use crate::model::permissions::Action;
use crate::model::user::{default_login, NewUser, UserDetail, UserForm, USER_FIELDS};
use crate::model::DomainName;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
/// header row of the form's field names, then one row per user in extension order. Secrets (the
/// voicemail PIN, SIP passwords) are left blank, and so is a login that is the domain's default
/// (`extension@domain`), so that the file imports as it is into another domain.
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
        out.write_record(USER_FIELDS.iter().map(|f| (f.get)(&form)))
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
        (db.pool().begin().await?, found.clone())
    } else {
        begin_locked(db, &found).await?
    };
    let checked = check_new(&mut tx, &current, &news).await?;
    for (i, row_problems) in &checked.problems {
        let i = *i;
        problems.extend(row_problems.all().iter().map(|e| RowProblem {
            row: rows[i],
            field: e.field.clone(),
            message: e.message.clone(),
        }));
    }
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
    let changes = [("users".to_owned(), (String::new(), total.to_string()))].into();
    audit::record(
        &mut tx,
        caller,
        Some((current.id, current.name().as_str())),
        "user.import",
        &format!("{total} users"),
        &changes,
    )
    .await?;
    tx.commit().await?;
    tell(ImportStage::Done, total, total);
    tracing::info!(domain = %domain, users = total, by = caller.account_id, "users imported");
    Ok(report(dry_run, total, total, Vec::new()))
}

/// The report of an import that read `rows` user rows and created `created` users.
fn report(dry_run: bool, rows: usize, created: usize, problems: Vec<RowProblem>) -> ImportReport {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
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
            "Created {}. No invitation links were made: a user who should log in to the portal \
             gets one from its page (New invitation link).",
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

/// A refused row's problems: its field errors, or the refusal itself.
fn row_problems(row: usize, error: &AppError) -> Vec<RowProblem> {
    match error.field_errors() {
        Some(errors) => errors
            .iter()
            .map(|e| RowProblem {
                row,
                field: e.field.clone(),
                message: e.message.clone(),
            })
            .collect(),
        None => vec![RowProblem {
            row,
            field: "user".into(),
            message: match error {
                AppError::Forbidden => "You may not create this user.".into(),
                other => other.to_string(),
            },
        }],
    }
}

/// A file-level problem (reported on the header row).
fn file_problem(field: &str, message: impl Into<String>) -> RowProblem {
    RowProblem {
        row: HEADER_ROW,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The user rows of a CSV file, each with its row number, as forms; or what is wrong with the
/// file as a whole (its header, its size). Blank rows are skipped; a row with more values than
/// the header has columns is refused, one with fewer leaves the last columns blank.
fn read_csv(text: &str, required: &[&str]) -> Result<Vec<(usize, UserForm)>, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(vec![file_problem("file", format!("Not a CSV file: {e}"))]),
        None => {
            return Err(vec![file_problem(
                "file",
                "The file is empty: it needs a header row naming its columns (such as user, \
                 name-first-name, name-last-name, email), then one row per user.",
            )])
        }
    };
    let mut problems = Vec::new();
    let mut names: Vec<&'static str> = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let wanted = raw.to_ascii_lowercase();
        let wanted = if wanted == "email-address" {
            "email".to_owned()
        } else {
            wanted
        };
        match columns().find(|name| *name == wanted) {
            Some(name) if names.contains(&name) => {
                problems.push(file_problem(name, "This column appears twice."));
                names.push("");
            }
            Some(name) => names.push(name),
            None => {
                problems.push(file_problem(
                    if raw.is_empty() { "file" } else { raw },
                    format!(
                        "Column {} ({}) is not a field of the user form; the export lists them all.",
                        i + 1,
                        if raw.is_empty() { "no name" } else { raw }
                    ),
                ));
                names.push("");
            }
        }
    }
    for column in required {
        if !names.contains(column) {
            problems.push(file_problem(
                column,
                "This column is missing: every user needs it.",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let row = HEADER_ROW + 1 + i;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(RowProblem {
                    row,
                    field: "file".into(),
                    message: format!("This row cannot be read: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() > names.len() {
            problems.push(RowProblem {
                row,
                field: "file".into(),
                message: format!(
                    "This row has {} values; the header has {} columns.",
                    record.len(),
                    names.len()
                ),
            });
            continue;
        }
        let fields: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .zip(record.iter())
            .map(|(name, value)| ((*name).to_owned(), value.into()))
            .collect();
        match serde_json::from_value::<UserForm>(fields.into()) {
            Ok(form) => rows.push((row, form)),
            Err(e) => problems.push(RowProblem {
                row,
                field: "file".into(),
                message: format!("This row cannot be read: {e}"),
            }),
        }
        if rows.len() > MAX_ROWS {
            return Err(vec![file_problem(
                "file",
                format!("The file has more than {MAX_ROWS} users: split it."),
            )]);
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// What only a file can get wrong: two rows (`rows[i]` is the row of `news[i]`) with the same
/// extension, login, device or phone number. Each repeat is reported on its own row, naming the
/// row that had it first. `unparsed` has the row and extension of each row that did not parse,
/// whose extension counts too.
fn cross_row(rows: &[usize], news: &[NewUser], unparsed: &[(usize, String)]) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    let mut all: Vec<(usize, Option<&NewUser>, &str)> = rows
        .iter()
        .zip(news)
        .map(|(row, new)| (*row, Some(new), new.values.user.as_str()))
        .chain(
            unparsed
                .iter()
                .map(|(row, user)| (*row, None, user.as_str())),
        )
        .collect();
    all.sort_by_key(|(row, _, _)| *row);
    for (row, new, user) in all {
        let mut unique: Vec<(&str, &str, String, String)> = Vec::new();
        if !user.is_empty() {
            unique.push((
                "extension",
                user,
                "user".into(),
                format!("Extension {user}"),
            ));
        }
        let Some(new) = new else {
            for (kind, value, _, _) in unique {
                first.entry((kind, value)).or_insert(row);
            }
            continue;
        };
        unique.push((
            "login",
            new.values.login(),
            "login-username".into(),
            format!("The login {}", new.values.login()),
        ));
        for (k, device) in new.devices.iter().enumerate() {
            let field = if k == 0 {
                "device".to_owned()
            } else {
                format!("devices[{k}].device")
            };
            unique.push((
                "device",
                device.device.as_str(),
                field,
                format!("The device {}", device.device),
            ));
        }
        for (k, number) in new.values.phone_numbers.iter().enumerate() {
            unique.push((
                "number",
                number.as_str(),
                format!("phone-numbers[{k}]"),
                number.to_string(),
            ));
        }
        for (kind, value, field, what) in unique {
            match first.entry((kind, value)) {
                Entry::Vacant(entry) => {
                    entry.insert(row);
                }
                Entry::Occupied(entry) if *entry.get() == row => problems.push(RowProblem {
                    row,
                    field,
                    message: format!("{what} is given twice in this row."),
                }),
                Entry::Occupied(entry) => problems.push(RowProblem {
                    row,
                    field,
                    message: format!("{what} is also on row {}.", entry.get()),
                }),
            }
        }
    }
    problems
}

/// Imports run from the portal, kept in this process's memory for a while: how far each has got
/// (the page polls it while the import runs) and its report (shown by the page the import
/// redirects to). Keyed by the account that ran it, so nobody reads another's.
#[derive(Clone, Default)]
pub struct Imports(Arc<Mutex<Tracking>>);

#[derive(Default)]
struct Tracking {
    /// Counts touches, to tell the oldest import of an account.
    touches: u64,
    imports: HashMap<(i64, String), Tracked>,
}

struct Tracked {
    progress: Option<ImportProgress>,
    report: Option<ImportReport>,
    touched: Instant,
    touch: u64,
}

/// How long an import's progress and report are kept after it was last touched.
const KEEP_FOR: Duration = Duration::from_secs(3600);
/// The most imports kept per account (the least recently touched goes first).
const KEEP_PER_ACCOUNT: usize = 8;

impl Imports {
    /// A fresh import id: 128 random bits in hex.
    pub fn new_id() -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `id` could be an import id (what [`Imports::new_id`] makes).
    pub fn is_id(id: &str) -> bool {
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
    }

    fn update(&self, account: i64, id: &str, change: impl FnOnce(&mut Tracked)) {
        let Ok(mut tracking) = self.0.lock() else {
            return;
        };
        let now = Instant::now();
        tracking.touches += 1;
        let touch = tracking.touches;
        let all = &mut tracking.imports;
        all.retain(|_, t| now.duration_since(t.touched) < KEEP_FOR);
        let tracked = all.entry((account, id.to_owned())).or_insert(Tracked {
            progress: None,
            report: None,
            touched: now,
            touch,
        });
        tracked.touched = now;
        tracked.touch = touch;
        change(tracked);
        let mut mine: Vec<(u64, String)> = all
            .iter()
            .filter(|((a, _), _)| *a == account)
            .map(|((_, id), t)| (t.touch, id.clone()))
            .collect();
        if mine.len() > KEEP_PER_ACCOUNT {
            mine.sort();
            for (_, old) in mine.iter().take(mine.len() - KEEP_PER_ACCOUNT) {
                all.remove(&(account, old.clone()));
            }
        }
    }

    /// Records how far the import `id` of `account` has got.
    pub fn set_progress(&self, account: i64, id: &str, progress: ImportProgress) {
        self.update(account, id, |t| t.progress = Some(progress));
    }

    /// Records the report of the import `id` of `account`.
    pub fn set_report(&self, account: i64, id: &str, report: ImportReport) {
        self.update(account, id, |t| {
            t.progress = Some(ImportProgress {
                stage: ImportStage::Done,
                done: report.rows,
                total: report.rows,
            });
            t.report = Some(report);
        });
    }

    /// How far the import `id` of `account` has got, if it is known.
    pub fn progress(&self, account: i64, id: &str) -> Option<ImportProgress> {
        let tracking = self.0.lock().ok()?;
        tracking
            .imports
            .get(&(account, id.to_owned()))
            .and_then(|t| t.progress)
    }

    /// The report of the import `id` of `account`, once it has one.
    pub fn report(&self, account: i64, id: &str) -> Option<ImportReport> {
        let tracking = self.0.lock().ok()?;
        tracking
            .imports
            .get(&(account, id.to_owned()))
            .and_then(|t| t.report.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::FieldContext;
    use crate::model::Parse;

    #[test]
    fn the_required_columns_are_those_without_a_default() {
        assert_eq!(
            required_columns(),
            ["user", "name-first-name", "name-last-name", "email"]
        );
    }

    #[test]
    fn a_header_with_unknown_duplicate_or_missing_columns_is_refused_naming_them() {
        let required = required_columns();
        let problems = read_csv(
            "user,colour,user,email\n101,red,101,a@b.example\n",
            &required,
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["colour", "user", "name-first-name", "name-last-name"]
        );
        assert!(problems.iter().all(|p| p.row == HEADER_ROW));
        assert!(problems[0].message.contains("Column 2"));
        assert!(read_csv("", &required).is_err());
    }

    #[test]
    fn rows_are_numbered_as_in_a_spreadsheet_and_blank_rows_are_skipped() {
        let text = "\u{feff}User,name-first-name,name-last-name,Email-Address\n\
                    101, Ann ,Lee,ann@acme.example\n\
                    ,,,\n\
                    \"102\",\"Bo, Jr\",Chan,bo@acme.example\n\
                    103,Cy\n";
        let rows = read_csv(text, &required_columns()).unwrap();
        let numbers: Vec<usize> = rows.iter().map(|(row, _)| *row).collect();
        assert_eq!(numbers, [2, 4, 5]);
        assert_eq!(rows[0].1.name_first_name, "Ann", "values are trimmed");
        assert_eq!(
            rows[0].1.email, "ann@acme.example",
            "email-address is email"
        );
        assert_eq!(rows[1].1.name_first_name, "Bo, Jr");
        assert_eq!(
            rows[2].1.name_last_name, "",
            "missing last values are blank"
        );
    }

    #[test]
    fn a_row_longer_than_the_header_is_refused() {
        let problems = read_csv(
            "user,name-first-name,name-last-name,email\n101,A,B,a@b.example,extra\n",
            &[],
        )
        .unwrap_err();
        assert_eq!((problems[0].row, problems[0].field.as_str()), (2, "file"));
    }

    #[test]
    fn repeats_across_rows_are_reported_on_the_later_row() {
        let acme = DomainName::parse("acme.example").unwrap();
        let parse = |ext: &str, numbers: &str, device: &str| {
            let form = UserForm {
                user: ext.into(),
                name_first_name: "A".into(),
                name_last_name: "B".into(),
                email: "a@b.example".into(),
                phone_numbers: numbers.into(),
                device: device.into(),
                ..UserForm::default()
            };
            NewUser::parse(&form, &acme, &FieldContext::default()).unwrap()
        };
        let news = [
            parse("101", "+1 612 555 0101", ""),
            parse("102", "+1 612 555 0101", "101"),
            parse("101", "", "x1"),
        ];
        // Row 2 did not parse, but its extension still counts.
        let problems = cross_row(&[3, 4, 5], &news, &[(2, "101".into())]);
        let found: Vec<(usize, &str)> =
            problems.iter().map(|p| (p.row, p.field.as_str())).collect();
        assert_eq!(
            found,
            [
                (3, "user"),
                (4, "device"),
                (4, "phone-numbers[0]"),
                (5, "user"),
                (5, "login-username")
            ]
        );
        assert!(problems[0].message.contains("also on row 2"));
        assert!(problems[1].message.contains("also on row 3"));
    }

    #[test]
    fn an_import_is_tracked_for_its_account_only() {
        let imports = Imports::default();
        let id = Imports::new_id();
        assert!(Imports::is_id(&id) && !Imports::is_id("../etc"));
        let at = ImportProgress {
            stage: ImportStage::Writing,
            done: 1,
            total: 2,
        };
        imports.set_progress(7, &id, at);
        assert_eq!(imports.progress(7, &id), Some(at));
        assert_eq!(
            imports.progress(8, &id),
            None,
            "another account sees nothing"
        );
        for _ in 0..KEEP_PER_ACCOUNT {
            imports.set_progress(7, &Imports::new_id(), at);
        }
        assert_eq!(imports.progress(7, &id), None, "the oldest goes first");
    }
}
