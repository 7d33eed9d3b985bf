//! The users of a domain. Search, order and page live in the address (`q`, `sort`, `dir`,
//! `start`), so every view of the list is a link and the page works without JavaScript.

use crate::api::urlencode;
use crate::api::users::list_users;
use crate::components::{registration_marker, ErrorNotice, Page};
use crate::model::counted;
use crate::model::user::{SortKey, UserQuery, UserSummary};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

/// Users shown per page.
const PAGE_SIZE: u32 = 50;

/// The list's query as the address states it; anything unreadable falls back to the default.
fn query_of(params: &ParamsMap) -> UserQuery {
    UserQuery {
        search: params.get("q").unwrap_or_default(),
        sort: params
            .get_str("sort")
            .and_then(SortKey::parse)
            .unwrap_or_default(),
        descending: params.get_str("dir") == Some("desc"),
        start: params
            .get_str("start")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        limit: PAGE_SIZE,
        after: None,
    }
}

/// The address of the list for `domain` showing `query`.
fn list_href(domain: &str, query: &UserQuery) -> String {
    let mut href = format!(
        "/domains/{domain}/users?sort={}&dir={}",
        query.sort.as_str(),
        if query.descending { "desc" } else { "asc" }
    );
    if !query.search.is_empty() {
        href.push_str("&q=");
        href.push_str(&urlencode(&query.search));
    }
    if query.start > 0 {
        href.push_str(&format!("&start={}", query.start));
    }
    href
}

fn column_title(key: SortKey) -> &'static str {
    match key {
        SortKey::User => "Extension",
        SortKey::Name => "Name",
        SortKey::Login => "Login",
        SortKey::Department => "Department",
        SortKey::Site => "Site",
    }
}

/// A column header that orders the list by `key`: ascending first, then the other way.
fn sort_header(domain: &str, query: &UserQuery, key: SortKey) -> impl IntoView {
    let current = query.sort == key;
    let next = UserQuery {
        sort: key,
        descending: current && !query.descending,
        start: 0,
        ..query.clone()
    };
    let aria_sort = match (current, query.descending) {
        (false, _) => None,
        (true, false) => Some("ascending"),
        (true, true) => Some("descending"),
    };
    let arrow = match aria_sort {
        Some("ascending") => " ▲",
        Some(_) => " ▼",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <a href=list_href(domain, &next)>{column_title(key)}<span aria-hidden="true">{arrow}</span></a>
        </th>
    }
}

fn user_row(domain: &str, u: UserSummary) -> impl IntoView {
    let optional = |v: Option<String>| v.unwrap_or_default();
    view! {
        <tr>
            <td><A href=format!("/domains/{domain}/users/{}", u.user)>{u.user.to_string()}</A></td>
            <td>{format!("{} {}", u.name_first_name, u.name_last_name)}</td>
            <td>{u.login_username.to_string()}</td>
            <td>{u.email.addresses().collect::<Vec<_>>().join(", ")}</td>
            <td>{optional(u.department.map(|d| d.to_string()))}</td>
            <td>{optional(u.site.map(|s| s.to_string()))}</td>
            <td>{u.status.label()}</td>
            <td>{registration_marker(u.registered)}</td>
        </tr>
    }
}

