//! Bulk CSV export and import of a domain's users, for the import page: thin wrappers around
//! [`crate::ssr::bulk`].
//!
//! The export answers `text/csv` to a plain GET, so the page offers it as a link that downloads
//! (with or without JavaScript). An import posts the whole file (the server allows bulk imports a
//! larger body at paths ending in `/users/import`), runs it while the page polls its progress,
//! keeps its report in the server's memory and sends the page to it (`?report=<id>&at=<time>`),
//! so the report shows the same with and without JavaScript.

use crate::error::AppError;
use crate::model::bulk::{ImportProgress, ImportReport};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Post};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType, ServerFn};
use serde::{Deserialize, Serialize};

/// CSV text as a server function's answer.
pub struct CsvText;

impl ContentType for CsvText {
    const CONTENT_TYPE: &'static str = "text/csv; charset=utf-8";
}

impl FormatType for CsvText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl Encodes<String> for CsvText {
    type Error = std::convert::Infallible;

    fn encode(output: &String) -> Result<Bytes, Self::Error> {
        Ok(Bytes::from(output.clone()))
    }
}

impl Decodes<String> for CsvText {
    type Error = std::string::FromUtf8Error;

    fn decode(bytes: Bytes) -> Result<String, Self::Error> {
        String::from_utf8(bytes.to_vec())
    }
}

/// A server function's answer as the body of a `text/csv` response.
pub type Csv = Post<CsvText>;

/// The address of the export of `domain`'s users (a GET: a link downloads it).
pub fn export_href(domain: &str) -> String {
    format!("{}?domain={}", ExportUsers::PATH, super::urlencode(domain))
}

/// The users of `domain` the caller manages, as CSV (see [`crate::ssr::bulk::export_users`]),
/// saved as `<domain>-users.csv`.
#[server(endpoint = "users/export", input = GetUrl, output = Csv)]
pub async fn export_users(domain: String) -> Result<String, AppError> {
    let result = async move {
        let (state, caller) = crate::ssr::request::current().await?;
        let name = crate::ssr::access::parse_name(&domain)?;
        let csv = crate::ssr::bulk::export_users(&state.db, &caller, &name).await?;
        Ok((name, csv))
    }
    .await;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        // A link is followed asking for HTML, and server functions answer such requests with a
        // redirect back to the page they came from. The status set here is applied last: the
        // browser gets the file (or the error's status) instead.
        let status = result.as_ref().map_or_else(AppError::status, |_| 200);
        response.set_status(
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let Ok((name, _)) = &result {
            if let Ok(value) =
                http::HeaderValue::from_str(&format!("attachment; filename=\"{name}-users.csv\""))
            {
                response.insert_header(http::header::CONTENT_DISPOSITION, value);
            }
        }
    }
    result.map(|(_, csv)| csv)
}

/// What the import page starts from: a fresh import id (its progress is polled under it) and the
/// file's columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStart {
    pub import_id: String,
    /// Every column a file may have, in the export's order.
    pub columns: Vec<String>,
    /// The columns every file must have.
    pub required: Vec<String>,
}

/// Starts an import of users into `domain`, if the caller may manage its users.
#[server(endpoint = "users/import-start")]
pub async fn start_import(domain: String) -> Result<ImportStart, AppError> {
    crate::ssr::request::answer(
        async move {
            use crate::model::permissions::Action;
            use crate::ssr::bulk;
            crate::ssr::request::current_in(&domain, Action::ManageUsers).await?;
            Ok(ImportStart {
                import_id: bulk::Imports::new_id(),
                columns: bulk::columns().map(str::to_owned).collect(),
                required: bulk::required_columns()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })
        }
        .await,
    )
}

/// Checks (`mode` = `check`) or imports (`mode` = `import`) the users of `csv` into `domain`,
/// then sends the page to the report. A file with problems is not an error here: its report
/// lists them (nothing was written). `import_id` names the import for [`get_import_progress`]; a
/// missing or malformed one is replaced by a fresh one.
#[server(endpoint = "users/import")]
pub async fn import_users(
    domain: String,
    #[server(default)] import_id: String,
    csv: String,
    mode: String,
) -> Result<ImportReport, AppError> {
    crate::ssr::request::answer(
        async move {
            use crate::ssr::bulk::{run_import, Imports};
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let id = if Imports::is_id(&import_id) {
                import_id
            } else {
                Imports::new_id()
            };
            let dry_run = mode != "import";
            let (imports, account) = (state.imports.clone(), caller.account_id);
            let progress = |p: ImportProgress| imports.set_progress(account, &id, p);
            let report =
                run_import(&state.db, &caller, &name, &csv, dry_run, Some(&progress)).await?;
            state.imports.set_report(account, &id, report.clone());
            // A fresh address each run, so a page already showing this import's last report
            // loads the new one.
            let at = crate::ssr::now_ms();
            leptos_axum::redirect(&format!("/domains/{name}/users/import?report={id}&at={at}"));
            Ok(report)
        }
        .await,
    )
}

/// How far the caller's import `import_id` has got, if it is known.
#[server(endpoint = "users/import-progress")]
pub async fn get_import_progress(import_id: String) -> Result<Option<ImportProgress>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            Ok(state.imports.progress(caller.account_id, &import_id))
        }
        .await,
    )
}

/// The report of the caller's import `import_id`, if it has finished (kept for an hour).
#[server(endpoint = "users/import-report")]
pub async fn get_import_report(import_id: String) -> Result<Option<ImportReport>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            Ok(state.imports.report(caller.account_id, &import_id))
        }
        .await,
    )
}
