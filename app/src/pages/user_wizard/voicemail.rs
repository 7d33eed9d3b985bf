//! Step 4, Voicemail: whether the user gets a voicemail box, its PIN and greeting, and how new
//! messages are announced and e-mailed.

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use leptos::prelude::*;

#[component]
pub(super) fn VoicemailStep(wizard: Wizard) -> impl IntoView {
    view! { <StepFieldset wizard step=Step::Voicemail/> }
}
