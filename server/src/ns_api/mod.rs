//! The HTTP API under `/ns-api/v2`, in NetSapiens' v2 vocabulary (paths, field names, `~` for
//! "mine", `synchronous`, 202 Accepted), with XiVO's list parameters and 412 on deleting a user
//! that owns a voicemail box, and Wazo's one-request create with nested resources.
//!
//! Handlers are thin: they read the request, call the same plain functions as the portal's server
//! functions (`app::ssr::*`: the same parsers, permission table, transaction and audit log), and
//! shape the answer. Every route is declared through `utoipa-axum`, so a route cannot exist
//! without its entry in the OpenAPI document served at `/ns-api/v2/openapi.json`.

mod answerrules;
mod bulk;
mod callqueues;
mod devices;
mod docs;
mod domains;
mod extract;
mod idempotency;
mod keys;
mod phonenumbers;
pub mod problem;
mod resellers;
mod rules;
mod schemas;
mod sites;
mod timeframes;
mod users;

use app::model::DomainName;
use app::ssr::caller::Caller;
use app::ssr::AppState;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Json, Response};
use axum::Router;
use problem::Problem;
use serde::Serialize;
use sha2::Digest;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use extract::{domain_named, ApiCaller, VendorCaller, DOMAIN_HEADER};

/// Where the API is served.
pub const BASE: &str = "/ns-api/v2";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster API",
        description = "Hosted-PBX domains and users in NetSapiens' v2 vocabulary. Authenticate with an API key (`Authorization: Bearer <token>`, made on the portal's API keys page) or the portal's session cookie. Errors are RFC 9457 problem details listing every bad field. Lists take NetSapiens' `limit` (1-1000) and `start`, or XiVO's `offset`, `search`, `order` and `direction`, and report the total matching in `X-Total-Count`.",
        version = "2.0.0",
        license(name = "AGPL-3.0-only")
    ),
    servers((url = "/ns-api/v2")),
    security(("bearer" = [])),
    components(schemas(
        problem::Problem, problem::FieldProblem, schemas::Device, schemas::AnswerRule,
        Accepted, Count
    ))
)]
struct ApiDoc;

/// The bearer scheme, and the error answers every operation may give, added to each operation
/// once here instead of on every handler. Applied to the merged document (see [`routes`]): as a
/// `modifiers(...)` of [`ApiDoc`] it would run before any route's path is in the document.
struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut Document) {
        bearer_scheme(doc);
        let problem = || {
            utoipa::openapi::ResponseBuilder::new()
                .description("A problem: RFC 9457 problem details, every bad field listed.")
                .content(
                    "application/problem+json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                        .build(),
                )
                .build()
        };
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let has_body = operation.request_body.is_some();
                for status in [
                    "400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "500",
                ] {
                    if !has_body && matches!(status, "413" | "415") {
                        continue;
                    }
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::T(problem()));
                }
            }
        }
    }
}

/// NetSapiens' answer to an asynchronous change: `{"code": 202, "message": "Accepted"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub code: u16,
    pub message: &'static str,
}

/// A count: `{"total": n}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub total: u64,
}

/// 202 Accepted, NetSapiens' way.
fn accepted() -> Response {
    (
        StatusCode::ACCEPTED,
        Json(Accepted {
            code: 202,
            message: "Accepted",
        }),
    )
        .into_response()
}

/// The answer to a change: the thing itself with 200 if the client asked for `synchronous: yes`,
/// otherwise NetSapiens' 202 (the change is done either way: Roster has no replication to wait for).
fn changed<T: Serialize>(synchronous: bool, value: T) -> Response {
    if synchronous {
        (StatusCode::OK, Json(shown(&value))).into_response()
    } else {
        accepted()
    }
}

/// `value` as the API answers it: a member with no value is left out rather than sent as `null`
/// (NetSapiens' types allow no `null` for most of its fields), at any depth.
fn shown<T: Serialize>(value: &T) -> serde_json::Value {
    fn prune(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(members) => {
                members.retain(|_, v| !v.is_null());
                members.values_mut().for_each(prune);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(prune),
            _ => {}
        }
    }
    let mut json = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    prune(&mut json);
    json
}

/// The body of a create whose fields are the declared `table` (a domain, a reseller): once per
/// `Idempotency-Key`, the form the body names (fields left out take their defaults) made by
/// `create`, answered as [`changed`].
async fn create_declared<F, S, T, Fut>(
    state: &AppState,
    caller: &ApiCaller,
    retry: &idempotency::Retry,
    mut body: extract::JsonObject,
    table: &'static [app::model::fields::Field<F, S>],
    create: impl FnOnce(F) -> Fut,
) -> Response
where
    F: Default,
    T: Serialize,
    Fut: std::future::Future<Output = Result<T, app::error::AppError>>,
{
    let raw = body.raw.clone();
    idempotency::once(state, caller, retry, &raw, || async {
        let sync = synchronous(body.take_text("synchronous")?)?;
        let patch = app::model::json_form::patch_from_json(table, &body.map, &[])?;
        let created = create(app::model::json_form::form_of(table, &patch)).await?;
        Ok::<_, Problem>(changed(sync, created))
    })
    .await
}

