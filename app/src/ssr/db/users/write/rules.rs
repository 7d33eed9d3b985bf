//! A user's answer rules, one per time frame: the default (`*`, written with the user, see
//! [`super::set_answer_rule`]) and one for each time frame it names, in the user's order
//! (`position`). Which one is in effect now is the database's `active_answer_rules` view, the one
//! the SIP side reads, so what a read says is in effect is what a call meets.

use super::{rule_columns, set, Col};
use crate::model::user::AnswerRule;
use crate::model::{Destination, Parse};
use crate::ssr::db::domains::corrupt;
use crate::ssr::db::{flag, DbResult, Sql, Tx};
use sqlx::{AnyConnection, FromRow};

/// One of a user's answer rules as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRule {
    /// The name of its time frame (`*` for the default).
    pub time_frame: String,
    pub enabled: bool,
    /// It is the rule a call to the user meets now.
    pub in_effect: bool,
    pub rule: AnswerRule,
}

/// The columns of an answer rule, as stored.
#[derive(FromRow)]
pub struct RuleColumns {
    pub forward_always: Option<String>,
    pub forward_busy: Option<String>,
    pub forward_no_answer: Option<String>,
    pub forward_unregistered: Option<String>,
    pub do_not_disturb: i64,
    pub simultaneous_ring: String,
}

impl RuleColumns {
    /// The rule these columns hold.
    pub fn answer_rule(self) -> DbResult<AnswerRule> {
        let parse = |t: &str| Destination::parse(t).map_err(|e| corrupt("answer rule", e.0));
        let one = |text: Option<String>| {
            text.filter(|t| !t.is_empty())
                .map(|t| parse(&t))
                .transpose()
        };
        Ok(AnswerRule {
            forward_always: one(self.forward_always)?,
            forward_on_busy: one(self.forward_busy)?,
            forward_no_answer: one(self.forward_no_answer)?,
            forward_when_unregistered: one(self.forward_unregistered)?,
            do_not_disturb: self.do_not_disturb != 0,
            simultaneous_ring: self
                .simultaneous_ring
                .split(',')
                .filter(|t| !t.trim().is_empty())
                .map(parse)
                .collect::<DbResult<_>>()?,
        })
    }
}

#[derive(FromRow)]
struct RuleRow {
    time_frame: String,
    enabled: i64,
    in_effect: i64,
    #[sqlx(flatten)]
    columns: RuleColumns,
}

impl RuleRow {
    fn stored(self) -> DbResult<StoredRule> {
        Ok(StoredRule {
            rule: self.columns.answer_rule()?,
            time_frame: self.time_frame,
            enabled: self.enabled != 0,
            in_effect: self.in_effect != 0,
        })
    }
}

/// The answer rules of the user `user_id`, in order: those of named time frames by position,
/// the default last. Through a connection or a transaction (`&mut *tx`).
pub async fn rules(conn: &mut AnyConnection, user_id: i64) -> DbResult<Vec<StoredRule>> {
    let rows: Vec<RuleRow> = sqlx::query_as(
        "SELECT ar.time_frame, ar.enabled, \
         CASE WHEN EXISTS (SELECT 1 FROM active_answer_rules a WHERE a.user_id = ar.user_id \
                           AND a.id = ar.id) THEN 1 ELSE 0 END AS in_effect, \
         ar.forward_always, ar.forward_busy, ar.forward_no_answer, ar.forward_unregistered, \
         ar.do_not_disturb, ar.simultaneous_ring \
         FROM answer_rules ar WHERE ar.user_id = $1 \
         ORDER BY CASE WHEN ar.time_frame = '*' THEN 1 ELSE 0 END, ar.position, ar.id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(RuleRow::stored).collect()
}

/// Adds the rule for the time frame `time_frame` after the user's others. A time frame the user
/// has a rule for already breaks the rule's unique key.
pub async fn insert(
    tx: &mut Tx,
    user_id: i64,
    time_frame: &str,
    enabled: bool,
    rule: &AnswerRule,
) -> DbResult<()> {
    let columns = rule_columns(rule);
    let mut sql = Sql::new("INSERT INTO answer_rules (user_id, time_frame, enabled, position");
    for (name, _) in &columns {
        sql.push(", ").push(name);
    }
    sql.push(") SELECT ")
        .bind(user_id)
        .push(", ")
        .bind(time_frame.to_owned())
        .push(", ")
        .bind(flag(enabled))
        .push(", COALESCE(MAX(position), 0) + 1");
    for (_, value) in columns {
        sql.push(", ");
        value.bind(&mut sql);
    }
    sql.push(" FROM answer_rules WHERE user_id = ")
        .bind(user_id);
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// Writes the rule of the user for `time_frame` in place. `false` if it has none.
pub async fn update(
    tx: &mut Tx,
    user_id: i64,
    time_frame: &str,
    enabled: bool,
    rule: &AnswerRule,
) -> DbResult<bool> {
    let columns = rule_columns(rule)
        .into_iter()
        .chain([("enabled", Col::Int(flag(enabled)))]);
    let mut sql = set("answer_rules", columns);
    sql.push(" WHERE user_id = ")
        .bind(user_id)
        .push(" AND time_frame = ")
        .bind(time_frame.to_owned());
    Ok(sql.query().execute(&mut **tx).await?.rows_affected() > 0)
}

/// Deletes the user's rule for the (named) time frame `time_frame`. `false` if it has none.
pub async fn delete(tx: &mut Tx, user_id: i64, time_frame: &str) -> DbResult<bool> {
    let done = sqlx::query(
        "DELETE FROM answer_rules WHERE user_id = $1 AND time_frame = $2 AND time_frame <> '*'",
    )
    .bind(user_id)
    .bind(time_frame.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Puts the user's rules for the named time frames `order` in that order (each named once).
pub async fn reorder(tx: &mut Tx, user_id: i64, order: &[String]) -> DbResult<()> {
    for (i, time_frame) in order.iter().enumerate() {
        sqlx::query("UPDATE answer_rules SET position = $1 WHERE user_id = $2 AND time_frame = $3")
            .bind(i as i64 + 1)
            .bind(user_id)
            .bind(time_frame.to_owned())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
