//! `Idempotency-Key` on creates: a retry with the same key gets the first answer again, the same
//! key with another request is refused (422), and a key whose first request is still running is
//! a conflict (409). Answers are kept a day, per caller.

use super::extract::ApiCaller;
use super::problem::Problem;
use app::ssr::db::api_keys;
use app::ssr::{now_ms, AppState};
use axum::body::Body;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::time::Duration;

pub const HEADER: &str = "idempotency-key";
/// How long an answer is kept for retries.
pub const KEPT_FOR: Duration = Duration::from_secs(24 * 3600);

/// What a retry of a create is known by: its Idempotency-Key (if it has one), method and URI
/// (the query too: `dry-run=yes` is another request).
pub struct Retry {
    key: Option<HeaderValue>,
    method: Method,
    uri: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Retry {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Nested under /ns-api/v2, the router's own URI has lost its prefix; the original has not.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0)
            .to_string();
        Ok(Self {
            key: parts.headers.get(HEADER).cloned(),
            method: parts.method.clone(),
            uri,
        })
    }
}

/// Runs `create` once per Idempotency-Key (if the request has one) and answers retries from what
/// it answered the first time. Answers of 5xx are not kept, so a retry after a server failure runs.
pub async fn once<F, Fut>(
    state: &AppState,
    caller: &ApiCaller,
    retry: &Retry,
    body: &[u8],
    create: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Response, Problem>>,
{
    let run = || async { create().await.unwrap_or_else(IntoResponse::into_response) };
    let Some(value) = &retry.key else {
        return run().await;
    };
    let key = match value.to_str().map(str::trim) {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        _ => {
            return Problem::field(
                StatusCode::BAD_REQUEST,
                "Idempotency-Key",
                "1 to 255 visible ASCII characters.",
            )
            .into_response()
        }
    };
    let mut hash = Sha256::new();
    for part in [
        retry.method.as_str().as_bytes(),
        b" ",
        retry.uri.as_bytes(),
        b"\n",
        body,
    ] {
        hash.update(part);
    }
    let hash: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let now = now_ms();
    let expired_before = now - KEPT_FOR.as_millis() as i64;
    let db = state.db.pool();
    match api_keys::claim(db, &caller.owner, key, &hash, now, expired_before).await {
        Err(e) => return Problem::from(e).into_response(),
        Ok(true) => {}
        Ok(false) => return replay(db, &caller.owner, key, &hash, expired_before).await,
    }
    let response = run().await;
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        let _ = api_keys::release(db, &caller.owner, key).await;
        return Problem::from(app::error::AppError::Internal).into_response();
    };
    let kept = if parts.status.is_server_error() {
        api_keys::release(db, &caller.owner, key).await
    } else {
        let text = String::from_utf8_lossy(&bytes);
        api_keys::complete(
            db,
            &caller.owner,
            key,
            i64::from(parts.status.as_u16()),
            &text,
        )
        .await
    };
    if let Err(e) = kept {
        tracing::warn!(error = %e, "could not keep the answer for an Idempotency-Key");
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn replay(db: &sqlx::AnyPool, owner: &str, key: &str, hash: &str, since: i64) -> Response {
    let first = match api_keys::remembered(db, owner, key, since).await {
        Err(e) => return Problem::from(e).into_response(),
        Ok(None) => {
            // Expired between the claim and now: the retry is a new request, but say so.
            return Problem::new(
                StatusCode::CONFLICT,
                "This Idempotency-Key changed hands during the request; retry.",
            )
            .into_response();
        }
        Ok(Some(first)) => first,
    };
    if first.request_hash != hash {
        return Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Idempotency-Key",
            "This key was already used with a different request.",
        )
        .into_response();
    }
    if first.status == 0 {
        return Problem::new(
            StatusCode::CONFLICT,
            "The first request with this Idempotency-Key is still running; retry later.",
        )
        .into_response();
    }
    let status = StatusCode::from_u16(first.status as u16).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut response = (status, first.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
