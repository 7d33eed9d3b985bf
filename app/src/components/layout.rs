//! The frame around every signed-in page, and how errors are shown.

use crate::api::auth::{me, Logout, SignedIn};
use crate::api::urlencode;
use crate::error::AppError;
use crate::model::counted;
use crate::model::done::Done;
use crate::model::permissions::{own_users_page, Action};
use crate::model::Parse;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_location, use_query_map};

/// Who is signed in, loaded once by [`Page`] for the page and everything in it.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<SignedIn>, AppError>>);

/// The signed-in caller of the page being drawn (inside a [`Page`]).
pub fn use_me() -> Me {
    use_context::<Me>().unwrap_or_else(|| Me(Resource::new(|| (), |_| me())))
}

/// Shows `children` only to a caller that passes `allowed`: the pages offer only what the
/// permission table lets the caller do (the server checks again, whatever is offered).
#[component]
pub fn IfAllowed(allowed: fn(&SignedIn) -> bool, children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    let ok = me.0.await.ok().flatten().is_some_and(|m| allowed(&m));
                    ok.then(|| children())
                })
            }}
        </Suspense>
    }
}

/// A signed-in page: the top bar (the menu the caller's scope allows, who is logged in, log out)
/// and `children` below it.
#[component]
pub fn Page(#[prop(into)] title: String, children: Children) -> impl IntoView {
    let who = Resource::new(|| (), |_| me());
    provide_context(Me(who));
    let logout = ServerAction::<Logout>::new();
    // What the action that led here did (`?done=...`), said once at the top of the content.
    let query = use_query_map();
    let done = move || {
        let done = query
            .read()
            .get("done")
            .and_then(|word| Done::parse(&word).ok())?;
        Some(view! { <p class="notice ok done" role="status">{done.label()}</p> })
    };
    view! {
        <DocumentTitle page=title.clone()/>
        // `target="_self"` leaves the jump to the browser (the router would only scroll), which
        // moves the keyboard focus into the content as well.
        <a class="skip-link" href="#content" target="_self">"Skip to content"</a>
        <header class="topbar">
            <A href="/" attr:class="brand">"Roster"</A>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    who.await.ok().flatten().map(|me| {
                        let domains = me.who.may_somewhere(Action::ViewDomain);
                        let resellers = me.who.may_somewhere(Action::ManageResellers);
                        let users = own_users_page(me.who.scope, me.domain.as_deref());
                        let audit = me.who.may_somewhere(Action::ReadAudit);
                        let outbox = me.who.everywhere(Action::ReadOutbox);
                        let profile = me.extension.is_some();
                        view! {
                            <nav aria-label="Main">
                                {resellers.then(|| view! { <A href="/resellers">"Resellers"</A> })}
                                {domains.then(|| view! { <A href="/domains">"Domains"</A> })}
                                {users.map(|href| view! { <A href=href>"Users"</A> })}
                                {audit.then(|| view! { <A href="/audit">"Audit log"</A> })}
                                {outbox.then(|| view! { <A href="/outbox">"Outbox"</A> })}
                                <A href="/api-keys">"API keys"</A>
                                {profile.then(|| view! { <A href="/me">"My profile"</A> })}
                            </nav>
                            <span class="who">{me.display_name} " · " {me.who.scope.as_str()}</span>
                            <ActionForm action=logout>
                                <button type="submit" class="link">"Log out"</button>
                            </ActionForm>
                        }
                    })
                })}
            </Suspense>
        </header>
        <main id="content" tabindex="-1">
            <h1>{title}</h1>
            {done}
            {children()}
        </main>
    }
}

/// The browser's title for a page: the page's own heading, then "Roster" (a tab, a bookmark and
/// the history then say which page and which domain they are).
#[component]
pub fn DocumentTitle(#[prop(into)] page: String) -> impl IntoView {
    view! { <leptos_meta::Title text=format!("{page} · Roster")/> }
}

/// Shows an error that stopped a page from loading. Not being logged in goes to the login page
/// and comes back here afterwards.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    // The page's own status says it too (pages render whole before answering, so it still can).
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        match error {
            AppError::NotFound => response.set_status(http::StatusCode::NOT_FOUND),
            AppError::Forbidden => response.set_status(http::StatusCode::FORBIDDEN),
            _ => {}
        }
    }
    let back = || view! { <p><A href="/">"Back to your start page"</A></p> };
    match error {
        AppError::Unauthenticated => {
            let location = use_location();
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let next = urlencode(&here);
            view! { <Redirect path=format!("/login?next={next}")/> }.into_any()
        }
        AppError::NotFound => {
            view! { <p class="notice error" role="alert">"Not found."</p> {back()} }.into_any()
        }
        AppError::Forbidden => view! {
            <p class="notice error" role="alert">"You are not allowed to see this."</p>
            {back()}
        }
        .into_any(),
        other => view! { <p class="notice error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}

/// The line above a list whose rows are small forms (rename, route, delete…): what the last
/// refused one said, every field's message in one sentence.
pub fn row_refusal(rejected: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        let text = rejected.get().map(|e| match e.field_errors() {
            Some(errors) => errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            None => e.to_string(),
        });
        view! { <p class="form-error" role="alert">{text}</p> }
    }
}

/// The line above a refused form: how many fields to correct, or what went wrong.
pub fn form_summary(rejected: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        rejected.get().map(|e| {
            let text = match e.field_errors() {
                Some(errors) => format!(
                    "Please correct the {} marked below.",
                    counted(errors.0.len() as i64, "field", "fields")
                ),
                None => e.to_string(),
            };
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    }
}
