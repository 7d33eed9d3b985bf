//! Creating and editing a domain: one form, checked field by field as it is typed.

use crate::api::domains::{open_domain, CreateDomain, DeleteDomain, UpdateDomain};
use crate::api::resellers::list_resellers;
use crate::components::{
    declared_field, form_summary, settings_read, Confirm, ErrorNotice, IfAllowed, Page,
    RequiredNote, TimeZoneList,
};
use crate::error::AppError;
use crate::model::domain::{DomainField, DomainForm, DomainSection, OpenedDomain, DOMAIN_FIELDS};
use crate::model::permissions::Action;
use crate::model::reseller::RESELLER_LIST;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The fields of the domain form, named `input[<field>]` for the server function, a fieldset per
/// section, each drawn by its control and checked as it is typed by the parser the server runs.
#[component]
fn DomainFields(
    initial: DomainForm,
    /// The last answer of the server, if it was an error.
    rejected: Signal<Option<AppError>>,
    /// Editing an existing domain: its name cannot change.
    editing: bool,
) -> impl IntoView {
    let field_view = move |field: &'static DomainField| {
        let initial_value = (field.get)(&initial).to_owned();
        declared_field(
            field,
            initial_value,
            rejected,
            None,
            editing && field.name == "domain",
        )
    };
    let sections = DomainSection::ALL
        .into_iter()
        .map(|section| {
            let fields = DOMAIN_FIELDS
                .iter()
                .filter(|f| f.step == section)
                .map(field_view.clone())
                .collect_view();
            view! {
                <fieldset>
                    <legend>{section.title()}</legend>
                    {fields}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        {sections}
        <TimeZoneList/>
        <ResellerList/>
    }
}

/// The resellers the caller may give a domain, suggested on the domain form's `reseller` field.
#[component]
fn ResellerList() -> impl IntoView {
    let resellers = Resource::new(|| (), |_| list_resellers());
    view! {
        <datalist id=RESELLER_LIST>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    resellers.await.unwrap_or_default().into_iter().map(|r| {
                        view! { <option value=r.settings.reseller.to_string()></option> }
                    }).collect_view()
                })}
            </Suspense>
        </datalist>
    }
}

/// The form's starting values: what was submitted, if the server sent it back with an error (a
/// submission made without JavaScript), otherwise `fallback`.
fn starting_values(last: Option<Result<(), AppError>>, fallback: DomainForm) -> DomainForm {
    last.and_then(Result::err)
        .and_then(|e| e.input::<DomainForm>())
        .unwrap_or(fallback)
}

#[component]
pub fn NewDomainPage() -> impl IntoView {
    let action = ServerAction::<CreateDomain>::new();
    let rejected = Signal::derive(move || action.value().get().and_then(Result::err));
    let initial = starting_values(action.value().get_untracked(), DomainForm::new_domain());
    view! {
        <Page title="New domain">
            <ActionForm action=action>
                {form_summary(rejected)}
                <RequiredNote/>
                <DomainFields initial rejected editing=false/>
                <div class="buttons">
                    <button type="submit" disabled=move || action.pending().get()>"Create domain"</button>
                    <A href="/domains">"Cancel"</A>
                </div>
            </ActionForm>
        </Page>
    }
}

#[component]
pub fn EditDomainPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let domain = Resource::new(name, open_domain);
    let update = ServerAction::<UpdateDomain>::new();
    let rejected = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <Page title=format!("Domain {}", name())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match domain.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(OpenedDomain { domain, may_change: false }) => {
                            view! { <DomainSettingsRead form=domain.settings.to_form()/> }.into_any()
                        }
                        Ok(OpenedDomain { domain: d, .. }) => {
                            let initial = starting_values(update.value().get_untracked(), d.settings.to_form());
                            let domain_name = d.settings.domain.to_string();
                            let update_name = domain_name.clone();
                            let delete_name = domain_name.clone();
                            let users_href = format!("/domains/{domain_name}/users");
                            view! {
                                <p class="actions"><A href=users_href>"Users of this domain"</A></p>
                                <ActionForm action=update>
                                    <input type="hidden" name="name" value=update_name/>
                                    {form_summary(rejected)}
                                    <RequiredNote/>
                                    <DomainFields initial rejected editing=true/>
                                    <div class="buttons">
                                        <button type="submit" disabled=move || update.pending().get()>"Save changes"</button>
                                        <A href="/domains">"Cancel"</A>
                                    </div>
                                </ActionForm>
                                <IfAllowed allowed=|me| me.who.may_somewhere(Action::ManageDomain)>
                                    <DeleteDomainSection name=delete_name.clone()/>
                                </IfAllowed>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// A domain's settings for one who may read but not change them (an Office Manager): each
/// section's fields with their values in words, and who can change them.
#[component]
fn DomainSettingsRead(form: DomainForm) -> impl IntoView {
    let users_href = format!("/domains/{}/users", form.domain);
    let sections = settings_read(
        DOMAIN_FIELDS,
        &form,
        DomainSection::ALL.map(|s| (s, s.title())),
    );
    view! {
        <p class="actions"><A href=users_href>"Users of this domain"</A></p>
        <p class="hint read-only-note">
            "These are your domain's settings. Your reseller or a Super User changes them."
        </p>
        {sections}
    }
}

/// Deleting a domain, behind a confirmation.
#[component]
fn DeleteDomainSection(name: String) -> impl IntoView {
    let delete = ServerAction::<DeleteDomain>::new();
    let confirm_text = format!(" Yes, delete {name}");
    let delete_error = move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    view! {
        <section class="danger" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete this domain"</h2>
            <p>"Deleting a domain removes everything in it. This cannot be undone."</p>
            <ActionForm action=delete>
                <input type="hidden" name="name" value=name/>
                <Confirm text=confirm_text/>
                <p class="form-error" role="alert">{delete_error}</p>
                <button type="submit" class="danger">"Delete domain"</button>
            </ActionForm>
        </section>
    }
}
