//! The mail outbox, for Super Users: every message Roster queued, newest first, with where it is;
//! one message opens with its text (with no relay set, that is where an invitation is read).

use crate::api::outbox::{list_outbox, outbox_message};
use crate::components::{ErrorNotice, Page};
use crate::model::mail::{MailStatus, Outbox};
use crate::model::Parse;
use crate::pages::user::{mail_status, utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || {
        query
            .read()
            .get("status")
            .and_then(|s| MailStatus::parse(&s).ok())
    };
    let before = move || query.read().get("before").and_then(|b| b.parse().ok());
    let page = Resource::new(move || (status(), before()), |(s, b)| list_outbox(s, b));
    let filters = std::iter::once(("", "All"))
        .chain(MailStatus::ALL.iter().map(|s| (s.as_str(), s.label())))
        .map(|(value, label)| {
            let href = if value.is_empty() {
                "/outbox".to_owned()
            } else {
                format!("/outbox?status={value}")
            };
            view! { <A href=href>{label}</A> " " }
        })
        .collect_view();
    view! {
        <Page title="Outbox">
            <nav class="filters" aria-label="Which messages">{filters}</nav>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(outbox) => view! { <OutboxList outbox status=status()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn OutboxList(outbox: Outbox, status: Option<MailStatus>) -> impl IntoView {
    let relay = match outbox.relay {
        Some(relay) => format!("Mail goes out through {relay}."),
        None => "No SMTP relay is set: messages are kept here, not sent. Open one to read it (and pass its link on). Set --smtp-host to send mail.".to_owned(),
    };
    let next = outbox.next.map(|before| {
        let status = status
            .map(|s| format!("status={}&", s.as_str()))
            .unwrap_or_default();
        view! { <p><A href=format!("/outbox?{status}before={before}")>"Older messages →"</A></p> }
    });
    let empty = outbox.entries.is_empty();
    let rows = outbox
        .entries
        .into_iter()
        .map(|m| {
            let failed = m.status == MailStatus::Failed;
            let state = mail_status(&m);
            view! {
                <tr class:failed=failed>
                    <td>{utc(m.created_at)}</td>
                    <td><A href=format!("/outbox/{}", m.id)>{m.subject}</A></td>
                    <td>{m.to.replace(';', "; ")}</td>
                    <td>{m.domain.unwrap_or_default()}</td>
                    <td>{m.template.as_str()}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="notice" role="status">{relay}</p>
        {if empty {
            view! { <p>"No messages."</p> }.into_any()
        } else {
            view! {
                <table class="list mail">
                    <thead><tr>
                        <th scope="col">"Queued"</th>
                        <th scope="col">"Subject"</th>
                        <th scope="col">"To"</th>
                        <th scope="col">"Domain"</th>
                        <th scope="col">"Template"</th>
                        <th scope="col">"Status"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        }}
        {next}
    }
}

/// One message with its text.
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let message = Resource::new(id, outbox_message);
    view! {
        <Page title="Message">
            <p class="actions"><A href="/outbox">"← Outbox"</A></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match message.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(m) => {
                            let state = mail_status(&m.entry);
                            view! {
                                <dl class="mail-headers">
                                    <dt>"From"</dt><dd>{m.from}</dd>
                                    <dt>"To"</dt><dd>{m.entry.to.replace(';', "; ")}</dd>
                                    {m.reply_to.map(|r| view! { <dt>"Reply-To"</dt><dd>{r}</dd> })}
                                    <dt>"Subject"</dt><dd>{m.entry.subject}</dd>
                                    <dt>"Queued"</dt><dd>{utc(m.entry.created_at)}</dd>
                                    <dt>"Status"</dt><dd>{state}</dd>
                                </dl>
                                <pre class="mail-text">{m.text}</pre>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}
