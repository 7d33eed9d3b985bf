//! `/resellers`: list, count, create, read, update, delete (NetSapiens' Resellers). A Super User
//! reaches every reseller; a Reseller reads and changes its own.

use super::extract::{ApiCaller, JsonObject};
use super::idempotency::Retry;
use super::problem::ApiResult;
use super::schemas;
use super::{fresh, listed, Count};
use app::model::reseller::RESELLER_FIELDS;
use app::ssr::{resellers, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_resellers, create_reseller))
        .routes(routes!(count_resellers))
        .routes(routes!(get_reseller, update_reseller, delete_reseller))
}

/// List resellers.
#[utoipa::path(get, path = "/resellers", tag = "Resellers", operation_id = "ListResellers",
    responses((status = 200, description = "The resellers the caller sees, by name, each with its domains and users counted; the number in X-Total-Count.",
        body = Vec<schemas::Reseller>, headers(("x-total-count" = u64)))))]
async fn list_resellers(State(state): State<AppState>, caller: ApiCaller) -> ApiResult<Response> {
    let all = resellers::list_resellers(&state.db, &caller).await?;
    Ok(listed(all.len() as u64, all))
}

/// Count resellers.
#[utoipa::path(get, path = "/resellers/count", tag = "Resellers", operation_id = "CountResellers",
    responses((status = 200, description = "How many resellers the caller sees.", body = Count)))]
async fn count_resellers(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Count>> {
    let all = resellers::list_resellers(&state.db, &caller).await?;
    Ok(Json(Count {
        total: all.len() as u64,
    }))
}

/// Create a reseller (Super Users).
#[utoipa::path(post, path = "/resellers", tag = "Resellers", operation_id = "CreateReseller",
    request_body(content = schemas::ResellerInput, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer.")),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = schemas::Reseller),
        (status = 202, description = "Created.", body = super::Accepted),
        (status = 409, description = "Reseller with name already exists (in any case)."),
    ))]
async fn create_reseller(
    State(state): State<AppState>,
    caller: ApiCaller,
    retry: Retry,
    body: JsonObject,
) -> Response {
    let (db, who) = (&state.db, &caller);
    super::create_declared(
        &state,
        &caller,
        &retry,
        body,
        RESELLER_FIELDS,
        |form| async move { resellers::create_reseller(db, who, &form).await },
    )
    .await
}

/// Read a reseller.
#[utoipa::path(get, path = "/resellers/{reseller}", tag = "Resellers", operation_id = "GetReseller",
    params(("reseller" = String, Path, description = "The reseller's name (in any case).")),
    responses((status = 200, description = "The reseller.", body = schemas::Reseller)))]
async fn get_reseller(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(reseller): Path<String>,
) -> ApiResult<Response> {
    Ok(fresh(
        &headers,
        &resellers::get_reseller(&state.db, &caller, &reseller).await?,
    ))
}

/// Update a reseller: only the fields sent change (its name is its key).
#[utoipa::path(put, path = "/resellers/{reseller}", tag = "Resellers", operation_id = "UpdateReseller",
    params(("reseller" = String, Path, description = "The reseller's name.")),
    request_body(content = schemas::ResellerInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = schemas::Reseller),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_reseller(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(reseller): Path<String>,
    body: JsonObject,
) -> ApiResult<Response> {
    super::update_declared(body, RESELLER_FIELDS, |patch| async move {
        resellers::update_reseller(&state.db, &caller, &reseller, &patch).await
    })
    .await
}

/// Delete a reseller (Super Users); refused while a domain names it.
#[utoipa::path(delete, path = "/resellers/{reseller}", tag = "Resellers", operation_id = "DeleteReseller",
    params(("reseller" = String, Path, description = "The reseller's name.")),
    responses(
        (status = 202, description = "Deleted.", body = super::Accepted),
        (status = 409, description = "Domains still name it."),
    ))]
async fn delete_reseller(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(reseller): Path<String>,
) -> ApiResult<Response> {
    resellers::delete_reseller(&state.db, &caller, &reseller).await?;
    Ok(super::accepted())
}
