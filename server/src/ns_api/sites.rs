//! `/domains/{domain}/sites`: list, count, create, read, rename, delete; and
//! `/domains/{domain}/departments/list`, the departments in use.
//!
//! Whoever manages users reads sites (a Site Manager its own site only); only those who manage
//! sites (Office Manager and up) create, rename and delete them. Deleting a site with users is
//! refused (412) unless `force=yes`, when its users stay, with no site.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use super::users::{descending, window};
use super::{changed, domain_name, listed, schemas, Count};
use app::model::json_form::Shape;
use app::model::site::{DepartmentCount, SiteForm, SiteQuery};
use app::ssr::{sites, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sites, create_site))
        .routes(routes!(count_sites))
        .routes(routes!(list_sites_by_list))
        .routes(routes!(get_site, update_site, delete_site))
        .routes(routes!(list_departments))
}

const SHAPE: Shape = Shape {
    lists: &[],
    aliases: &[("email-address", "email")],
    skip: &["synchronous"],
};

fn query(params: &Params) -> Result<SiteQuery, Problem> {
    let (start, limit) = window(params)?;
    let by_user_count = match params.text("order").map(str::trim) {
        None | Some("" | "site") => false,
        Some("user-count") => true,
        Some(_) => {
            return Err(Problem::field(
                StatusCode::BAD_REQUEST,
                "order",
                "site or user-count.",
            ))
        }
    };
    Ok(SiteQuery {
        search: params.text("search").unwrap_or_default().trim().to_owned(),
        by_user_count,
        descending: descending(params)?,
        start,
        limit,
    })
}

/// List the sites of a domain.
#[utoipa::path(get, path = "/domains/{domain}/sites", tag = "Sites", operation_id = "ListSites",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the name, any case."),
        ("order" = Option<String>, Query, description = "site (the default) or user-count."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
    ),
    responses((status = 200, description = "A page of sites; the number matching in X-Total-Count.",
        body = Vec<schemas::Site>, headers(("x-total-count" = u64)))))]
async fn list_sites(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let list = sites::list_sites(&state.db, &caller, &name, &query(&params)?).await?;
    Ok(listed(list.total, list.items))
}

/// List the sites of a domain (NetSapiens' `sites/list`: the same list as `/sites`).
#[utoipa::path(get, path = "/domains/{domain}/sites/list", tag = "Sites", operation_id = "ListSitesList",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip."),
    ),
    responses((status = 200, description = "A page of sites; the number matching in X-Total-Count.",
        body = Vec<schemas::Site>, headers(("x-total-count" = u64)))))]
async fn list_sites_by_list(
    state: State<AppState>,
    caller: ApiCaller,
    domain: Path<String>,
    params: Params,
) -> ApiResult<Response> {
    list_sites(state, caller, domain, params).await
}

/// Count the sites of a domain.
#[utoipa::path(get, path = "/domains/{domain}/sites/count", tag = "Sites", operation_id = "CountSites",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("search" = Option<String>, Query, description = "Part of the name, any case."),
    ),
    responses((status = 200, description = "How many sites match.", body = Count)))]
async fn count_sites(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Json<Count>> {
    let name = domain_name(&caller, &domain)?;
    let query = SiteQuery {
        limit: 1,
        ..query(&params)?
    };
    let list = sites::list_sites(&state.db, &caller, &name, &query).await?;
    Ok(Json(Count { total: list.total }))
}

/// Create a site, within the domain's maximum of sites.
#[utoipa::path(post, path = "/domains/{domain}/sites", tag = "Sites", operation_id = "CreateSite",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = schemas::SiteInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = schemas::Site),
        (status = 202, description = "Created.", body = super::Accepted),
    ))]
async fn create_site(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    retry: Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(&state, &caller, &retry, &raw, || async {
        let name = domain_name(&caller, &domain)?;
        let (form, sync) = body.form_and_sync::<SiteForm>(SHAPE)?;
        let created = sites::create_site(&state.db, &caller, &name, &form).await?;
        Ok::<_, Problem>(changed(sync, created))
    })
    .await
}

/// Read a site.
#[utoipa::path(get, path = "/domains/{domain}/sites/{site}", tag = "Sites", operation_id = "GetSite",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("site" = String, Path, description = "The site's name."),
    ),
    responses((status = 200, description = "The site.", body = schemas::Site)))]
async fn get_site(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, site)): Path<(String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    Ok(super::fresh(
        &headers,
        &sites::get_site(&state.db, &caller, &name, &site).await?,
    ))
}

/// Rename a site (`site`: the new name); its users go with it.
#[utoipa::path(put, path = "/domains/{domain}/sites/{site}", tag = "Sites", operation_id = "UpdateSite",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("site" = String, Path, description = "The site's name."),
    ),
    request_body(content = schemas::SiteInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Renamed (synchronous: yes).", body = schemas::Site),
        (status = 202, description = "Renamed.", body = super::Accepted),
    ))]
async fn update_site(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, site)): Path<(String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let sync = super::synchronous(body.take_text("synchronous")?)?;
    // What is not sent stays as stored.
    let current = sites::get_site(&state.db, &caller, &name, &site).await?;
    let mut form = SiteForm {
        site: current.site.to_string(),
        settings: current.settings,
    };
    body.overlay(&mut form)?;
    let changed_site = sites::change_site(
        &state.db,
        &caller,
        &name,
        &site,
        &form,
        sites::SiteChange::NameAndSettings,
    )
    .await?;
    Ok(changed(sync, changed_site))
}

/// Delete a site. A site with users is deleted only with `force=yes` (otherwise 412); its users
/// then stay, with no site.
#[utoipa::path(delete, path = "/domains/{domain}/sites/{site}", tag = "Sites", operation_id = "DeleteSite",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("site" = String, Path, description = "The site's name."),
        ("force" = Option<String>, Query, description = "yes: delete it even with users in it; they stay, with no site."),
    ),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_site(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, site)): Path<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let force = params.flag("force")?;
    sites::delete_site(&state.db, &caller, &name, &site, force).await?;
    Ok(super::accepted())
}

/// List the departments the users of a domain name (NetSapiens: their names).
#[utoipa::path(get, path = "/domains/{domain}/departments/list", tag = "Departments", operation_id = "ListDepartments",
    params(("domain" = String, Path, description = "The domain's name, or ~.")),
    responses((status = 200, description = "The departments' names, in order; how many in X-Total-Count.",
        body = Vec<String>, headers(("x-total-count" = u64)))))]
async fn list_departments(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let all: Vec<DepartmentCount> = sites::list_departments(&state.db, &caller, &name).await?;
    let names: Vec<String> = all.into_iter().map(|d| d.department.to_string()).collect();
    Ok(listed(names.len() as u64, names))
}
