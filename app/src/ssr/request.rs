//! What a server function or a page knows of the request it answers: the state, the caller
//! (looked up once per request), the client's address and host, and how a refusal sets the
//! answer's status. The top of the server side: it uses the services, nothing uses it but the
//! `api` functions and the pages.

use super::access;
use super::caller::{self, Caller, ClientAddress};
use super::db::domains::DomainRef;
use super::state::AppState;
use crate::error::AppError;
use crate::model::permissions::Action;
use leptos::prelude::use_context;
use tower_sessions::Session;

/// The client address of the running server function or page, '' when unknown.
pub fn client_address() -> String {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientAddress>().map(|a| a.0.to_string()))
        .unwrap_or_default()
}

/// The session of the running server function or page.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer in front of this request");
        AppError::Internal
    })
}

/// The caller of one request, once looked up. The server provides a fresh one to each request.
#[derive(Clone, Default)]
pub struct RequestCaller(std::sync::Arc<tokio::sync::OnceCell<Option<Caller>>>);

async fn look_up(state: &AppState) -> Result<Option<Caller>, AppError> {
    let session = session().await?;
    caller::from_session(&state.db, &session, &state.sessions, client_address()).await
}

/// The caller of the running server function or page: its state and account, or
/// `Unauthenticated`. Looked up once per request: a page's header and its data share the answer.
pub async fn current() -> Result<(AppState, Caller), AppError> {
    let state = AppState::current()?;
    let found = match use_context::<RequestCaller>() {
        Some(cache) => cache.0.get_or_try_init(|| look_up(&state)).await?.clone(),
        None => look_up(&state).await?,
    };
    match found {
        Some(caller) => Ok((state, caller)),
        None => Err(AppError::Unauthenticated),
    }
}

/// The caller of the running server function and the domain `name`, if it may do `action` there.
pub async fn current_in(
    name: &str,
    action: Action,
) -> Result<(AppState, Caller, DomainRef), AppError> {
    let (state, caller) = current().await?;
    let found = access::domain(&state.db, &caller, &access::parse_name(name)?, action).await?;
    Ok((state, caller, found))
}

/// The body of a server function behind one of a domain's pages (its sites, numbers, devices):
/// `act` for the caller on the domain named `domain`, then on to the domain's `page` (such as
/// `devices`) saying what was `done`, or the refusal.
pub async fn act_on_domain<T, Fut>(
    domain: &str,
    page: &str,
    done: crate::model::done::Done,
    act: impl FnOnce(AppState, Caller, crate::model::DomainName) -> Fut,
) -> Result<(), AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let at = format!("/domains/{domain}/{page}");
    act_then_go(&at, done, |state, caller| async move {
        let name = access::parse_name(domain)?;
        act(state, caller, name).await
    })
    .await
}

/// The body of a server function that acts and goes on: `act` for the caller, then on to the page
/// `at` saying what was `done`, or the refusal.
pub async fn act_then_go<T, Fut>(
    at: &str,
    done: crate::model::done::Done,
    act: impl FnOnce(AppState, Caller) -> Fut,
) -> Result<(), AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    answer(
        async move {
            let (state, caller) = current().await?;
            act(state, caller).await?;
            leptos_axum::redirect(&done.at(at));
            Ok(())
        }
        .await,
    )
}

/// The full address of a set-password link, on the host the request came to.
pub fn password_link_url(state: &AppState, token: &str) -> String {
    let host = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "localhost".into());
    let scheme = if state.sessions.secure_cookie {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/set-password?token={token}")
}

/// Gives a failed server function call from the hydrated page the HTTP status of its error
/// (422, 409, 401, ...). A plain form post (no JavaScript) is redirected back to its page with the
/// error instead, so its status is left to that redirect.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
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
