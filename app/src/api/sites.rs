//! Sites and departments of a domain, for the portal's sites page: list, create, rename and
//! delete sites (as the permission table allows), and the departments in use.

use crate::error::AppError;
use crate::model::site::{DepartmentCount, OpenedSite, SiteForm, SiteList, SiteSettingsForm};
#[cfg(feature = "ssr")]
use crate::{
    model::done::Done,
    ssr::{request::act_on_domain, sites::SiteChange},
};
use leptos::prelude::*;

/// The sites page, under its domain's address.
#[cfg(feature = "ssr")]
const PAGE: &str = "sites";

/// The most sites the page lists (a domain's `limits-max-sites` is usually far below).
pub const SITES_SHOWN: u32 = 500;

/// The sites of a domain, by name, with their numbers of users.
#[server(endpoint = "list-sites")]
pub async fn list_sites(domain: String) -> Result<SiteList, AppError> {
    use crate::model::site::SiteQuery;
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let query = SiteQuery {
                limit: SITES_SHOWN,
                ..SiteQuery::default()
            };
            crate::ssr::sites::list_sites(&state.db, &caller, &name, &query).await
        }
        .await,
    )
}

/// The departments the domain's users name, with how many name each.
#[server(endpoint = "list-departments")]
pub async fn list_departments(domain: String) -> Result<Vec<DepartmentCount>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::sites::list_departments(&state.db, &caller, &name).await
        }
        .await,
    )
}

/// One site for its page, with its domain's settings and whether the caller may change it.
#[server(endpoint = "open-site")]
pub async fn open_site(domain: String, site: String) -> Result<OpenedSite, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::sites::open_site(&state.db, &caller, &name, &site).await
        }
        .await,
    )
}

/// Saves the site `site`'s own settings (a blank one follows the domain's), then shows the sites.
#[server(endpoint = "save-site")]
pub async fn save_site(
    domain: String,
    site: String,
    input: SiteSettingsForm,
) -> Result<(), AppError> {
    let form = SiteForm {
        site: site.clone(),
        settings: input.clone(),
    };
    change(
        domain,
        site,
        form,
        SiteChange::NameAndSettings,
        Done::SiteSaved,
    )
    .await
    .map_err(|e| e.with_input(&input))
}

/// Adds a site to the domain.
#[server(endpoint = "create-site")]
pub async fn create_site(domain: String, input: SiteForm) -> Result<(), AppError> {
    act_on_domain(
        &domain,
        PAGE,
        Done::SiteCreated,
        |state, caller, name| async move {
            crate::ssr::sites::create_site(&state.db, &caller, &name, &input)
                .await
                .map_err(|e| e.with_input(&input))
        },
    )
    .await
}

/// Renames the site `site`; its users go with it.
#[server(endpoint = "rename-site")]
pub async fn rename_site(domain: String, site: String, input: SiteForm) -> Result<(), AppError> {
    change(domain, site, input, SiteChange::Name, Done::SiteRenamed).await
}

/// Changes the site `site` as `form` and `what` say, then says it was `done`.
#[cfg(feature = "ssr")]
async fn change(
    domain: String,
    site: String,
    form: SiteForm,
    what: SiteChange,
    done: Done,
) -> Result<(), AppError> {
    act_on_domain(&domain, PAGE, done, |state, caller, name| async move {
        crate::ssr::sites::change_site(&state.db, &caller, &name, &site, &form, what).await
    })
    .await
}

/// Deletes the site `site`. One with users only with `force` set: they stay, with no site.
#[server(endpoint = "delete-site")]
pub async fn delete_site(
    domain: String,
    site: String,
    #[server(default)] force: Option<String>,
) -> Result<(), AppError> {
    act_on_domain(
        &domain,
        PAGE,
        Done::SiteDeleted,
        |state, caller, name| async move {
            let force = force.as_deref() == Some("yes");
            crate::ssr::sites::delete_site(&state.db, &caller, &name, &site, force).await
        },
    )
    .await
}
