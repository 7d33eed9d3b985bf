//! Step 6, Devices & numbers: the SIP device (its password generated unless given), the phone
//! numbers routed to the user, the answer rule's forwards, and the call queues it is an agent
//! of (the domain's queues, ticked to join).

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

#[component]
pub(super) fn DevicesStep(wizard: Wizard) -> impl IntoView {
    view! { <StepFieldset wizard step=Step::Devices/> }
}
