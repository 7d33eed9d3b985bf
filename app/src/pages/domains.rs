//! The list of domains.

use crate::api::domains::list_domains;
use crate::components::{ErrorNotice, IfAllowed, Page};
use crate::model::counted;
use crate::model::permissions::Action;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn DomainsPage() -> impl IntoView {
    let domains = Resource::new(|| (), |_| list_domains());
    view! {
        <Page title="Domains">
            <IfAllowed allowed=|me| me.who.may_somewhere(Action::ManageDomain)>
                <p class="actions"><A href="/domains/new" attr:class="button">"New domain"</A></p>
            </IfAllowed>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match domains.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No domains yet. Create the first one."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="list">
                                <caption>{counted(list.len() as i64, "domain", "domains")}</caption>
                                <thead><tr>
                                    <th scope="col">"Domain"</th>
                                    <th scope="col">"Description"</th>
                                    <th scope="col">"Time zone"</th>
                                    <th scope="col">"Max users"</th>
                                    <th scope="col">"Max sites"</th>
                                    <th scope="col">"Dial policy"</th>
                                    <th scope="col">"Users"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|listed| {
                                        let s = listed.domain.settings;
                                        let users = counted(listed.users as i64, "user", "users");
                                        let users_href = format!("/domains/{}/users", s.domain);
                                        let users_label = format!("Users of {}", s.domain);
                                        let limit = |l: Option<crate::model::Limit>| l.map_or("no limit".to_owned(), |l| l.to_string());
                                        view! {
                                            <tr>
                                                <td><A href=format!("/domains/{}", s.domain)>{s.domain.to_string()}</A></td>
                                                <td>{s.description.to_string()}</td>
                                                <td>{s.time_zone.to_string()}</td>
                                                <td>{limit(s.limits_max_users)}</td>
                                                <td>{limit(s.limits_max_sites)}</td>
                                                <td>{s.dial_policy.to_string()}</td>
                                                <td>
                                                    <A href=users_href attr:aria-label=users_label>{users}</A>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}
