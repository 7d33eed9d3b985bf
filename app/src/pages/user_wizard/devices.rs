//! Step 6, Devices & numbers: the SIP device (its password generated unless given), the phone
//! numbers routed to the user, the answer rule's forwards, and the call queues it is an agent
//! of (the domain's queues suggested, by extension, with their descriptions).

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

const LISTS: &[(&str, &str)] = &[("groups", "queue-suggestions")];

#[component]
pub(super) fn DevicesStep(wizard: Wizard) -> impl IntoView {
    let queues = wizard.start.with_value(|s| s.groups.clone());
    view! {
        <StepFieldset wizard step=Step::Devices lists=LISTS>
            <datalist id="queue-suggestions">
                {queues
                    .into_iter()
                    .map(|q| view! { <option value=q.callqueue.to_string()>{q.description}</option> })
                    .collect_view()}
            </datalist>
        </StepFieldset>
    }
}
