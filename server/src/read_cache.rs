//! Repeated reads answered from memory.
//!
//! Scripts poll, and people reload: the same API key asks for the same user or the same page of
//! users again and again, and an office manager goes back to the users page. A `GET` that came
//! with a credential (an `Authorization` header or a cookie) is answered from memory when a
//! request with the very same credential headers, `Accept` header and URI, from the same address,
//! was answered `200` while the database's generation ([`app::ssr::db::changes`]) has not moved on
//! since, at most [`KEPT_FOR`] ago, and before the credential it was answered for ends.
//!
//! Any write, by this server or (on Postgres) any other, moves the generation on, so an edited
//! user, a revoked key, a disabled account or an ended session is never answered from an older
//! copy. What the credential was is learnt from the answer itself: only answers whose handler
//! checked a session or a key ([`CredentialEnds`]) are kept, and a session's copy lasts no longer
//! than the session would if it were not used again (its idle and absolute ends). An answer that
//! sets a cookie is never kept.

use app::ssr::auth::{ClientAddress, CredentialEnds};
use app::ssr::db::Db;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as _, Frame, SizeHint};
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// How long a copy is used at most, whatever the generation: answers that depend on the clock
/// (a key's "last used", kept to the hour) stay close to it.
pub const KEPT_FOR: Duration = Duration::from_secs(30);
/// The largest answer kept.
const LARGEST: usize = 1 << 20;
/// All copies together stay below this; reaching it starts again from empty.
const ALL_COPIES: usize = 64 << 20;

/// What must be the same for a copy to answer a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    authorization: Option<HeaderValue>,
    cookie: Option<HeaderValue>,
    accept: Option<HeaderValue>,
    address: Option<IpAddr>,
    uri: String,
}

impl Key {
    /// The key of a read that came with a credential; `None` for anything else.
    fn of(req: &Request) -> Option<Self> {
        if req.method() != Method::GET {
            return None;
        }
        let headers = req.headers();
        let authorization = headers.get(header::AUTHORIZATION).cloned();
        let cookie = headers.get(header::COOKIE).cloned();
        if authorization.is_none() && cookie.is_none() {
            return None;
        }
        Some(Self {
            authorization,
            cookie,
            accept: headers.get(header::ACCEPT).cloned(),
            address: req.extensions().get::<ClientAddress>().map(|a| a.0),
            uri: req.uri().to_string(),
        })
    }

    fn size(&self) -> usize {
        let len = |v: &Option<HeaderValue>| v.as_ref().map_or(0, HeaderValue::len);
        self.uri.len() + len(&self.authorization) + len(&self.cookie) + len(&self.accept)
    }
}

#[derive(Debug, Clone)]
struct Copy {
    generation: u64,
    /// When it stops being used: [`KEPT_FOR`] after it was made, or when its credential ends.
    until: Instant,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Debug, Default)]
pub struct ReadCache {
    copies: Mutex<Copies>,
}

#[derive(Debug, Default)]
struct Copies {
    by_key: HashMap<Key, Copy>,
    bytes: usize,
}

impl ReadCache {
    fn get(&self, key: &Key, generation: u64) -> Option<Copy> {
        let copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        copies
            .by_key
            .get(key)
            .filter(|c| c.generation == generation && Instant::now() < c.until)
            .cloned()
    }

    fn put(&self, key: Key, copy: Copy) {
        let mut copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        let cost = key.size() + copy.body.len();
        if copies.bytes + cost > ALL_COPIES {
            copies.by_key.clear();
            copies.bytes = 0;
        }
        copies.bytes += cost;
        if let Some(old) = copies.by_key.insert(key.clone(), copy) {
            copies.bytes -= key.size() + old.body.len();
        }
    }
}

