//! Importing a domain's users from a CSV file, and exporting them as one.
//!
//! The file is read in the browser into a text box (without JavaScript, its text is pasted there)
//! and posted whole, to be checked (a dry run) or imported. While the server works, the page shows
//! how far it has got; then it goes to the report (`?report=<id>&at=<time>`), which lists every
//! problem by row and field. The export is a plain link that downloads the CSV.

use crate::api::bulk::{
    export_href, get_import_progress, get_import_report, start_import, ImportStart, ImportUsers,
};
use crate::api::users::{invitation_progress, InviteUninvited};
use crate::components::{poll_while_owned, ErrorNotice, Page};
use crate::error::AppError;
use crate::model::bulk::{ImportProgress, ImportReport, RowProblem};
use crate::model::counted;
use crate::model::mail::{BatchProgress, InvitedMany};
use crate::model::user::USER_FIELDS;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::time::Duration;

/// Problems listed on the page; the rest are counted (the API lists them all).
const SHOWN_PROBLEMS: usize = 500;

/// Reads the chosen file into the text box (plain JavaScript, so it works before the WASM; the
/// page's Content-Security-Policy allows exactly this handler, by its hash).
pub const READ_FILE: &str = "const f=this.files&&this.files[0];if(f){f.text().then(t=>{const a=document.getElementById('csv');a.value=t;a.dispatchEvent(new Event('input'));});}";

#[component]
pub fn ImportUsersPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let query = use_query_map();
    // The report of the last run (`at` tells runs of one import apart).
    let report_id = move || {
        let query = query.read();
        (
            query.get("report").unwrap_or_default(),
            query.get("at").unwrap_or_default(),
        )
    };
    let start = Resource::new(domain, start_import);
    let report = Resource::new(report_id, |(id, _)| async move {
        if id.is_empty() {
            Ok(None)
        } else {
            get_import_report(id).await.map(Some)
        }
    });
    view! {
        <Page title=format!("Import users into {}", domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let start = match start.await {
                        // Only the refusal: no actions on a domain the caller cannot see.
                        Err(error) => return view! { <ErrorNotice error/> }.into_any(),
                        Ok(start) => start,
                    };
                    let d = domain();
                    view! {
                        <p class="actions">
                            <A href=format!("/domains/{d}/users")>{format!("← Users of {d}")}</A>
                            <a href=export_href(&d) download=format!("{d}-users.csv")
                                rel="external" class="button secondary">"Export users (CSV)"</a>
                        </p>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match report.await {
                                    Ok(None) => None,
                                    Ok(Some(Some(report))) => Some(view! { <ReportView report domain=domain()/> }.into_any()),
                                    Ok(Some(None)) => Some(view! {
                                        <p class="notice error" role="alert">"This report is no longer available (reports are kept for an hour). Check the file again."</p>
                                    }.into_any()),
                                    Err(error) => Some(view! { <ErrorNotice error/> }.into_any()),
                                }
                            })}
                        </Suspense>
                        <ImportForm domain=d start/>
                    }.into_any()
                })}
            </Suspense>
        </Page>
    }
}

/// The file, the two buttons, and the progress of the import being run.
#[component]
fn ImportForm(domain: String, start: ImportStart) -> impl IntoView {
    let action = ServerAction::<ImportUsers>::new();
    let progress = RwSignal::new(None::<ImportProgress>);
    let id = StoredValue::new(start.import_id.clone());
    // While the server works, ask it how far it has got.
    Effect::new(move |_| {
        if !action.pending().get() {
            return;
        }
        progress.set(None);
        poll_while_owned(Duration::from_millis(300), move || {
            let Some(id) = id.try_get_value() else {
                return;
            };
            leptos::task::spawn_local(async move {
                if let Ok(Some(now)) = get_import_progress(id).await {
                    progress.try_set(Some(now));
                }
            })
        });
    });
    let refused = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e: AppError| e.to_string())
    };
    let required = start.required.join(", ");
    let columns = start.columns.join(", ");
    view! {
        <section class="detail" aria-labelledby="file-heading">
            <h2 id="file-heading">"The file"</h2>
            <p>
                "A header row naming the columns, then one row per user. The columns are the fields of the Create User form, by their NetSapiens names, as the export writes them; only these are required: "
                <code>{required}</code>
                ". Blank values take the domain's defaults, as in the form. SIP passwords left blank are generated. Rows are numbered as a spreadsheet numbers them (the header is row 1)."
            </p>
            <details>
                <summary>"Every column"</summary>
                <p><code class="columns">{columns}</code></p>
            </details>
            <p>"Check the file first: nothing is written until every row is right, and an import writes all its users or none."</p>
        </section>
        <ActionForm action=action attr:class="import">
            <input type="hidden" name="domain" value=domain/>
            <input type="hidden" name="import_id" value=start.import_id/>
            <div class="field">
                <label for="csv-file">"CSV file"</label>
                <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" onchange=READ_FILE
                    aria-describedby="csv-file-hint"/>
                <p class="hint" id="csv-file-hint">"The file is read into the box below. Without JavaScript, paste its text there instead."</p>
            </div>
            <div class="field">
                <label for="csv">"CSV text"</label>
                <textarea id="csv" name="csv" rows="10" spellcheck="false" required></textarea>
            </div>
            <p class="form-error" role="alert">{refused}</p>
            <div class="buttons">
                <button type="submit" name="mode" value="check" class="secondary"
                    disabled=move || action.pending().get()>"Check (dry run)"</button>
                <button type="submit" name="mode" value="import"
                    disabled=move || action.pending().get()>"Import"</button>
            </div>
            {move || action.pending().get().then(|| {
                let now = progress.get();
                let (label, percent) = match now {
                    None => ("Sending the file…".to_owned(), 0),
                    Some(p) => (
                        format!("{}: {} of {}", p.stage.label(), p.done, p.total),
                        p.percent(),
                    ),
                };
                view! {
                    <div class="import-progress" role="status" aria-live="polite">
                        <progress max="100" value=percent.to_string()>{format!("{percent}%")}</progress>
                        <span>{label}</span>
                    </div>
                }
            })}
        </ActionForm>
    }
}

