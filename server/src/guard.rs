//! Guards in front of the app: cross-site requests, oversized bodies, malformed calls, the
//! client's address, and password guessing.
//!
//! Refusing cross-site requests that could change something:
//! Server functions are plain POST endpoints, so a page on another site could make a visitor's
//! browser post to them. Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`);
//! a mutating request that says it comes from elsewhere gets 403. Clients that are not browsers
//! send neither header and are not affected (they authenticate by other means).

use app::model::api_key::AllowedAddresses;
use app::ssr::auth::LOGIN_FAILED_HEADER;
use app::ssr::caller::ClientAddress;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub async fn reject_cross_site(req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_site(&req) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response()
    }
}

fn is_same_site(req: &Request<Body>) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_host = origin.split_once("://").map(|(_, rest)| rest);
            host.is_some() && origin_host == host
        }
    }
}

/// How large a request body may be: any request, and a bulk import (a CSV of many users).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub any: usize,
    pub import: usize,
}

/// The paths that take bulk imports end with this.
pub const IMPORT_SUFFIX: &str = "/users/import";

/// Answers 413 to a request whose body is larger than its limit, whether it says so up front
/// (`Content-Length`) or streams it, before any handler reads it.
pub async fn limit_body(
    axum::extract::State(limits): axum::extract::State<BodyLimits>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let limit = if req.uri().path().ends_with(IMPORT_SUFFIX) {
        limits.import
    } else {
        limits.any
    };
    let api = req.uri().path().starts_with(crate::ns_api::BASE);
    let too_large = || {
        const MESSAGE: &str = "The request body is too large.";
        if api {
            crate::ns_api::problem::Problem::new(StatusCode::PAYLOAD_TOO_LARGE, MESSAGE)
                .into_response()
        } else {
            (StatusCode::PAYLOAD_TOO_LARGE, MESSAGE).into_response()
        }
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
    }
}

