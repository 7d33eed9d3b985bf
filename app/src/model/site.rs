//! Sites (locations) of a domain and the departments in use in it, as the API shows and changes
//! them.

use super::{optional, Department, DomainName, EmailList, FieldErrors, Parse, SiteName};
use serde::{Deserialize, Serialize};

/// The body of a site create or rename, named as in NetSapiens: `site`, and `email`, which
/// NetSapiens requires on create. Roster keeps no e-mail per site, so `email` is optional and
/// only checked when given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct SiteForm {
    pub site: String,
    pub email: String,
}

impl SiteForm {
    /// The site's name, or every bad field.
    pub fn parse(&self) -> Result<SiteName, FieldErrors> {
        let mut errors = FieldErrors::default();
        let site = errors.check("site", SiteName::parse(&self.site));
        errors.check("email", optional::<EmailList>(&self.email));
        match site {
            Some(site) if errors.is_empty() => Ok(site),
            _ => Err(errors),
        }
    }
}

/// A site of a domain, and how many users it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Site {
    pub site: SiteName,
    pub domain: DomainName,
    pub user_count: u64,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A department in use in a domain (a user names it), and how many users name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DepartmentCount {
    pub department: Department,
    pub user_count: u64,
}

/// Which sites a list shows, in which order, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteQuery {
    /// Part of the name, any case; blank for all.
    pub search: String,
    /// By how many users rather than by name.
    pub by_user_count: bool,
    pub descending: bool,
    pub start: u32,
    pub limit: u32,
}

/// A page of sites and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteList {
    pub total: u64,
    pub items: Vec<Site>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_needs_a_name_and_any_email_given_must_be_one() {
        let form = SiteForm {
            site: " New York ".into(),
            email: String::new(),
        };
        assert_eq!(form.parse().unwrap().as_str(), "New York");
        let bad = SiteForm {
            site: String::new(),
            email: "not an address".into(),
        }
        .parse()
        .unwrap_err();
        assert!(bad.message_for("site").is_some());
        assert!(bad.message_for("email").is_some());
    }
}
