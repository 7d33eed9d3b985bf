//! Groups of a domain (ring groups and agent groups), which new users can join.

use crate::error::AppError;
use leptos::prelude::*;

/// The groups of a domain, by name.
#[server(endpoint = "list-groups")]
pub async fn list_groups(domain: String) -> Result<Vec<String>, AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            let (state, _, found) =
                crate::ssr::access::current_in(&domain, Action::ManageUsers).await?;
            crate::ssr::db::users::groups(state.db.pool(), found.id).await
        }
        .await,
    )
}

/// Adds a group to a domain (`kind`: `ring` or `agent`), then shows the domain again.
#[server(endpoint = "create-group")]
pub async fn create_group(domain: String, name: String, kind: String) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            use crate::model::{FieldErrors, GroupName, Parse};
            use crate::ssr::{db, now_ms};
            let (state, caller, found) =
                crate::ssr::access::current_in(&domain, Action::ManageSites).await?;
            let mut errors = FieldErrors::default();
            let name = errors.check("name", GroupName::parse(&name));
            if !matches!(kind.as_str(), "ring" | "agent") {
                errors.add("kind", "Either a ring group or an agent group.");
            }
            let Some(name) = name.filter(|_| errors.is_empty()) else {
                return Err(AppError::invalid(errors));
            };
            let mut tx = state.db.begin().await.map_err(db::internal)?;
            db::users::insert_group(&mut tx, found.id, &name, &kind, now_ms()).await?;
            let changes = [("kind".to_owned(), (String::new(), kind.clone()))].into();
            let domain = found.settings.domain.as_str();
            crate::ssr::audit::record(
                &mut tx,
                &caller,
                Some((found.id, domain)),
                "group.create",
                name.as_str(),
                &changes,
            )
            .await?;
            tx.commit().await.map_err(db::internal)?;
            leptos_axum::redirect(&format!("/domains/{}", found.settings.domain));
            Ok(())
        }
        .await,
    )
}
