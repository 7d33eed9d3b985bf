//! User scopes, in the NetSapiens vocabulary.

use super::field::{Invalid, Parse};
use serde::{Deserialize, Serialize};

/// What a portal account may do, ordered from least to most powerful (`NDP` is NetSapiens' device
/// provisioning scope). The permission table that gives each scope its rights lives on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "No Portal")]
    NoPortal,
    #[serde(rename = "Basic User")]
    BasicUser,
    #[serde(rename = "Simple User")]
    SimpleUser,
    #[serde(rename = "Advanced User")]
    AdvancedUser,
    #[serde(rename = "Call Center Agent")]
    CallCenterAgent,
    #[serde(rename = "Call Center Supervisor")]
    CallCenterSupervisor,
    #[serde(rename = "NDP")]
    Ndp,
    #[serde(rename = "Site Manager")]
    SiteManager,
    #[serde(rename = "Office Manager")]
    OfficeManager,
    #[serde(rename = "Reseller")]
    Reseller,
    #[serde(rename = "Super User")]
    SuperUser,
}

impl Scope {
    pub const ALL: [Scope; 11] = [
        Scope::NoPortal,
        Scope::BasicUser,
        Scope::SimpleUser,
        Scope::AdvancedUser,
        Scope::CallCenterAgent,
        Scope::CallCenterSupervisor,
        Scope::Ndp,
        Scope::SiteManager,
        Scope::OfficeManager,
        Scope::Reseller,
        Scope::SuperUser,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::NoPortal => "No Portal",
            Scope::BasicUser => "Basic User",
            Scope::SimpleUser => "Simple User",
            Scope::AdvancedUser => "Advanced User",
            Scope::CallCenterAgent => "Call Center Agent",
            Scope::CallCenterSupervisor => "Call Center Supervisor",
            Scope::Ndp => "NDP",
            Scope::SiteManager => "Site Manager",
            Scope::OfficeManager => "Office Manager",
            Scope::Reseller => "Reseller",
            Scope::SuperUser => "Super User",
        }
    }
}

impl Parse for Scope {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        Scope::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(raw))
            .ok_or_else(|| Invalid::new("Not a user scope."))
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_parses_from_its_own_name_and_serialises_to_it() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()).unwrap(), scope);
            assert_eq!(
                serde_json::to_string(&scope).unwrap(),
                format!("\"{}\"", scope.as_str())
            );
        }
        assert!(Scope::parse("Emperor").is_err());
    }

    #[test]
    fn scopes_are_ordered_by_power() {
        assert!(Scope::SuperUser > Scope::Reseller && Scope::OfficeManager > Scope::SiteManager);
        assert!(Scope::BasicUser > Scope::NoPortal);
    }
}
