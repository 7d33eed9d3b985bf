//! Reading a file's rows, and what is wrong with them: its header, a row's fields, and what only
//! a file can get wrong (two rows with the same extension, login, device or phone number).

use super::{columns, MAX_ROWS};
use crate::error::AppError;
use crate::model::bulk::{RowProblem, HEADER_ROW};
use crate::model::user::{NewUser, UserForm};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// A refused row's problems: its field errors, or the refusal itself.
pub(super) fn row_problems(row: usize, error: &AppError) -> Vec<RowProblem> {
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
pub(super) fn read_csv(
    text: &str,
    required: &[&str],
) -> Result<Vec<(usize, UserForm)>, Vec<RowProblem>> {
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
            .map(|(name, value)| ((*name).to_owned(), cell_in(value).into()))
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
pub(super) fn cross_row(
    rows: &[usize],
    news: &[NewUser],
    unparsed: &[(usize, String)],
) -> Vec<RowProblem> {
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

/// The characters a spreadsheet reads at the start of a cell as the start of a formula (OWASP's
/// CSV injection list).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet would take `value` for a formula once one leading `'` is taken off it.
fn formula_like(value: &str) -> bool {
    value.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A value as the export writes it: one a spreadsheet would run as a formula (a status message
/// `=HYPERLINK(...)`, but a phone number `+1...` too) gets a leading `'`, which spreadsheets show
/// as text and [`cell_in`] takes off again, so an export imports as it was.
pub(super) fn cell_out(value: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(value) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// A cell as the import reads it: the leading `'` [`cell_out`] added (or a spreadsheet user
/// typed to keep a value as text) is taken off.
pub(super) fn cell_in(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if formula_like(value) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod cell_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_written_as_text() {
        assert_eq!(
            cell_out("=HYPERLINK(\"http://evil\",\"x\")"),
            "'=HYPERLINK(\"http://evil\",\"x\")"
        );
        assert_eq!(cell_out("+16125550100"), "'+16125550100");
        assert_eq!(cell_out("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell_out("\tx"), "'\tx");
        assert_eq!(cell_out("Sales"), "Sales");
        assert_eq!(cell_out(""), "");
    }

    proptest! {
        #[test]
        fn every_value_reads_back_as_it_was_written(value in "['=+@a-z-]{0,4}\\PC{0,8}") {
            let written = cell_out(&value);
            prop_assert_eq!(cell_in(&written), value.as_str());
            prop_assert!(!written.starts_with(FORMULA_STARTS));
        }
    }
}
