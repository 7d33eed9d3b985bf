//! Users of a domain: list, read, create (with everything attached), change, delete, and the
//! helpers the wizard calls as it is filled in.

use crate::error::AppError;
use crate::model::mail::{BatchProgress, Invitation, InvitedMany, MailEntry};
use crate::model::user::{UserDetail, UserForm, UserList, UserQuery, WizardStart};
use serde::{Deserialize, Serialize};

/// An invitation just made, as the user's page shows it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationMade {
    /// The set-password link, unless it went out by mail through a relay.
    pub link: Option<String>,
    /// The addresses it was e-mailed to, if it was.
    pub mailed_to: Option<String>,
    /// Whether an SMTP relay is set (without one, mail waits in the outbox).
    pub relay: bool,
}
use leptos::prelude::*;

/// After a create or an edit: shows the saved user (at the section edited, if one was), or sends
/// the refusal back with what was typed (secrets left out) for a form posted without JavaScript.
#[cfg(feature = "ssr")]
fn show_saved(
    domain: &crate::model::DomainName,
    saved: Result<UserDetail, AppError>,
    input: &UserForm,
    done: crate::model::done::Done,
    section: Option<crate::model::user::Step>,
) -> Result<UserDetail, AppError> {
    let saved = saved.map_err(|e| e.with_input(&input.without_secrets()))?;
    let page = done.at(&format!("/domains/{domain}/users/{}", saved.extension()));
    match section {
        None => leptos_axum::redirect(&page),
        Some(step) => leptos_axum::redirect(&format!("{page}#section-{}", step.slug())),
    }
    Ok(saved)
}

/// One page of a domain's users.
#[server(endpoint = "list-users")]
pub async fn list_users(
    domain: String,
    #[server(default)] query: UserQuery,
) -> Result<UserList, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::list_users(&state.db, &caller, &name, None, &query).await
        }
        .await,
    )
}

/// A user with everything attached.
#[server(endpoint = "get-user")]
pub async fn get_user(domain: String, user: String) -> Result<UserDetail, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::get_user(&state.db, &caller, &name, &user).await
        }
        .await,
    )
}

/// The wizard's starting point for a new user of `domain`.
#[server(endpoint = "new-user-context")]
pub async fn new_user_context(domain: String) -> Result<WizardStart, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::wizard_start(&state.db, &caller, &name, None).await
        }
        .await,
    )
}

/// What the form being typed already collides with in the domain (a taken extension, login,
/// device or number), by field: checked live by the wizard and the editor. `editing`: the
/// extension of the user being edited, blank for a new user.
#[server(endpoint = "user-conflicts")]
pub async fn user_conflicts(
    domain: String,
    #[server(default)] editing: String,
    input: UserForm,
) -> Result<crate::model::FieldErrors, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let editing = Some(editing.as_str()).filter(|e| !e.is_empty());
            crate::ssr::users::conflicts(&state.db, &caller, &name, editing, &input).await
        }
        .await,
    )
}

/// Creates a user with everything attached, all or nothing, then shows it. With `invitation`
/// `send`, the welcome message (with the set-password link) is e-mailed to the user. `switches`
/// names the yes/no fields the page showed as switches (an unticked one sends nothing); `ticked`,
/// the list fields it showed as tick-boxes and the boxes ticked.
#[server(endpoint = "create-user")]
pub async fn create_user(
    domain: String,
    input: UserForm,
    #[server(default)] invitation: Invitation,
    #[server(default)] switches: Vec<String>,
    #[server(default)] ticked: Vec<String>,
) -> Result<UserDetail, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let mut input = input;
            let fields = crate::model::user::USER_FIELDS;
            crate::model::fields::switched_off(fields, &mut input, &switches);
            crate::model::fields::ticked_lists(fields, &mut input, &ticked);
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let created = crate::ssr::users::create_user_with_devices(
                &state.db, &caller, &name, &input, None, invitation,
            )
            .await;
            let created = match created {
                Ok(created) => {
                    if let Some(token) = &created.invitation {
                        let user = created.detail.extension().to_string();
                        remember_invitation(&name, &user, token, created.mailed_to.is_some())
                            .await?;
                    }
                    Ok(created.detail)
                }
                Err(e) => Err(e),
            };
            show_saved(
                &name,
                created,
                &input,
                crate::model::done::Done::UserCreated,
                None,
            )
        }
        .await,
    )
}

/// The form that edits a user, filled with what is stored (secrets blank: blank keeps them;
/// settings that follow the domain blank: blank follows it).
#[server(endpoint = "edit-user-form")]
pub async fn edit_user_form(domain: String, user: String) -> Result<WizardStart, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::wizard_start(&state.db, &caller, &name, Some(&user)).await
        }
        .await,
    )
}