/// A field's label and name, as the report shows it: `Extension (user)`.
fn field_title(field: &str) -> String {
    let name = field.split('[').next().unwrap_or(field);
    match USER_FIELDS.iter().find(|f| f.name == name) {
        Some(f) => format!("{} ({field})", f.label),
        None if field == "file" => "The file".to_owned(),
        None => format!("Column {field}"),
    }
}

/// What a check or an import found: its summary, and every problem by row and field.
#[component]
fn ReportView(report: ImportReport, domain: String) -> impl IntoView {
    let ok = report.problems.is_empty();
    let heading = match (report.dry_run, ok) {
        (true, _) => "Check",
        (false, true) => "Imported",
        (false, false) => "Not imported",
    };
    let total = report.problems.len();
    let more = total.saturating_sub(SHOWN_PROBLEMS);
    let rows = report
        .problems
        .into_iter()
        .take(SHOWN_PROBLEMS)
        .map(
            |RowProblem {
                 row,
                 field,
                 message,
             }| {
                view! {
                    <tr>
                        <td>{row}</td>
                        <td>{field_title(&field)}</td>
                        <td>{message}</td>
                    </tr>
                }
            },
        )
        .collect_view();
    let created = report.created;
    view! {
        <section class="detail report" aria-labelledby="report-heading">
            <h2 id="report-heading">{heading}</h2>
            <p class=if ok { "notice ok" } else { "notice error" } role="status">{report.message}</p>
            {(!ok).then(|| view! {
                <table class="list problems">
                    <caption>{counted(total as i64, "problem", "problems")}</caption>
                    <thead><tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Problem"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                {(more > 0).then(|| view! {
                    <p class="hint">{format!("{more} more problems are not shown; correct these first.")}</p>
                })}
            })}
            {(created > 0).then(|| view! {
                <InviteImported domain=domain.clone()/>
                <p><A href=format!("/domains/{domain}/users")>"See the users"</A></p>
            })}
        </section>
    }
}

/// After an import: one button e-mails an invitation to every imported user who may log in and
/// has an e-mail address, then shows how far the messages have got.
#[component]
fn InviteImported(domain: String) -> impl IntoView {
    let action = ServerAction::<InviteUninvited>::new();
    let progress = RwSignal::new(None::<BatchProgress>);
    let domain_for_poll = StoredValue::new(domain.clone());
    // Once the invitations are queued, ask how far they have got until none is waiting (one
    // poll per batch: the effect follows the action's answer only).
    Effect::new(move |_| {
        let Some(batch) = action
            .value()
            .get()
            .and_then(Result::ok)
            .and_then(|m| m.batch)
        else {
            return;
        };
        poll_while_owned(Duration::from_millis(500), move || {
            // Once nothing waits, there is nothing more to ask.
            let Some(now) = progress.try_get_untracked() else {
                return;
            };
            let Some(domain) = domain_for_poll.try_get_value() else {
                return;
            };
            if now.is_some_and(|p| p.done()) {
                return;
            }
            let batch = batch.clone();
            leptos::task::spawn_local(async move {
                if let Ok(now) = invitation_progress(domain, batch).await {
                    progress.try_set(Some(now));
                }
            })
        });
    });
    let outcome = move || {
        action.value().get().map(|done| match done {
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
            Ok(InvitedMany { invited: 0, .. }) => view! {
                <p class="notice ok" role="status">"Nobody is left to invite: every user who may log in has a password or a live invitation, or has no e-mail address."</p>
            }.into_any(),
            Ok(InvitedMany { invited, .. }) => {
                let now = progress.get().unwrap_or(BatchProgress {
                    queued: invited as i64,
                    ..BatchProgress::default()
                });
                let total = now.total().max(1);
                let done = total - now.queued;
                view! {
                    <div class="invite-progress" role="status" aria-live="polite">
                        <p>{format!("Invitations to {invited} users: {} sent, {} kept in the outbox (no relay), {} failed, {} waiting.", now.sent, now.kept, now.failed, now.queued)}</p>
                        <progress max=total.to_string() value=done.to_string()>{format!("{done} of {total}")}</progress>
                    </div>
                }.into_any()
            }
        })
    };
    view! {
        <ActionForm action=action attr:class="invite-imported">
            <input type="hidden" name="domain" value=domain/>
            <p>"Users who should log in to the portal need a password. E-mail each imported user with an address an invitation (a link to set it, valid 72 hours):"</p>
            <button type="submit" disabled=move || action.pending().get() || action.value().get().is_some()>
                "E-mail invitations to the imported users"
            </button>
        </ActionForm>
        {outcome}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_the_field_as_the_form_labels_it() {
        assert_eq!(field_title("user"), "Extension (user)");
        assert_eq!(
            field_title("phone-numbers[1]"),
            "Phone numbers (DIDs) (phone-numbers[1])"
        );
        assert_eq!(field_title("file"), "The file");
        assert_eq!(field_title("colour"), "Column colour");
    }
}
