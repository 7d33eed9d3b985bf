//! The review: exactly what will be created, worked out in the browser by [`NewUser::parse`]
//! (the same call the server makes), with the domain's settings in effect where the user follows
//! them, or what stops it.

use super::{index_of, Wizard, REVIEW};
use crate::model::user::{NewUser, Step, UserForm, USER_FIELDS};
use crate::model::{FieldErrors, YesNo};
use leptos::prelude::*;

/// What the current values would create, or why they cannot: what the form's own checks find,
/// with what the live check found it colliding with in the domain.
fn outcome(wizard: Wizard) -> Result<NewUser, FieldErrors> {
    let form: UserForm = wizard.form();
    let parsed = wizard
        .start
        .with_value(|s| NewUser::parse(&form, &s.domain.domain, &s.field_context));
    let mut problems = parsed.as_ref().err().cloned().unwrap_or_default();
    for known in wizard.known_problems().iter() {
        if !problems
            .iter()
            .any(|p| super::base_field(&p.field) == known.field)
        {
            problems.add(known.field.clone(), known.message.clone());
        }
    }
    match parsed {
        Ok(new) if problems.is_empty() => Ok(new),
        _ => Err(problems),
    }
}

/// Whether the review shows problems, so that there is nothing to create yet.
pub(super) fn blocked(wizard: Wizard) -> bool {
    wizard.hydrated.get() && wizard.step.get() == REVIEW && outcome(wizard).is_err()
}

