//! Asking for a password-reset link, by login or e-mail address. The answer is the same whether
//! or not the account exists.

use crate::api::auth::ForgotPassword;
use crate::components::DocumentTitle;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let sent_before = use_query_map().read_untracked().get("sent").is_some();
    let sent = move || sent_before || action.value().get().is_some_and(|r| r.is_ok());
    let problem = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message_for("who").unwrap_or_else(|| e.to_string()))
    };
    view! {
        <main class="narrow">
            <DocumentTitle page="Forgot your password?"/>
            <h1>"Forgot your password?"</h1>
            {move || if sent() {
                view! {
                    <p class="notice ok" role="status">
                        "If an account matches, a link to choose a new password is on its way to the account's e-mail address. It works once, for one hour. Nothing arrived? Check the spam folder, or ask your administrator."
                    </p>
                }.into_any()
            } else {
                view! {
                    <p>"Type your login or your e-mail address: we e-mail you a link to choose a new password."</p>
                    <ActionForm action=action>
                        <div class="field">
                            <label for="who">"Login or e-mail address"</label>
                            <input id="who" name="who" type="text" autocomplete="username" required/>
                        </div>
                        <p class="form-error" role="alert">{problem}</p>
                        <button type="submit" disabled=move || action.pending().get()>"Send me a link"</button>
                    </ActionForm>
                }.into_any()
            }}
            <p><A href="/login">"Back to the login page"</A></p>
        </main>
    }
}
