//! What a repository answers when it cannot do what was asked: [`DbError`]. The services turn it
//! into the wire error once, in the errors module above this layer.

/// A uniqueness rule the database enforces: one value in a domain or in the whole system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A domain's name, system-wide.
    DomainName,
    /// A portal login, system-wide.
    Login,
    /// A user's extension, in its domain.
    Extension,
    /// A voicemail box's number, in its domain.
    Mailbox,
    /// A device's name, in its domain.
    Device,
    /// A phone number, system-wide.
    PhoneNumber,
    /// A site's name, in its domain.
    SiteName,
    /// A user as an agent, per call queue.
    QueueAgent,
    /// An answer rule's time frame, per user.
    TimeFrame,
    /// A time frame's name, per owner: among a domain's shared frames, or among a user's own.
    TimeFrameName,
    /// A reseller's name, system-wide and without regard to case.
    ResellerName,
}

/// Each unique constraint, as Postgres names it and as SQLite reports it (SQLite names the
/// columns, not the constraint: "UNIQUE constraint failed: users.domain_id, users.extension").
/// The one place a constraint is tied to its rule.
const CONSTRAINTS: &[(Rule, &str, &str)] = &[
    (Rule::DomainName, "domains_name_key", "domains.name"),
    (Rule::Login, "accounts_login_key", "accounts.login"),
    (
        Rule::Extension,
        "users_domain_extension_key",
        "users.domain_id, users.extension",
    ),
    (
        Rule::Mailbox,
        "voicemail_boxes_domain_mailbox_key",
        "voicemail_boxes.domain_id, voicemail_boxes.mailbox",
    ),
    (
        Rule::Device,
        "devices_domain_device_key",
        "devices.domain_id, devices.device",
    ),
    (
        Rule::PhoneNumber,
        "phone_numbers_number_key",
        "phone_numbers.number",
    ),
    (
        Rule::SiteName,
        "sites_domain_name_key",
        "sites.domain_id, sites.name",
    ),
    (
        Rule::Extension,
        "call_queues_domain_callqueue_key",
        "call_queues.domain_id, call_queues.callqueue",
    ),
    (
        Rule::QueueAgent,
        "call_queue_agents_queue_user_key",
        "call_queue_agents.queue_id, call_queue_agents.user_id",
    ),
    (
        Rule::TimeFrame,
        "answer_rules_user_time_frame_key",
        "answer_rules.user_id, answer_rules.time_frame",
    ),
    (
        Rule::TimeFrameName,
        "time_frames_domain_name_key",
        "time_frames.domain_id, time_frames.name",
    ),
    (
        Rule::TimeFrameName,
        "time_frames_user_name_key",
        "time_frames.user_id, time_frames.name",
    ),
    (
        Rule::ResellerName,
        "resellers_name_key",
        "index 'resellers_name_key'",
    ),
];

/// Why a repository could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// What the statement was about does not exist.
    #[error("not found")]
    NotFound,
    /// The write would break a uniqueness rule.
    #[error("conflict: {0:?}")]
    Conflict(Rule),
    /// A value given to a read cannot be what it claims to be (a keyset cursor that no page
    /// of this order handed out), reported on `field`.
    #[error("unreadable {field}")]
    Unreadable {
        field: &'static str,
        message: &'static str,
    },
    /// Anything else: the database failed or is out of reach.
    #[error(transparent)]
    Other(sqlx::Error),
}

pub type DbResult<T> = Result<T, DbError>;

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        if matches!(err, sqlx::Error::RowNotFound) {
            return DbError::NotFound;
        }
        match rule_broken(&err) {
            Some(rule) => DbError::Conflict(rule),
            None => DbError::Other(err),
        }
    }
}

/// The uniqueness rule `err` reports broken, if it is such an error.
fn rule_broken(err: &sqlx::Error) -> Option<Rule> {
    let db_err = err.as_database_error()?;
    if db_err.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    let found = match db_err.constraint() {
        Some(name) => CONSTRAINTS.iter().find(|(_, pg, _)| *pg == name),
        None => db_err
            .message()
            .rsplit_once(": ")
            .and_then(|(_, columns)| CONSTRAINTS.iter().find(|(_, _, lite)| *lite == columns)),
    };
    found.map(|(rule, _, _)| *rule)
}
