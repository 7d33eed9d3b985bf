//! API keys of the logged-in caller (every key, for a Super User): list, create, revoke. Thin
//! wrappers around [`crate::ssr::api_keys`]. A new key's token is shown once: it waits in the
//! creator's session for the page the create redirects to, which takes it (as the user page takes
//! a new invitation link).

use crate::error::AppError;
use crate::model::api_key::{ApiKey, ApiKeyForm};
use leptos::prelude::*;

/// Where a new key's token waits for the creator's next page: (key id, token), taken once.
#[cfg(feature = "ssr")]
const NEW_KEY: &str = "new-api-key";

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract().await.map_err(|_| AppError::Internal)
}

/// The keys the caller may see: its own (every key, for a Super User).
#[server(endpoint = "list-api-keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::api_keys::list_keys(&state.db, &caller).await
        }
        .await,
    )
}

/// Makes a key for the caller, then shows the keys with its token (once). Refused fields come
/// back with what was typed.
#[server(endpoint = "create-api-key")]
pub async fn create_api_key(input: ApiKeyForm) -> Result<ApiKey, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let issued = crate::ssr::api_keys::create_key(&state.db, &caller, &input)
                .await
                .map_err(|e| e.with_input(&input))?;
            session()
                .await?
                .insert(NEW_KEY, (issued.listing.key_id.clone(), issued.key))
                .await
                .map_err(|_| AppError::Internal)?;
            leptos_axum::redirect(&format!("/api-keys?created={}", issued.listing.key_id));
            Ok(issued.listing)
        }
        .await,
    )
}

/// The token of the key `key_id`, if the caller has just made it (shown once: it is gone from the
/// session afterwards).
#[server(endpoint = "take-api-key-token")]
pub async fn take_api_key_token(key_id: String) -> Result<Option<String>, AppError> {
    crate::ssr::request::answer(
        async move {
            let session = session().await?;
            let waiting: Option<(String, String)> =
                session.get(NEW_KEY).await.map_err(|_| AppError::Internal)?;
            match waiting {
                Some((id, token)) if id == key_id => {
                    // Still the same caller, still logged in.
                    crate::ssr::request::current().await?;
                    session
                        .remove::<(String, String)>(NEW_KEY)
                        .await
                        .map_err(|_| AppError::Internal)?;
                    Ok(Some(token))
                }
                _ => Ok(None),
            }
        }
        .await,
    )
}

/// Revokes a key (it stops working at once), then shows the keys again.
#[server(endpoint = "delete-api-key")]
pub async fn delete_api_key(key_id: String) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::api_keys::delete_key(&state.db, &caller, &key_id).await?;
            leptos_axum::redirect(&format!("/api-keys?revoked={key_id}"));
            Ok(())
        }
        .await,
    )
}
