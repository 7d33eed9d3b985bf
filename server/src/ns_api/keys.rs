//! `/apikeys`: make, list, read, change and revoke API keys (NetSapiens A.5), and the table of
//! which model (`allowed-models`) each route of the API is.

use super::extract::{ApiCaller, JsonObject};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use app::model::api_key::{ApiKey, ApiKeyChangeForm, ApiKeyForm, IssuedApiKey};
use app::model::json_form::{form_from_json, Shape};
use app::model::FieldErrors;
use app::ssr::{api_keys, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use serde_json::{Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Which NetSapiens model (`allowed-models`, from `app::model::api_key::MODEL_NAMES`) each family
/// of routes is, by the collection its path names: a route is the model of the last of its
/// path's segments listed here (`/domains/{domain}/users/{user}/devices/{device}` is a `device`,
/// `/domains/{domain}/users/export` a `subscriber`). The paths are those the routes are declared
/// with, so a new route under a listed collection has its model at once; a route under none is
/// refused to every key limited to some models (a test checks that every route has one).
/// NetSapiens has no `reseller` model: resellers, which hold domains, are `domain`.
const ROUTE_MODELS: &[(&str, &str)] = &[
    ("domains", "domain"),
    ("resellers", "domain"),
    ("users", "subscriber"),
    // Servetel's `/user` and `/user/{id}` (`server/src/servetel/`).
    ("user", "subscriber"),
    ("sites", "site"),
    ("departments", "department"),
    ("devices", "device"),
    ("phonenumbers", "phonenumber"),
    ("answerrules", "answerrule"),
    ("timeframes", "timeframe"),
    ("callqueues", "callqueue"),
    ("agents", "agent"),
    ("email", "email"),
    ("apikeys", "apikey"),
];

/// The model of the route declared with `path` (a template such as `/domains/{domain}/sites`,
/// with or without the API's base), if it is one of [`ROUTE_MODELS`].
pub fn route_model(path: &str) -> Option<&'static str> {
    path.split('/').rev().find_map(|segment| {
        ROUTE_MODELS
            .iter()
            .find(|(collection, _)| *collection == segment)
            .map(|(_, model)| *model)
    })
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(get_key, update_key, delete_key))
}

/// What a key may use: `"*"` (every model) or an array of NetSapiens' model names.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = AllowedModels)]
#[allow(dead_code)]
enum ModelsDoc {
    /// `*`, or names separated by commas.
    Text(String),
    /// Names such as subscriber, domain, site, department, device, phonenumber, answerrule,
    /// apikey, email (NetSapiens' list of models); `*` for all.
    Names(Vec<String>),
}

/// An API key as listed (never its token).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = ApiKey)]
#[allow(dead_code)]
struct KeyDoc {
    /// 12 characters (16 for keys made before Roster followed NetSapiens' length).
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
    /// The extension of the user the key acts as; empty: it acts as its maker.
    user: String,
    /// The models the key may use: `"*"` or an array of names.
    allowed_models: ModelsDoc,
    /// The key that made this one, if a key did: it is revoked with it.
    parent_key_id: Option<String>,
    created_by: String,
    created_datetime: String,
    lastused_datetime: Option<String>,
}

/// A key just made: the listing and its token (`key`), shown this once.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = IssuedApiKey)]
#[allow(dead_code)]
struct IssuedDoc {
    #[serde(flatten)]
    listing: KeyDoc,
    /// The token, `rk_<key-id>_<secret>`: send as `Authorization: Bearer <key>`. Shown once:
    /// only a hash is kept.
    key: String,
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
    /// At most the maker's own scope (the default), and at most the scope of the `user` it acts
    /// as.
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
    /// yes: the key may make keys, each within it (scope, domain, addresses, models, user) and
    /// revoked with it. A key made without it makes none (403).
    can_create_keys: Option<String>,
    /// An extension of the key's one domain (not with `*`): the key acts as that user, with at
    /// most its scope. A user its maker manages, or the maker's own. Made with a key: that key's
    /// user, unless another is named.
    user: Option<String>,
    /// `*` (the default; made with a key: that key's models) or the models the key may use; any
    /// other route answers 403.
    allowed_models: Option<ModelsDoc>,
}

/// What `PUT /apikeys/{key_id}` takes: only these; a key's scope, reach and permissions never
/// change (a new key is made for that).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = ApiKeyChange)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ChangeDoc {
    /// At least 12 characters.
    description: Option<String>,
    /// Comma-separated addresses and subnets; empty: any. Never beyond the key's parent or the
    /// key the change is made with.
    ip_address: Option<String>,
    /// `*` or model names. Never beyond the key's parent or the key the change is made with.
    allowed_models: Option<ModelsDoc>,
    /// yes: answer 200 with the key rather than 202.
    synchronous: Option<String>,
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

