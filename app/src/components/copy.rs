//! A Copy button beside a text to pass on (an invitation link). It appears once the page is
//! hydrated (copying needs JavaScript); the text itself is always there to select by hand.

use super::use_hydrated;
use leptos::prelude::*;

#[component]
pub fn CopyButton(
    /// What is copied.
    text: String,
    /// What the button copies, for those who do not see the text beside it.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let (copied, set_copied) = signal(false);
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        // The browser may refuse (no permission, not a secure page): the text stays selectable.
        let _ = clipboard.write_text(&text);
        set_copied.set(true);
    };
    move || {
        hydrated.get().then(|| {
            view! {
                <button type="button" class="copy" aria-label=label.clone() on:click=copy.clone()>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            }
        })
    }
}
