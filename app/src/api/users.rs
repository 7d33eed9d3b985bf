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
    /// The scopes the caller may give (none above its own).
    pub scopes: Vec<crate::model::Scope>,
}

/// What the wizard and the editor start from: `form`, the domain, and its suggestions.
/// A Site Manager's wizard offers its own site only.
#[cfg(feature = "ssr")]
async fn wizard_start(
    pool: &sqlx::AnyPool,
    caller: &crate::ssr::auth::Caller,
    found: &crate::ssr::db::domains::DomainRef,
    mut form: UserForm,
) -> Result<WizardStart, AppError> {
    use crate::model::permissions::Action;
    use crate::ssr::db::users;
    let sites = match caller.who.only_site(Action::ManageUsers) {
        Some(own) => {
            form.site = own.to_owned();
            vec![own.to_owned()]
        }
        None => users::sites(pool, found.id).await?,
    };
    Ok(WizardStart {
        domain: found.settings.clone(),
        form,
        field_context: found.field_context(),
        departments: users::departments(pool, found.id).await?,
        sites,
        groups: users::groups(pool, found.id).await?,
        scopes: caller.who.grantable_scopes().collect(),
    })
}

/// The user `user` of `domain`, if the caller may manage it: state, caller, domain, and where
/// the user stands.
#[cfg(feature = "ssr")]
async fn managed_user(
    domain: &str,
    user: &str,
) -> Result<
    (
        crate::ssr::AppState,
        crate::ssr::auth::Caller,
        crate::ssr::db::domains::DomainRef,
        crate::ssr::db::users::Located,
    ),
    AppError,
> {
    use crate::model::permissions::Action;
    let (state, caller) = crate::ssr::auth::current().await?;
    let name = crate::ssr::access::parse_name(domain)?;
    let (found, located) =
        crate::ssr::access::user_in(state.db.pool(), &caller, &name, user, Action::ManageUsers)
            .await?;
    Ok((state, caller, found, located))
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
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::list_users(&state.db, &caller, &name, None, &query).await
        }
        .await,
    )
}

/// A user with everything attached.
#[server(endpoint = "get-user")]
pub async fn get_user(domain: String, user: String) -> Result<UserDetail, AppError> {
    crate::ssr::answer(
        async move {
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::get_user(&state.db, &caller, &name, &user).await
        }
        .await,
    )
}

/// The wizard's starting point for a new user of `domain`.
#[server(endpoint = "new-user-context")]
pub async fn new_user_context(domain: String) -> Result<WizardStart, AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            use crate::ssr::db::users;
            let (state, caller, found) =
                crate::ssr::access::current_in(&domain, Action::ManageUsers).await?;
            let pool = state.db.pool();
            let mut form = UserForm::for_domain(&found.settings);
            form.user = users::next_free_extension(pool, found.id)
                .await?
                .map(|e| e.to_string())
                .unwrap_or_default();
            wizard_start(pool, &caller, &found, form).await
        }
        .await,
    )
}

/// Whether an extension is still free in the domain (checked live by the wizard).
#[server(endpoint = "extension-free")]
pub async fn extension_free(domain: String, user: String) -> Result<bool, AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            let (state, _, found) =
                crate::ssr::access::current_in(&domain, Action::ManageUsers).await?;
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
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let created = crate::ssr::users::create_user(&state.db, &caller, &name, &input).await;
            let created = match created {
                Ok(created) => {
                    if let Some(token) = &created.invitation {
                        remember_invitation(&name, created.detail.user.user.as_str(), token)
                            .await?;
                    }
                    Ok(created.detail)
                }
                Err(e) => Err(e),
            };
            show_saved(&name, created, &input)
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
            let (state, caller, found, _) = managed_user(&domain, &user).await?;
            let pool = state.db.pool();
            let detail = users::get(pool, &found.settings.domain, found.id, &user, true)
                .await?
                .ok_or(AppError::NotFound)?;
            wizard_start(pool, &caller, &found, UserForm::from(&detail)).await
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
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let updated =
                crate::ssr::users::update_user(&state.db, &caller, &name, &user, &input).await;
            show_saved(&name, updated, &input)
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
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let with_voicemail = delete_voicemail.is_some_and(|v| !v.is_empty() && v != "no");
            crate::ssr::users::delete_user(&state.db, &caller, &name, &user, with_voicemail)
                .await?;
            leptos_axum::redirect(&format!("/domains/{name}/users"));
            Ok(())
        }
        .await,
    )
}

/// Where the invitation of a user just created waits for the creator's next page: in the
/// creator's own session, taken (and so shown) once.
#[cfg(feature = "ssr")]
const INVITATION_KEY: &str = "invitation";

#[cfg(feature = "ssr")]
async fn remember_invitation(
    domain: &crate::model::DomainName,
    user: &str,
    token: &str,
) -> Result<(), AppError> {
    let session: tower_sessions::Session = leptos_axum::extract()
        .await
        .map_err(|_| AppError::Internal)?;
    session
        .insert(
            INVITATION_KEY,
            (domain.to_string(), user.to_owned(), token.to_owned()),
        )
        .await
        .map_err(|_| AppError::Internal)
}

/// The invitation link of `user`, if the caller has just made one (shown once: it is gone from
/// the session afterwards).
#[server(endpoint = "take-invitation")]
pub async fn take_invitation(domain: String, user: String) -> Result<Option<String>, AppError> {
    crate::ssr::answer(
        async move {
            let session: tower_sessions::Session = leptos_axum::extract()
                .await
                .map_err(|_| AppError::Internal)?;
            let waiting: Option<(String, String, String)> = session
                .get(INVITATION_KEY)
                .await
                .map_err(|_| AppError::Internal)?;
            match waiting {
                // Only a link waiting for this very user costs a look at the database (the
                // caller must still manage the user; the session record is already loaded).
                Some((d, u, token)) if d == domain && u == user => {
                    let (state, _, _, _) = managed_user(&domain, &user).await?;
                    session
                        .remove::<(String, String, String)>(INVITATION_KEY)
                        .await
                        .map_err(|_| AppError::Internal)?;
                    Ok(Some(crate::ssr::auth::password_link_url(&state, &token)))
                }
                _ => Ok(None),
            }
        }
        .await,
    )
}

/// Makes a new invitation for a user, then shows the user with its link.
#[server(endpoint = "invite-user")]
pub async fn invite_user(domain: String, user: String) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let token = crate::ssr::users::invite(&state.db, &caller, &name, &user).await?;
            remember_invitation(&name, &user, &token).await?;
            // A fresh address, so the page (already showing this user) looks for the link.
            let at = crate::ssr::now_ms();
            leptos_axum::redirect(&format!("/domains/{name}/users/{user}?invited={at}"));
            Ok(())
        }
        .await,
    )
}

/// Ends every portal session of a user, then shows the user again.
#[server(endpoint = "end-user-sessions")]
pub async fn end_user_sessions(domain: String, user: String) -> Result<u64, AppError> {
    crate::ssr::answer(
        async move {
            let (state, caller) = crate::ssr::auth::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let ended = crate::ssr::users::end_sessions(&state.db, &caller, &name, &user).await?;
            leptos_axum::redirect(&format!(
                "/domains/{name}/users/{user}?sessions-ended={ended}"
            ));
            Ok(ended)
        }
        .await,
    )
}
