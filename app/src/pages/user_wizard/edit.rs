//! Editing a user: the wizard's fields, all steps shown at once, saved with `update_user` in one
//! transaction. Blank secrets (voicemail PIN, SIP password) keep what is stored.

use super::{starting_values, AllSteps, Wizard};
use crate::api::users::{edit_user_form, UpdateUser};
use crate::components::{ErrorNotice, Page};
use crate::model::user::WizardStart;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
fn UserEditor(start: WizardStart, user: String, action: ServerAction<UpdateUser>) -> impl IntoView {
    let last = action.value().get_untracked();
    let initial = starting_values(last.clone(), start.form.clone());
    let refused = last.and_then(Result::err);
    // Every step stays in view: an edit is one form, not a sequence.
    let wizard = Wizard::new(start, initial, refused, Signal::stored(false));
    let domain = wizard.domain_name();
    let back = format!("/domains/{domain}/users/{user}");
    Effect::new(move |_| {
        if let Some(Err(error)) = action.value().get() {
            wizard.refused(&error);
        }
    });
    view! {
        <ActionForm action=action attr:class="wizard editor">
            <input type="hidden" name="domain" value=domain/>
            <input type="hidden" name="user" value=user/>
            <p class="form-error" role="alert">{move || wizard.notice.get()}</p>
            <p class="hint">"Leave the voicemail PIN and SIP password blank to keep them."</p>
            <div class="wizard-steps">
                <AllSteps wizard/>
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
    let start = Resource::new(key, |(domain, user)| edit_user_form(domain, user));
    let action = ServerAction::<UpdateUser>::new();
    view! {
        <Page title=format!("Edit user {} in {}", key().1, key().0)>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match start.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(start) => view! { <UserEditor start user=key().1 action/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}
