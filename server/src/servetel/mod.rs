//! Servetel's user API, translated onto Roster's core.
//!
//! A thin adapter, as the NetSapiens API is: each handler authenticates with the same
//! [`ApiCaller`] (API keys with their `allowed-models`, the portal session), translates
//! Servetel's body into Roster's user fields ([`users`]), calls the same plain functions in
//! `app::ssr` (parsers, permission table, one transaction, audit log), and answers in Servetel's
//! envelope: `{"success": true, "message": ...}`, or `{"success": false, "message": ...,
//! "error": {"<field>": "<why>", ...}}` naming every bad field. The domain is the caller's own, or
//! the one the `X-Roster-Domain` header names (as for XiVO's API). A user's `id` is Roster's row
//! id, a number's id (`caller_id`) its row id. The OpenAPI document is at `<BASE>/openapi.json`.

mod users;

use crate::ns_api::problem::Problem;
use crate::ns_api::{
    bearer_scheme, domain_named, serving_document, ApiCaller, VendorCaller, DOMAIN_HEADER,
};
use app::error::AppError;
use app::model::{DomainName, FieldErrors};
use app::ssr::AppState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::Router;
use serde_json::{json, Map, Value};
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Where this API is served.
pub const BASE: &str = "/servetel/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster: Servetel user API",
        description = "Servetel's user API over Roster's core. The domain is the caller's own, or the one the X-Roster-Domain header names (required of a Super User or Reseller). A user's id is Roster's row id; caller_id lists the row ids of the domain's phone numbers. Authenticate with a Roster API key (`Authorization: Bearer <token>`) or the portal session. Answers are Servetel's envelope: {\"success\": true, \"message\": ...}, or {\"success\": false, \"message\": ..., \"error\": {\"<field>\": \"<why>\"}} naming every bad field.",
        version = "1.0.0",
        license(name = "AGPL-3.0-only")
    ),
    servers((url = "/servetel/v1")),
    security(("bearer" = [])),
    components(schemas(users::CreateDoc, users::PatchDoc, users::UserDoc, users::TeamMemberDoc,
        users::AgentDoc, users::ExtensionDoc, users::ListDoc, users::EnvelopeDoc))
)]
struct ServetelDoc;

/// An answer that is not a success, in Servetel's envelope: `success` false, a message, and the
/// bad fields (by Servetel's names) in `error`.
#[derive(Debug)]
pub struct ServetelError {
    pub status: StatusCode,
    pub message: String,
    pub errors: Vec<(String, String)>,
}

impl ServetelError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// 400 naming every bad field (by Servetel's name, each once: the first reason wins).
    pub fn fields(errors: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut listed: Vec<(String, String)> = Vec::new();
        for (field, why) in errors {
            if !listed.iter().any(|(f, _)| *f == field) {
                listed.push((field, why));
            }
        }
        Self {
            status: StatusCode::BAD_REQUEST,
            message: format!(
                "Invalid input: {}",
                listed
                    .iter()
                    .map(|(f, _)| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            errors: listed,
        }
    }

    fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "User not found.")
    }
}

impl From<AppError> for ServetelError {
    fn from(error: AppError) -> Self {
        let named = |errors: &FieldErrors| {
            errors
                .iter()
                .map(|e| (users::servetel_name(&e.field), e.message.clone()))
                .collect::<Vec<_>>()
        };
        match error {
            AppError::Invalid { errors, .. } => Self::fields(named(&errors)),
            AppError::Conflict { errors, .. } => Self {
                status: StatusCode::CONFLICT,
                ..Self::fields(named(&errors))
            },
            AppError::ForbiddenFields { errors } => Self {
                status: StatusCode::FORBIDDEN,
                ..Self::fields(named(&errors))
            },
            AppError::Unauthenticated | AppError::BadCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "Authentication required.")
            }
            AppError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "Your role does not allow managing the users of this domain.",
            ),
            AppError::NotFound => Self::not_found(),
            AppError::PreconditionFailed { message } => {
                Self::new(StatusCode::PRECONDITION_FAILED, message)
            }
            AppError::TooManyRequests { retry_after_secs } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests: try again in {retry_after_secs} s."),
            ),
            AppError::Internal | AppError::Transport { .. } => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the server.",
            ),
        }
    }
}

impl IntoResponse for ServetelError {
    fn into_response(self) -> Response {
        let mut body = json!({"success": false, "message": self.message});
        if !self.errors.is_empty() {
            let error: Map<String, Value> = self
                .errors
                .into_iter()
                .map(|(f, why)| (f, Value::String(why)))
                .collect();
            body["error"] = Value::Object(error);
        }
        (self.status, Json(body)).into_response()
    }
}

pub type ServetelResult<T> = Result<T, ServetelError>;

impl From<Problem> for ServetelError {
    fn from(problem: Problem) -> Self {
        Self::new(problem.status(), problem.detail)
    }
}

/// The caller, as the NetSapiens API authenticates it (API keys with their `allowed-models`:
/// every route here is a `subscriber`'s; the portal session), refusals in Servetel's envelope.
pub type ServetelCaller = VendorCaller<ServetelError>;

/// The domain a request acts in (see [`domain_named`]), with Servetel's answers: the header
/// named as a missing field when there is none, 404 for a name that cannot be a domain.
fn domain(caller: &ApiCaller, headers: &HeaderMap) -> ServetelResult<DomainName> {
    let name = domain_named(caller, headers, DOMAIN_HEADER).ok_or_else(|| {
        ServetelError::fields([(
            "X-Roster-Domain".to_owned(),
            "Required: the domain to act in, since your account has no domain of its own."
                .to_owned(),
        )])
    })?;
    Ok(app::ssr::access::parse_name(name)?)
}

/// The API's routes and its OpenAPI document, built together.
fn routes() -> (Router<AppState>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ServetelDoc::openapi())
        .merge(users::routes())
        .split_for_parts();
    bearer_scheme(&mut doc);
    (router, doc)
}

/// The OpenAPI document of this API.
pub fn openapi() -> Document {
    routes().1
}

/// This API's routes, to be nested at [`BASE`].
pub fn router() -> Router<AppState> {
    let (api, doc) = routes();
    serving_document(api.merge(users::aliases()), &doc)
        // Paths under the base that no route serves. (A nested router with a fallback of its own is
        // served whole under the base.)
        .fallback(|| async { ServetelError::new(StatusCode::NOT_FOUND, "No such API route.") })
}
