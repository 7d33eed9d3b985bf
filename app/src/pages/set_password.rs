//! Setting a password through a one-time link (the first Super User, and new users' invitations).

use crate::api::auth::{password_link, SetPassword};
use crate::components::{DocumentTitle, Field, FieldKind, RequiredNote};
use crate::model::Password;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let link = Resource::new(move || token.clone(), password_link);
    let action = ServerAction::<SetPassword>::new();
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            action
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|e| e.message_for(field))
        })
    };
    view! {
        <main class="narrow">
            <DocumentTitle page="Choose your password"/>
            <h1>"Choose your password"</h1>
            <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(Some(login)) => {
                            let token = use_query_map().read_untracked().get("token").unwrap_or_default();
                            let personal = login.clone();
                            let check = Callback::new(move |raw: String| {
                                Password::parse(&raw, &[personal.as_str()]).map(drop)
                            });
                            let confirm_check = Callback::new(|_: String| Ok(()));
                            view! {
                                <p>"For the login " <strong>{login}</strong> "."</p>
                                <ActionForm action=action>
                                    <input type="hidden" name="token" value=token/>
                                    <RequiredNote/>
                                    <Field name="password" id="password" label="New password"
                                        hint="At least 15 characters. A few unrelated words make a good one."
                                        initial="" check kind=FieldKind::Password required=true
                                        autocomplete="new-password" server_error=error_for("password")/>
                                    <Field name="confirm" id="confirm" label="The same password again"
                                        initial="" check=confirm_check kind=FieldKind::Password required=true
                                        autocomplete="new-password" server_error=error_for("confirm")/>
                                    <p class="form-error" role="alert">{error_for("token")}</p>
                                    <button type="submit">"Set password"</button>
                                </ActionForm>
                            }.into_any()
                        }
                        Ok(None) => view! {
                            <p class="notice error" role="alert">
                                "This link has expired or was already used. Ask whoever sent it for a new one."
                            </p>
                            <p>
                                "If you have already set your password, " <A href="/login">"log in"</A>
                                ". If you have forgotten it, " <A href="/forgot-password">"ask for a reset link"</A> "."
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
