//! Step 3, Organization: department and site (the domain's existing ones suggested; a new site
//! name creates the site), time zone, language and the rest of the user's place in the domain.

use super::{StepFieldset, Wizard};
use crate::model::user::Step;
use crate::model::TimeZone;
use leptos::prelude::*;

const LISTS: &[(&str, &str)] = &[
    ("department", "department-suggestions"),
    ("site", "site-suggestions"),
];

#[component]
pub(super) fn OrganizationStep(wizard: Wizard) -> impl IntoView {
    let (departments, sites) = wizard
        .start
        .with_value(|s| (s.departments.clone(), s.sites.clone()));
    let options = |names: Vec<String>| {
        names
            .into_iter()
            .map(|name| view! { <option value=name></option> })
            .collect_view()
    };
    view! {
        <StepFieldset wizard step=Step::Organization lists=LISTS>
            <datalist id="department-suggestions">{options(departments)}</datalist>
            <datalist id="site-suggestions">{options(sites)}</datalist>
            <datalist id="time-zones">
                {TimeZone::all().iter().map(|z| view! { <option value=*z></option> }).collect_view()}
            </datalist>
        </StepFieldset>
    }
}
