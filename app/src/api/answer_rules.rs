//! A user's answer rules, for the portal's answer-rules page: the rules in order with the one in
//! effect now, the time frames a new rule may follow, and the rule of a time frame saved whole
//! (made, or changed), switched on or off, moved up or down, deleted. The plain functions behind
//! the API check the permission table and the destinations.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::user::{ANSWER_RULE_FIELDS, DEFAULT_TIME_FRAME as DEFAULT};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One rule as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleSummary {
    pub time_frame: String,
    pub enabled: bool,
    /// A call to the user meets this rule now.
    pub in_effect: bool,
    /// Its fields' texts, by the user field each is kept in ([`ANSWER_RULE_FIELDS`]).
    pub fields: BTreeMap<String, String>,
}

/// What the answer-rules page of a user shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulesPage {
    /// The user's name, for the heading.
    pub name: String,
    /// In order, the default last.
    pub rules: Vec<RuleSummary>,
    /// The time frames the caller may give the user a rule for: its own and its domain's, by
    /// name.
    pub frames: Vec<String>,
    pub may_change: bool,
}

/// The address of the answer-rules page of `user` in `domain`.
pub fn rules_page(domain: &str, user: &str) -> String {
    format!("/domains/{domain}/users/{user}/answerrules")
}

/// The body of a server function that changes a user's rules: `act`, then back to the page.
#[cfg(feature = "ssr")]
async fn act_on_rules(
    domain: &str,
    user: &str,
    done: crate::model::done::Done,
    act: impl AsyncFnOnce(
        &crate::ssr::AppState,
        &crate::ssr::caller::Caller,
        &crate::model::DomainName,
    ) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let at = rules_page(domain, user);
    crate::ssr::request::act_then_go(&at, done, |state, caller| async move {
        let name = crate::ssr::access::parse_name(domain)?;
        act(&state, &caller, &name).await
    })
    .await
}

/// The answer rules of the user `user` of `domain`.
#[server(endpoint = "list-answer-rules")]
pub async fn list_answer_rules(domain: String, user: String) -> Result<RulesPage, AppError> {
    use crate::ssr::time_frames::{list_time_frames, FrameOwner};
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let db = &state.db;
            let listed = crate::ssr::answer_rules::list_rules(db, &caller, &name, &user).await?;
            let may_change =
                crate::ssr::answer_rules::may_change_rules(db, &caller, &name, &user).await;
            let mut frames = Vec::new();
            if may_change {
                // Those of the frames the caller may read: a user's own, then its domain's.
                for owner in [FrameOwner::User(&user), FrameOwner::Domain] {
                    if let Ok(found) = list_time_frames(db, &caller, &name, owner).await {
                        frames.extend(found.into_iter().map(|f| f.name.to_string()));
                    }
                }
                frames.sort();
                frames.dedup();
            }
            let v = &listed.user.values;
            let rules = listed
                .rules
                .iter()
                .map(|rule| {
                    let form = v.clone().with_answer_rule(&rule.rule).to_form();
                    let fields = ANSWER_RULE_FIELDS
                        .iter()
                        .filter_map(|field| {
                            let declared =
                                crate::model::fields::find(crate::model::user::USER_FIELDS, field)?;
                            Some((field.to_string(), (declared.get)(&form).to_owned()))
                        })
                        .collect();
                    RuleSummary {
                        time_frame: rule.time_frame.clone(),
                        enabled: rule.enabled,
                        in_effect: rule.in_effect,
                        fields,
                    }
                })
                .collect();
            Ok(RulesPage {
                name: format!("{} {}", v.name_first_name, v.name_last_name),
                rules,
                frames,
                may_change,
            })
        }
        .await,
    )
}

