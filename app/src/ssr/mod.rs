//! Server-only code: state, the database and authentication. Compiled only with the `ssr` feature.

pub mod access;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod db;
pub mod devices;
pub mod domains;
pub mod phone_numbers;
pub mod sites;
pub mod state;
pub mod users;

pub use state::AppState;

/// Now, in Unix milliseconds: how every timestamp is stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Gives a failed server function call from the hydrated page the HTTP status of its error
/// (422, 409, 401, ...). A plain form post (no JavaScript) is redirected back to its page with the
/// error instead, so its status is left to that redirect.
pub fn answer<T>(result: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    use leptos::prelude::use_context;
    if let Err(error) = &result {
        let wants_html = use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|a| a.contains("text/html"))
            })
            .unwrap_or(false);
        if let (false, Some(response)) = (wants_html, use_context::<leptos_axum::ResponseOptions>())
        {
            response.set_status(
                http::StatusCode::from_u16(error.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}
