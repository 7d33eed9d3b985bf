//! Wazo confd's user API (its "new way": one request creates a user with its lines, extensions, incalls, groups, voicemail, forwards and services), translated onto Roster's core.
//!
//! A thin adapter, as the NetSapiens API is: each handler authenticates with the same
//! [`ApiCaller`] (API keys, the portal session), translates Wazo's body into Roster's user form
//! ([`translate`]), calls the same plain functions in `app::ssr::users` (parsers, permission
//! table, one transaction, audit log), and answers in Wazo's shapes: its read model, `{total,
//! items}` lists, and errors as a JSON list of messages (`["Input Error - field 'firstname':
//! ..."]`), every bad field at once, on Wazo's paths. The tenant is the `Wazo-Tenant` header (a
//! Roster domain's name) or the caller's own domain. Users are named by Roster's row id (`id`) or
//! a `uuid` derived from it ([`user_uuid`]). The OpenAPI document is at `<BASE>/openapi.json`.

mod translate;
mod users;

use crate::ns_api::problem::Problem;
use crate::ns_api::{bearer_scheme, domain_named, serving_document, ApiCaller, VendorCaller};
use app::error::AppError;
use app::model::{DomainName, FieldErrors};
use app::ssr::AppState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::Router;
use sha2::Digest;
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Where this API is served.
pub const BASE: &str = "/wazo/1.1";

/// The header naming the tenant: a Roster domain's name.
pub const TENANT_HEADER: &str = "wazo-tenant";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster: Wazo confd users API",
        description = "Wazo confd's user API (1.1) over Roster's core: one POST creates a user with its lines (SIP devices), extension, incalls (phone numbers), groups (the call queues it is an agent of), voicemail, forwards, fallbacks and services, all or nothing. The tenant is the Wazo-Tenant header, a Roster domain's name (default: the caller's own). Authenticate with a Roster API key (`Authorization: Bearer <token>`) or the portal session. Errors are a JSON list of messages naming every bad field with its Wazo path.",
        version = "1.1.0",
        license(name = "AGPL-3.0-only")
    ),
    servers((url = "/wazo/1.1")),
    security(("bearer" = [])),
    components(schemas(users::UserDoc, users::ForwardsDoc, users::ForwardDoc, users::ServicesDoc, users::ServiceDoc, users::ListDoc))
)]
struct WazoDoc;

/// An error in Wazo's shape: a status and a JSON list of messages.
#[derive(Debug)]
pub struct WazoError {
    pub status: StatusCode,
    pub messages: Vec<String>,
}

