//! A user's answer rules in order: each time frame's rule (what it forwards, whether it is on,
//! whether a call meets it now), moved up or down, switched on or off, deleted; the rule for a
//! time frame saved whole from one form whose fields are the user's own forward fields (the same
//! labels, and the same checks as they are typed); and the default rule (`*`), changed with the
//! user's forwards. Plain forms: they work before (and without) the WebAssembly.

use crate::api::answer_rules::{
    list_answer_rules, ArrangeAnswerRule, DeleteAnswerRule, RuleSummary, RulesPage, SaveAnswerRule,
    STEPS,
};
use crate::components::{
    declared_field, form_summary, refusal_of, row_refusal, Confirm, ErrorNotice, Page, SelectField,
};
use crate::error::AppError;
use crate::model::fields::find;
use crate::model::user::{ANSWER_RULE_FIELDS, DEFAULT_TIME_FRAME as DEFAULT, USER_FIELDS};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

#[component]
pub fn AnswerRulesPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let user = move || params.read().get("user").unwrap_or_default();
    let save = ServerAction::<SaveAnswerRule>::new();
    let arrange = ServerAction::<ArrangeAnswerRule>::new();
    let delete = ServerAction::<DeleteAnswerRule>::new();
    let rules = Resource::new(
        move || {
            let changes = save.version().get() + arrange.version().get() + delete.version().get();
            (domain(), user(), changes)
        },
        |(domain, user, _)| list_answer_rules(domain, user),
    );
    view! {
        <Page title=format!("Answer rules of {} in {}", user(), domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rules.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(page) => rules_view(domain(), user(), page, save, arrange, delete).into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

fn rules_view(
    domain: String,
    user: String,
    page: RulesPage,
    save: ServerAction<SaveAnswerRule>,
    arrange: ServerAction<ArrangeAnswerRule>,
    delete: ServerAction<DeleteAnswerRule>,
) -> impl IntoView {
    let back = format!("/domains/{domain}/users/{user}");
    let back_text = format!("← {} ({user})", page.name);
    let problem = Signal::derive(move || {
        arrange
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    let named = page.rules.len().saturating_sub(1);
    let rows = page
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let place = Place {
                first: i == 0,
                last: i + 1 >= named,
            };
            rule_row(
                &domain,
                &user,
                rule,
                place,
                page.may_change,
                arrange,
                delete,
            )
        })
        .collect_view();
    let form = page
        .may_change
        .then(|| rule_form(&domain, &user, &page, save));
    view! {
        <p class="actions"><A href=back>{back_text}</A></p>
        <p>
            "A call to the user meets the first rule that is on and whose time frame holds at that \
             moment, in the user's time zone; when none does, the default rule (*), which is the \
             user's own forwards."
        </p>
        {row_refusal(problem)}
        <table class="list answerrules">
            <caption>"Answer rules, in order"</caption>
            <thead><tr>
                <th scope="col">"Time frame"</th>
                <th scope="col">"Now"</th>
                <th scope="col">"Forwards"</th>
                <th scope="col">"Actions"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {form}
    }
}

/// Where a rule of a named time frame stands among the others.
#[derive(Clone, Copy)]
struct Place {
    first: bool,
    last: bool,
}

/// What a rule does, in words: each forward that is set, do-not-disturb, simultaneous ring.
fn rule_words(rule: &RuleSummary) -> Vec<String> {
    ANSWER_RULE_FIELDS
        .iter()
        .filter_map(|field| {
            let text = rule.fields.get(*field)?;
            let label = find(USER_FIELDS, field)?.label;
            match text.as_str() {
                "" | "no" => None,
                "yes" => Some(label.to_owned()),
                text => Some(format!("{label} {text}")),
            }
        })
        .collect()
}

fn rule_row(
    domain: &str,
    user: &str,
    rule: &RuleSummary,
    place: Place,
    may_change: bool,
    arrange: ServerAction<ArrangeAnswerRule>,
    delete: ServerAction<DeleteAnswerRule>,
) -> impl IntoView {
    let default = rule.time_frame == DEFAULT;
    let name = if default {
        "Default (*)".to_owned()
    } else {
        rule.time_frame.clone()
    };
    let now = match (rule.in_effect, rule.enabled) {
        (true, _) => "In effect",
        (false, false) => "Off",
        (false, true) => "",
    };
    let mut words = rule_words(rule);
    if words.is_empty() {
        words.push("Rings the user's phones".to_owned());
    }
    let words = words
        .into_iter()
        .map(|w| view! { <li>{w}</li> })
        .collect_view();
    let actions = match (may_change, default) {
        (false, _) => None,
        (true, true) => Some(
            view! {
                <A href=format!("/domains/{domain}/users/{user}/edit/devices")>"Change the user's forwards"</A>
            }
            .into_any(),
        ),
        (true, false) => {
            let steps = STEPS
                .iter()
                .filter(|(step, _)| match *step {
                    "up" => !place.first,
                    "down" => !place.last,
                    "on" => !rule.enabled,
                    _ => rule.enabled,
                })
                .map(|(step, label)| {
                    let (d, u, t) = (domain.to_owned(), user.to_owned(), rule.time_frame.clone());
                    let label = format!("{label}: {t}");
                    view! {
                        <ActionForm action=arrange attr:class="inline">
                            <input type="hidden" name="domain" value=d/>
                            <input type="hidden" name="user" value=u/>
                            <input type="hidden" name="time_frame" value=t/>
                            <input type="hidden" name="step" value=step.to_string()/>
                            <button type="submit" class="secondary" aria-label=label>{label_of(step)}</button>
                        </ActionForm>
                    }
                })
                .collect_view();
            let (d, u, t) = (domain.to_owned(), user.to_owned(), rule.time_frame.clone());
            let confirm = format!(" Delete the rule of {t}.");
            Some(
                view! {
                    {steps}
                    <ActionForm action=delete attr:class="inline">
                        <input type="hidden" name="domain" value=d/>
                        <input type="hidden" name="user" value=u/>
                        <input type="hidden" name="time_frame" value=t/>
                        <Confirm text=confirm/>
                        <button type="submit" class="danger">"Delete"</button>
                    </ActionForm>
                }
                .into_any(),
            )
        }
    };
    view! {
        <tr class:off=!rule.enabled>
            <th scope="row">{name}</th>
            <td>{now}</td>
            <td><ul class="plain">{words}</ul></td>
            <td>{actions}</td>
        </tr>
    }
}

/// The button text of a step (its label without the frame).
fn label_of(step: &str) -> &'static str {
    STEPS
        .iter()
        .find(|(s, _)| *s == step)
        .map_or("", |(_, label)| label)
}

/// The form that saves the rule of a time frame whole: the frame, then the user's own forward
/// fields, named `input[<field>]`.
fn rule_form(
    domain: &str,
    user: &str,
    page: &RulesPage,
    save: ServerAction<SaveAnswerRule>,
) -> impl IntoView {
    let rejected: Signal<Option<AppError>> =
        Signal::derive(move || save.value().get().and_then(Result::err));
    // A submission made without JavaScript comes back with what was sent.
    let sent = save
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<BTreeMap<String, String>>())
        .unwrap_or_default();
    let frames = if page.frames.is_empty() {
        None
    } else {
        Some(page.frames.clone())
    };
    let body = match frames {
        None => view! {
            <p class="empty">
                "Neither the user nor its domain has a time frame yet. Make one first on "
                <A href=format!("/domains/{domain}/timeframes")>"the domain's time frames"</A>
                "."
            </p>
        }
        .into_any(),
        Some(frames) => {
            let mut options = vec![(String::new(), "Choose…".to_owned())];
            options.extend(frames.into_iter().map(|f| {
                let has = page.rules.iter().any(|r| r.time_frame == f);
                let text = if has {
                    format!("{f} (has a rule: replace it)")
                } else {
                    f.clone()
                };
                (f, text)
            }));
            let initial = sent.get("time-frame").cloned().unwrap_or_default();
            let fields = ANSWER_RULE_FIELDS
                .iter()
                .filter_map(|field| find(USER_FIELDS, field))
                .map(|field| {
                    let initial = sent
                        .get(field.name)
                        .cloned()
                        .unwrap_or_else(|| field.default.unwrap_or_default().to_owned());
                    declared_field(field, initial, rejected, None, false)
                })
                .collect_view();
            let (domain, user) = (domain.to_owned(), user.to_owned());
            view! {
                <ActionForm action=save>
                    <input type="hidden" name="domain" value=domain/>
                    <input type="hidden" name="user" value=user/>
                    {form_summary(rejected)}
                    <SelectField name="input[time-frame]" id="time-frame" label="Time frame"
                        hint="While it holds, calls follow this rule. A frame with a rule already gets its rule replaced."
                        initial options server_error=refusal_of(rejected, "time-frame")/>
                    {fields}
                    <div class="buttons">
                        <button type="submit" disabled=move || save.pending().get()>"Save rule"</button>
                    </div>
                </ActionForm>
            }
            .into_any()
        }
    };
    view! {
        <section class="detail" aria-labelledby="rule-heading">
            <h2 id="rule-heading">"Rule for a time frame"</h2>
            {body}
        </section>
    }
}
