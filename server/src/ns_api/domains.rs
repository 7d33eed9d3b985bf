//! `/domains`: list, count, create, read, update, delete.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::Retry;
use super::problem::ApiResult;
use super::schemas;
use super::{domain_name, fresh, listed, Count};
use app::model::domain::{Domain, DOMAIN_FIELDS};
use app::ssr::{domains, AppState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domains, create_domain))
        .routes(routes!(count_domains))
        .routes(routes!(get_domain, update_domain, delete_domain))
        .routes(routes!(domain_exists))
}

/// The domains the caller sees, filtered by `search` (name, description or reseller) and
/// ordered by `order` (`domain`, `description`, `reseller`) and `direction`.
async fn visible(state: &AppState, caller: &ApiCaller, params: &Params) -> ApiResult<Vec<Domain>> {
    let mut all = domains::list_domains(&state.db, caller).await?;
    if let Some(search) = params
        .text("search")
        .map(str::to_lowercase)
        .filter(|s| !s.is_empty())
    {
        all.retain(|d| {
            let s = &d.settings;
            s.domain.as_str().contains(&search)
                || s.description.as_str().to_lowercase().contains(&search)
                || s.reseller.as_str().to_lowercase().contains(&search)
        });
    }
    let key = params.text("order").unwrap_or("domain");
    let by = |d: &Domain| -> String {
        match key {
            "description" => d.settings.description.as_str().to_lowercase(),
            "reseller" => d.settings.reseller.as_str().to_owned(),
            _ => d.settings.domain.as_str().to_owned(),
        }
    };
    if !matches!(key, "domain" | "description" | "reseller") {
        return Err(super::Problem::field(
            StatusCode::BAD_REQUEST,
            "order",
            "One of domain, description, reseller.",
        ));
    }
    all.sort_by_key(by);
    if super::users::descending(params)? {
        all.reverse();
    }
    Ok(all)
}

/// List domains.
#[utoipa::path(get, path = "/domains", tag = "Domains", operation_id = "ListDomains",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the name, description or reseller."),
        ("order" = Option<String>, Query, description = "domain, description or reseller."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
    ),
    responses((status = 200, description = "The domains; the number matching in X-Total-Count.",
        body = Vec<schemas::Domain>, headers(("x-total-count" = u64)))))]
async fn list_domains(
    State(state): State<AppState>,
    caller: ApiCaller,
    params: Params,
) -> ApiResult<Response> {
    let all = visible(&state, &caller, &params).await?;
    let (start, limit) = super::users::window(&params)?;
    let total = all.len() as u64;
    let page: Vec<Domain> = all
        .into_iter()
        .skip(start as usize)
        .take(limit as usize)
        .collect();
    Ok(listed(total, page))
}

/// Count domains.
#[utoipa::path(get, path = "/domains/count", tag = "Domains", operation_id = "CountDomains",
    params(("search" = Option<String>, Query, description = "Part of the name, description or reseller.")),
    responses((status = 200, description = "How many domains the caller sees.", body = Count)))]
async fn count_domains(
    State(state): State<AppState>,
    caller: ApiCaller,
    params: Params,
) -> ApiResult<Json<Count>> {
    let all = visible(&state, &caller, &params).await?;
    Ok(Json(Count {
        total: all.len() as u64,
    }))
}

/// Create a domain.
#[utoipa::path(post, path = "/domains", tag = "Domains", operation_id = "CreateDomain",
    request_body(content = schemas::DomainInput, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer.")),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = schemas::Domain),
        (status = 202, description = "Created.", body = super::Accepted),
    ))]
async fn create_domain(
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
        DOMAIN_FIELDS,
        |form| async move { domains::create_domain(db, who, &form).await },
    )
    .await
}

/// Read a domain.
#[utoipa::path(get, path = "/domains/{domain}", tag = "Domains", operation_id = "GetDomain",
    params(("domain" = String, Path, description = "The domain's name, or ~ for the caller's own.")),
    responses((status = 200, description = "The domain.", body = schemas::Domain)))]
async fn get_domain(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path(domain): Path<String>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    Ok(fresh(
        &headers,
        &domains::get_domain(&state.db, &caller, &name).await?,
    ))
}

/// Check if a domain exists (and the caller sees it).
#[utoipa::path(get, path = "/domains/{domain}/count", tag = "Domains", operation_id = "DomainExists",
    params(("domain" = String, Path, description = "The domain's name, or ~.")),
    responses((status = 200, description = "1 if the caller sees the domain, 0 if not.", body = Count)))]
async fn domain_exists(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
) -> ApiResult<Json<Count>> {
    let found = match domain_name(&caller, &domain) {
        Ok(name) => domains::get_domain(&state.db, &caller, &name).await.is_ok(),
        Err(_) => false,
    };
    Ok(Json(Count {
        total: u64::from(found),
    }))
}

/// Update a domain: only the fields sent change.
#[utoipa::path(put, path = "/domains/{domain}", tag = "Domains", operation_id = "UpdateDomain",
    params(("domain" = String, Path, description = "The domain's name, or ~.")),
    request_body(content = schemas::DomainInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = schemas::Domain),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_domain(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    super::update_declared(body, DOMAIN_FIELDS, |patch| async move {
        domains::update_domain(&state.db, &caller, &name, &patch).await
    })
    .await
}

/// Delete a domain and everything in it.
#[utoipa::path(delete, path = "/domains/{domain}", tag = "Domains", operation_id = "DeleteDomain",
    params(("domain" = String, Path, description = "The domain's name.")),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_domain(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    domains::delete_domain(&state.db, &caller, &name).await?;
    Ok(super::accepted())
}
