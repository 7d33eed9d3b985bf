//! XiVO's users API 1.0, translated onto Roster's core.
//!
//! A thin adapter, as the NetSapiens API is: each handler authenticates with the same
//! [`ApiCaller`] (API keys with their `allowed-models`, the portal session), translates XiVO's
//! properties into Roster's user fields ([`users`]), calls the same plain functions in
//! `app::ssr::users` (parsers, permission table, one transaction, audit log), and answers in
//! XiVO's shapes: `{total, items}`, 201/200 with no body, 404 with an empty body, and errors as a
//! JSON list of one message (`["Incorrect parameters sent: firstname, line"]`) naming every bad
//! parameter. XiVO 1.0 had no tenants: the domain is the caller's own, or the one the
//! `X-Roster-Domain` header names (required of a caller without a domain of its own). A user's
//! `id` is Roster's row id. The OpenAPI document is at `<BASE>/openapi.json`.

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
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Where this API is served.
pub const BASE: &str = "/1.0";

/// XiVO's answer to deleting a user that owns a voicemail box without `deleteVoicemail`.
pub const VOICEMAIL_EXISTS: &str =
    "Cannot remove a user with a voicemail. Delete the voicemail or dissociate it from the user.";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster: XiVO users API 1.0",
        description = "XiVO's users API 1.0 over Roster's core. The domain is the caller's own, or the one the X-Roster-Domain header names (required of a Super User or Reseller). A user's id is Roster's row id; `line.number` is its extension. Authenticate with a Roster API key (`Authorization: Bearer <token>`) or the portal session. Errors are a JSON list of one message, such as [\"Incorrect parameters sent: firstname, line\"], naming every bad parameter; a missing user is 404 with an empty body.",
        version = "1.0.0",
        license(name = "AGPL-3.0-only")
    ),
    servers((url = "/1.0")),
    security(("bearer" = [])),
    components(schemas(users::UserDoc, users::LineDoc, users::ListDoc, users::InputDoc))
)]
struct XivoDoc;

/// An error in XiVO's shape: a status and a JSON list of messages; no body at all when there is
/// no message (XiVO's 404).
#[derive(Debug)]
pub struct XivoError {
    pub status: StatusCode,
    pub messages: Vec<String>,
}

impl XivoError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            messages: vec![message.into()],
        }
    }

    /// XiVO's 404: an empty body.
    pub fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            messages: Vec::new(),
        }
    }

    /// XiVO's 400: `Incorrect parameters sent: a, b`, each parameter once, in order.
    pub fn incorrect(names: impl IntoIterator<Item = String>) -> Self {
        let mut listed: Vec<String> = Vec::new();
        for name in names {
            if !listed.contains(&name) {
                listed.push(name);
            }
        }
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("Incorrect parameters sent: {}", listed.join(", ")),
        )
    }

    /// The core's error, its fields named by XiVO's parameters (`xivo_name`).
    pub fn from_app(error: AppError, xivo_name: &dyn Fn(&str) -> String) -> Self {
        let names = |errors: &FieldErrors| {
            errors
                .iter()
                .map(|e| xivo_name(&e.field))
                .collect::<Vec<_>>()
        };
        match error {
            AppError::Invalid { errors, .. } | AppError::Conflict { errors, .. } => {
                Self::incorrect(names(&errors))
            }
            AppError::ForbiddenFields { errors } => Self::new(
                StatusCode::FORBIDDEN,
                format!("Not allowed to change: {}", names(&errors).join(", ")),
            ),
            AppError::Unauthenticated | AppError::BadCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "Authentication required")
            }
            AppError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "Your scope does not allow managing the users of this domain",
            ),
            AppError::NotFound => Self::not_found(),
            AppError::PreconditionFailed { message } => {
                Self::new(StatusCode::PRECONDITION_FAILED, message)
            }
            AppError::TooManyRequests { retry_after_secs } => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many requests: try again in {retry_after_secs} s"),
            ),
            AppError::Internal | AppError::Transport { .. } => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Unexpected error")
            }
        }
    }
}

impl From<AppError> for XivoError {
    fn from(error: AppError) -> Self {
        Self::from_app(error, &users::xivo_name)
    }
}

impl IntoResponse for XivoError {
    fn into_response(self) -> Response {
        if self.messages.is_empty() {
            self.status.into_response()
        } else {
            (self.status, Json(self.messages)).into_response()
        }
    }
}

pub type XivoResult<T> = Result<T, XivoError>;

impl From<Problem> for XivoError {
    fn from(problem: Problem) -> Self {
        Self::new(problem.status(), problem.detail)
    }
}

/// The caller, as the NetSapiens API authenticates it (API keys with their `allowed-models`:
/// every route here is a `subscriber`'s; the portal session), refusals answered in XiVO's shape.
pub type XivoCaller = VendorCaller<XivoError>;

/// The domain a request acts in (see [`domain_named`]; XiVO 1.0 had no tenants): 400 naming the header when there is
/// none, 404 for a name that cannot be a domain.
fn domain(caller: &ApiCaller, headers: &HeaderMap) -> XivoResult<DomainName> {
    let name = domain_named(caller, headers, DOMAIN_HEADER).ok_or_else(|| {
        XivoError::new(
            StatusCode::BAD_REQUEST,
            "Missing parameters: X-Roster-Domain",
        )
    })?;
    Ok(app::ssr::access::parse_name(name)?)
}

/// The API's routes and its OpenAPI document, built together.
fn routes() -> (Router<AppState>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(XivoDoc::openapi())
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
        // Paths under the base that no route serves: XiVO's empty 404. (A nested router with a
        // fallback of its own is served whole under the base.)
        .fallback(|| async { XivoError::not_found() })
}
