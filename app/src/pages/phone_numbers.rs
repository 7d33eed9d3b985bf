//! A domain's phone numbers: the inventory (each number available or ringing a user), a run of
//! numbers added at once, a number sent to another user or made available, and a number
//! released. Search and page live in the address (`q`, `start`); every change is a plain form,
//! so the page works before (and without) the WebAssembly.

use crate::api::phone_numbers::{
    list_numbers, AddNumbers, ReleaseNumber, RouteNumber, NUMBERS_PER_PAGE,
};
use crate::components::{
    domain_list_page, form_summary, refusal_of, row_refusal, Confirm, Field, ListPage,
    RequiredNote, SearchForm,
};
use crate::model::dids::{range_count, DialRule, DomainNumber, NumberList, NumberRangeForm};
use crate::model::{Extension, Parse, PhoneNumber};
use leptos::prelude::*;
use leptos_router::components::A;

/// An extension typed where a blank means "available".
fn optional_extension(raw: &str) -> Result<(), crate::model::Invalid> {
    match raw.trim() {
        "" => Ok(()),
        user => Extension::parse_alphanumeric(user).map(drop),
    }
}

#[component]
pub fn PhoneNumbersPage() -> impl IntoView {
    let add = ServerAction::<AddNumbers>::new();
    let route = ServerAction::<RouteNumber>::new();
    let release = ServerAction::<ReleaseNumber>::new();
    let changes = move || add.version().get() + route.version().get() + release.version().get();
    domain_list_page(
        "Phone numbers",
        changes,
        list_numbers,
        move |d, list, search, start| {
            view! {
                <NewNumbers domain=d.clone() add/>
                <SearchForm action=format!("/domains/{d}/phonenumbers") id="number-search"
                    label="Search numbers" placeholder="Part of a number or an extension"
                    search=search.clone()/>
                <NumberTable domain=d list search start route release/>
            }
        },
    )
}

#[component]
fn NewNumbers(domain: String, add: ServerAction<AddNumbers>) -> impl IntoView {
    let rejected = Signal::derive(move || add.value().get().and_then(Result::err));
    let sent = add
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<NumberRangeForm>())
        .unwrap_or_else(|| NumberRangeForm {
            count: "1".into(),
            ..NumberRangeForm::default()
        });
    let error = move |field: &'static str| refusal_of(rejected, field);
    view! {
        <section class="detail" aria-labelledby="new-numbers-heading">
            <h2 id="new-numbers-heading">"Add numbers"</h2>
            <ActionForm action=add>
                <input type="hidden" name="domain" value=domain/>
                {form_summary(rejected)}
                <RequiredNote/>
                <Field name="input[first]" id="numbers-first" label="First number" initial=sent.first
                    required=true
                    hint="With its country code, such as +1 612 555 0100."
                    check=Callback::new(|raw: String| PhoneNumber::parse(&raw).map(drop))
                    server_error=error("first")/>
                <Field name="input[count]" id="numbers-count" label="How many" initial=sent.count
                    required=true
                    hint="Consecutive numbers from the first, up to 1,000. All are added, or none."
                    check=Callback::new(|raw: String| range_count(&raw).map(drop))
                    server_error=error("count")/>
                <Field name="input[dial-rule-translation-destination-user]" id="numbers-user"
                    label="Rings user" initial=sent.dial_rule_translation_destination_user
                    hint="The extension of a user of this domain. Leave blank to keep them available."
                    check=Callback::new(|raw: String| optional_extension(&raw))
                    server_error=error("dial-rule-translation-destination-user")/>
                <div class="buttons">
                    <button type="submit" disabled=move || add.pending().get()>"Add numbers"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn NumberTable(
    domain: String,
    list: NumberList,
    search: String,
    start: u32,
    route: ServerAction<RouteNumber>,
    release: ServerAction<ReleaseNumber>,
) -> impl IntoView {
    let problem = Signal::derive(move || {
        route
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| release.value().get().and_then(Result::err))
    });
    if list.total == 0 {
        let empty = if search.is_empty() {
            "No numbers yet. Add the domain's numbers above.".to_owned()
        } else {
            format!("No numbers match “{search}”.")
        };
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let base = format!("/domains/{domain}/phonenumbers");
    let page = ListPage {
        base: &base,
        search: &search,
        start,
        shown: list.items.len(),
        total: list.total,
        per_page: NUMBERS_PER_PAGE,
    };
    let caption = page.caption("number", "numbers");
    let pager = page.pager();
    let rows = list
        .items
        .into_iter()
        .enumerate()
        .map(|(i, number)| number_row(&domain, i, number, route, release))
        .collect_view();
    view! {
        {row_refusal(problem)}
        <table class="list numbers">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Number"</th>
                <th scope="col">"Rings"</th>
                <th scope="col">"Send to"</th>
                <th scope="col">"Release"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {pager}
    }
    .into_any()
}

fn number_row(
    domain: &str,
    index: usize,
    number: DomainNumber,
    route: ServerAction<RouteNumber>,
    release: ServerAction<ReleaseNumber>,
) -> impl IntoView {
    let shown = number.phonenumber.to_string();
    let user = number
        .dial_rule_translation_destination_user
        .as_ref()
        .map(ToString::to_string);
    let rings = match (&user, number.dial_rule_application) {
        (Some(ext), DialRule::ToCallqueue) => view! {
            <A href=format!("/domains/{domain}/callqueues/{ext}")>{format!("Call queue {ext}")}</A>
        }
        .into_any(),
        (Some(ext), _) => view! {
            <A href=format!("/domains/{domain}/users/{ext}")>{format!("User {ext}")}</A>
        }
        .into_any(),
        (None, _) => view! { <span class="available">"Available"</span> }.into_any(),
    };
    let route_id = format!("route-number-{index}");
    let route_label = format!("Extension {shown} rings, a user or a call queue (blank: available)");
    let confirm = match &user {
        Some(ext) => format!(" Release {shown}. It stops ringing {ext}."),
        None => format!(" Release {shown}."),
    };
    let (domain_a, domain_b) = (domain.to_owned(), domain.to_owned());
    let (number_a, number_b) = (shown.clone(), shown.clone());
    view! {
        <tr>
            <th scope="row">{shown}</th>
            <td>{rings}</td>
            <td>
                <ActionForm action=route attr:class="inline">
                    <input type="hidden" name="domain" value=domain_a/>
                    <input type="hidden" name="number" value=number_a/>
                    <label for=route_id.clone() class="visually-hidden">{route_label}</label>
                    <input id=route_id name="user" type="text" value=user.unwrap_or_default()
                        inputmode="numeric" size="8"/>
                    <button type="submit" class="secondary">"Send"</button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=release attr:class="inline">
                    <input type="hidden" name="domain" value=domain_b/>
                    <input type="hidden" name="number" value=number_b/>
                    <Confirm text=confirm/>
                    <button type="submit" class="danger">"Release"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