/// A request a server function could not even read (missing or malformed arguments) is the
/// client's mistake: the framework answers it 500 with a `transport` error, this makes it 400.
pub async fn malformed_is_400(req: Request<Body>, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response();
    };
    let transport = serde_json::from_slice::<serde_json::Value>(&bytes)
        .is_ok_and(|v| v.get("kind").and_then(|k| k.as_str()) == Some("transport"));
    if transport {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Puts the client's address in the request's extensions for the app (audit log, rate limits,
/// API keys' address lists): see [`client_of`].
pub async fn client_address(
    axum::extract::State(proxies): axum::extract::State<Arc<AllowedAddresses>>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if let Some(address) = peer.map(|peer| client_of(peer, &forwarded.join(","), &proxies)) {
        req.extensions_mut().insert(ClientAddress(address));
    }
    next.run(req).await
}

/// The client of a request that came from `peer` with `X-Forwarded-For: forwarded`: the peer
/// itself unless it is one of the trusted `proxies`; otherwise the right-most address of the
/// header that is not a trusted proxy (each proxy appends the address it was reached from; what
/// the client wrote itself is on the left, and is never taken while an untrusted hop follows it).
/// A hop that is not an address ends the walk at the last good one.
pub fn client_of(peer: IpAddr, forwarded: &str, proxies: &AllowedAddresses) -> IpAddr {
    let mut client = peer;
    if !proxies.holds(peer) {
        return client;
    }
    for hop in forwarded
        .rsplit(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !proxies.holds(ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// How many password attempts one client address may make: a burst, then a steady rate.
#[derive(Clone, Copy, Debug)]
pub struct LoginRate {
    pub burst: u32,
    pub per_minute: u32,
    /// Added to each refusal per failure in a row from the address (up to eight times).
    pub failure_delay: Duration,
}

/// Per-address state of the password endpoints: a token bucket and the failures in a row.
#[derive(Default)]
pub struct LoginGuard {
    clients: Mutex<HashMap<IpAddr, Client>>,
}

struct Client {
    tokens: f64,
    updated: Instant,
    failures: u32,
}

/// The endpoints that take a password, or a secret link: where guessing happens; and the one that
/// sends a password-reset link, where a stranger could flood an inbox.
const PASSWORD_ENDPOINTS: &[&str] = &[
    "/api/login",
    "/api/set-password",
    "/api/password-link",
    "/api/change-password",
    "/api/forgot-password",
];

impl LoginGuard {
    /// Takes a token for `address`; if there is none, how long until there is one.
    fn take(&self, address: IpAddr, rate: &LoginRate) -> Result<u32, Duration> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let per_second = f64::from(rate.per_minute.max(1)) / 60.0;
        if clients.len() > 100_000 {
            // Forget addresses whose buckets are full again, so the map stays bounded.
            clients.retain(|_, c| {
                c.tokens + now.duration_since(c.updated).as_secs_f64() * per_second
                    < f64::from(rate.burst)
            });
        }
        let client = clients.entry(address).or_insert(Client {
            tokens: f64::from(rate.burst),
            updated: now,
            failures: 0,
        });
        client.tokens = (client.tokens
            + now.duration_since(client.updated).as_secs_f64() * per_second)
            .min(f64::from(rate.burst));
        client.updated = now;
        if client.tokens >= 1.0 {
            client.tokens -= 1.0;
            Ok(client.failures)
        } else {
            Err(Duration::from_secs_f64((1.0 - client.tokens) / per_second))
        }
    }

    fn outcome(&self, address: IpAddr, failed: bool) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get_mut(&address) {
            client.failures = if failed {
                client.failures.saturating_add(1)
            } else {
                0
            };
        }
    }
}

/// Guards the password endpoints: a burst from one address beyond its allowance is answered 429
/// with `Retry-After`, and each failed login in a row from an address makes the next refusal
/// slower. Unknown logins and wrong passwords are slowed alike, so timing tells them apart no
/// better than the answer does. (Per process: several processes each allow the rate.)
pub async fn guard_logins(
    axum::extract::State((guard, rate)): axum::extract::State<(Arc<LoginGuard>, LoginRate)>,
    req: Request<Body>,
    next: Next,
) -> Response {
    if req.method() != Method::POST || !PASSWORD_ENDPOINTS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let address = req
        .extensions()
        .get::<ClientAddress>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.0);
    let failures = match guard.take(address, &rate) {
        Ok(failures) => failures,
        Err(wait) => {
            tracing::warn!(%address, "too many password attempts from one address");
            let seconds = wait.as_secs() + 1;
            // The body is the app's own error, so the page shows it like any other.
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [
                    (header::RETRY_AFTER, seconds.to_string()),
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                ],
                serde_json::to_string(&app::error::AppError::TooManyRequests {
                    retry_after_secs: seconds,
                })
                .unwrap_or_default(),
            )
                .into_response();
        }
    };
    let mut response = next.run(req).await;
    let failed = response.headers_mut().remove(LOGIN_FAILED_HEADER).is_some();
    guard.outcome(address, failed);
    if failed {
        tokio::time::sleep(rate.failure_delay * (failures.min(7) + 1)).await;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_is_taken_out_of_a_location_and_the_rest_kept() {
        let (clean, refused) = split_refusal(
            "http://127.0.0.1:3000/domains/a.example/users/new?x=1&__path=%2Fapi%2Fcreate-user&__err=eyJr%3D%3D#top",
        )
        .unwrap();
        assert_eq!(
            clean,
            "http://127.0.0.1:3000/domains/a.example/users/new?x=1#top"
        );
        assert_eq!(refused.path, "/api/create-user");
        assert_eq!(refused.err, "eyJr==");
        let (clean, _) = split_refusal("/login?__path=%2Fapi%2Flogin&__err=abc").unwrap();
        assert_eq!(clean, "/login");
        assert_eq!(split_refusal("/domains?done=domain-saved"), None);
        assert_eq!(split_refusal("/domains"), None);
    }
    use app::model::Parse;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_client_is_the_right_most_hop_that_is_not_a_trusted_proxy() {
        let proxies = AllowedAddresses::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        // Not through a trusted proxy: the header is the client's own writing.
        assert_eq!(
            client_of(ip("198.51.100.7"), "1.2.3.4", &proxies),
            ip("198.51.100.7")
        );
        // Through one proxy: what it appended.
        assert_eq!(
            client_of(ip("127.0.0.1"), "203.0.113.9", &proxies),
            ip("203.0.113.9")
        );
        // A client that writes its own header cannot hide behind it.
        assert_eq!(
            client_of(ip("127.0.0.1"), "1.2.3.4, 203.0.113.9", &proxies),
            ip("203.0.113.9")
        );
        // Through two trusted proxies.
        assert_eq!(
            client_of(ip("127.0.0.1"), "1.2.3.4, 203.0.113.9, 10.1.2.3", &proxies),
            ip("203.0.113.9")
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(
            client_of(ip("127.0.0.1"), "1.2.3.4, junk, 10.1.2.3", &proxies),
            ip("10.1.2.3")
        );
        // No proxies configured: the header is never believed.
        let none = AllowedAddresses::default();
        assert_eq!(
            client_of(ip("127.0.0.1"), "203.0.113.9", &none),
            ip("127.0.0.1")
        );
    }
}

/// The policy of an answer that sets none of its own (the API's JSON, a redirect, an error):
/// nothing may be loaded from it, and no page may frame it.
const DEFAULT_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The security headers of every answer: `nosniff`, no framing, referrers only within this site
/// (a set-password link's token never leaves it in a `Referer`), a Content-Security-Policy (pages
/// set their own, with a nonce), and `Cache-Control: no-store` on everything but the static
/// bundle, since pages, server functions and the API all may carry secrets (SIP passwords,
/// invitation links, new API keys).
pub async fn security_headers(req: Request<Body>, next: Next) -> Response {
    use axum::http::HeaderValue;
    let bundle = req.uri().path().starts_with("/pkg/");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_POLICY),
        );
    }
    if !bundle {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A redirect's `location` without the refusal Leptos put in it (`__path`, `__err`), and that
/// refusal; `None` when it holds none.
fn split_refusal(location: &str) -> Option<(String, app::refused::Refused)> {
    use axum::extract::Query;
    let (base, fragment) = match location.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (location, None),
    };
    let uri: axum::http::Uri = base.parse().ok()?;
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&uri).ok()?;
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let refused = app::refused::Refused {
        path: value("__path")?,
        err: value("__err")?,
    };
    let (path, query) = base.split_once('?')?;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.starts_with("__path=") && !pair.starts_with("__err="))
        .collect();
    let mut clean = path.to_owned();
    if !kept.is_empty() {
        clean = format!("{clean}?{}", kept.join("&"));
    }
    if let Some(fragment) = fragment {
        clean = format!("{clean}#{fragment}");
    }
    Some((clean, refused))
}

