//! A user's answer rules, one per time frame, the plain functions behind the API and the portal.
//!
//! The default rule (`*`) is kept with the user's own fields and changed with them (the user's
//! edit). The rule of a named time frame (the user's own frame of that name, else its domain's
//! shared one) is kept beside it, in the user's order; the first enabled one whose frame holds
//! now is in effect, else the default. Such a rule is read, typed and checked in the fields of
//! the default one ([`UserValues::with_answer_rule`]), so a forward is refused in the same words
//! wherever it is set, and the same checks run (an extension the domain has, a number the dial
//! policy allows).
//!
//! Who may change a user's default rule may change its other rules: its managers, and the user
//! itself if its scope allows (Advanced User and up). Each change is one transaction with its
//! audit entry.

use super::audit;
use super::caller::Caller;
use super::db::domains::DomainRef;
use super::db::time_frames;
use super::db::users::write::rules::{self, StoredRule};
use super::db::users::Located;
use super::db::{Db, Tx};
use super::users::check::{self, Candidate, Current};
use super::users::{self, field_context, stored};
use crate::error::AppError;
use crate::model::fields::diff;
use crate::model::time_frame::TimeFrameName;
use crate::model::user::{
    AnswerRule, UserDetail, UserValues, ANSWER_RULE_FIELDS, DEFAULT_TIME_FRAME as DEFAULT,
    USER_FIELDS,
};
use crate::model::{DomainName, FieldErrors, Parse};

/// The field a rule's time frame is named in.
pub const TIME_FRAME: &str = "time-frame";

/// A user as the caller may see it, and its answer rules in order (the default last).
pub struct UserRules {
    pub user: UserDetail,
    pub rules: Vec<StoredRule>,
}

impl UserRules {
    /// The rule for `time_frame`, if the user has one.
    pub fn get(&self, time_frame: &str) -> Option<&StoredRule> {
        self.rules.iter().find(|r| r.time_frame == time_frame)
    }
}

/// The user `extension` of `domain` and its answer rules, if the caller may see the user.
pub async fn list_rules(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> Result<UserRules, AppError> {
    let (_, located, user) = users::read_user_located(db, caller, domain, extension).await?;
    let mut conn = db.pool().acquire().await?;
    let rules = rules::rules(&mut conn, located.id).await?;
    Ok(UserRules { user, rules })
}

/// What a change does to a user's rule of one named time frame.
pub enum RuleChange<'a> {
    /// Adds it (after the user's other rules), with the fields given (the rest off).
    Create {
        enabled: bool,
        fields: &'a [(&'static str, String)],
    },
    /// Changes the fields given (and whether it is enabled, if given).
    Update {
        enabled: Option<bool>,
        fields: &'a [(&'static str, String)],
    },
    Delete,
}

