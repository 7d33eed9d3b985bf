//! Step 2, Login & scope: the portal login (blank for extension@domain), e-mail, what the user
//! may do, and whether the account may be used.

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

#[component]
pub(super) fn LoginStep(wizard: Wizard) -> impl IntoView {
    view! { <StepFieldset wizard step=Step::Login/> }
}
