//! Roster's portal: pages, server functions, validated types, and (with `ssr`) the server side.
//!
//! Built twice: with `ssr` by the `server` crate, and with `hydrate` by `frontend` for the browser.

// The hydrating build of the deeper pages (the audit log's folded changes) needs more than the
// default 128 levels to lay out their view types; the compiler asks for this itself.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod refused;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::{
    answer_rules::AnswerRulesPage,
    api_keys::ApiKeysPage,
    audit::AuditPage,
    bulk::ImportUsersPage,
    call_queues::{CallQueuePage, CallQueuesPage},
    devices::DevicesPage,
    domain_form::{EditDomainPage, NewDomainPage},
    domains::DomainsPage,
    forgot_password::ForgotPasswordPage,
    home::HomePage,
    login::LoginPage,
    not_found::NotFound,
    outbox::{OutboxMessagePage, OutboxPage},
    phone_numbers::PhoneNumbersPage,
    profile::ProfilePage,
    resellers::{ResellerPage, ResellersPage},
    set_password::SetPasswordPage,
    site::SitePage,
    sites::SitesPage,
    time_frames::{TimeFramePage, TimeFramesPage},
    user::UserPage,
    user_wizard::{EditUserPage, NewUserPage},
    users::UsersPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%231f5fbf'/%3E%3C/svg%3E"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The Content-Security-Policy of a page: scripts only from this site or inline with this
/// response's nonce (the hydration scripts carry it), WebAssembly compiled from them, styles,
/// images, fetches and form posts to this site only, and no framing anywhere.
/// The one inline event handler a page has, allowed by its hash: the import page reads the
/// chosen file into its text box with it, so that it works before the WebAssembly has loaded.
#[cfg(feature = "ssr")]
const INLINE_HANDLERS: &[&str] = &[pages::bulk::READ_FILE];

#[cfg(feature = "ssr")]
pub fn page_policy(nonce: &str) -> String {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let handlers: String = INLINE_HANDLERS
        .iter()
        .map(|h| {
            let hash =
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(h.as_bytes()));
            format!(" 'sha256-{hash}'")
        })
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval' \
         'unsafe-hashes'{handlers}; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// Puts the page's policy, with this response's nonce, on the response.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let response = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), response) {
        if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce.to_string())) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let refused = refused::provide_refused();
    view! {
        {refused}
        <Stylesheet id="roster" href="/pkg/roster.css"/>
        <Title text="Roster"/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/me") view=ProfilePage ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async/>
                <Route path=path!("/api-keys") view=ApiKeysPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                <Route path=path!("/outbox") view=OutboxPage ssr=SsrMode::Async/>
                <Route path=path!("/outbox/:id") view=OutboxMessagePage ssr=SsrMode::Async/>
                <Route path=path!("/set-password") view=SetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/resellers") view=ResellersPage ssr=SsrMode::Async/>
                <Route path=path!("/resellers/:reseller") view=ResellerPage ssr=SsrMode::Async/>
                <Route path=path!("/domains") view=DomainsPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/new") view=NewDomainPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name") view=EditDomainPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/users") view=UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/sites") view=SitesPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/sites/:site") view=SitePage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/phonenumbers") view=PhoneNumbersPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/devices") view=DevicesPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/callqueues") view=CallQueuesPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/callqueues/:queue") view=CallQueuePage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/timeframes") view=TimeFramesPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/timeframes/:id") view=TimeFramePage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/users/new") view=NewUserPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/users/import") view=ImportUsersPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/users/:user") view=UserPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/users/:user/edit/:section") view=EditUserPage ssr=SsrMode::Async/>
                <Route path=path!("/domains/:name/users/:user/answerrules") view=AnswerRulesPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