/// The layer: answers from [`ReadCache`] what it can, and keeps what it may.
pub async fn answer_reads(
    State((db, cache)): State<(Db, Arc<ReadCache>)>,
    mut req: Request,
    next: Next,
) -> Response {
    let (Some(key), Some(generation)) = (Key::of(&req), db.changes().generation()) else {
        return next.run(req).await;
    };
    if let Some(copy) = cache.get(&key, generation) {
        let mut response = Response::new(Body::from(copy.body));
        *response.headers_mut() = copy.headers;
        return response;
    }

    let ends = CredentialEnds::default();
    req.extensions_mut().insert(ends.clone());
    let response = next.run(req).await;
    let until = ends.ends().and_then(|ends| until(ends, Instant::now()));
    let (Some(until), StatusCode::OK, false) = (
        until,
        response.status(),
        response.headers().contains_key(header::SET_COOKIE),
    ) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let headers = parts.headers.clone();
    let keep = move |body: Bytes| {
        // Kept only if nothing was written while it was being read and sent.
        if db.changes().generation() == Some(generation) {
            let copy = Copy {
                generation,
                until,
                headers,
                body,
            };
            cache.put(key, copy);
        }
    };
    Response::from_parts(parts, Body::new(Tee::new(body, keep)))
}

/// When a copy made `now` of an answer for a credential that ends at `ends` (Unix ms) stops being
/// used; `None` if the credential has (nearly) ended already.
fn until(ends: i64, now: Instant) -> Option<Instant> {
    let left = ends.saturating_sub(app::ssr::now_ms());
    let left = Duration::from_millis(u64::try_from(left).ok()?);
    Some(now + left.min(KEPT_FOR)).filter(|until| *until > now)
}

/// A response body passed on as it comes (a page streams), keeping a copy of its bytes; once it
/// has all been sent, and if it was no larger than [`LARGEST`], the copy goes to `keep`.
struct Tee<F> {
    inner: Body,
    /// The body's length when it was known up front: the server stops asking for more once it
    /// has that many bytes, so the end is never seen as such.
    length: Option<u64>,
    copy: Option<Vec<u8>>,
    keep: Option<F>,
}

impl<F: FnOnce(Bytes)> Tee<F> {
    fn new(inner: Body, keep: F) -> Self {
        Self {
            length: inner.size_hint().exact(),
            inner,
            copy: Some(Vec::new()),
            keep: Some(keep),
        }
    }

    /// Hands the copy over: the whole body has been sent.
    fn done(&mut self) {
        if let (Some(copy), Some(keep)) = (self.copy.take(), self.keep.take()) {
            keep(Bytes::from(copy));
        }
    }
}

