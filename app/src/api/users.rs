//! Users of a domain: list, read, create (with everything attached), delete, and the helpers the
//! wizard calls as it is filled in.

use crate::error::AppError;
use crate::model::user::{FieldContext, UserDetail, UserForm, UserList, UserQuery};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the create-user wizard starts from: the form filled with the domain's defaults and a free
/// extension, how to check fields in this domain, and suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WizardStart {
    /// The domain's settings (its defaults fill blank fields, as on the server).
    pub domain: crate::model::domain::DomainSettings,
    pub form: UserForm,
    pub field_context: FieldContext,
    pub departments: Vec<String>,
    pub sites: Vec<String>,
    pub groups: Vec<String>,
}

/// What the wizard and the editor start from: `form`, the domain, and its suggestions.
#[cfg(feature = "ssr")]
async fn wizard_start(
    pool: &sqlx::AnyPool,
    found: &crate::ssr::db::domains::DomainRef,
    form: UserForm,
) -> Result<WizardStart, AppError> {
    use crate::ssr::db::users;
    Ok(WizardStart {
        domain: found.settings.clone(),
        form,
        field_context: FieldContext {
            alphanumeric_extensions: found.alphanumeric_extensions,
        },
        departments: users::departments(pool, found.id).await?,
        sites: users::sites(pool, found.id).await?,
        groups: users::groups(pool, found.id).await?,
    })
}

/// After a create or an edit: shows the saved user (the PIN stays on the server), or sends the
/// refusal back with what was typed (secrets left out) for a form posted without JavaScript.
#[cfg(feature = "ssr")]
fn show_saved(
    domain: &crate::model::DomainName,
    saved: Result<UserDetail, AppError>,
    input: &UserForm,
) -> Result<UserDetail, AppError> {
    let saved = saved.map_err(|e| e.with_input(&input.without_secrets()))?;
    leptos_axum::redirect(&format!("/domains/{domain}/users/{}", saved.user.user));
    Ok(saved.without_pin())
}

/// One page of a domain's users.
#[server(endpoint = "list-users")]
pub async fn list_users(
    domain: String,
    #[server(default)] query: UserQuery,
) -> Result<UserList, AppError> {
    crate::ssr::answer(
        async move {
            let (state, _, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            crate::ssr::db::users::list(state.db.pool(), found.id, &query).await
        }
        .await,
    )
}

/// A user with everything attached.
#[server(endpoint = "get-user")]
pub async fn get_user(domain: String, user: String) -> Result<UserDetail, AppError> {
    crate::ssr::answer(
        async move {
            let (state, _, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            crate::ssr::db::users::get(
                state.db.pool(),
                &found.settings.domain,
                found.id,
                &user,
                true,
            )
            .await?
            .map(UserDetail::without_pin)
            .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// The wizard's starting point for a new user of `domain`.
#[server(endpoint = "new-user-context")]
pub async fn new_user_context(domain: String) -> Result<WizardStart, AppError> {
    crate::ssr::answer(
        async move {
            use crate::ssr::db::users;
            let (state, _, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            let pool = state.db.pool();
            let mut form = UserForm::for_domain(&found.settings);
            form.user = users::next_free_extension(pool, found.id)
                .await?
                .map(|e| e.to_string())
                .unwrap_or_default();
            wizard_start(pool, &found, form).await
        }
        .await,
    )
}

/// Whether an extension is still free in the domain (checked live by the wizard).
#[server(endpoint = "extension-free")]
pub async fn extension_free(domain: String, user: String) -> Result<bool, AppError> {
    crate::ssr::answer(
        async move {
            let (state, _, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            crate::ssr::db::users::extension_free(state.db.pool(), found.id, user.trim()).await
        }
        .await,
    )
}

/// Creates a user with everything attached, all or nothing, then shows it.
#[server(endpoint = "create-user")]
pub async fn create_user(domain: String, input: UserForm) -> Result<UserDetail, AppError> {
    crate::ssr::answer(
        async move {
            let (state, caller, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            let created =
                crate::ssr::users::create_user(&state.db, &found.settings.domain, &input).await;
            tracing::info!(
                by = caller.account_id,
                ok = created.is_ok(),
                "user create through the portal"
            );
            show_saved(&found.settings.domain, created, &input)
        }
        .await,
    )
}

/// The form that edits a user, filled with what is stored (secrets blank: blank keeps them).
#[server(endpoint = "edit-user-form")]
pub async fn edit_user_form(domain: String, user: String) -> Result<WizardStart, AppError> {
    crate::ssr::answer(
        async move {
            use crate::ssr::db::users;
            let (state, _, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            let pool = state.db.pool();
            let detail = users::get(pool, &found.settings.domain, found.id, &user, true)
                .await?
                .ok_or(AppError::NotFound)?;
            wizard_start(pool, &found, UserForm::from(&detail)).await
        }
        .await,
    )
}

/// Changes a user and what is attached to it, all or nothing, then shows it.
#[server(endpoint = "update-user")]
pub async fn update_user(
    domain: String,
    user: String,
    input: UserForm,
) -> Result<UserDetail, AppError> {
    crate::ssr::answer(
        async move {
            let (state, caller, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            let updated =
                crate::ssr::users::update_user(&state.db, &found.settings.domain, &user, &input)
                    .await;
            tracing::info!(
                by = caller.account_id,
                ok = updated.is_ok(),
                "user update through the portal"
            );
            show_saved(&found.settings.domain, updated, &input)
        }
        .await,
    )
}

/// Deletes a user. One who owns a voicemail box is deleted only if `delete_voicemail` is set.
#[server(endpoint = "delete-user")]
pub async fn delete_user(
    domain: String,
    user: String,
    delete_voicemail: Option<String>,
) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            let (state, _, found) = crate::ssr::auth::require_domain_manager(&domain).await?;
            let with_voicemail = delete_voicemail.is_some_and(|v| !v.is_empty() && v != "no");
            crate::ssr::users::delete_user(
                &state.db,
                &found.settings.domain,
                &user,
                with_voicemail,
            )
            .await?;
            leptos_axum::redirect(&format!("/domains/{}/users", found.settings.domain));
            Ok(())
        }
        .await,
    )
}
