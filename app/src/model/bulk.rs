//! Bulk import of users from CSV: what an import reports (every problem, by row and field) and how
//! far a running one has got.
//!
//! Rows are numbered as a spreadsheet numbers them: the header is row 1, the first user row 2.
//! A problem's path is `rows[N].<field>`, with the field's NetSapiens name (`rows[3].user`,
//! `rows[7].phone-numbers[1]`); a problem with the header names the column as its field.

use super::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};

/// The header's row number.
pub const HEADER_ROW: usize = 1;

/// One problem of an import: the row (see the module's numbering), the field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl RowProblem {
    /// The problem's path, as field errors name it: `rows[3].user`.
    pub fn path(&self) -> String {
        format!("rows[{}].{}", self.row, self.field)
    }

    /// The problem a field error with a `rows[N].` path stands for (`None` for any other path).
    pub fn from_field_error(error: &FieldError) -> Option<Self> {
        let rest = error.field.strip_prefix("rows[")?;
        let (row, field) = rest.split_once("].")?;
        Some(Self {
            row: row.parse().ok()?,
            field: field.to_owned(),
            message: error.message.clone(),
        })
    }
}

/// Problems as field errors with `rows[N].` paths (how a refused import answers).
pub fn to_field_errors(problems: &[RowProblem]) -> FieldErrors {
    FieldErrors(
        problems
            .iter()
            .map(|p| FieldError {
                field: p.path(),
                message: p.message.clone(),
            })
            .collect(),
    )
}

/// Field errors with `rows[N].` paths as problems; errors with other paths are kept as problems of
/// the header row with their own field.
pub fn from_field_errors(errors: &FieldErrors) -> Vec<RowProblem> {
    errors
        .iter()
        .map(|e| {
            RowProblem::from_field_error(e).unwrap_or_else(|| RowProblem {
                row: HEADER_ROW,
                field: e.field.clone(),
                message: e.message.clone(),
            })
        })
        .collect()
}

/// What an import did, or (for a dry run) would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ImportReport {
    /// Only checked: nothing was written.
    pub dry_run: bool,
    /// User rows in the file (blank rows are skipped).
    pub rows: usize,
    /// Users created: every row, or none.
    pub created: usize,
    /// Every problem found, in row order; an import with any writes nothing.
    pub problems: Vec<RowProblem>,
    /// What the importer should know next, in words.
    pub message: String,
}

/// The steps of an import, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStage {
    /// Parsing each row with the form's parsers.
    Reading,
    /// Checking the rows against each other and against the domain.
    Checking,
    /// Writing (rows of every table written so far, of all to write).
    Writing,
    /// Finished, written or refused.
    Done,
}

impl ImportStage {
    pub fn label(self) -> &'static str {
        match self {
            ImportStage::Reading => "Reading rows",
            ImportStage::Checking => "Checking against the domain",
            ImportStage::Writing => "Writing",
            ImportStage::Done => "Done",
        }
    }
}

/// How far a running import has got: `done` of `total` in its current stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub stage: ImportStage,
    pub done: usize,
    pub total: usize,
}

impl ImportProgress {
    /// Percent of the current stage, 0 to 100.
    pub fn percent(&self) -> usize {
        (self.done * 100)
            .checked_div(self.total)
            .unwrap_or(100)
            .min(100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problems_path_reads_back_as_the_problem() {
        let problem = RowProblem {
            row: 7,
            field: "phone-numbers[1]".into(),
            message: "Taken.".into(),
        };
        let errors = to_field_errors(std::slice::from_ref(&problem));
        assert_eq!(errors.0[0].field, "rows[7].phone-numbers[1]");
        assert_eq!(from_field_errors(&errors), [problem]);
    }

    #[test]
    fn an_error_without_a_row_is_a_problem_of_the_header() {
        let errors = FieldErrors::one("colour", "Not a column.");
        let problems = from_field_errors(&errors);
        assert_eq!(
            (problems[0].row, problems[0].field.as_str()),
            (HEADER_ROW, "colour")
        );
    }

    #[test]
    fn progress_is_a_percent_of_its_stage() {
        let at = |done, total| ImportProgress {
            stage: ImportStage::Writing,
            done,
            total,
        };
        assert_eq!(at(50, 200).percent(), 25);
        assert_eq!(at(0, 0).percent(), 100);
        assert_eq!(at(9, 3).percent(), 100);
    }
}
