//! Step 5, Caller ID & calling: what callees see, emergency calling, dial plan and policy, and
//! how incoming calls are screened, recorded and held.

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

#[component]
pub(super) fn CallerIdStep(wizard: Wizard) -> impl IntoView {
    view! { <StepFieldset wizard step=Step::CallerId/> }
}
