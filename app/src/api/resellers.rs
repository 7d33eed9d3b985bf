//! Resellers, for the portal's resellers pages: list, read, create, change and delete, as the
//! permission table allows (a Super User every reseller, a Reseller its own).

use crate::error::AppError;
use crate::model::reseller::{ListedReseller, ResellerForm};
#[cfg(feature = "ssr")]
use crate::{model::done::Done, ssr::request::act_then_go};
use leptos::prelude::*;

/// The resellers the caller may see, by name, with their domains and users counted.
#[server(endpoint = "list-resellers")]
pub async fn list_resellers() -> Result<Vec<ListedReseller>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::resellers::list_resellers(&state.db, &caller).await
        }
        .await,
    )
}

/// One reseller for its page.
#[server(endpoint = "get-reseller")]
pub async fn get_reseller(reseller: String) -> Result<ListedReseller, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::resellers::get_reseller(&state.db, &caller, &reseller).await
        }
        .await,
    )
}

/// Adds a reseller, then shows the list.
#[server(endpoint = "create-reseller")]
pub async fn create_reseller(input: ResellerForm) -> Result<(), AppError> {
    act_then_go(
        "/resellers",
        Done::ResellerCreated,
        |state, caller| async move {
            crate::ssr::resellers::create_reseller(&state.db, &caller, &input).await
        },
    )
    .await
}

/// Saves a reseller's description and SMTP relay (a blank password keeps the stored one), then
/// shows the list.
#[server(endpoint = "save-reseller")]
pub async fn save_reseller(reseller: String, input: ResellerForm) -> Result<(), AppError> {
    act_then_go(
        "/resellers",
        Done::ResellerSaved,
        |state, caller| async move {
            let patch =
                crate::model::fields::Patch::whole(crate::model::reseller::RESELLER_FIELDS, &input);
            crate::ssr::resellers::update_reseller(&state.db, &caller, &reseller, &patch)
                .await
                .map_err(|e| e.with_input(&input.without_secrets()))
        },
    )
    .await
}

/// Deletes a reseller no domain names, then shows the list.
#[server(endpoint = "delete-reseller")]
pub async fn delete_reseller(reseller: String) -> Result<(), AppError> {
    act_then_go(
        "/resellers",
        Done::ResellerDeleted,
        |state, caller| async move {
            crate::ssr::resellers::delete_reseller(&state.db, &caller, &reseller).await
        },
    )
    .await
}
