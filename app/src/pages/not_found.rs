//! What an unknown address shows.

use crate::components::DocumentTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="narrow">
            <DocumentTitle page="Not found"/>
            <h1>"Not found"</h1>
            <p>"There is nothing at this address. " <A href="/domains">"Go to the domains"</A> "."</p>
        </main>
    }
}