fn joined<T: ToString>(items: &[T]) -> String {
    if items.is_empty() {
        "None".to_owned()
    } else {
        items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn or_none<T: ToString>(value: Option<&T>) -> String {
    value.map_or_else(|| "None".to_owned(), ToString::to_string)
}

/// The summary of a user about to be created.
fn summary(wizard: Wizard, new: NewUser) -> impl IntoView {
    let (domain, known_sites, settings) = wizard.start.with_value(|s| {
        (
            s.domain.domain.to_string(),
            s.sites.clone(),
            s.domain.clone(),
        )
    });
    let inherited = new.values.inherited();
    let from_domain = |name: &str, text: String| {
        if inherited.contains(&name) {
            format!("{text} (from the domain)")
        } else {
            text
        }
    };
    let devices_of_new = new.devices.clone();
    let new = new.values.effective(&settings);
    let login_is_default = wizard.value("login-username").trim().is_empty();
    let login = if login_is_default {
        format!("{} (the default, extension@domain)", new.login())
    } else {
        new.login().to_owned()
    };
    let site = match &new.site {
        None => "None".to_owned(),
        Some(site) if known_sites.iter().any(|s| s == site.as_str()) => {
            format!("{site} (existing site)")
        }
        Some(site) => format!("{site} (new site, created with the user)"),
    };
    let devices = devices_of_new
        .iter()
        .map(|d| {
            let password = if d.sip_password.is_some() {
                "password: given"
            } else {
                "password: generated"
            };
            view! { <li><code>{format!("sip:{}@{domain}", d.device)}</code>", " {password}</li> }
        })
        .collect_view();
    let voicemail = if new.voicemail_enabled == Some(YesNo::Yes) {
        format!("A voicemail box {} is created.", new.user)
    } else {
        "No voicemail box.".to_owned()
    };
    let rule = &new.answer_rule();
    let mut forwards: Vec<String> = [
        ("Always", &rule.forward_always),
        ("When busy", &rule.forward_on_busy),
        ("When not answered", &rule.forward_no_answer),
        ("When offline", &rule.forward_when_unregistered),
    ]
    .into_iter()
    .filter_map(|(when, to)| to.as_ref().map(|to| format!("{when}: {to}")))
    .collect();
    if !rule.simultaneous_ring.is_empty() {
        forwards.push(format!("Also ring: {}", joined(&rule.simultaneous_ring)));
    }
    if rule.do_not_disturb {
        forwards.push("Do not disturb: on".to_owned());
    }
    let forwards = if forwards.is_empty() {
        "None".into_any()
    } else {
        view! { <ul>{forwards.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul> }
            .into_any()
    };
    let caller_id = match (&new.caller_id_name, &new.caller_id_number) {
        (Some(name), Some(number)) => format!("{name} <{number}>"),
        (Some(name), None) => name.to_string(),
        (None, Some(number)) => number.to_string(),
        (None, None) => "None".to_owned(),
    };
    let caller_id =
        if inherited.contains(&"caller-id-name") || inherited.contains(&"caller-id-number") {
            from_domain("caller-id-number", caller_id)
        } else {
            caller_id
        };
    let time_zone = from_domain("time-zone", or_none(new.time_zone.as_ref()));
    let emails: Vec<&str> = new.email.addresses().collect();
    view! {
        <dl class="review-list">
            <dt>"User"</dt>
            <dd>
                <ul>
                    <li>"Extension " <strong>{new.user.to_string()}</strong></li>
                    <li>{format!("Name: {} {}", new.name_first_name, new.name_last_name)}</li>
                    <li>{format!("Portal login: {login}")}</li>
                    <li>{format!("Scope: {}", new.user_scope)}</li>
                    <li>{format!("E-mail: {}", emails.join(", "))}</li>
                    <li>{format!("Status: {}", new.status.label())}</li>
                </ul>
            </dd>
            <dt>"Site"</dt>
            <dd>{site}</dd>
            <dt>"Department"</dt>
            <dd>{or_none(new.department.as_ref())}</dd>
            <dt>"SIP device"</dt>
            <dd><ul>{devices}</ul></dd>
            <dt>"Voicemail"</dt>
            <dd>{voicemail}</dd>
            <dt>"Phone numbers"</dt>
            <dd>{joined(&new.phone_numbers)}</dd>
            <dt>"Forwards"</dt>
            <dd>{forwards}</dd>
            <dt>"Call queues"</dt>
            <dd>{joined(&new.groups)}</dd>
            <dt>"Time zone"</dt>
            <dd>{time_zone}</dd>
            <dt>"Caller ID"</dt>
            <dd>{caller_id}</dd>
        </dl>
    }
}

/// The fields that stop the user from being created, each a link to its step.
fn problems(wizard: Wizard, errors: FieldErrors) -> impl IntoView {
    let items = errors
        .iter()
        .map(|e| {
            let step = Step::of_field(&e.field);
            let base = super::base_field(&e.field);
            let label = USER_FIELDS
                .iter()
                .find(|f| f.name == base)
                .map_or(base, |f| f.label)
                .to_owned();
            let index = index_of(step);
            view! {
                <li>
                    <a href=format!("#{}", super::fieldset_id(step))
                        on:click=move |ev| {
                            ev.prevent_default();
                            wizard.go_to(index);
                        }>
                        {format!("{label} ({})", step.title())}
                    </a>
                    {format!(": {}", e.message)}
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="form-error">"These fields need attention before the user can be created:"</p>
        <ul class="problems">{items}</ul>
    }
}

#[component]
pub(super) fn ReviewStep(wizard: Wizard) -> impl IntoView {
    let body = move || {
        if !wizard.hydrated.get() {
            // Server HTML: nothing runs in the page to work the review out.
            return view! {
                <p>"Check the fields above, then create the user. The server checks everything again and tells you what needs attention."</p>
            }
            .into_any();
        }
        if wizard.step.get() != REVIEW {
            return ().into_any();
        }
        match outcome(wizard) {
            Ok(new) => summary(wizard, new).into_any(),
            Err(errors) => problems(wizard, errors).into_any(),
        }
    };
    view! {
        <section id="review" class="review" aria-labelledby="review-heading"
            hidden=move || wizard.hides(REVIEW)>
            <h2 id="review-heading" tabindex="-1">{format!("{}. Review", REVIEW + 1)}</h2>
            {body}
            <InvitationChoice/>
        </section>
    }
}

/// How the new user learns its set-password link (a user with portal access only): e-mailed
/// with the welcome message (the default), or shown once to whoever creates it.
#[component]
fn InvitationChoice() -> impl IntoView {
    use crate::model::mail::Invitation;
    let options = Invitation::ALL
        .into_iter()
        .map(|choice| {
            let id = format!("invitation-{}", choice.as_str());
            view! {
                <label for=id.clone() class="choice">
                    <input type="radio" id=id.clone() name="invitation" value=choice.as_str()
                        checked=choice == Invitation::Send/>
                    " " {choice.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="invitation-choice">
            <legend>"Portal invitation"</legend>
            <p class="hint">"For a user with portal access: how it gets the link to set its password."</p>
            {options}
        </fieldset>
    }
}
