//! `Idempotency-Key` on creates: a retry with the same key gets the first answer again, the same
//! key with another request is refused (422), and a key whose first request is still running is
//! a conflict (409). Answers are kept a day, per caller (`app::ssr::idempotency`).

use super::extract::ApiCaller;
use super::problem::Problem;
use app::ssr::idempotency::{self, Claim, Ticket};
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::time::Duration;

pub const HEADER: &str = "idempotency-key";

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
    let hash = app::ssr::hex(&hash.finalize());
    // Should the request be cancelled while it claims the key or runs (its client went away),
    // the key is let go: the create either committed or rolled back, and a retry runs it again.
    // The ticket releases only its own claim, so releasing one that was never written is harmless.
    struct Held {
        db: app::ssr::db::Db,
        ticket: Ticket,
        done: bool,
    }
    impl Drop for Held {
        fn drop(&mut self) {
            if !self.done {
                let (db, ticket) = (self.db.clone(), self.ticket.clone());
                tokio::spawn(async move {
                    // Twice: a claim whose statement was already on its way to the database
                    // when the request was cancelled may land after the first release.
                    for wait in [Duration::ZERO, Duration::from_millis(100)] {
                        tokio::time::sleep(wait).await;
                        if let Err(e) = idempotency::release(&db, &ticket).await {
                            tracing::warn!(error = %e, "could not let go of a cancelled request's Idempotency-Key");
                        }
                    }
                });
            }
        }
    }
    let mut held = Held {
        db: state.db.clone(),
        ticket: Ticket::new(&caller.owner, key),
        done: false,
    };
    match idempotency::claim(&state.db, &held.ticket, &hash).await {
        Ok(Claim::Mine) => {}
        // Whether the claim was written is unknown: the guard lets go of it, if it is ours.
        Err(e) => return Problem::from(e).into_response(),
        Ok(other) => {
            held.done = true;
            return replay(other);
        }
    }
    let response = run().await;
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Problem::from(app::error::AppError::Internal).into_response();
    };
    let kept = if parts.status.is_server_error() {
        idempotency::release(&state.db, &held.ticket).await
    } else {
        let text = String::from_utf8_lossy(&bytes);
        idempotency::complete(&state.db, &held.ticket, parts.status.as_u16(), &text).await
    };
    held.done = true;
    if let Err(e) = kept {
        tracing::warn!(error = %e, "could not keep the answer for an Idempotency-Key");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The answer to a retry: the first answer again, or why there is none.
fn replay(claim: Claim) -> Response {
    match claim {
        Claim::Mine => Problem::from(app::error::AppError::Internal).into_response(),
        Claim::OtherRequest => Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Idempotency-Key",
            "This key was already used with a different request.",
        )
        .into_response(),
        Claim::Running => Problem::new(
            StatusCode::CONFLICT,
            "The first request with this Idempotency-Key is still running; retry later.",
        )
        .into_response(),
        Claim::Answered { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let content_type = if status.is_success() {
                "application/json"
            } else {
                "application/problem+json"
            };
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
    }
}
