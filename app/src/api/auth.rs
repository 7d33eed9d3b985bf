//! Logging in and out, who is logged in, and setting a password through a one-time link.

use crate::error::AppError;
use crate::model::permissions::Who;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The logged-in account, as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub login: String,
    pub display_name: String,
    /// Where the caller stands (its scope included), for the pages to offer only what the permission table allows.
    pub who: Who,
    /// The caller's own domain and extension, if it is a telephony user.
    pub domain: Option<String>,
    pub extension: Option<String>,
    /// The page the caller starts from.
    pub home: String,
}

/// Logs in and goes to the caller's home page (or `next`, when it is a path of this site).
#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            use crate::ssr::{auth, AppState};
            let state = AppState::current()?;
            let session = crate::ssr::request::session().await?;
            let address = crate::ssr::request::client_address();
            let caller = auth::log_in(
                &state.db,
                &session,
                &state.sessions,
                &login,
                &password,
                address,
            )
            .await
            .inspect_err(|e| {
                if *e == AppError::BadCredentials {
                    // For the server's guard, which slows down guessing (and strips this).
                    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                        response.insert_header(
                            http::HeaderName::from_static(crate::ssr::auth::LOGIN_FAILED_HEADER),
                            http::HeaderValue::from_static("1"),
                        );
                    }
                }
            })?;
            let next = next
                .as_deref()
                .and_then(crate::model::local_path)
                .map_or_else(|| auth::home_page(&caller), str::to_owned);
            leptos_axum::redirect(&next);
            Ok(())
        }
        .await,
    )
}

/// Ends this session.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let session: tower_sessions::Session = leptos_axum::extract()
                .await
                .map_err(|_| AppError::Internal)?;
            session.flush().await.map_err(|_| AppError::Internal)?;
            leptos_axum::redirect("/login?logged-out=1");
            Ok(())
        }
        .await,
    )
}

/// Who is logged in on this session, if anyone.
#[server(endpoint = "me")]
pub async fn me() -> Result<Option<SignedIn>, AppError> {
    crate::ssr::request::answer(
        async move {
            match crate::ssr::request::current().await {
                Ok((_, c)) => Ok(Some(SignedIn {
                    home: crate::ssr::auth::home_page(&c),
                    login: c.login,
                    display_name: c.display_name,
                    who: c.who,
                    domain: c.domain,
                    extension: c.extension,
                })),
                Err(AppError::Unauthenticated) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// The login a set-password link is for, or `None` if the link is unknown, used or expired.
#[server(endpoint = "password-link")]
pub async fn password_link(token: String) -> Result<Option<String>, AppError> {
    crate::ssr::request::answer(
        async move {
            let state = crate::ssr::AppState::current()?;
            crate::ssr::auth::password_link_login(&state.db, &token).await
        }
        .await,
    )
}

/// Sets a password through a one-time link, then goes to the login page with the login filled in.
#[server(endpoint = "set-password")]
pub async fn set_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let state = crate::ssr::AppState::current()?;
            let address = crate::ssr::request::client_address();
            let login = crate::ssr::auth::set_password_with_link(
                &state.db, &token, &password, &confirm, address,
            )
            .await?;
            leptos_axum::redirect(&format!(
                "/login?password=set&login={}",
                super::urlencode(&login)
            ));
            Ok(())
        }
        .await,
    )
}

/// Asks for a password-reset link by login or e-mail address, then says that a link was sent if
/// the account exists: the same answer either way.
#[server(endpoint = "forgot-password")]
pub async fn forgot_password(who: String) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let state = crate::ssr::AppState::current()?;
            let address = crate::ssr::request::client_address();
            crate::ssr::auth::request_password_reset(&state.db, &who, address).await?;
            leptos_axum::redirect("/forgot-password?sent=1");
            Ok(())
        }
        .await,
    )
}
