//! A form posted without JavaScript that the server refused, brought back to its page without
//! being written into the page's address.
//!
//! Leptos sends such a post back to the page it came from as `?__path=…&__err=<base64>`, and
//! that `__err` holds the refusal: the messages and what was typed (so the form can be filled
//! again). In an address it lands in the history, in server logs and in `Referer` headers. So the
//! server (`refused_in_session`) takes it out of the address and keeps it in the caller's
//! session; the page's next render takes it back (once) and [`provide_refused`] hands it to the
//! page's actions, exactly as the address would have, and carries it in the page to the browser,
//! which hydrates with the same refusal.

use leptos::prelude::*;
use leptos::server::ServerActionError;
use serde::{Deserialize, Serialize};

/// Which server function refused (its path) and its refusal as Leptos encodes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub path: String,
    pub err: String,
}

/// The id of the element that carries the refusal into the browser.
const CARRIER: &str = "refused-submission";

impl Refused {
    /// Where a refusal waits in the session for its page.
    pub const SESSION_KEY: &'static str = "refused-submission";
}

/// The refusal this page was rendered with: on the server, what `refused_in_session` found in
/// the session; in the browser, what the server carried in the page.
fn current() -> Option<Refused> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Refused>().cloned())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let carrier = leptos::prelude::document().get_element_by_id(CARRIER)?;
        Some(Refused {
            path: carrier.get_attribute("data-path")?,
            err: carrier.get_attribute("data-err")?,
        })
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

/// Hands the refusal the page was rendered with to its actions (as `ServerAction::new` reads
/// it), for the page's first render only, and returns the element that carries it to the
/// browser. Call it in the app's root component.
pub fn provide_refused() -> Option<impl IntoView> {
    let refused = current()?;
    provide_context(ServerActionError::new(&refused.path, &refused.err));
    // Once the page runs, a later visit to a page with the same action starts afresh.
    let owner = Owner::current();
    Effect::new(move |_| {
        if let Some(owner) = &owner {
            owner.with(|| provide_context(ServerActionError::new("", "")));
        }
    });
    Some(view! { <div id=CARRIER hidden data-path=refused.path data-err=refused.err></div> })
}