/// Keeps a refused form post's refusal out of the page's address: Leptos sends a form posted
/// without JavaScript back to its page as `?__path=…&__err=<base64>`, the messages and what was
/// typed in the address (so in the history, logs and `Referer` headers). For a caller with a
/// session, the refusal goes into the session instead and the redirect is to the clean address;
/// the next page it opens takes the refusal back out, once, for the app to show
/// (see [`app::refused`]). A caller without a session (a refused login) keeps Leptos' address,
/// which holds no more than "bad credentials", rather than be given a session for it.
pub async fn refused_in_session(
    session: tower_sessions::Session,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    use app::refused::Refused;
    let opens_page = req.method() == Method::GET
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    // Looked for with `get` first: `remove` would mark every page's session as changed.
    if opens_page && session.id().is_some() {
        if let Ok(Some(refused)) = session.get::<Refused>(Refused::SESSION_KEY).await {
            let _ = session.remove::<Refused>(Refused::SESSION_KEY).await;
            req.extensions_mut().insert(refused);
        }
    }
    let mut res = next.run(req).await;
    let split = res
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(split_refusal);
    if let (Some((clean, refused)), Some(_)) = (split, session.id()) {
        if let Ok(clean) = header::HeaderValue::from_str(&clean) {
            if session.insert(Refused::SESSION_KEY, &refused).await.is_ok() {
                res.headers_mut().insert(header::LOCATION, clean);
            }
        }
    }
    res
}
