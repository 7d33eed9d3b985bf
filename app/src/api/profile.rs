//! Self-service: a user's own profile, password, voicemail PIN, status message and answer rules.

use crate::error::AppError;
use crate::model::phone_setup::PhoneSetup;
use crate::model::user::UserDetail;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a user sees of itself: its user with everything attached (no secrets), what it may
/// change, and how to set up its phones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub detail: UserDetail,
    pub may_edit_answer_rules: bool,
    pub phones: Vec<PhoneSetup>,
}

/// The profile and answer-rule forms: text as typed, named as the user's fields
/// ([`crate::model::user::USER_FIELDS`]), so the same parsers check them and their errors name the
/// same fields. What a user may change of itself is the permission table's
/// ([`crate::model::permissions::own_change`]).
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

/// A form as the change of the user's fields it names (a blank PIN keeps the PIN).
#[cfg(feature = "ssr")]
fn patch_of<T: Serialize>(form: &T) -> crate::model::fields::Patch {
    use crate::model::fields::Patch;
    match serde_json::to_value(form) {
        Ok(serde_json::Value::Object(fields)) => Patch(
            fields
                .into_iter()
                .map(|(name, value)| (name, value.as_str().unwrap_or_default().to_owned()))
                .collect(),
        ),
        _ => Patch::default(),
    }
}

/// The caller's own profile.
#[server(endpoint = "my-profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let (detail, may_edit_answer_rules, phones) =
                crate::ssr::users::own_profile(&state.db, &caller, state.sip_server.as_deref())
                    .await?;
            Ok(Profile {
                detail,
                may_edit_answer_rules,
                phones,
            })
        }
        .await,
    )
}

/// Changes the caller's status message and voicemail PIN, then shows the profile.
#[server(endpoint = "update-my-profile")]
pub async fn update_my_profile(input: ProfileForm) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::users::update_own(&state.db, &caller, &patch_of(&input))
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
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            crate::ssr::users::update_own(&state.db, &caller, &patch_of(&input))
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
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let session = crate::ssr::request::session().await?;
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
