//! Groups of a domain (ring groups and agent groups), which new users can join.

use crate::error::AppError;
use leptos::prelude::*;

/// The groups of a domain, by name.
#[server(endpoint = "list-groups")]
pub async fn list_groups(domain: String) -> Result<Vec<String>, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::groups::list_groups(&state.db, &caller, &name).await
        }
        .await,
    )
}

/// Adds a group to a domain (`kind`: `ring` or `agent`), rung at `extension` if one is given,
/// then shows the domain again.
#[server(endpoint = "create-group")]
pub async fn create_group(
    domain: String,
    name: String,
    kind: String,
    #[server(default)] extension: String,
) -> Result<(), AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let domain = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::groups::create_group(&state.db, &caller, &domain, &name, &kind, &extension)
                .await?;
            leptos_axum::redirect(
                &crate::model::done::Done::GroupCreated.at(&format!("/domains/{domain}")),
            );
            Ok(())
        }
        .await,
    )
}
