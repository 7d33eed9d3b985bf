//! Domains (tenants): list, read, create, edit, delete, as the permission table allows.

use crate::error::AppError;
use crate::model::domain::{DomainForm, ListedDomain, OpenedDomain};
use leptos::prelude::*;

/// The domains the caller may see, by name, each with how many users it has.
#[server(endpoint = "list-domains")]
pub async fn list_domains() -> Result<Vec<ListedDomain>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::domains::listed_domains(&state.db, &caller).await
        }
        .await,
    )
}

/// One domain for its page, with whether the caller may change it.
#[server(endpoint = "open-domain")]
pub async fn open_domain(name: String) -> Result<OpenedDomain, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&name)?;
            crate::ssr::domains::open_domain(&state.db, &caller, &name).await
        }
        .await,
    )
}

/// Creates a domain from the form, then shows its users (the next thing to add).
#[server(endpoint = "create-domain")]
pub async fn create_domain(input: DomainForm) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let created = crate::ssr::domains::create_domain(&state.db, &caller, &input).await?;
            leptos_axum::redirect(
                &crate::model::done::Done::DomainCreated
                    .at(&format!("/domains/{}/users", created.settings.domain)),
            );
            Ok(())
        }
        .await,
    )
}

/// Changes a domain's settings (its name stays), then shows the list.
#[server(endpoint = "update-domain")]
pub async fn update_domain(name: String, input: DomainForm) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&name)?;
            let patch =
                crate::model::fields::Patch::whole(crate::model::domain::DOMAIN_FIELDS, &input);
            crate::ssr::domains::update_domain(&state.db, &caller, &name, &patch)
                .await
                .map_err(|e| e.with_input(&input))?;
            leptos_axum::redirect(&crate::model::done::Done::DomainSaved.at("/domains"));
            Ok(())
        }
        .await,
    )
}

/// Deletes a domain and everything in it, then shows the list.
#[server(endpoint = "delete-domain")]
pub async fn delete_domain(name: String) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&name)?;
            crate::ssr::domains::delete_domain(&state.db, &caller, &name).await?;
            leptos_axum::redirect(&crate::model::done::Done::DomainDeleted.at("/domains"));
            Ok(())
        }
        .await,
    )
}