impl WazoError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            messages: vec![message.into()],
        }
    }

    /// Wazo's 404 for a user: `Resource Not Found - User was not found ('id': 42)`.
    pub fn user_not_found(id: &str) -> Self {
        let shown = match id.parse::<i64>() {
            Ok(n) => n.to_string(),
            Err(_) => format!("'{id}'"),
        };
        let key = if id.parse::<i64>().is_ok() {
            "id"
        } else {
            "uuid"
        };
        Self::new(
            StatusCode::NOT_FOUND,
            format!("Resource Not Found - User was not found ('{key}': {shown})"),
        )
    }

    /// 400 with one message per bad field: `Input Error - field '<path>': <message>`.
    pub fn fields(errors: &FieldErrors, kind: &str, path: &dyn Fn(&str) -> String) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            messages: errors
                .iter()
                .map(|e| format!("{kind} - field '{}': {}", path(&e.field), e.message))
                .collect(),
        }
    }

    /// The core's error, its fields named on Wazo's paths by `path`.
    pub fn from_app(error: AppError, path: &dyn Fn(&str) -> String) -> Self {
        match error {
            AppError::Invalid { errors, .. } => Self::fields(&errors, "Input Error", path),
            AppError::Conflict { errors, .. } => Self::fields(&errors, "Resource Error", path),
            AppError::ForbiddenFields { errors } => Self {
                status: StatusCode::FORBIDDEN,
                ..Self::fields(&errors, "Unauthorized", path)
            },
            AppError::Unauthenticated | AppError::BadCredentials => {
                Self::new(StatusCode::UNAUTHORIZED, "Unauthorized")
            }
            AppError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "Unauthorized - your scope does not allow this",
            ),
            AppError::NotFound => Self::new(StatusCode::NOT_FOUND, "Resource Not Found"),
            AppError::PreconditionFailed { message } => Self::new(
                StatusCode::BAD_REQUEST,
                format!("Resource Error - {message}"),
            ),
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

impl From<AppError> for WazoError {
    fn from(error: AppError) -> Self {
        Self::from_app(error, &|field| field.to_owned())
    }
}

impl IntoResponse for WazoError {
    fn into_response(self) -> Response {
        (self.status, Json(self.messages)).into_response()
    }
}

pub type WazoResult<T> = Result<T, WazoError>;

impl From<Problem> for WazoError {
    fn from(problem: Problem) -> Self {
        Self::new(problem.status(), problem.detail)
    }
}

/// The caller, as the NetSapiens API authenticates it (API keys with their `allowed-models`:
/// every route here is a `subscriber`'s; the portal session), refusals answered in Wazo's shape.
pub type WazoCaller = VendorCaller<WazoError>;

/// The tenant of a request (see [`domain_named`]): the `Wazo-Tenant` header (a domain's name),
/// or the caller's own domain. A caller without a domain (a Super User) must name one. Whether
/// the caller may manage it is the core's question (a domain it may not see answers 401, as
/// Wazo's unknown tenant).
pub fn tenant(caller: &ApiCaller, headers: &HeaderMap) -> WazoResult<DomainName> {
    let name = domain_named(caller, headers, TENANT_HEADER).ok_or_else(|| {
        WazoError::new(
            StatusCode::BAD_REQUEST,
            "Input Error - field 'Wazo-Tenant': Required: the name of the domain (tenant) to act in, since your account has no domain of its own.",
        )
    })?;
    app::ssr::access::parse_name(name).map_err(|_| unauthorized_tenant(name))
}

/// Wazo's answer for a tenant the caller may not use (or that does not exist).
pub fn unauthorized_tenant(name: &str) -> WazoError {
    WazoError::new(
        StatusCode::UNAUTHORIZED,
        format!("Unauthorized tenant: '{name}' is not a domain you may manage"),
    )
}

/// A stable UUID for the row `id` of `kind` (`user`, `group`): its first eight bytes a digest of
/// the kind and id (so that a guessed uuid does not name a row), its last eight the id, with
/// the version (8, "custom") and variant bits of RFC 9562 set. No column stores it: it is
/// computed again, and [`id_of_uuid`] reads the id back and checks the digest.
fn derived_uuid(kind: &str, id: i64) -> String {
    let digest = sha2::Sha256::digest(format!("roster-wazo:{kind}:{id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&digest[..8]);
    bytes[8..].copy_from_slice(&(id as u64).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    // The id's top two bits hold the variant: ids stay far below 2^62.
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = app::ssr::hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The row id a uuid of [`derived_uuid`] names, if it is one.
fn id_of_uuid(kind: &str, uuid: &str) -> Option<i64> {
    let hex: String = uuid.trim().chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.is_ascii() {
        return None;
    }
    let tail = u64::from_str_radix(&hex[16..], 16).ok()? & 0x3fff_ffff_ffff_ffff;
    let id = i64::try_from(tail).ok()?;
    (derived_uuid(kind, id) == uuid.trim().to_ascii_lowercase()).then_some(id)
}

/// A user's uuid.
pub fn user_uuid(id: i64) -> String {
    derived_uuid("user", id)
}

/// A group's (a call queue's) uuid.
pub fn group_uuid(id: i64) -> String {
    derived_uuid("group", id)
}

/// The row id a path's `{id}` names: the number itself, or a user's uuid.
pub fn user_id_of(raw: &str) -> Option<i64> {
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        Ok(_) => None,
        Err(_) => id_of_uuid("user", raw),
    }
}

/// The API's routes and its OpenAPI document, built together.
fn routes() -> (Router<AppState>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(WazoDoc::openapi())
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
    serving_document(api, &doc).fallback(|| async {
        WazoError::new(StatusCode::NOT_FOUND, "Resource Not Found - no such route")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_uuid_names_its_row_and_nothing_else() {
        for id in [1, 42, 1 << 40] {
            let uuid = user_uuid(id);
            assert_eq!(uuid.len(), 36);
            assert_eq!(&uuid[14..15], "8");
            assert_eq!(id_of_uuid("user", &uuid), Some(id));
            assert_eq!(id_of_uuid("group", &uuid), None);
            assert_eq!(user_id_of(&uuid), Some(id));
        }
        assert_eq!(user_uuid(7), user_uuid(7));
        assert_eq!(
            id_of_uuid("user", "00000000-0000-8000-8000-000000000007"),
            None
        );
        assert_eq!(user_id_of("not-a-uuid"), None);
        // 32 bytes, but not 32 characters: no slicing inside a character.
        assert_eq!(user_id_of("0000000000000000000000000000éé"), None);
    }
}
