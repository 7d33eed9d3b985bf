//! The login page.

use crate::api::auth::Login;
use crate::components::{offer_focus, DocumentTitle};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let password_was_set = query.read_untracked().get("password").as_deref() == Some("set");
    let logged_out = query.read_untracked().get("logged-out").is_some();
    // After a password is set through a link, the login it was for is filled in.
    let login = query.read_untracked().get("login").unwrap_or_default();
    let focus_password = !login.is_empty();
    // `autofocus` serves a page loaded afresh; a page reached in the app is focused here, unless
    // the visitor is already typing somewhere (in the password, before the WASM arrived).
    Effect::new(move |_| offer_focus(if focus_password { "password" } else { "login" }.to_owned()));
    let problem = move || {
        action.value().get().and_then(Result::err).map(|e| match e {
            AppError::BadCredentials => "Wrong login or password.".to_owned(),
            other => other.to_string(),
        })
    };
    view! {
        <main class="narrow">
            <DocumentTitle page="Log in"/>
            <h1>"Log in to Roster"</h1>
            {password_was_set.then(|| view! {
                <p class="notice ok" role="status">"Your password is set. Log in with it now."</p>
            })}
            {logged_out.then(|| view! {
                <p class="notice ok" role="status">"You are logged out."</p>
            })}
            <ActionForm action=action>
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="login">"Login or e-mail address"</label>
                    <input id="login" name="login" type="text" autocomplete="username" required
                        value=login autofocus=!focus_password aria-describedby="login-hint"/>
                    <p class="hint" id="login-hint">"Your login (such as 101@example.com) or the e-mail address on your user."</p>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required
                        autofocus=focus_password/>
                </div>
                <p class="form-error" role="alert">{problem}</p>
                <button type="submit" disabled=move || action.pending().get()>"Log in"</button>
            </ActionForm>
            <p><A href="/forgot-password">"Forgot your password?"</A></p>
        </main>
    }
}
