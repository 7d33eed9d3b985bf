//! A secret (a SIP password) shown only when asked for: a button once the page is hydrated, a
//! `<details>` before, so it can be read without JavaScript too.

use leptos::prelude::*;

/// A secret that is shown only when asked for.
#[component]
pub fn SecretText(id: String, text: String, hydrated: Signal<bool>) -> impl IntoView {
    let shown = RwSignal::new(false);
    let text = StoredValue::new(text);
    let id = StoredValue::new(id);
    move || {
        if hydrated.get() {
            view! {
                <span class="secret">
                    "Password: "
                    <code class="password" id=id.get_value() hidden=move || !shown.get()>
                        {move || shown.get().then(|| text.get_value())}
                    </code>
                    <button type="button" class="small" aria-controls=id.get_value()
                        aria-expanded=move || if shown.get() { "true" } else { "false" }
                        on:click=move |_| shown.update(|s| *s = !*s)>
                        {move || if shown.get() { "Hide password" } else { "Show password" }}
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <details class="secret">
                    <summary>"Show password"</summary>
                    <code class="password" id=id.get_value()>{text.get_value()}</code>
                </details>
            }
            .into_any()
        }
    }
}