/// The domain's actions and the search form, shown once the list has loaded.
fn toolbar(domain: &str, q: &UserQuery) -> impl IntoView {
    view! {
        <p class="actions">
            <A href=format!("/domains/{domain}/users/new") attr:class="button">"New user"</A>
            <A href=format!("/domains/{domain}/users/import")>"Import or export (CSV)"</A>
            <A href=format!("/domains/{domain}/sites")>"Sites and departments"</A>
            <A href=format!("/domains/{domain}/phonenumbers")>"Phone numbers"</A>
            <A href=format!("/domains/{domain}/devices")>"Devices"</A>
            <A href=format!("/domains/{domain}/callqueues")>"Call queues"</A>
            <A href=format!("/domains/{domain}/timeframes")>"Time frames"</A>
            <A href=format!("/domains/{domain}")>"Domain settings"</A>
        </p>
        // A plain GET form: it works before (and without) the WASM, and its result is a link.
        <form method="get" class="search" role="search">
            <label for="q">"Search"</label>
            <input id="q" name="q" type="search" value=q.search.clone()
                placeholder="Extension, name, login, e-mail or department"/>
            <input type="hidden" name="sort" value=q.sort.as_str()/>
            <input type="hidden" name="dir" value=if q.descending { "desc" } else { "asc" }/>
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let address = use_query_map();
    let query = move || query_of(&address.read());
    let users = Resource::new(move || (domain(), query()), |(d, q)| list_users(d, q));
    view! {
        <Page title=format!("Users of {}", domain())>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let q = query();
                    let d = domain();
                    let list = match users.await {
                        // Only the refusal: no actions on a domain the caller cannot see.
                        Err(error) => return view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) => list,
                    };
                    let tools = toolbar(&d, &q);
                    let shown = match list {
                        list if list.total == 0 && q.search.is_empty() => view! {
                            <p class="empty">"No users yet. Create the first one."</p>
                        }.into_any(),
                        list if list.total == 0 => view! {
                            <p class="empty">{format!("No users match “{}”.", q.search)}</p>
                        }.into_any(),
                        list => {
                            let shown_from = q.start + 1;
                            let shown_to = u64::from(q.start) + list.items.len() as u64;
                            let previous = (q.start > 0).then(|| UserQuery {
                                start: q.start.saturating_sub(PAGE_SIZE),
                                ..q.clone()
                            });
                            let next = (shown_to < list.total).then(|| UserQuery {
                                start: q.start + PAGE_SIZE,
                                ..q.clone()
                            });
                            view! {
                                <table class="list users">
                                    <caption>
                                        {counted(list.total as i64, "user", "users")}
                                        {(list.total > u64::from(PAGE_SIZE)).then(|| format!(", showing {shown_from} to {shown_to}"))}
                                    </caption>
                                    <thead><tr>
                                        {sort_header(&d, &q, SortKey::User)}
                                        {sort_header(&d, &q, SortKey::Name)}
                                        {sort_header(&d, &q, SortKey::Login)}
                                        <th scope="col">"E-mail"</th>
                                        {sort_header(&d, &q, SortKey::Department)}
                                        {sort_header(&d, &q, SortKey::Site)}
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Phone"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.items.into_iter().map(|u| user_row(&d, u)).collect_view()}
                                    </tbody>
                                </table>
                                <nav class="pager" aria-label="Pages">
                                    {previous.map(|p| view! { <a href=list_href(&d, &p) rel="prev">"Previous"</a> })}
                                    {next.map(|n| view! { <a href=list_href(&d, &n) rel="next">"Next"</a> })}
                                </nav>
                            }.into_any()
                        }
                    };
                    view! { {tools} {shown} }.into_any()
                })}
            </Transition>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query string of `href` as the router reads it.
    fn params_of(href: &str) -> ParamsMap {
        let mut params = ParamsMap::new();
        let query = href.split_once('?').map_or("", |(_, q)| q);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let mut decoded = Vec::new();
            let bytes = value.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' {
                    decoded.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    decoded.push(bytes[i]);
                    i += 1;
                }
            }
            params.insert(key.to_owned(), String::from_utf8(decoded).unwrap());
        }
        params
    }

    #[test]
    fn every_view_of_the_list_reads_back_from_its_link() {
        let query = UserQuery {
            search: "smith & co +1".into(),
            sort: SortKey::Department,
            descending: true,
            start: 100,
            limit: PAGE_SIZE,
            after: None,
        };
        let href = list_href("acme.example", &query);
        assert!(href.starts_with("/domains/acme.example/users?sort=department&dir=desc"));
        assert_eq!(query_of(&params_of(&href)), query);
    }

    #[test]
    fn an_address_without_a_query_is_the_first_page_by_extension() {
        assert_eq!(
            query_of(&ParamsMap::new()),
            UserQuery {
                limit: PAGE_SIZE,
                ..UserQuery::default()
            }
        );
        let mut odd = ParamsMap::new();
        odd.insert("sort", "colour".to_owned());
        odd.insert("start", "-5".to_owned());
        assert_eq!(query_of(&odd).sort, SortKey::User);
        assert_eq!(query_of(&odd).start, 0);
    }
}
