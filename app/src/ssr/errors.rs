//! How a refusal of the database reaches the caller: the one place a broken uniqueness rule
//! becomes a conflict on a named field, and any other failure an `Internal` error with its cause
//! in the log.

use super::db::{DbError, Rule};
use crate::error::AppError;

impl Rule {
    /// The field a conflict on this rule is reported on, and what it says, where the request
    /// named the value in the user form's vocabulary.
    pub fn field_and_message(self) -> (&'static str, &'static str) {
        match self {
            Rule::DomainName => ("domain", "A domain with this name already exists."),
            Rule::Login => ("login-username", "This login is already taken."),
            Rule::Extension => ("user", "This extension is already taken in this domain."),
            Rule::Mailbox => (
                "user",
                "A voicemail box with this number already exists in this domain.",
            ),
            Rule::Device => (
                "device",
                "This device name is already in use in this domain.",
            ),
            Rule::PhoneNumber => ("phone-numbers", "This number is already in use."),
            Rule::SiteName => ("site", "This domain already has a site with this name."),
            Rule::QueueAgent => (
                "callqueue-agent-id",
                "This user is an agent of this queue already.",
            ),
            Rule::TimeFrame => (
                "time-frame",
                "This user already has a rule for this time frame.",
            ),
            Rule::TimeFrameName => (
                "timeframe-name",
                "A time frame with this name already exists here.",
            ),
            Rule::ResellerName => ("reseller", "Reseller with name already exists."),
        }
    }
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => AppError::NotFound,
            DbError::Conflict(rule) => {
                let (field, message) = rule.field_and_message();
                AppError::conflict(field, message)
            }
            DbError::Unreadable { field, message } => {
                let mut errors = crate::model::FieldErrors::default();
                errors.add(field, message);
                AppError::invalid(errors)
            }
            DbError::Other(cause) => {
                tracing::error!(error = %cause, "database error");
                AppError::Internal
            }
        }
    }
}

/// `err` as the caller is told it, with conflicts on `rule` reported on `field` instead (the
/// phone numbers API names a number `phonenumber`, the user form `phone-numbers`).
pub fn conflict_on(err: DbError, rule: Rule, field: &str, message: &str) -> AppError {
    match err {
        DbError::Conflict(broken) if broken == rule => AppError::conflict(field, message),
        other => other.into(),
    }
}

impl From<sqlx::Error> for AppError {
    /// A failure of the database outside a repository (a commit, a connection).
    fn from(err: sqlx::Error) -> Self {
        DbError::from(err).into()
    }
}
