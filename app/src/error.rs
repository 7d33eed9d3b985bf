//! The one error type that crosses the wire between the server and the browser.

use crate::model::FieldErrors;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What went wrong, in a form the page can act on. Internal causes are logged on the server and
/// never sent: the browser only learns that something failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AppError {
    /// Some fields were refused; every one is listed. `input` echoes what was submitted (never a
    /// secret), so a form posted without JavaScript can be shown again as it was typed.
    #[error("{} invalid", crate::model::counted(errors.0.len() as i64, "field is", "fields are"))]
    Invalid {
        errors: FieldErrors,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<serde_json::Value>,
    },
    /// The change collides with something that exists (a duplicate name), on the fields listed.
    #[error("conflict")]
    Conflict {
        errors: FieldErrors,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<serde_json::Value>,
    },
    /// Not logged in, or the session ended.
    #[error("please log in")]
    Unauthenticated,
    /// The login or password is wrong (deliberately one answer for both).
    #[error("wrong login or password")]
    BadCredentials,
    /// Logged in, but not allowed to do this.
    #[error("you are not allowed to do that")]
    Forbidden,
    /// Logged in, but not allowed to change these fields (a user changing of itself what only its
    /// managers may): every one is listed.
    #[error("you are not allowed to change {}", crate::model::counted(errors.0.len() as i64, "field", "fields"))]
    ForbiddenFields { errors: FieldErrors },
    /// No such thing, or one the caller may not see: the two are not told apart.
    #[error("not found")]
    NotFound,
    /// The request cannot be done as asked while something else holds (XiVO's 412: a user that
    /// owns a voicemail box is deleted only together with it).
    #[error("{message}")]
    PreconditionFailed { message: String },
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts, try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// Something failed on the server; the cause is in the server's log.
    #[error("something went wrong on the server")]
    Internal,
    /// The request did not reach the server function or its answer could not be read.
    #[error("{message}")]
    Transport { message: String },
}

impl AppError {
    pub fn invalid(errors: FieldErrors) -> Self {
        Self::Invalid {
            errors,
            input: None,
        }
    }

    pub fn conflict(field: &str, message: &str) -> Self {
        Self::Conflict {
            errors: FieldErrors::one(field, message),
            input: None,
        }
    }

    /// Attaches the submitted form so it can be shown again (see [`AppError::Invalid`]).
    pub fn with_input<T: Serialize>(self, input: &T) -> Self {
        let echo = serde_json::to_value(input).ok();
        match self {
            Self::Invalid { errors, .. } => Self::Invalid {
                errors,
                input: echo,
            },
            Self::Conflict { errors, .. } => Self::Conflict {
                errors,
                input: echo,
            },
            other => other,
        }
    }

    /// The field errors this carries, if it is about fields.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Invalid { errors, .. }
            | Self::Conflict { errors, .. }
            | Self::ForbiddenFields { errors } => Some(errors),
            _ => None,
        }
    }

    /// The message for one field, if this error names it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        self.field_errors()
            .and_then(|e| e.message_for(field))
            .map(str::to_owned)
    }

    /// The submitted form echoed back, if any, decoded as `T`.
    pub fn input<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Self::Invalid { input, .. } | Self::Conflict { input, .. } => {
                input.clone().and_then(|v| serde_json::from_value(v).ok())
            }
            _ => None,
        }
    }

    /// The HTTP status this error stands for.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden | Self::ForbiddenFields { .. } => 403,
            Self::NotFound => 404,
            Self::PreconditionFailed { .. } => 412,
            Self::TooManyRequests { .. } => 429,
            Self::Internal => 500,
            Self::Transport { .. } => 400,
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::invalid(errors)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport {
            message: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_survive_the_wire_with_the_input() {
        let err = AppError::conflict("domain", "Taken.")
            .with_input(&serde_json::json!({"domain": "acme"}));
        let back: AppError = serde_json::from_str(&serde_json::to_string(&err).unwrap()).unwrap();
        assert_eq!(back.message_for("domain").as_deref(), Some("Taken."));
        assert_eq!(back.input::<serde_json::Value>().unwrap()["domain"], "acme");
        assert_eq!(back.status(), 409);
    }
}