/// Makes `change` to the rule of the user `extension` of `domain` for the named time frame
/// `time_frame`, and answers with the user's rules after it.
///
/// A create names a frame the user has or its domain shares (else the `time-frame` field says
/// so) and that the user has no rule for yet (409); an update and a delete a rule the user has
/// (404). The rule's destinations are checked as the user's own forwards are, each problem named
/// by its field.
pub async fn change_rule(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    time_frame: &str,
    change: RuleChange<'_>,
) -> Result<UserRules, AppError> {
    let (found, located) =
        users::may_change(db, caller, domain, extension, &ANSWER_RULE_FIELDS).await?;
    if time_frame == DEFAULT {
        // The default rule is the user's own fields: its edit changes them.
        return Err(AppError::conflict(
            TIME_FRAME,
            "The rule for * is the user's own: change it with the user's forwards.",
        ));
    }
    let mut tx = db.begin().await?;
    let before = stored(&mut tx, &found, extension).await?;
    let current = rules::rules(&mut tx, located.id).await?;
    let had = current.iter().find(|r| r.time_frame == time_frame);
    let (action, old_rule, enabled, fields) = match (&change, had) {
        (RuleChange::Create { .. }, Some(_)) => {
            return Err(AppError::conflict(
                TIME_FRAME,
                &format!("This user has a rule for {time_frame} already: change that one instead."),
            ))
        }
        (RuleChange::Create { enabled, fields }, None) => {
            let name = TimeFrameName::parse(time_frame)
                .map_err(|e| AppError::invalid(FieldErrors::one(TIME_FRAME, e.0)))?;
            if !time_frames::frame_exists_for_user(&mut tx, found.id, located.id, name.as_str())
                .await?
            {
                return Err(AppError::invalid(FieldErrors::one(
                    TIME_FRAME,
                    format!(
                        "Neither this user nor its domain has a time frame named {name}: \
                         make the time frame first."
                    ),
                )));
            }
            (
                "answer-rule.create",
                AnswerRule::default(),
                *enabled,
                *fields,
            )
        }
        (_, None) => return Err(AppError::NotFound),
        (RuleChange::Update { enabled, fields }, Some(had)) => (
            "answer-rule.update",
            had.rule.clone(),
            enabled.unwrap_or(had.enabled),
            *fields,
        ),
        (RuleChange::Delete, Some(had)) => {
            ("answer-rule.delete", had.rule.clone(), had.enabled, &[][..])
        }
    };

    let old = before.values.clone().with_answer_rule(&old_rule);
    let mut new = match change {
        RuleChange::Delete => before
            .values
            .clone()
            .with_answer_rule(&AnswerRule::default()),
        _ => old.clone(),
    };
    let cx = field_context(&found);
    let mut errors = FieldErrors::default();
    for (name, text) in fields {
        if !ANSWER_RULE_FIELDS.contains(name) || !new.apply(name, text, &cx, &mut errors) {
            errors.add(*name, "Not a field of an answer rule.");
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    check_destinations(&mut tx, &found, &located, &old, &new).await?;

    let mut changes = audit::from_diff(diff(USER_FIELDS, &old.to_form(), &new.to_form()));
    if let Some(had) = had.filter(|had| had.enabled != enabled) {
        changes.insert("enabled".into(), (yes_no(had.enabled), yes_no(enabled)));
    }
    if matches!(change, RuleChange::Update { .. }) && changes.is_empty() {
        // Sent back as it was: nothing to write.
        return Ok(UserRules {
            user: before.without_secrets(),
            rules: current,
        });
    }
    let rule = new.answer_rule();
    match change {
        RuleChange::Create { .. } => {
            rules::insert(&mut tx, located.id, time_frame, enabled, &rule).await?
        }
        RuleChange::Update { .. } => {
            rules::update(&mut tx, located.id, time_frame, enabled, &rule).await?;
        }
        RuleChange::Delete => {
            rules::delete(&mut tx, located.id, time_frame).await?;
        }
    }
    record(
        &mut tx, caller, &found, extension, time_frame, action, &changes,
    )
    .await?;
    let rules = rules::rules(&mut tx, located.id).await?;
    tx.commit().await?;
    tracing::info!(domain = %domain, user = %extension, time_frame, action, by = caller.account_id, "answer rule changed");
    Ok(UserRules {
        user: before.without_secrets(),
        rules,
    })
}

/// Puts the user's rules in the order `order`, which names the time frame of each once, `*`
/// last (the default rule comes after all others). A time frame the user has no rule for is not
/// found; any other problem with the list is named on `body`.
pub async fn reorder_rules(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
    order: &[String],
) -> Result<UserRules, AppError> {
    let (found, located) =
        users::may_change(db, caller, domain, extension, &ANSWER_RULE_FIELDS).await?;
    let mut tx = db.begin().await?;
    let before = stored(&mut tx, &found, extension).await?;
    let current = rules::rules(&mut tx, located.id).await?;
    let had: Vec<&str> = current.iter().map(|r| r.time_frame.as_str()).collect();
    if order.iter().any(|t| !had.contains(&t.as_str())) {
        return Err(AppError::NotFound);
    }
    let mut problems = Vec::new();
    let missing: Vec<&str> = had
        .iter()
        .copied()
        .filter(|t| !order.iter().any(|o| o == t))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("Missing: {}", missing.join(", ")));
    }
    if order.len() > had.len() {
        problems.push("A time frame is named twice".to_owned());
    }
    if order.last().is_some_and(|t| t != DEFAULT) && missing.is_empty() {
        problems.push("* comes last".to_owned());
    }
    if !problems.is_empty() {
        return Err(AppError::invalid(FieldErrors::one(
            "body",
            format!(
                "Please provide all timeframes in the new order. {}.",
                problems.join(". ")
            ),
        )));
    }
    let named: Vec<String> = order.iter().filter(|t| *t != DEFAULT).cloned().collect();
    if had.iter().copied().ne(order.iter().map(String::as_str)) {
        rules::reorder(&mut tx, located.id, &named).await?;
        let mut changes = audit::Changes::new();
        changes.insert("order".into(), (had.join(", "), order.join(", ")));
        record(
            &mut tx,
            caller,
            &found,
            extension,
            "",
            "answer-rule.reorder",
            &changes,
        )
        .await?;
    }
    let rules = rules::rules(&mut tx, located.id).await?;
    tx.commit().await?;
    Ok(UserRules {
        user: before.without_secrets(),
        rules,
    })
}

/// The destinations `new` sends calls to that `old` did not, checked as a change of the user's
/// own forwards is: an extension of the domain, a number the user's dial policy allows.
async fn check_destinations(
    tx: &mut Tx,
    found: &DomainRef,
    located: &Located,
    old: &UserValues,
    new: &UserValues,
) -> Result<(), AppError> {
    let candidate = Candidate {
        values: new,
        devices: Vec::new(),
        wants_box: false,
        current: Some(Current {
            id: located.id,
            before: old,
        }),
    };
    let checked = check::check(tx, found, std::slice::from_ref(&candidate), true).await?;
    match checked.problems.into_iter().next() {
        Some((_, problems)) => Err(problems.into_error()),
        None => Ok(()),
    }
}

fn yes_no(on: bool) -> String {
    if on { "yes" } else { "no" }.to_owned()
}

async fn record(
    tx: &mut Tx,
    caller: &Caller,
    found: &DomainRef,
    extension: &str,
    time_frame: &str,
    action: &str,
    changes: &audit::Changes,
) -> Result<(), AppError> {
    let target = match time_frame {
        "" => extension.to_owned(),
        frame => format!("{frame} of {extension}"),
    };
    audit::record(tx, caller, audit::within(found), action, &target, changes).await
}

/// Whether the caller may change the answer rules of the user `extension` of `domain`.
pub async fn may_change_rules(
    db: &Db,
    caller: &Caller,
    domain: &DomainName,
    extension: &str,
) -> bool {
    users::may_change(db, caller, domain, extension, &ANSWER_RULE_FIELDS)
        .await
        .is_ok()
}
