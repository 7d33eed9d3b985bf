//! The frame around every signed-in page, and how errors are shown.

use crate::api::auth::{me, Logout};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

/// A signed-in page: the top bar (who is logged in, log out) and `children` below it.
#[component]
pub fn Page(#[prop(into)] title: String, children: Children) -> impl IntoView {
    let who = Resource::new(|| (), |_| me());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <A href="/domains" attr:class="brand">"Roster"</A>
            <nav aria-label="Main">
                <A href="/domains">"Domains"</A>
            </nav>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    who.await.ok().flatten().map(|me| view! {
                        <span class="who">{me.display_name} " · " {me.scope.as_str()}</span>
                        <ActionForm action=logout>
                            <button type="submit" class="link">"Log out"</button>
                        </ActionForm>
                    })
                })}
            </Suspense>
        </header>
        <main>
            <h1>{title}</h1>
            {children()}
        </main>
    }
}

/// Shows an error that stopped a page from loading. Not being logged in goes to the login page
/// and comes back here afterwards.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
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
            view! { <p class="notice error" role="alert">"Not found."</p> }.into_any()
        }
        AppError::Forbidden => {
            view! { <p class="notice error" role="alert">"You are not allowed to see this."</p> }
                .into_any()
        }
        other => view! { <p class="notice error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}

/// Percent-encodes a path for use as a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