impl<F: FnOnce(Bytes) + Unpin> http_body::Body for Tee<F> {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let frame = std::task::ready!(Pin::new(&mut this.inner).poll_frame(cx));
        match &frame {
            Some(Ok(frame)) => match (frame.data_ref(), &mut this.copy) {
                (Some(data), Some(copy)) if copy.len() + data.len() <= LARGEST => {
                    copy.extend_from_slice(data);
                    if this.length == Some(copy.len() as u64) {
                        this.done();
                    }
                }
                (Some(_), copy) => *copy = None,
                // Trailers are not kept: neither is an answer that has them.
                (None, copy) => *copy = None,
            },
            Some(Err(_)) => this.copy = None,
            None => this.done(),
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        // Answering "ended" would let the server stop polling before the copy is handed over.
        self.keep.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The layer that moves the database's generation on after every request that is not a read,
/// once its handler (and its commit) is done.
pub async fn note_writes(State(db): State<Db>, req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    let response = next.run(req).await;
    if writes {
        db.changes().changed();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(token: &str, address: &str, uri: &str) -> Key {
        Key {
            authorization: Some(HeaderValue::from_str(&format!("Bearer {token}")).unwrap()),
            cookie: None,
            accept: None,
            address: address.parse().ok(),
            uri: uri.into(),
        }
    }

    fn copy(generation: u64, body: &'static str) -> Copy {
        Copy {
            generation,
            until: Instant::now() + KEPT_FOR,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn a_copy_is_found_by_the_same_credential_address_accept_uri_and_generation_only() {
        let cache = ReadCache::default();
        cache.put(key("a", "192.0.2.1", "/u"), copy(7, "mine"));
        assert_eq!(
            cache.get(&key("a", "192.0.2.1", "/u"), 7).unwrap().body,
            "mine"
        );
        assert!(cache.get(&key("a", "192.0.2.1", "/u"), 8).is_none());
        assert!(cache.get(&key("b", "192.0.2.1", "/u"), 7).is_none());
        assert!(cache.get(&key("a", "192.0.2.2", "/u"), 7).is_none());
        assert!(cache.get(&key("a", "192.0.2.1", "/u?start=1"), 7).is_none());
        let with_cookie = Key {
            cookie: Some(HeaderValue::from_static("roster_session=x")),
            ..key("a", "192.0.2.1", "/u")
        };
        assert!(cache.get(&with_cookie, 7).is_none());
        let as_csv = Key {
            accept: Some(HeaderValue::from_static("text/csv")),
            ..key("a", "192.0.2.1", "/u")
        };
        assert!(cache.get(&as_csv, 7).is_none());
    }

    #[test]
    fn a_copy_is_not_used_after_its_time() {
        let cache = ReadCache::default();
        let mut old = copy(1, "old");
        old.until = Instant::now();
        cache.put(key("a", "192.0.2.1", "/u"), old);
        assert!(cache.get(&key("a", "192.0.2.1", "/u"), 1).is_none());
    }

    #[test]
    fn a_copy_lasts_no_longer_than_its_credential() {
        let now = Instant::now();
        let in_ms = |ms: i64| app::ssr::now_ms() + ms;
        let soon = until(in_ms(5_000), now).unwrap();
        assert!(soon <= now + Duration::from_secs(5) && soon > now + Duration::from_secs(4));
        assert_eq!(until(i64::MAX, now), Some(now + KEPT_FOR));
        assert_eq!(until(in_ms(-1), now), None);
    }

    #[test]
    fn the_copies_stay_within_their_budget() {
        let cache = ReadCache::default();
        let big = Bytes::from(vec![b'x'; LARGEST]);
        for n in 0..100 {
            let mut c = copy(1, "");
            c.body = big.clone();
            cache.put(key("a", "192.0.2.1", &format!("/u/{n}")), c);
        }
        let copies = cache.copies.lock().unwrap();
        assert!(copies.bytes <= ALL_COPIES);
        assert!(copies.by_key.len() < 100);
        assert_eq!(
            copies.bytes,
            copies
                .by_key
                .iter()
                .map(|(k, c)| k.size() + c.body.len())
                .sum::<usize>()
        );
    }

    #[tokio::test]
    async fn a_body_of_known_length_is_kept_once_its_last_byte_is_sent() {
        // As a server does: it stops asking for frames once it has the body's length.
        let got = Arc::new(Mutex::new(None));
        let mut tee = Tee::new(Body::from("{\"user\":\"101\"}"), {
            let got = got.clone();
            move |b: Bytes| *got.lock().unwrap() = Some(b)
        });
        let mut sent = 0;
        while sent < 14 {
            let frame = std::future::poll_fn(|cx| Pin::new(&mut tee).poll_frame(cx)).await;
            sent += frame.unwrap().unwrap().into_data().unwrap().len();
        }
        assert_eq!(
            got.lock().unwrap().as_deref(),
            Some(&b"{\"user\":\"101\"}"[..])
        );
    }

    #[tokio::test]
    async fn a_body_is_passed_on_whole_and_kept_only_when_small_enough() {
        use http_body_util::BodyExt;
        let chunks = |sizes: &[usize]| {
            let chunks: Vec<Result<Bytes, std::io::Error>> = sizes
                .iter()
                .map(|&n| Ok(Bytes::from(vec![b'x'; n])))
                .collect();
            Body::from_stream(futures_util::stream::iter(chunks))
        };
        for (sizes, kept) in [(&[3, 4][..], true), (&[LARGEST, 1][..], false)] {
            let got = Arc::new(Mutex::new(None));
            let tee = Tee::new(chunks(sizes), {
                let got = got.clone();
                move |b: Bytes| *got.lock().unwrap() = Some(b.len())
            });
            let sent = Body::new(tee).collect().await.unwrap().to_bytes();
            assert_eq!(sent.len(), sizes.iter().sum::<usize>());
            let want = kept.then(|| sizes.iter().sum::<usize>());
            assert_eq!(*got.lock().unwrap(), want);
        }
    }
}
