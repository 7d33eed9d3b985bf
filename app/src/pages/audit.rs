//! The audit log: who changed what, where, when and from which address. Office managers read
//! their domain's entries, resellers their domains', super users all, filtered by domain, user,
//! action and dates. The filters are a plain GET form, so the page's address is the search.
//!
//! One line per entry: its changes are folded into a `<details>` whose summary says what changed
//! (see [`AuditEntry::summary`]); opened, the row below shows each field before and after. The
//! table scrolls inside itself where the screen is too narrow for its line.

use super::user::utc;
use crate::api::audit::list_audit;
use crate::api::urlencode;
use crate::components::{ErrorNotice, Page};
use crate::model::audit::{rfc3339, AuditEntry, AuditQuery};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The search in the page's address.
fn query_from_url() -> Memo<AuditQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let text = |key: &str| q.get(key).unwrap_or_default();
        AuditQuery {
            domain: text("domain"),
            user: text("user"),
            action: text("action"),
            from: text("from"),
            to: text("to"),
            before: q.get("before").and_then(|b| b.parse().ok()),
        }
    })
}

/// The address of the next (older) page of the same search.
fn older_href(q: &AuditQuery, last: i64) -> String {
    format!(
        "/audit?domain={}&user={}&action={}&from={}&to={}&before={last}",
        urlencode(&q.domain),
        urlencode(&q.user),
        urlencode(&q.action),
        urlencode(&q.from),
        urlencode(&q.to)
    )
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = query_from_url();
    let page = Resource::new(move || query.get(), list_audit);
    let initial = query.get_untracked();
    let filter =
        move |name: &'static str, label: &'static str, value: String, kind: &'static str| {
            view! {
                <div class="field">
                    <label for=format!("filter-{name}")>{label}</label>
                    <input id=format!("filter-{name}") name=name type=kind value=value/>
                </div>
            }
        };
    view! {
        <Page title="Audit log">
            <form method="get" action="/audit" class="filters audit-filters" role="search">
                {filter("domain", "Domain", initial.domain.clone(), "text")}
                {filter("user", "User (login or extension)", initial.user.clone(), "text")}
                {filter("action", "Action (e.g. user.create, or user. for all)", initial.action.clone(), "text")}
                {filter("from", "From (UTC day)", initial.from.clone(), "date")}
                {filter("to", "To (UTC day)", initial.to.clone(), "date")}
                <div class="buttons"><button type="submit">"Search"</button> <A href="/audit">"Clear"</A></div>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(p) if p.items.is_empty() => view! { <p class="empty">"No entries match."</p> }.into_any(),
                        Ok(p) => {
                            let older = p.more.then(|| p.items.last().map(|e| older_href(&query.get_untracked(), e.id))).flatten();
                            view! {
                                <div class="audit-log" role="region" aria-labelledby="audit-caption" tabindex="0">
                                    <table class="list audit">
                                        <caption id="audit-caption">{format!("{}, newest first", crate::model::counted(p.items.len() as i64, "entry", "entries"))}</caption>
                                        <thead><tr>
                                            <th scope="col">"When"</th>
                                            <th scope="col">"Who"</th>
                                            <th scope="col">"From"</th>
                                            <th scope="col">"Domain"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"On"</th>
                                            <th scope="col">"Changes"</th>
                                        </tr></thead>
                                        <tbody>{p.items.into_iter().map(entry_row).collect_view()}</tbody>
                                    </table>
                                </div>
                                {older.map(|href| view! { <p class="actions"><A href=href>"Older entries"</A></p> })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// One entry on one line, its changes folded: the line's `<details>` opens the row after it,
/// which holds the before/after table across the whole width (the stylesheet shows that row while
/// the details are open, so no script is needed).
fn entry_row(e: AuditEntry) -> impl IntoView {
    let summary = e.summary();
    let diff_id = format!("audit-{}-changes", e.id);
    let (folded, diff) = if e.changes.is_empty() {
        (view! { <span class="none">"none"</span> }.into_any(), None)
    } else {
        let caption = format!("What {} changed on {}", e.action, e.target);
        let shown = |v: String| if v.is_empty() { "(none)".to_owned() } else { v };
        let rows = e
            .changes
            .into_iter()
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row">{c.field}</th>
                        <td>{shown(c.before)}</td>
                        <td>{shown(c.after)}</td>
                    </tr>
                }
            })
            .collect_view();
        let diff = view! {
            <tr class="diff-row" id=diff_id.clone()>
                <td colspan="7">
                    <div class="diff">
                        <table>
                            <caption>{caption}</caption>
                            <thead><tr>
                                <th scope="col">"Field"</th>
                                <th scope="col">"Before"</th>
                                <th scope="col">"After"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </td>
            </tr>
        };
        let title = summary.clone();
        let folded = view! {
            <details>
                <summary title=title aria-controls=diff_id>{summary}</summary>
            </details>
        };
        (folded.into_any(), Some(diff))
    };
    view! {
        <tr class="entry">
            <td><time datetime=rfc3339(e.at)>{utc(e.at)}</time></td>
            <td>{e.actor}</td>
            <td>{e.address}</td>
            <td>{e.domain.unwrap_or_default()}</td>
            <td>{e.action}</td>
            <td>{e.target}</td>
            <td class="changes">{folded}</td>
        </tr>
        {diff}
    }
}
