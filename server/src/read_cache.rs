//! Repeated API reads answered from memory.
//!
//! Scripts poll: the same key asks for the same user or the same page of users again and again.
//! A `GET` under `/ns-api` with a bearer key is answered from memory when the same key, from the
//! same address, asked for the same URI while the database's generation
//! ([`app::ssr::db::changes`]) has not moved on since, and at most [`KEPT_FOR`] ago. Any write,
//! by this server or (on Postgres) any other, moves the generation on, so a revoked key, a
//! disabled account or an edited user is never answered from an older copy. Only `200` answers
//! are kept; the key's check (its secret, scope, address rules) ran when the copy was made,
//! and the copy is found only by the exact same `Authorization` value and address.

use app::ssr::auth::ClientAddress;
use app::ssr::db::Db;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a copy is used at most, whatever the generation: answers that depend on the clock
/// (a key's "last used", kept to the hour) stay close to it.
pub const KEPT_FOR: Duration = Duration::from_secs(30);
/// The largest answer kept.
const LARGEST: u64 = 1 << 20;
/// All copies together stay below this; reaching it starts again from empty.
const ALL_COPIES: usize = 64 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    authorization: HeaderValue,
    address: Option<IpAddr>,
    uri: String,
}

#[derive(Debug, Clone)]
struct Copy {
    generation: u64,
    made: Instant,
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
            .filter(|c| c.generation == generation && c.made.elapsed() < KEPT_FOR)
            .cloned()
    }

    fn put(&self, key: Key, copy: Copy) {
        let mut copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        let cost = size(&key, &copy);
        if copies.bytes + cost > ALL_COPIES {
            copies.by_key.clear();
            copies.bytes = 0;
        }
        copies.bytes += cost;
        if let Some(old) = copies.by_key.insert(key.clone(), copy) {
            copies.bytes -= size(&key, &old);
        }
    }
}

/// What a copy costs the budget.
fn size(key: &Key, copy: &Copy) -> usize {
    copy.body.len() + key.uri.len() + key.authorization.len()
}

/// The layer: answers from [`ReadCache`] what it can, and keeps what it may.
pub async fn answer_reads(
    State((db, cache)): State<(Db, Arc<ReadCache>)>,
    req: Request,
    next: Next,
) -> Response {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .filter(|v| {
            v.as_bytes()
                .get(..7)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"bearer "))
        })
        .cloned();
    let api = req.uri().path().starts_with(crate::ns_api::BASE);
    let (&Method::GET, true, Some(authorization), Some(generation)) =
        (req.method(), api, bearer, db.changes().generation())
    else {
        return next.run(req).await;
    };
    let key = Key {
        authorization,
        address: req.extensions().get::<ClientAddress>().map(|a| a.0),
        uri: req.uri().to_string(),
    };
    if let Some(copy) = cache.get(&key, generation) {
        let mut response = Response::new(Body::from(copy.body));
        *response.headers_mut() = copy.headers;
        return response;
    }

    let response = next.run(req).await;
    let keepable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .body()
            .size_hint()
            .exact()
            .is_some_and(|n| n <= LARGEST);
    if !keepable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, LARGEST as usize).await else {
        return Response::from_parts(parts, Body::empty());
    };
    // Kept only if nothing was written while it was being read.
    if db.changes().generation() == Some(generation) {
        let copy = Copy {
            generation,
            made: Instant::now(),
            headers: parts.headers.clone(),
            body: body.clone(),
        };
        cache.put(key, copy);
    }
    Response::from_parts(parts, Body::from(body))
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
            authorization: HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            address: address.parse().ok(),
            uri: uri.into(),
        }
    }

    fn copy(generation: u64, body: &'static str) -> Copy {
        Copy {
            generation,
            made: Instant::now(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn a_copy_is_found_by_the_same_key_address_uri_and_generation_only() {
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
    }

    #[test]
    fn old_copies_are_not_used() {
        let cache = ReadCache::default();
        let mut old = copy(1, "old");
        old.made = Instant::now() - KEPT_FOR;
        cache.put(key("a", "192.0.2.1", "/u"), old);
        assert!(cache.get(&key("a", "192.0.2.1", "/u"), 1).is_none());
    }

    #[test]
    fn the_copies_stay_within_their_budget() {
        let cache = ReadCache::default();
        let big = Bytes::from(vec![b'x'; LARGEST as usize]);
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
            copies.by_key.iter().map(|(k, c)| size(k, c)).sum::<usize>()
        );
    }
}
