//! Step 1, Identity: the extension and the name. A taken extension is flagged as it is typed
//! (see [`super::conflicts`]).

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

#[component]
pub(super) fn IdentityStep(wizard: Wizard) -> impl IntoView {
    view! { <StepFieldset wizard step=Step::Identity/> }
}
