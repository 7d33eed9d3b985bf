//! Bulk CSV: `GET /domains/{domain}/users/export` and `POST /domains/{domain}/users/import`
//! (`?dry-run=yes` to only check). The columns are the user form's NetSapiens field names, the
//! same both ways and the same as the portal's import page.

use super::extract::{content_type_is, unsupported, ApiCaller, Params};
use super::idempotency::Retry;
use super::problem::{ApiResult, Problem};
use super::{domain_name, idempotency, schemas};
use app::ssr::{bulk, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_users))
        .routes(routes!(import_users))
        // The server's own guard limits import bodies (`--max-import-bytes`), above axum's 2 MB.
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// What an import did (or, for a dry run, would do).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = ImportReport)]
#[allow(dead_code)]
struct ReportDoc {
    /// Only checked: nothing was written.
    dry_run: bool,
    /// User rows in the file.
    rows: u64,
    /// Users created: every row, or none.
    created: u64,
    /// Every problem of every row (a dry run's; a refused real run answers 400 instead).
    problems: Vec<RowProblemDoc>,
    message: String,
}

/// One problem of one row (row 1 is the header).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = RowProblem)]
#[allow(dead_code)]
struct RowProblemDoc {
    row: u64,
    field: String,
    message: String,
}

/// Export the users of a domain as CSV.
#[utoipa::path(get, path = "/domains/{domain}/users/export", tag = "Users", operation_id = "ExportUsers",
    params(("domain" = String, Path, description = "The domain's name, or ~.")),
    responses((status = 200, description = "One header row of field names, then one row per user (secrets blank).",
        content_type = "text/csv", body = schemas::Csv)))]
async fn export_users(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let csv = bulk::export_users(&state.db, &caller, &name).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-users.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// Import users from CSV, all or nothing. `dry-run=yes` checks every row and writes nothing.
#[utoipa::path(post, path = "/domains/{domain}/users/import", tag = "Users", operation_id = "ImportUsers",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("dry-run" = Option<String>, Query, description = "yes: only check, and report every row's problems."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = schemas::Csv, content_type = "text/csv"),
    responses(
        (status = 200, description = "Checked (dry run): every row's problems, if any.", body = ReportDoc),
        (status = 201, description = "Imported: every row was created.", body = ReportDoc),
    ))]
async fn import_users(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
    retry: Retry,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !content_type_is(&headers, "text/csv") {
        return unsupported("text/csv").into_response();
    }
    idempotency::once(&state, &caller, &retry, &body, || async {
        let name = domain_name(&caller, &domain)?;
        let dry_run = params.flag("dry-run")?;
        let text = std::str::from_utf8(&body).map_err(|_| {
            Problem::field(
                StatusCode::BAD_REQUEST,
                "body",
                "The file must be UTF-8 text.",
            )
        })?;
        let report = bulk::import_users(&state.db, &caller, &name, text, dry_run, None).await?;
        let status = if dry_run {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Ok::<_, Problem>((status, Json(report)).into_response())
    })
    .await
}
