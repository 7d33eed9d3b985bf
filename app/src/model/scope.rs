//! User scopes, in the NetSapiens vocabulary.

use super::wire_enum::wire_enum;

wire_enum! {
    /// What a portal account may do, ordered from least to most powerful (`NDP` is NetSapiens'
    /// device provisioning scope). The permission table that gives each scope its rights is
    /// [`crate::model::permissions`].
    #[derive(PartialOrd, Ord)]
    pub enum Scope {
        NoPortal = "No Portal", "No Portal";
        BasicUser = "Basic User", "Basic User";
        SimpleUser = "Simple User", "Simple User";
        AdvancedUser = "Advanced User", "Advanced User";
        CallCenterAgent = "Call Center Agent", "Call Center Agent";
        CallCenterSupervisor = "Call Center Supervisor", "Call Center Supervisor";
        Ndp = "NDP", "NDP (device provisioning)";
        SiteManager = "Site Manager", "Site Manager";
        OfficeManager = "Office Manager", "Office Manager";
        Reseller = "Reseller", "Reseller";
        SuperUser = "Super User", "Super User";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Parse;

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
