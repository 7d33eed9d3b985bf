//! One site of a domain: its own settings (NetSapiens' site fields: time zone, area code,
//! emergency address, caller ID, language, dial policy, e-mail), each blank one following the
//! domain's, changed here by those who manage sites and read by the others. Its users inherit
//! the settings it sets before their domain's. A plain form: it works without JavaScript.

use crate::api::sites::{open_site, SaveSite};
use crate::components::{
    declared_field, form_summary, settings_read, ErrorNotice, Page, RequiredNote, TimeZoneList,
};
use crate::error::AppError;
use crate::model::counted;
use crate::model::domain::{DomainForm, DOMAIN_FIELDS};
use crate::model::fields::find;
use crate::model::site::{OpenedSite, SiteSection, SiteSettingsForm, SITE_FIELDS};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SitePage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let site = move || params.read().get("site").unwrap_or_default();
    let save = ServerAction::<SaveSite>::new();
    let opened = Resource::new(
        move || (domain(), site(), save.version().get()),
        |(domain, site, _)| open_site(domain, site),
    );
    view! {
        <Page title=format!("Site {}", site())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match opened.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(opened) => site_view(domain(), opened, save).into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

fn site_view(domain: String, opened: OpenedSite, save: ServerAction<SaveSite>) -> impl IntoView {
    let OpenedSite {
        site,
        domain: inherited,
        may_change,
    } = opened;
    let name = site.site.to_string();
    let users = format!(
        "{} in this site.",
        counted(site.user_count, "user", "users")
    );
    let sections = SiteSection::ALL.map(|s| (s, s.title()));
    let back = format!("/domains/{domain}/sites");
    let back_text = format!("← Sites of {domain}");
    let body = if may_change {
        let rejected = Signal::derive(move || save.value().get().and_then(Result::err));
        // A submission made without JavaScript comes back with what was sent.
        let initial = save
            .value()
            .get_untracked()
            .and_then(Result::err)
            .and_then(|e: AppError| e.input::<SiteSettingsForm>())
            .unwrap_or(site.settings);
        let fieldsets = sections
            .into_iter()
            .map(|(section, title)| {
                let fields = SITE_FIELDS
                    .iter()
                    .filter(|f| f.step == section)
                    .map(|f| {
                        let follows = f
                            .inherits
                            .and(find(DOMAIN_FIELDS, f.name))
                            .map(|d| (d.get)(&inherited).to_owned());
                        declared_field(f, (f.get)(&initial).to_owned(), rejected, follows, false)
                    })
                    .collect_view();
                view! { <fieldset><legend>{title}</legend>{fields}</fieldset> }
            })
            .collect_view();
        view! {
            <ActionForm action=save>
                <input type="hidden" name="domain" value=domain/>
                <input type="hidden" name="site" value=name/>
                {form_summary(rejected)}
                <RequiredNote/>
                <p class="hint">"A blank setting follows the domain's. The site's users follow the site's settings where they have none of their own."</p>
                {fieldsets}
                <TimeZoneList/>
                <div class="buttons">
                    <button type="submit" disabled=move || save.pending().get()>"Save site"</button>
                </div>
            </ActionForm>
        }
        .into_any()
    } else {
        let shown = with_domains(&site.settings, &inherited);
        view! {
            <p class="hint read-only-note">"Those who manage the domain's sites change these settings."</p>
            {settings_read(SITE_FIELDS, &shown, sections)}
        }
        .into_any()
    };
    view! {
        <p class="actions">
            <A href=back>{back_text}</A>
        </p>
        <p>{users}</p>
        {body}
    }
}

/// The site's settings as in effect: each blank one that follows the domain, the domain's.
fn with_domains(own: &SiteSettingsForm, domain: &DomainForm) -> SiteSettingsForm {
    let mut shown = own.clone();
    for field in SITE_FIELDS.iter().filter(|f| f.inherits.is_some()) {
        let blank = (field.get)(own).is_empty();
        if let (true, Some(d)) = (blank, find(DOMAIN_FIELDS, field.name)) {
            *(field.get_mut)(&mut shown) = (d.get)(domain).to_owned();
        }
    }
    shown
}
