//! Step 6, Devices & numbers: the SIP device (its password generated unless given), the phone
//! numbers routed to the user, the answer rule's forwards, and the groups to join (the domain's
//! existing groups suggested).

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

const LISTS: &[(&str, &str)] = &[("groups", "group-suggestions")];

#[component]
pub(super) fn DevicesStep(wizard: Wizard) -> impl IntoView {
    let groups = wizard.start.with_value(|s| s.groups.clone());
    view! {
        <StepFieldset wizard step=Step::Devices lists=LISTS>
            <datalist id="group-suggestions">
                {groups.into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
            </datalist>
        </StepFieldset>
    }
}
