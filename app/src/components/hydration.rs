//! Telling server HTML from a live page, without rendering them differently.

use leptos::prelude::*;

/// `false` on the server and while the browser hydrates (so both render the same markup), then
/// `true` once the WASM has taken over the page. Views that only make sense with JavaScript (a
/// wizard showing one step at a time, a Show button) switch on this after hydration.
pub fn use_hydrated() -> Signal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated.into()
}

/// Moves the keyboard focus to the element with this id once the page has been redrawn (an
/// element that was hidden a moment ago cannot take the focus before that).
pub fn focus_soon(id: String) {
    focus_when(id, |_| true);
}

/// Gives the focus to the element with this id once the page has been redrawn, unless someone
/// already holds it: for a page's first field, where a visitor quicker than the WASM may already
/// be typing in another (taking the focus then would send the rest of a password into the login
/// field).
pub fn offer_focus(id: String) {
    focus_when(id, |document| {
        document
            .active_element()
            .is_none_or(|active| document.body().is_some_and(|body| *body == active))
    });
}

fn focus_when(id: String, free: impl FnOnce(&leptos::web_sys::Document) -> bool + 'static) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let document = document();
        if !free(&document) {
            return;
        }
        if let Some(element) = document
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// Calls `tick` every `period` for as long as the reactive owner it is called under lives: the
/// interval is cleared when an effect runs again or when its component leaves the page, so no
/// tick ever reads a signal that no longer exists.
pub fn poll_while_owned(period: std::time::Duration, tick: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(tick, period) {
        on_cleanup(move || handle.clear());
    }
}
