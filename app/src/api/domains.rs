//! Domains (tenants): list, read, create, edit, delete. Super Users only, for now.

use crate::error::AppError;
use crate::model::domain::{Domain, DomainForm};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn parse_name(name: &str) -> Result<crate::model::DomainName, AppError> {
    use crate::model::Parse;
    // A name that cannot exist is simply not found.
    crate::model::DomainName::parse(name).map_err(|_| AppError::NotFound)
}

/// Every domain, by name.
#[server(endpoint = "list-domains")]
pub async fn list_domains() -> Result<Vec<Domain>, AppError> {
    crate::ssr::answer(
        async move {
            let (state, _) = crate::ssr::auth::require_super_user().await?;
            crate::ssr::db::domains::list(state.db.pool()).await
        }
        .await,
    )
}

/// One domain.
#[server(endpoint = "get-domain")]
pub async fn get_domain(name: String) -> Result<Domain, AppError> {
    crate::ssr::answer(
        async move {
            let (state, _) = crate::ssr::auth::require_super_user().await?;
            crate::ssr::db::domains::get(state.db.pool(), &parse_name(&name)?)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Creates a domain from the form, then shows the list.
#[server(endpoint = "create-domain")]
pub async fn create_domain(input: DomainForm) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            use crate::ssr::{db, now_ms};
            let (state, caller) = crate::ssr::auth::require_super_user().await?;
            let settings = input
                .parse()
                .map_err(|e| AppError::invalid(e).with_input(&input))?;
            let mut tx = state.db.begin().await.map_err(db::internal)?;
            db::domains::insert(&mut tx, &settings, now_ms())
                .await
                .map_err(|e| e.with_input(&input))?;
            tx.commit().await.map_err(db::internal)?;
            tracing::info!(domain = %settings.domain, by = caller.account_id, "domain created");
            leptos_axum::redirect("/domains");
            Ok(())
        }
        .await,
    )
}

/// Changes a domain's settings (its name stays), then shows the list.
#[server(endpoint = "update-domain")]
pub async fn update_domain(name: String, input: DomainForm) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            use crate::ssr::{db, now_ms};
            let (state, caller) = crate::ssr::auth::require_super_user().await?;
            let name = parse_name(&name)?;
            // The name is the key and is not edited: whatever the form says, it is this domain's.
            let input = DomainForm {
                domain: name.to_string(),
                ..input
            };
            let settings = input
                .parse()
                .map_err(|e| AppError::invalid(e).with_input(&input))?;
            let mut tx = state.db.begin().await.map_err(db::internal)?;
            db::domains::update(&mut tx, &name, &settings, now_ms())
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await.map_err(db::internal)?;
            tracing::info!(domain = %name, by = caller.account_id, "domain updated");
            leptos_axum::redirect("/domains");
            Ok(())
        }
        .await,
    )
}

/// Deletes a domain and everything in it, then shows the list.
#[server(endpoint = "delete-domain")]
pub async fn delete_domain(name: String) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            use crate::ssr::db;
            let (state, caller) = crate::ssr::auth::require_super_user().await?;
            let name = parse_name(&name)?;
            let mut tx = state.db.begin().await.map_err(db::internal)?;
            if !db::domains::delete(&mut tx, &name).await? {
                return Err(AppError::NotFound);
            }
            tx.commit().await.map_err(db::internal)?;
            tracing::info!(domain = %name, by = caller.account_id, "domain deleted");
            leptos_axum::redirect("/domains");
            Ok(())
        }
        .await,
    )
}
