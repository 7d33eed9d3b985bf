//! Where a page may send the browser next (the login's `next`): a path of this site only.

/// `next` if it is a path of this site: it starts with one `/` (not `//` or `/\`, which browsers
/// read as another host), and holds only visible ASCII without `\` (a tab, CR, LF or VT would let
/// a browser drop it and reach another host, or would not fit in a `Location` header at all).
/// Anything else is `None`, and the caller goes to its home page instead.
pub fn local_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let plain = next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    let local = chars.next() == Some('/') && chars.next() != Some('/');
    (plain && local).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_path_of_this_site_is_kept() {
        for ok in [
            "/",
            "/domains",
            "/domains/acme.example/users?q=smith&sort=name",
            "/me#top",
        ] {
            assert_eq!(local_path(ok), Some(ok));
        }
    }

    #[test]
    fn another_host_in_any_disguise_is_refused() {
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{b}/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "/d\\..\\evil",
            "/é",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn what_is_kept_is_a_header_value_and_no_other_host(next in "\\PC{0,40}|/[\\t\\n\\r\\x0b /\\\\a-z.]{0,12}") {
            if let Some(kept) = local_path(&next) {
                prop_assert!(http_safe(kept));
                prop_assert!(kept.starts_with('/') && !kept.starts_with("//"));
            }
        }
    }

    /// What `http::HeaderValue::from_str` accepts without a panic or an error (visible ASCII and
    /// spaces, no control characters).
    fn http_safe(text: &str) -> bool {
        text.bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    }
}
