//! Sites and departments of a domain, for the portal's sites page: list, create, rename and
//! delete sites (as the permission table allows), and the departments in use.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use crate::model::site::{DepartmentCount, OpenedSite, SiteForm, SiteList, SiteSettingsForm};
use leptos::prelude::*;

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
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let form = SiteForm {
                site: site.clone(),
                settings: input.clone(),
            };
            crate::ssr::sites::change_site(
                &state.db,
                &caller,
                &name,
                &site,
                &form,
                crate::ssr::sites::SiteChange::NameAndSettings,
            )
            .await
            .map_err(|e| e.with_input(&input))?;
            back_to_sites(&domain, Done::SiteSaved);
            Ok(())
        }
        .await,
    )
}

/// The sites page, saying what was just done.
#[cfg(feature = "ssr")]
fn back_to_sites(domain: &str, done: Done) {
    leptos_axum::redirect(&done.at(&format!("/domains/{domain}/sites")));
}

/// Adds a site to the domain.
#[server(endpoint = "create-site")]
pub async fn create_site(domain: String, input: SiteForm) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::sites::create_site(&state.db, &caller, &name, &input)
                .await
                .map_err(|e| e.with_input(&input))?;
            back_to_sites(&domain, Done::SiteCreated);
            Ok(())
        }
        .await,
    )
}

/// Renames the site `site`; its users go with it.
#[server(endpoint = "rename-site")]
pub async fn rename_site(domain: String, site: String, input: SiteForm) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            crate::ssr::sites::change_site(
                &state.db,
                &caller,
                &name,
                &site,
                &input,
                crate::ssr::sites::SiteChange::Name,
            )
            .await?;
            back_to_sites(&domain, Done::SiteRenamed);
            Ok(())
        }
        .await,
    )
}

/// Deletes the site `site`. One with users only with `force` set: they stay, with no site.
#[server(endpoint = "delete-site")]
pub async fn delete_site(
    domain: String,
    site: String,
    #[server(default)] force: Option<String>,
) -> Result<(), AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let force = force.as_deref() == Some("yes");
            crate::ssr::sites::delete_site(&state.db, &caller, &name, &site, force).await?;
            back_to_sites(&domain, Done::SiteDeleted);
            Ok(())
        }
        .await,
    )
}
