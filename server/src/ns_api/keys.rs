//! `/apikeys`: make, list, read and revoke API keys (NetSapiens A.5).

use super::extract::{ApiCaller, JsonObject};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use app::model::api_key::{ApiKey, ApiKeyForm, IssuedApiKey};
use app::model::json_form::{form_from_json, Shape};
use app::ssr::{api_keys, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(get_key, delete_key))
}

/// An API key as listed (never its token).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = ApiKey)]
#[allow(dead_code)]
struct KeyDoc {
    key_id: String,
    description: String,
    user_scope: String,
    /// A domain's name, or `*`.
    domain: String,
    reseller: String,
    /// yes or no.
    readonly: String,
    /// Comma-separated addresses and subnets; empty: any.
    ip_address: String,
    /// yes or no: whether it may make keys.
    can_create_keys: String,
    /// The key that made this one, if a key did: it is revoked with it.
    parent_key_id: Option<String>,
    created_by: String,
    created_datetime: String,
    lastused_datetime: Option<String>,
}

/// A key just made: the listing and the token, shown this once.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IssuedApiKey)]
#[allow(dead_code)]
struct IssuedDoc {
    #[serde(flatten)]
    key: KeyDoc,
    /// Send as `Authorization: Bearer <token>`. Shown once: only a hash is kept.
    token: String,
}

/// What `POST /apikeys` takes.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = ApiKeyInput)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct InputDoc {
    /// At least 12 characters: what the key is for.
    description: String,
    /// At most the maker's own scope (the default).
    user_scope: Option<String>,
    /// A domain's name, `~` (the maker's own; the default) or `*` (all: Reseller and Super User keys).
    domain: Option<String>,
    /// For a Reseller key made by a Super User: the reseller it acts as.
    reseller: Option<String>,
    /// yes: only reads (GET).
    readonly: Option<String>,
    /// Comma-separated addresses and subnets the key may be used from; empty: any (made with a
    /// key: that key's).
    ip_address: Option<String>,
    /// yes: the key may make keys, each within it (scope, domain, addresses) and revoked with it.
    /// A key made without it makes none (403).
    can_create_keys: Option<String>,
}

/// List the caller's API keys (a Super User: all keys).
#[utoipa::path(get, path = "/apikeys", tag = "API keys", operation_id = "ListApiKeys",
    responses((status = 200, description = "The keys, newest first.", body = Vec<KeyDoc>)))]
async fn list_keys(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<ApiKey>>> {
    Ok(Json(api_keys::list_keys(&state.db, &caller).await?))
}

/// Make an API key. Its token is in this answer and never again.
#[utoipa::path(post, path = "/apikeys", tag = "API keys", operation_id = "CreateApiKey",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer.")),
    request_body(content = InputDoc, content_type = "application/json"),
    responses((status = 201, description = "Made.", body = IssuedDoc)))]
async fn create_key(
    State(state): State<AppState>,
    caller: ApiCaller,
    retry: Retry,
    body: JsonObject,
) -> Response {
    idempotency::once(&state, &caller, &retry, &body.raw, || async {
        let form: ApiKeyForm = form_from_json(
            &body.map,
            Shape {
                skip: &["synchronous"],
                ..Shape::default()
            },
        )?;
        let issued: IssuedApiKey = api_keys::create_key(&state.db, &caller, &form).await?;
        Ok::<_, Problem>((StatusCode::CREATED, Json(issued)).into_response())
    })
    .await
}

/// The key id a path names: `~` is the key this request came with.
fn key_id<'a>(caller: &'a ApiCaller, raw: &'a str) -> Result<&'a str, Problem> {
    match raw {
        "~" => caller
            .caller
            .key
            .as_ref()
            .map(|k| k.key_id.as_str())
            .ok_or_else(|| app::error::AppError::NotFound.into()),
        other => Ok(other),
    }
}

/// Read an API key (`~`: the one in use).
#[utoipa::path(get, path = "/apikeys/{key_id}", tag = "API keys", operation_id = "GetApiKey",
    params(("key_id" = String, Path, description = "The key's id, or ~ for the key in use.")),
    responses((status = 200, description = "The key.", body = KeyDoc)))]
async fn get_key(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let id = key_id(&caller, &key)?;
    Ok(super::fresh(
        &headers,
        &api_keys::get_key(&state.db, &caller, id).await?,
    ))
}

/// Revoke an API key: it stops working at once.
#[utoipa::path(delete, path = "/apikeys/{key_id}", tag = "API keys", operation_id = "DeleteApiKey",
    params(("key_id" = String, Path, description = "The key's id, or ~.")),
    responses((status = 202, description = "Revoked.", body = super::Accepted)))]
async fn delete_key(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let id = key_id(&caller, &key)?;
    api_keys::delete_key(&state.db, &caller, id).await?;
    Ok(super::accepted())
}
