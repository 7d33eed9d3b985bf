//! Errors as RFC 9457 problem details, with every bad field listed.
//!
//! The body also carries NetSapiens' own error members (`code`, `message`), so a client written
//! for NetSapiens' `ErrorResponse` reads Roster's errors unchanged.

use app::error::AppError;
use app::model::FieldErrors;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// One field that was refused: its path (`phone-numbers[1]`, `rows[3].user`) and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem details object (`application/problem+json`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Every refused field, when the problem is about fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// NetSapiens' `ErrorResponse.code`: the status again.
    pub code: u16,
    /// NetSapiens' `ErrorResponse.message`: the detail again.
    pub message: String,
    #[serde(skip)]
    retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.clone(),
            errors: Vec::new(),
            code: status.as_u16(),
            message: detail,
            retry_after: None,
        }
    }

    /// A problem about fields: every one is listed.
    pub fn fields(status: StatusCode, errors: &FieldErrors) -> Self {
        let count = errors.iter().count();
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = match count {
            1 => format!("The field {} is invalid.", names[0]),
            _ => format!("{count} fields are invalid: {}.", names.join(", ")),
        };
        Self {
            errors: errors
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    message: e.message.clone(),
                })
                .collect(),
            ..Self::new(status, detail)
        }
    }

    /// A body or parameter problem on one field.
    pub fn field(status: StatusCode, field: &str, message: &str) -> Self {
        Self::fields(status, &FieldErrors::one(field, message))
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        let status = match error {
            // NetSapiens answers a request it cannot take 400, every bad field listed here.
            AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
            _ => StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        match &error {
            AppError::Invalid { errors, .. }
            | AppError::Conflict { errors, .. }
            | AppError::ForbiddenFields { errors } => Self::fields(status, errors),
            AppError::TooManyRequests { retry_after_secs } => Self {
                retry_after: Some(*retry_after_secs),
                ..Self::new(status, error.to_string())
            },
            AppError::Unauthenticated | AppError::BadCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "Send a valid API key as `Authorization: Bearer <token>`, or log in to the portal.",
            ),
            AppError::NotFound => Self::new(status, "Not found, or not yours to see."),
            _ => Self::new(status, capitalised(&error.to_string())),
        }
    }
}

/// A message as a sentence: capitalised, with one full stop.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let sentence: String = first.to_uppercase().chain(chars).collect();
            if sentence.ends_with(['.', '!', '?']) {
                sentence
            } else {
                sentence + "."
            }
        }
        None => String::new(),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ns-api\""),
            );
        }
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<FieldErrors> for Problem {
    fn from(errors: FieldErrors) -> Self {
        Self::fields(StatusCode::BAD_REQUEST, &errors)
    }
}

/// What an API handler returns: its answer, or a problem.
pub type ApiResult<T> = Result<T, Problem>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_listed_with_its_message() {
        let mut errors = FieldErrors::one("user", "Digits only.");
        errors.add("email", "Not an e-mail address.");
        let problem = Problem::from(AppError::invalid(errors));
        assert_eq!(problem.status, 400);
        assert_eq!(problem.code, 400);
        assert_eq!(problem.errors.len(), 2);
        assert_eq!(problem.errors[1].field, "email");
        assert!(problem.detail.contains("user, email"));
    }

    #[test]
    fn internal_errors_say_nothing_of_their_cause() {
        let problem = Problem::from(AppError::Internal);
        assert_eq!(problem.status, 500);
        assert_eq!(problem.detail, "Something went wrong on the server.");
    }
}
