//! Whether a SIP device is registered with Roster's SIP server: one marker for every page that
//! shows it.

use leptos::prelude::*;

/// Whether a device is registered with the SIP server now: a marker, with its words for screen
/// readers and for the eye.
pub fn registration_marker(registered: bool) -> impl IntoView {
    let (class, words) = if registered {
        ("registration on", "Registered")
    } else {
        ("registration off", "Offline")
    };
    view! { <span class=class><span aria-hidden="true">"● "</span>{words}</span> }
}
