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
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(element) = document()
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
