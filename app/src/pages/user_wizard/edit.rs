//! Editing a user one section at a time: a section is one of the wizard's steps, with its fields
//! only, saved on its own with `update_user` (which changes just the fields of that section, in
//! one transaction). Blank secrets (voicemail PIN, SIP password) keep what is stored.

use super::{conflicts, starting_values, OneStep, Wizard};
use crate::api::users::{edit_user_form, UpdateUser};
use crate::components::{ErrorNotice, Page, RequiredNote};
use crate::error::AppError;
use crate::model::user::{Step, WizardStart, USER_FIELDS};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
fn UserEditor(
    start: WizardStart,
    user: String,
    step: Step,
    action: ServerAction<UpdateUser>,
) -> impl IntoView {
    let last = action.value().get_untracked();
    let initial = starting_values(last.clone(), start.form.clone());
    let refused = last.and_then(Result::err);
    // The section stays in view: an edit is one form, not a sequence.
    let wizard = Wizard::new(start, initial, refused, Signal::stored(false), user.clone());
    conflicts::watch(wizard);
    let domain = wizard.domain_name();
    let back = format!("/domains/{domain}/users/{user}#section-{}", step.slug());
    let keeps_secrets = USER_FIELDS.iter().any(|f| f.step == step && f.is_secret());
    Effect::new(move |_| {
        if let Some(Err(error)) = action.value().get() {
            wizard.refused(&error);
        }
    });
    view! {
        <ActionForm action=action attr:class="wizard editor">
            <input type="hidden" name="domain" value=domain/>
            <input type="hidden" name="user" value=user/>
            <input type="hidden" name="section" value=step.slug()/>
            <p class="form-error" role="alert">{move || wizard.notice.get()}</p>
            <RequiredNote/>
            {keeps_secrets.then(|| view! {
                <p class="hint">"Leave a password or PIN blank to keep the one the user has."</p>
            })}
            <div class="wizard-steps">
                <OneStep wizard step/>
            </div>
            <div class="buttons">
                <button type="submit" disabled=move || action.pending().get()>"Save changes"</button>
                <A href=back>"Cancel"</A>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("name").unwrap_or_default(),
            p.get("user").unwrap_or_default(),
        )
    };
    let step = move || {
        params
            .read()
            .get("section")
            .and_then(|s| Step::from_slug(&s))
    };
    let start = Resource::new(key, |(domain, user)| edit_user_form(domain, user));
    let action = ServerAction::<UpdateUser>::new();
    let title = move || {
        let (domain, user) = key();
        match step() {
            Some(step) => format!("Edit {} of user {user} in {domain}", step.title()),
            None => format!("Edit user {user} in {domain}"),
        }
    };
    view! {
        <Page title=title()>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match (start.await, step()) {
                        (Err(error), _) => view! { <ErrorNotice error/> }.into_any(),
                        (Ok(_), None) => view! { <ErrorNotice error=AppError::NotFound/> }.into_any(),
                        (Ok(start), Some(step)) => {
                            view! { <UserEditor start user=key().1 step action/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}
