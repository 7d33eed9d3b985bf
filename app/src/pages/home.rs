//! The site's root: sends the caller to its home page (the domains, its domain's users, or its
//! own profile, as its scope has it), or to the login page.

use crate::api::auth::me;
use crate::components::ErrorNotice;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn HomePage() -> impl IntoView {
    let who = Resource::new(|| (), |_| me());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match who.await {
                    Ok(Some(me)) => view! { <Redirect path=me.home/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
