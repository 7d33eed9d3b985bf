//! Step 1, Identity: the extension and the name. The extension is also checked against the
//! domain as it is typed: a taken one is flagged before Next.

use super::{StepFieldset, Wizard};
use crate::api::users::extension_free;
use crate::model::user::{Step, USER_FIELDS};
use leptos::prelude::*;

#[component]
pub(super) fn IdentityStep(wizard: Wizard) -> impl IntoView {
    let extension = Memo::new(move |_| wizard.value("user").trim().to_owned());
    let check = USER_FIELDS
        .iter()
        .find(|f| f.name == "user")
        .map(|f| f.check);
    // Runs in the browser only (effects do not run on the server).
    Effect::new(move |_| {
        let typed = extension.get();
        let cx = wizard.start.with_value(|s| s.field_context);
        // The extension the form started with is the user's own (when editing) or was free when
        // the page was made (when creating).
        let own = wizard.initial.with_value(|f| f.user == typed);
        if own || typed.is_empty() || check.is_some_and(|check| check(&typed, &cx).is_err()) {
            return;
        }
        let domain = wizard.domain_name();
        leptos::task::spawn_local(async move {
            // An answer about a value that has since been changed is dropped.
            if let Ok(false) = extension_free(domain, typed.clone()).await {
                if extension.get_untracked() == typed {
                    wizard.set_error("user", format!("Extension {typed} is already taken."));
                }
            }
        });
    });
    view! { <StepFieldset wizard step=Step::Identity/> }
}