/// Make an API key. Its token (`key`) is in this answer and never again.
#[utoipa::path(post, path = "/apikeys", tag = "API keys", operation_id = "CreateApiKey",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer.")),
    request_body(content = InputDoc, content_type = "application/json"),
    responses((status = 200, description = "Made.", body = IssuedDoc)))]
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
                lists: &["allowed-models"],
                skip: &["synchronous"],
                ..Shape::default()
            },
        )?;
        let issued: IssuedApiKey = api_keys::create_key(&state.db, &caller, &form).await?;
        Ok::<_, Problem>((StatusCode::OK, Json(issued)).into_response())
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

/// Change an API key's description, allowed addresses or allowed models (`~`: the one in use).
/// Every other field of a key is refused by name: a new key is made to change those. Only keys
/// the caller may revoke; the change is audited.
#[utoipa::path(put, path = "/apikeys/{key_id}", tag = "API keys", operation_id = "UpdateApiKey",
    params(("key_id" = String, Path, description = "The key's id, or ~ for the key in use.")),
    request_body(content = ChangeDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed (synchronous: yes).", body = KeyDoc),
        (status = 202, description = "Changed.", body = super::Accepted),
    ))]
async fn update_key(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(key): Path<String>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let id = key_id(&caller, &key)?;
    let sync = body.take_text("synchronous").and_then(super::synchronous);
    let fixed = ApiKeyChangeForm::fixed_fields();
    let mut errors = FieldErrors::default();
    for name in body.map.keys().filter(|name| fixed.contains(name)) {
        errors.add(
            name.as_str(),
            "A key's scope, reach and permissions cannot be changed: make a new key.",
        );
    }
    if let Err(problem) = &sync {
        for e in &problem.errors {
            errors.add(e.field.clone(), e.message.clone());
        }
    }
    let skip: Vec<&str> = fixed.iter().map(String::as_str).collect();
    let shape = Shape {
        lists: &["allowed-models"],
        skip: &skip,
        ..Shape::default()
    };
    // Every bad field at once: past unknown or wrongly typed members, the others' values too.
    let form = match form_from_json::<ApiKeyChangeForm>(&body.map, shape) {
        Ok(form) => Some(form),
        Err(refused) => {
            let rest: Map<String, Value> = body
                .map
                .iter()
                .filter(|(name, _)| !refused.names().contains(&name.as_str()))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            errors.0.extend(refused.0);
            form_from_json::<ApiKeyChangeForm>(&rest, shape).ok()
        }
    };
    if let Some(Err(refused)) = form.as_ref().map(ApiKeyChangeForm::parse) {
        errors.0.extend(refused.0);
    }
    let (Some(form), Ok(sync), true) = (form, sync, errors.is_empty()) else {
        return Err(Problem::from(errors));
    };
    let changed = api_keys::update_key(&state.db, &caller, id, &form).await?;
    Ok(super::changed(sync, changed))
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::api_key::MODEL_NAMES;

    #[test]
    fn every_route_of_the_api_is_one_of_netsapiens_models() {
        let doc = super::super::openapi();
        assert!(!doc.paths.paths.is_empty());
        for path in doc.paths.paths.keys() {
            let model = route_model(path).unwrap_or_else(|| panic!("{path} has no model"));
            assert!(MODEL_NAMES.contains(&model), "{path}: {model}");
        }
    }

    #[test]
    fn a_route_is_the_model_of_the_last_collection_in_its_path() {
        for (path, model) in [
            ("/ns-api/v2/domains", "domain"),
            ("/ns-api/v2/domains/{domain}/count", "domain"),
            ("/domains/{domain}/users", "subscriber"),
            ("/domains/{domain}/users/export", "subscriber"),
            ("/domains/{domain}/users/{user}/devices/{device}", "device"),
            (
                "/domains/{domain}/users/{user}/answerrules/{timeframe}",
                "answerrule",
            ),
            ("/domains/{domain}/users/{user}/email", "email"),
            ("/domains/{domain}/departments/list", "department"),
            ("/domains/{domain}/sites/count", "site"),
            ("/apikeys/{key_id}", "apikey"),
        ] {
            assert_eq!(route_model(path), Some(model), "{path}");
        }
        assert_eq!(route_model("/openapi.json"), None);
    }
}
