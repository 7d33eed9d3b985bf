//! A domain's sites and departments: every site with its number of users, added, renamed and
//! deleted here (a site with users only once the page has said what becomes of them), and the
//! departments its users name. Plain forms: they work before (and without) the WebAssembly.

use crate::api::sites::{list_departments, list_sites, CreateSite, DeleteSite, RenameSite};
use crate::api::urlencode;
use crate::components::{
    form_summary, refusal_of, row_refusal, use_me, Confirm, ErrorNotice, Field, Page, RequiredNote,
};
use crate::model::permissions::Action;
use crate::model::site::{DepartmentCount, Site, SiteList, SiteSettingsForm, SITE_FIELDS};
use crate::model::{counted, Parse, SiteName};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SitesPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let create = ServerAction::<CreateSite>::new();
    let rename = ServerAction::<RenameSite>::new();
    let delete = ServerAction::<DeleteSite>::new();
    // Read again after each change (the page stays the same page when it comes back to itself).
    let changes = move || {
        (
            domain(),
            create.version().get() + rename.version().get() + delete.version().get(),
        )
    };
    let sites = Resource::new(changes, |(domain, _)| list_sites(domain));
    let departments = Resource::new(changes, |(domain, _)| list_departments(domain));
    view! {
        <Page title=format!("Sites of {}", domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let me = use_me();
                    Suspend::new(async move {
                        // Whoever manages users reads sites; only those who manage sites change them.
                        let manages = me.0.await.ok().flatten()
                            .is_some_and(|m| m.who.may_somewhere(Action::ManageSites));
                        match (sites.await, departments.await) {
                            (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                            (Ok(sites), Ok(departments)) => {
                                let d = domain();
                                view! {
                                    <p class="actions">
                                        <A href=format!("/domains/{d}/users")>{format!("← Users of {d}")}</A>
                                    </p>
                                    {manages.then(|| view! { <NewSite domain=d.clone() create/> })}
                                    <SiteTable domain=d.clone() sites manages rename delete/>
                                    <Departments departments/>
                                }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </Page>
    }
}

#[component]
fn NewSite(domain: String, create: ServerAction<CreateSite>) -> impl IntoView {
    let rejected = Signal::derive(move || create.value().get().and_then(Result::err));
    let initial = create
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<crate::model::site::SiteForm>())
        .map(|f| f.site)
        .unwrap_or_default();
    let error = refusal_of(rejected, "site");
    view! {
        <section class="detail" aria-labelledby="new-site-heading">
            <h2 id="new-site-heading">"New site"</h2>
            <ActionForm action=create>
                <input type="hidden" name="domain" value=domain/>
                {form_summary(rejected)}
                <RequiredNote/>
                <Field name="input[site]" id="new-site" label="Name" initial required=true
                    hint="Users are put in a site by choosing it in their Organization section."
                    check=Callback::new(|raw: String| SiteName::parse(&raw).map(drop))
                    server_error=error/>
                <div class="buttons">
                    <button type="submit" disabled=move || create.pending().get()>"Add site"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn SiteTable(
    domain: String,
    sites: SiteList,
    /// Whether the caller may change sites (otherwise the list only).
    manages: bool,
    rename: ServerAction<RenameSite>,
    delete: ServerAction<DeleteSite>,
) -> impl IntoView {
    let problem = Signal::derive(move || {
        rename
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    if sites.items.is_empty() {
        return view! {
            <p class="empty">"No sites yet. Add one above, or name one in a user's Organization section."</p>
        }
        .into_any();
    }
    let shown = sites.items.len();
    let caption = match counted(sites.total, "site", "sites") {
        all if sites.total > shown as u64 => format!("{all}, the first {shown} by name"),
        all => all,
    };
    let rows = sites
        .items
        .into_iter()
        .enumerate()
        .map(|(i, site)| site_row(&domain, i, site, manages, rename, delete))
        .collect_view();
    view! {
        {row_refusal(problem)}
        <table class="list sites">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Site"</th>
                <th scope="col">"Users"</th>
                <th scope="col">"Own settings"</th>
                {manages.then(|| view! {
                    <th scope="col">"Rename"</th>
                    <th scope="col">"Delete"</th>
                })}
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn site_row(
    domain: &str,
    index: usize,
    site: Site,
    manages: bool,
    rename: ServerAction<RenameSite>,
    delete: ServerAction<DeleteSite>,
) -> impl IntoView {
    let name = site.site.to_string();
    let users = site.user_count;
    let rename_id = format!("rename-site-{index}");
    let what_happens = if users == 0 {
        "It has no users.".to_owned()
    } else {
        format!(
            "Its {} stay, with no site.",
            counted(users, "user", "users")
        )
    };
    let rename_label = format!("New name for {name}");
    let confirm = format!(" Delete {name}. {what_happens}");
    let (domain_a, domain_b) = (domain.to_owned(), domain.to_owned());
    let (name_a, name_b, name_c) = (name.clone(), name.clone(), name.clone());
    let changes = manages.then(|| {
        view! {
            <td>
                <ActionForm action=rename attr:class="inline">
                    <input type="hidden" name="domain" value=domain_a/>
                    <input type="hidden" name="site" value=name_a/>
                    <label for=rename_id.clone() class="visually-hidden">{rename_label}</label>
                    <input id=rename_id name="input[site]" type="text" value=name_b required/>
                    <button type="submit" class="secondary">"Rename"</button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=delete attr:class="inline">
                    <input type="hidden" name="domain" value=domain_b/>
                    <input type="hidden" name="site" value=name_c/>
                    {(users > 0).then(|| view! { <input type="hidden" name="force" value="yes"/> })}
                    <Confirm text=confirm/>
                    <button type="submit" class="danger">"Delete"</button>
                </ActionForm>
            </td>
        }
    });
    let href = format!("/domains/{domain}/sites/{}", urlencode(&name));
    let own_settings = own_settings(&site.settings);
    view! {
        <tr>
            <th scope="row"><A href=href>{name}</A></th>
            <td>{counted(users, "user", "users")}</td>
            <td>{own_settings}</td>
            {changes}
        </tr>
    }
}

/// The settings a site sets itself, as "Time zone: America/Chicago; Caller ID number: …", or
/// that it follows its domain in everything.
fn own_settings(settings: &SiteSettingsForm) -> String {
    let set: Vec<String> = SITE_FIELDS
        .iter()
        .filter(|f| !(f.get)(settings).is_empty())
        .map(|f| format!("{}: {}", f.label, f.control.shown((f.get)(settings))))
        .collect();
    if set.is_empty() {
        "None: the domain's".to_owned()
    } else {
        set.join("; ")
    }
}

#[component]
fn Departments(departments: Vec<DepartmentCount>) -> impl IntoView {
    let body = if departments.is_empty() {
        view! { <p class="empty">"No user names a department yet."</p> }.into_any()
    } else {
        let rows = departments
            .into_iter()
            .map(|d| {
                view! {
                    <tr>
                        <th scope="row">{d.department.to_string()}</th>
                        <td>{counted(d.user_count, "user", "users")}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="list departments">
                <thead><tr><th scope="col">"Department"</th><th scope="col">"Users"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="detail" aria-labelledby="departments-heading">
            <h2 id="departments-heading">"Departments"</h2>
            <p class="hint">"The departments the users of this domain name, from their Organization section."</p>
            {body}
        </section>
    }
}
