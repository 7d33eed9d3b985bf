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

    /// A redirect's `location` without the refusal Leptos put in it, and that refusal; `None`
    /// when it holds none.
    pub fn split_location(location: &str) -> Option<(String, Refused)> {
        let (base, fragment) = match location.split_once('#') {
            Some((base, fragment)) => (base, Some(fragment)),
            None => (location, None),
        };
        let (path, query) = base.split_once('?')?;
        let mut refused_path = None;
        let mut err = None;
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("__path", value)) => refused_path = Some(percent_decoded(value)?),
                Some(("__err", value)) => err = Some(percent_decoded(value)?),
                _ => kept.push(pair),
            }
        }
        let refused = Refused {
            path: refused_path?,
            err: err?,
        };
        let mut clean = path.to_owned();
        if !kept.is_empty() {
            clean.push('?');
            clean.push_str(&kept.join("&"));
        }
        if let Some(fragment) = fragment {
            clean.push('#');
            clean.push_str(fragment);
        }
        Some((clean, refused))
    }
}

/// A query value as form encoding writes it (`+` for a space, `%XX` for a byte); `None` if it is
/// not valid UTF-8 once decoded.
fn percent_decoded(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_is_taken_out_of_a_location_and_the_rest_kept() {
        let (clean, refused) = Refused::split_location(
            "http://127.0.0.1:3000/domains/a.example/users/new?x=1&__path=%2Fapi%2Fcreate-user&__err=eyJr%3D%3D#top",
        )
        .unwrap();
        assert_eq!(
            clean,
            "http://127.0.0.1:3000/domains/a.example/users/new?x=1#top"
        );
        assert_eq!(refused.path, "/api/create-user");
        assert_eq!(refused.err, "eyJr==");
        let (clean, _) = Refused::split_location("/login?__path=%2Fapi%2Flogin&__err=abc").unwrap();
        assert_eq!(clean, "/login");
        assert_eq!(Refused::split_location("/domains?done=domain-saved"), None);
        assert_eq!(Refused::split_location("/domains"), None);
    }
}