/// Saves the rule of the time frame `input[time-frame]` as the form has it, whole (a blank field
/// is off): made if the user has none for it, else changed.
#[server(endpoint = "save-answer-rule")]
pub async fn save_answer_rule(
    domain: String,
    user: String,
    input: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::model::done::Done;
    use crate::ssr::answer_rules::{change_rule, list_rules, RuleChange};
    act_on_rules(
        &domain,
        &user,
        Done::AnswerRuleSaved,
        async |state, caller, name| {
            let time_frame = input.get("time-frame").map(|t| t.trim()).unwrap_or("");
            if time_frame.is_empty() || time_frame == DEFAULT {
                return Err(AppError::invalid(crate::model::FieldErrors::one(
                    "time-frame",
                    "Choose the time frame the rule follows.",
                ))
                .with_input(&input));
            }
            let fields: Vec<(&'static str, String)> = ANSWER_RULE_FIELDS
                .iter()
                .map(|field| (*field, input.get(*field).cloned().unwrap_or_default()))
                .collect();
            let had = list_rules(&state.db, caller, name, &user).await?;
            let change = match had.get(time_frame) {
                Some(_) => RuleChange::Update {
                    enabled: None,
                    fields: &fields,
                },
                None => RuleChange::Create {
                    enabled: true,
                    fields: &fields,
                },
            };
            change_rule(&state.db, caller, name, &user, time_frame, change)
                .await
                .map(drop)
                .map_err(|e| e.with_input(&input))
        },
    )
    .await
}

/// What [`arrange_answer_rule`] does to a rule.
pub const STEPS: [(&str, &str); 4] = [
    ("up", "Move up"),
    ("down", "Move down"),
    ("on", "Switch on"),
    ("off", "Switch off"),
];

/// Moves the rule of `time_frame` one place up or down, or switches it on or off (`step`).
#[server(endpoint = "arrange-answer-rule")]
pub async fn arrange_answer_rule(
    domain: String,
    user: String,
    time_frame: String,
    step: String,
) -> Result<(), AppError> {
    use crate::model::done::Done;
    use crate::ssr::answer_rules::{change_rule, list_rules, reorder_rules, RuleChange};
    act_on_rules(
        &domain,
        &user,
        Done::AnswerRuleMoved,
        async |state, caller, name| {
            let db = &state.db;
            match step.as_str() {
                "on" | "off" => {
                    let change = RuleChange::Update {
                        enabled: Some(step == "on"),
                        fields: &[],
                    };
                    change_rule(db, caller, name, &user, &time_frame, change).await?;
                }
                "up" | "down" => {
                    let mut order: Vec<String> = list_rules(db, caller, name, &user)
                        .await?
                        .rules
                        .into_iter()
                        .map(|r| r.time_frame)
                        .collect();
                    let named = order.len().saturating_sub(1);
                    let at = order[..named]
                        .iter()
                        .position(|t| *t == time_frame)
                        .ok_or(AppError::NotFound)?;
                    match step.as_str() {
                        "up" if at > 0 => order.swap(at, at - 1),
                        "down" if at + 1 < named => order.swap(at, at + 1),
                        _ => {}
                    }
                    reorder_rules(db, caller, name, &user, &order).await?;
                }
                _ => {
                    return Err(AppError::invalid(crate::model::FieldErrors::one(
                        "step",
                        "One of up, down, on or off.",
                    )))
                }
            }
            Ok(())
        },
    )
    .await
}

/// Deletes the rule of the time frame `time_frame`.
#[server(endpoint = "delete-answer-rule")]
pub async fn delete_answer_rule(
    domain: String,
    user: String,
    time_frame: String,
) -> Result<(), AppError> {
    use crate::model::done::Done;
    use crate::ssr::answer_rules::{change_rule, RuleChange};
    act_on_rules(
        &domain,
        &user,
        Done::AnswerRuleDeleted,
        async |state, caller, name| {
            change_rule(
                &state.db,
                caller,
                name,
                &user,
                &time_frame,
                RuleChange::Delete,
            )
            .await
            .map(drop)
        },
    )
    .await
}
