//! What every searchable, paged list page shares: its search and place read from the address
//! (`q`, `start`), links to its other pages, and its plain GET search form (whose result is a
//! link, so the list works before and without the WebAssembly).

use super::{ErrorNotice, Page};
use crate::api::urlencode;
use crate::error::AppError;
use crate::model::counted;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// The search (`q`) and the place in the list (`start`) as the address states them; anything
/// unreadable is the start of the whole list.
pub fn use_search_and_start() -> (Signal<String>, Signal<u32>) {
    let address = use_query_map();
    let search = Signal::derive(move || address.read().get("q").unwrap_or_default());
    let start = Signal::derive(move || {
        address
            .read()
            .get_str("start")
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0)
    });
    (search, start)
}

/// The address of the list at `base` searching `search` from its `start`-th item.
pub fn list_address(base: &str, search: &str, start: u32) -> String {
    let mut href = base.to_owned();
    let mut joiner = '?';
    if !search.is_empty() {
        href.push_str(&format!("{joiner}q={}", urlencode(search)));
        joiner = '&';
    }
    if start > 0 {
        href.push_str(&format!("{joiner}start={start}"));
    }
    href
}

/// One page of a list at `base`: where it starts, how many it shows and holds, and how many a
/// page holds.
pub struct ListPage<'a> {
    pub base: &'a str,
    pub search: &'a str,
    pub start: u32,
    pub shown: usize,
    pub total: u64,
    pub per_page: u32,
}

impl ListPage<'_> {
    /// "12 devices", or "1234 devices, showing 101 to 200" when there is more than one page.
    pub fn caption(&self, one: &str, many: &str) -> String {
        let all = counted(self.total, one, many);
        if self.total > u64::from(self.per_page) {
            format!("{all}, showing {} to {}", self.start + 1, self.last())
        } else {
            all
        }
    }

    fn last(&self) -> u64 {
        u64::from(self.start) + self.shown as u64
    }

    /// Links to the pages before and after this one, where there are any.
    pub fn pager(&self) -> impl IntoView {
        let previous = (self.start > 0).then(|| {
            list_address(
                self.base,
                self.search,
                self.start.saturating_sub(self.per_page),
            )
        });
        let next = (self.last() < self.total)
            .then(|| list_address(self.base, self.search, self.start + self.per_page));
        view! {
            <nav class="pager" aria-label="Pages">
                {previous.map(|href| view! { <a href=href rel="prev">"Previous"</a> })}
                {next.map(|href| view! { <a href=href rel="next">"Next"</a> })}
            </nav>
        }
    }
}

/// A page of one of a domain's lists (its phone numbers, its devices): `fetch` reads the list of
/// the domain the address names, with the search and place the address holds, and again after
/// each of `changes`; the page shows the way back to the domain's users, then what `body` makes
/// of the list (called with the domain, the list, the search and the place), or only the refusal
/// when the caller may not see the domain.
pub fn domain_list_page<T, Fut, V>(
    title: &'static str,
    changes: impl Fn() -> usize + Send + Sync + 'static,
    fetch: impl Fn(String, String, u32) -> Fut + Send + Sync + 'static,
    body: impl Fn(String, T, String, u32) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let (search, start) = use_search_and_start();
    let list = Resource::new(
        move || (domain(), search.get(), start.get(), changes()),
        move |(domain, search, start, _)| fetch(domain, search, start),
    );
    view! {
        <Page title=format!("{title} of {}", domain())>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let body = body.clone();
                    Suspend::new(async move {
                        let d = domain();
                        match list.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) => view! {
                                <p class="actions">
                                    <A href=format!("/domains/{d}/users")>{format!("← Users of {d}")}</A>
                                </p>
                                {body(d, list, search.get(), start.get())}
                            }
                            .into_any(),
                        }
                    })
                }}
            </Transition>
        </Page>
    }
}

/// The search form of the list at `action`: one field, `q`.
#[component]
pub fn SearchForm(
    #[prop(into)] action: String,
    /// The field's id.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] placeholder: String,
    /// What is searched for now.
    search: String,
) -> impl IntoView {
    view! {
        <form method="get" action=action class="search" role="search">
            <label for=id.clone()>{label}</label>
            <input id=id type="search" name="q" value=search placeholder=placeholder/>
            <button type="submit" class="secondary">"Search"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_address_keeps_the_search_and_the_place() {
        let base = "/domains/a.example/phonenumbers";
        assert_eq!(list_address(base, "", 0), base);
        assert_eq!(
            list_address(base, "+1 612", 100),
            format!("{base}?q=%2B1%20612&start=100")
        );
        assert_eq!(list_address(base, "", 200), format!("{base}?start=200"));
    }

    #[test]
    fn a_caption_says_which_part_of_a_long_list_is_shown() {
        let page = |start, shown, total| ListPage {
            base: "/x",
            search: "",
            start,
            shown,
            total,
            per_page: 100,
        };
        assert_eq!(page(0, 3, 3).caption("device", "devices"), "3 devices");
        assert_eq!(
            page(100, 100, 250).caption("device", "devices"),
            "250 devices, showing 101 to 200"
        );
    }
}