/// The body of a change whose fields are the declared `table`: only the fields the body names,
/// changed by `update`, answered as [`changed`].
async fn update_declared<F, S, T, Fut>(
    mut body: extract::JsonObject,
    table: &'static [app::model::fields::Field<F, S>],
    update: impl FnOnce(app::model::fields::Patch) -> Fut,
) -> Result<Response, Problem>
where
    T: Serialize,
    Fut: std::future::Future<Output = Result<T, app::error::AppError>>,
{
    let sync = synchronous(body.take_text("synchronous")?)?;
    let patch = app::model::json_form::patch_from_json(table, &body.map, &[])?;
    Ok(changed(sync, update(patch).await?))
}

/// Reads `synchronous` (`yes`/`no`, or a boolean).
fn synchronous(value: Option<String>) -> Result<bool, Problem> {
    match value.as_deref().map(str::trim) {
        None | Some("" | "no") => Ok(false),
        Some("yes") => Ok(true),
        Some(_) => Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "synchronous",
            "Either yes or no.",
        )),
    }
}

/// A read of one resource the caller may see: 200 with its JSON and an `ETag` made from that JSON,
/// or 304 Not Modified when the request's `If-None-Match` names that tag already. Called only
/// after the caller was authorised (the resource was read for it), so a 304 tells nothing to
/// anyone who may not see the resource.
fn fresh<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let Ok(body) = serde_json::to_vec(&shown(value)) else {
        return Problem::from(app::error::AppError::Internal).into_response();
    };
    let digest = sha2::Sha256::digest(&body);
    let tag = format!("\"{}\"", app::ssr::hex(&digest[..16]));
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == tag);
    let etag = HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    };
    response.headers_mut().insert(header::ETAG, etag);
    response
}

/// A list with the number of all matching items in `X-Total-Count`.
fn listed<T: Serialize>(total: u64, items: T) -> Response {
    let mut response = Json(shown(&items)).into_response();
    response
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(total));
    response
}

/// `response` (a page of a list at `uri`) with a `Link` to the next page, when there is a
/// cursor for one: the same address with `after` in place of `start`/`offset` (RFC 8288).
fn paged(mut response: Response, uri: &Uri, next: Option<String>) -> Response {
    let Some(next) = next else {
        return response;
    };
    let kept = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            !pair.is_empty() && !matches!(name, "start" | "offset" | "after")
        })
        .chain(std::iter::once(format!("after={next}").as_str()))
        .collect::<Vec<_>>()
        .join("&");
    if let Ok(link) = HeaderValue::from_str(&format!("<{}?{kept}>; rel=\"next\"", uri.path())) {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

/// The domain a path names: `~` is the caller's own. What cannot be a domain name is not found.
fn domain_name(caller: &Caller, raw: &str) -> Result<DomainName, Problem> {
    let name = match raw {
        "~" => caller
            .domain
            .as_deref()
            .ok_or(app::error::AppError::NotFound)?,
        other => other,
    };
    Ok(app::ssr::access::parse_name(name)?)
}

/// The user a path names: `~` is the caller's own user (in its own domain).
fn user_name<'a>(
    caller: &'a Caller,
    domain: &DomainName,
    raw: &'a str,
) -> Result<&'a str, Problem> {
    match raw {
        "~" if caller.domain.as_deref() == Some(domain.as_str()) => caller
            .extension
            .as_deref()
            .ok_or_else(|| app::error::AppError::NotFound.into()),
        "~" => Err(app::error::AppError::NotFound.into()),
        other => Ok(other),
    }
}

/// Adds to `doc` the one way every Roster API authenticates: a bearer API key (or, unnamed in
/// the document, the portal's session cookie). The vendor APIs' documents name it too.
pub(crate) fn bearer_scheme(doc: &mut Document) {
    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key made on the portal's API keys page."))
                    .build(),
            ),
        );
}

/// `api` with its OpenAPI document `doc` served at `/openapi.json`.
pub(crate) fn serving_document(api: Router<AppState>, doc: &Document) -> Router<AppState> {
    let json: std::sync::Arc<str> = doc.to_json().unwrap_or_default().into();
    api.route(
        "/openapi.json",
        axum::routing::get(move || {
            let json = json.clone();
            async move { ([("content-type", "application/json")], json.to_string()) }
        }),
    )
}

/// The API's routes and its OpenAPI document, built together.
fn routes() -> (Router<AppState>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(domains::routes())
        .merge(resellers::routes())
        .merge(users::routes())
        .merge(bulk::routes())
        .merge(keys::routes())
        .merge(sites::routes())
        .merge(phonenumbers::routes())
        .merge(devices::routes())
        .merge(answerrules::routes())
        .merge(timeframes::routes())
        .merge(callqueues::routes())
        .split_for_parts();
    Common.modify(&mut doc);
    (router, doc)
}

/// The OpenAPI document of the API.
pub fn openapi() -> Document {
    routes().1
}

/// The API, to be nested at [`BASE`], with its document and documentation page.
pub fn router() -> Router<AppState> {
    let (api, doc) = routes();
    let page = std::sync::Arc::new(docs::page(&doc));
    serving_document(api, &doc)
    .route(
        "/docs",
        axum::routing::get(move || {
            let page = page.clone();
            // The page has one inline style sheet and no script.
            let policy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
            async move {
                (
                    [(axum::http::header::CONTENT_SECURITY_POLICY, policy)],
                    axum::response::Html(page.as_str().to_owned()),
                )
            }
        }),
    )
    .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "No such API route.") })
}