/// Changes one section of a user (one of the wizard's steps, by its slug) and what is attached to
/// it, all or nothing, then shows it. Only the fields of that section are changed; of those, what
/// did not change stays as it is.
#[server(endpoint = "update-user")]
pub async fn update_user(
    domain: String,
    user: String,
    section: String,
    input: UserForm,
    #[server(default)] switches: Vec<String>,
    #[server(default)] ticked: Vec<String>,
) -> Result<UserDetail, AppError> {
    use crate::model::fields::Patch;
    use crate::model::user::{Step, USER_FIELDS};
    use crate::model::FieldErrors;
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let step = Step::from_slug(&section).ok_or_else(|| {
                AppError::invalid(FieldErrors::one("section", "No such section of a user."))
            })?;
            let mut input = input;
            crate::model::fields::switched_off(USER_FIELDS, &mut input, &switches);
            crate::model::fields::ticked_lists(USER_FIELDS, &mut input, &ticked);
            let patch = Patch::of(USER_FIELDS, &input, |f| f.step == step);
            let updated =
                crate::ssr::users::update_user(&state.db, &caller, &name, &user, &patch).await;
            let done = crate::model::done::Done::UserSaved;
            show_saved(&name, updated, &input, done, Some(step))
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
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let with_voicemail = delete_voicemail.is_some_and(|v| !v.is_empty() && v != "no");
            crate::ssr::users::delete_user(&state.db, &caller, &name, &user, with_voicemail)
                .await?;
            leptos_axum::redirect(
                &crate::model::done::Done::UserDeleted.at(&format!("/domains/{name}/users")),
            );
            Ok(())
        }
        .await,
    )
}

/// Where the invitation of a user just created waits for the creator's next page: in the
/// creator's own session, taken (and so shown) once.
#[cfg(feature = "ssr")]
const INVITATION_KEY: &str = "invitation";

/// An invitation waiting in the session: (domain, user, token, whether it was e-mailed).
#[cfg(feature = "ssr")]
type Waiting = (String, String, String, bool);

#[cfg(feature = "ssr")]
async fn remember_invitation(
    domain: &crate::model::DomainName,
    user: &str,
    token: &str,
    mailed: bool,
) -> Result<(), AppError> {
    let session = crate::ssr::request::session().await?;
    let waiting: Waiting = (
        domain.to_string(),
        user.to_owned(),
        token.to_owned(),
        mailed,
    );
    session
        .insert(INVITATION_KEY, waiting)
        .await
        .map_err(|_| AppError::Internal)
}

/// The invitation of `user` the caller has just made, if any (shown once: it is gone from the
/// session afterwards). Its link is shown unless it was e-mailed through a relay.
#[server(endpoint = "take-invitation")]
pub async fn take_invitation(
    domain: String,
    user: String,
) -> Result<Option<InvitationMade>, AppError> {
    use crate::ssr::request::{answer, current, password_link_url, session};
    answer(
        async move {
            let session = session().await?;
            let waiting: Option<Waiting> = session
                .get(INVITATION_KEY)
                .await
                .map_err(|_| AppError::Internal)?;
            match waiting {
                // Only a link waiting for this very user costs a look at the database (the
                // caller must still manage the user; the session record is already loaded).
                Some((d, u, token, mailed)) if d == domain && u == user => {
                    let (state, caller) = current().await?;
                    let name = crate::ssr::access::parse_name(&domain)?;
                    let detail =
                        crate::ssr::users::get_user(&state.db, &caller, &name, &user).await?;
                    session
                        .remove::<Waiting>(INVITATION_KEY)
                        .await
                        .map_err(|_| AppError::Internal)?;
                    let relayed = mailed && state.mail.relay.is_some();
                    Ok(Some(InvitationMade {
                        link: (!relayed).then(|| password_link_url(&state, &token)),
                        mailed_to: mailed.then(|| detail.values.email.to_string()),
                        relay: state.mail.relay.is_some(),
                    }))
                }
                _ => Ok(None),
            }
        }
        .await,
    )
}

/// Makes a new invitation for a user (ending any older one), e-mailed if `send` is `send`, then
/// shows the user with it.
#[server(endpoint = "invite-user")]
pub async fn invite_user(
    domain: String,
    user: String,
    #[server(default)] send: Invitation,
) -> Result<(), AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let invited = crate::ssr::users::invite(&state.db, &caller, &name, &user, send).await?;
            let mailed = invited.mailed_to.is_some();
            remember_invitation(&name, &user, &invited.token, mailed).await?;
            // A fresh address, so the page (already showing this user) looks for the link.
            let at = crate::ssr::now_ms();
            leptos_axum::redirect(&format!("/domains/{name}/users/{user}?invited={at}"));
            Ok(())
        }
        .await,
    )
}

/// E-mails an invitation to every user of the domain who may log in, has an e-mail address and
/// has not set a password yet (those a bulk import created).
#[server(endpoint = "invite-uninvited")]
pub async fn invite_uninvited(domain: String) -> Result<InvitedMany, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::invite_uninvited(&state.db, &caller, &name).await
        }
        .await,
    )
}

/// How far a batch of invitations has got.
#[server(endpoint = "invitation-progress")]
pub async fn invitation_progress(domain: String, batch: String) -> Result<BatchProgress, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::batch_progress(&state.db, &caller, &name, &batch).await
        }
        .await,
    )
}

/// The newest messages to a user, failures included.
#[server(endpoint = "user-mail")]
pub async fn user_mail(domain: String, user: String) -> Result<Vec<MailEntry>, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::users::mail_of(&state.db, &caller, &name, &user, &state.mail).await
        }
        .await,
    )
}

/// Ends every portal session of a user, then shows the user again.
#[server(endpoint = "end-user-sessions")]
pub async fn end_user_sessions(domain: String, user: String) -> Result<u64, AppError> {
    use crate::ssr::request::{answer, current};
    answer(
        async move {
            let (state, caller) = current().await?;
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
