//! Self-service: a user's own profile, password, voicemail PIN, status message and answer rules.

use crate::error::AppError;
use crate::model::user::{UserDetail, UserForm};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a user sees of itself: its user with everything attached (no secrets), and what it may
/// change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub detail: UserDetail,
    pub may_edit_answer_rules: bool,
}

/// The profile and answer-rule forms: text as typed, named as in [`crate::model::user::UserForm`]
/// so the same parsers check them and their errors name the same fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct ProfileForm {
    pub status_message: String,
    /// Blank keeps the PIN.
    pub voicemail_login_pin: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct AnswerRulesForm {
    pub forward_always: String,
    pub forward_on_busy: String,
    pub forward_no_answer: String,
    pub forward_when_unregistered: String,
    pub do_not_disturb: String,
    pub simultaneous_ring: String,
}

impl ProfileForm {
    /// Puts these values into the form of the whole user (a blank PIN stays blank: kept).
    pub fn apply_to(&self, form: &mut UserForm) {
        form.status_message = self.status_message.clone();
        form.voicemail_login_pin = self.voicemail_login_pin.clone();
    }
}

impl AnswerRulesForm {
    /// Puts these values into the form of the whole user.
    pub fn apply_to(&self, form: &mut UserForm) {
        form.forward_always = self.forward_always.clone();
        form.forward_on_busy = self.forward_on_busy.clone();
        form.forward_no_answer = self.forward_no_answer.clone();
        form.forward_when_unregistered = self.forward_when_unregistered.clone();
        form.do_not_disturb = self.do_not_disturb.clone();
        form.simultaneous_ring = self.simultaneous_ring.clone();
    }
}

/// The caller's own profile.
#[server(endpoint = "my-profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            let (state, caller) = crate::ssr::auth::current().await?;
            let (found, located, detail) = crate::ssr::users::own_user(&state.db, &caller).await?;
            let may_edit_answer_rules = caller.who.may(
                Action::EditOwnAnswerRules,
                &found.place(Some(located.place())),
            );
            Ok(Profile {
                detail: detail.without_secrets(),
                may_edit_answer_rules,
            })
        }
        .await,
    )
}

/// Changes the caller's status message and voicemail PIN, then shows the profile.
#[server(endpoint = "update-my-profile")]
pub async fn update_my_profile(input: ProfileForm) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            let (state, caller) = crate::ssr::auth::current().await?;
            crate::ssr::users::update_own(&state.db, &caller, Action::EditOwnProfile, |form| {
                input.apply_to(form)
            })
            .await
            .map_err(|e| {
                e.with_input(&ProfileForm {
                    voicemail_login_pin: String::new(),
                    ..input.clone()
                })
            })?;
            leptos_axum::redirect("/me?saved=profile");
            Ok(())
        }
        .await,
    )
}

/// Changes the caller's answer rules (the scopes allowed to), then shows the profile.
#[server(endpoint = "update-my-answer-rules")]
pub async fn update_my_answer_rules(input: AnswerRulesForm) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            use crate::model::permissions::Action;
            let (state, caller) = crate::ssr::auth::current().await?;
            crate::ssr::users::update_own(&state.db, &caller, Action::EditOwnAnswerRules, |form| {
                input.apply_to(form)
            })
            .await
            .map_err(|e| e.with_input(&input))?;
            leptos_axum::redirect("/me?saved=answer-rules");
            Ok(())
        }
        .await,
    )
}

/// Changes the caller's own password (its other sessions end), then shows the profile.
#[server(endpoint = "change-password")]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    crate::ssr::answer(
        async move {
            let (state, caller) = crate::ssr::auth::current().await?;
            let session: tower_sessions::Session = leptos_axum::extract()
                .await
                .map_err(|_| AppError::Internal)?;
            crate::ssr::auth::change_password(
                &state.db, &session, &caller, &current, &password, &confirm,
            )
            .await?;
            leptos_axum::redirect("/me?saved=password");
            Ok(())
        }
        .await,
    )
}
