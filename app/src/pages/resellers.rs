//! Resellers: every reseller with how many domains name it and how many users those have, added
//! here by a Super User; and one reseller's page, where its description and SMTP relay are changed
//! (by a Super User, or the Reseller itself) and where a reseller no domain names is deleted.
//! Plain forms: they work before (and without) the WebAssembly.

use crate::api::resellers::{
    get_reseller, list_resellers, CreateReseller, DeleteReseller, SaveReseller,
};
use crate::api::urlencode;
use crate::components::{
    declared_field, form_summary, use_me, Confirm, ErrorNotice, Page, RequiredNote,
};
use crate::error::AppError;
use crate::model::counted;
use crate::model::permissions::Action;
use crate::model::reseller::{ListedReseller, ResellerForm, ResellerSection, RESELLER_FIELDS};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The fields of the reseller form, a fieldset per section; `editing`: its name is kept.
fn reseller_fields(
    initial: &ResellerForm,
    rejected: Signal<Option<AppError>>,
    editing: bool,
) -> impl IntoView {
    ResellerSection::ALL
        .into_iter()
        .map(|section| {
            let fields = RESELLER_FIELDS
                .iter()
                .filter(|f| f.step == section)
                .map(|f| {
                    let readonly = editing && f.name == "reseller";
                    declared_field(f, (f.get)(initial).to_owned(), rejected, None, readonly)
                })
                .collect_view();
            view! { <fieldset><legend>{section.title()}</legend>{fields}</fieldset> }
        })
        .collect_view()
}

/// What the last refused submission of a form sent (one made without JavaScript comes back with
/// it), otherwise `fallback`.
fn starting_values(last: Option<Result<(), AppError>>, fallback: ResellerForm) -> ResellerForm {
    last.and_then(Result::err)
        .and_then(|e| e.input::<ResellerForm>())
        .unwrap_or(fallback)
}

/// Its SMTP relay in words: `host:port`, or that mail goes through Roster's own.
fn relay(reseller: &ListedReseller) -> String {
    let s = &reseller.settings;
    match (&s.email_send_smtp_hostname, &s.email_send_smtp_port) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => "Roster's own".to_owned(),
    }
}

#[component]
pub fn ResellersPage() -> impl IntoView {
    let create = ServerAction::<CreateReseller>::new();
    let resellers = Resource::new(move || create.version().get(), |_| list_resellers());
    view! {
        <Page title="Resellers">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let me = use_me();
                    Suspend::new(async move {
                        let creates = me.0.await.ok().flatten()
                            .is_some_and(|m| m.who.everywhere(Action::ManageResellers));
                        match resellers.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) => view! {
                                {creates.then(|| view! { <NewReseller create/> })}
                                <ResellerTable list/>
                            }
                            .into_any(),
                        }
                    })
                }}
            </Suspense>
        </Page>
    }
}

#[component]
fn NewReseller(create: ServerAction<CreateReseller>) -> impl IntoView {
    let rejected = Signal::derive(move || create.value().get().and_then(Result::err));
    let initial = starting_values(create.value().get_untracked(), ResellerForm::default());
    view! {
        <section class="detail" aria-labelledby="new-reseller-heading">
            <h2 id="new-reseller-heading">"New reseller"</h2>
            <ActionForm action=create>
                {form_summary(rejected)}
                <RequiredNote/>
                {reseller_fields(&initial, rejected, false)}
                <div class="buttons">
                    <button type="submit" disabled=move || create.pending().get()>"Add reseller"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ResellerTable(list: Vec<ListedReseller>) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="empty">"No resellers yet. A domain may name one once it is added here."</p>
        }
        .into_any();
    }
    let caption = counted(list.len() as u64, "reseller", "resellers");
    let rows = list
        .into_iter()
        .map(|r| {
            let name = r.settings.reseller.to_string();
            let href = format!("/resellers/{}", urlencode(&name));
            let relay = relay(&r);
            view! {
                <tr>
                    <th scope="row"><A href=href>{name}</A></th>
                    <td>{r.settings.description.to_string()}</td>
                    <td>{counted(r.domains_total, "domain", "domains")}</td>
                    <td>{counted(r.users_total, "user", "users")}</td>
                    <td>{relay}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="list resellers">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Reseller"</th>
                <th scope="col">"Description"</th>
                <th scope="col">"Domains"</th>
                <th scope="col">"Users"</th>
                <th scope="col">"SMTP relay"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn ResellerPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("reseller").unwrap_or_default();
    let save = ServerAction::<SaveReseller>::new();
    let delete = ServerAction::<DeleteReseller>::new();
    let reseller = Resource::new(name, get_reseller);
    view! {
        <Page title=format!("Reseller {}", name())>
            <p class="actions"><A href="/resellers">"← Resellers"</A></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let me = use_me();
                    Suspend::new(async move {
                        let deletes = me.0.await.ok().flatten()
                            .is_some_and(|m| m.who.everywhere(Action::ManageResellers));
                        match reseller.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(found) => view! {
                                <ResellerSettingsForm found=found.clone() save/>
                                {deletes.then(|| view! { <DeleteResellerSection found delete/> })}
                            }
                            .into_any(),
                        }
                    })
                }}
            </Suspense>
        </Page>
    }
}

#[component]
fn ResellerSettingsForm(found: ListedReseller, save: ServerAction<SaveReseller>) -> impl IntoView {
    let rejected = Signal::derive(move || save.value().get().and_then(Result::err));
    let initial = starting_values(save.value().get_untracked(), found.settings.to_form());
    let name = found.settings.reseller.to_string();
    let owns = format!(
        "{} name this reseller, with {}.",
        counted(found.domains_total, "domain", "domains"),
        counted(found.users_total, "user", "users")
    );
    let password_kept = found
        .email_send_smtp_password_set
        .then(|| view! { <p class="hint">"An SMTP password is stored."</p> });
    view! {
        <p>{owns}</p>
        <ActionForm action=save>
            <input type="hidden" name="reseller" value=name/>
            {form_summary(rejected)}
            <RequiredNote/>
            {reseller_fields(&initial, rejected, true)}
            {password_kept}
            <div class="buttons">
                <button type="submit" disabled=move || save.pending().get()>"Save reseller"</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn DeleteResellerSection(
    found: ListedReseller,
    delete: ServerAction<DeleteReseller>,
) -> impl IntoView {
    let rejected = Signal::derive(move || delete.value().get().and_then(Result::err));
    let name = found.settings.reseller.to_string();
    let body = if found.domains_total > 0 {
        view! {
            <p>{format!(
                "{} name {name}: give each of them another reseller (or none) on its domain page, then delete it here.",
                counted(found.domains_total, "domain", "domains")
            )}</p>
        }
        .into_any()
    } else {
        let confirm = format!(" Delete {name}. No domain names it.");
        view! {
            <ActionForm action=delete>
                <input type="hidden" name="reseller" value=name/>
                {form_summary(rejected)}
                <Confirm text=confirm/>
                <div class="buttons">
                    <button type="submit" class="danger">"Delete reseller"</button>
                </div>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class="detail danger-zone" aria-labelledby="delete-reseller-heading">
            <h2 id="delete-reseller-heading">"Delete"</h2>
            {body}
        </section>
    }
}
