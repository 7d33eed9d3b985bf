//! Who may do what: the one permission table of Roster, and the check every server function runs
//! against it.
//!
//! A scope (the NetSapiens vocabulary) gives each [`Action`] a [`Reach`]: how far from the caller
//! the thing acted on may be. The table is data, one row per scope, so changing what a scope may do
//! is changing one cell. It lives in `model` (no SQL, no HTTP) so the pages can hide what the
//! caller may not do with the very check the server enforces.

use super::Scope;
use serde::{Deserialize, Serialize};

/// Something a portal account may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// See a domain and its settings (and find it in the domains list).
    ViewDomain,
    /// Create, change or delete a domain.
    ManageDomain,
    /// List, read, create, change and delete users, see their SIP passwords, send invitations,
    /// end their sessions.
    ManageUsers,
    /// Create sites and departments; create, change and delete the domain's shared time frames.
    ManageSites,
    /// Read the audit log.
    ReadAudit,
    /// Read one's own profile; change one's own password, voicemail PIN and status message; log
    /// oneself in and out of (or pause in) the call queues one is an agent of.
    EditOwnProfile,
    /// Change one's own answer rules.
    EditOwnAnswerRules,
    /// Read the mail outbox: every message Roster queued, sent, kept or failed to send (a kept
    /// message's one-time link included), in every domain.
    ReadOutbox,
    /// Read and change a reseller's record (its description and SMTP relay); reaching
    /// everywhere, also list every reseller, create and delete them.
    ManageResellers,
    /// List, read, create, change and delete call queues and their agents, and set any agent's
    /// status. (An agent logs itself in and out of its own queues under [`EditOwnProfile`].)
    ///
    /// [`EditOwnProfile`]: Action::EditOwnProfile
    ManageCallQueues,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::ViewDomain,
        Action::ManageDomain,
        Action::ManageUsers,
        Action::ManageSites,
        Action::ReadAudit,
        Action::EditOwnProfile,
        Action::EditOwnAnswerRules,
        Action::ReadOutbox,
        Action::ManageResellers,
        Action::ManageCallQueues,
    ];
}

/// How far from the caller an action reaches, from nowhere to everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reach {
    Nowhere,
    /// The caller's own user.
    OwnUser,
    /// Users of the caller's own site, in its own domain.
    OwnSite,
    /// The caller's own domain.
    OwnDomain,
    /// Every domain of the caller's reseller.
    ResellerDomains,
    Everywhere,
}

use Reach::ResellerDomains as Res;
use Reach::{Everywhere as All, Nowhere as No, OwnDomain as Dom, OwnSite as Site, OwnUser as Me};

/// The permission table: for each scope, the reach of each action, in the order of
/// [`Action::ALL`]: view domain, manage domain, manage users, manage sites, read audit, own
/// profile, own answer rules, read the outbox, manage resellers, manage call queues.
#[rustfmt::skip]
pub const PERMISSIONS: [(Scope, [Reach; 10]); 11] = [
    (Scope::SuperUser,            [All, All, All,  All, All, Me, Me, All, All, All]),
    (Scope::Reseller,             [Res, Res, Res,  Res, Res, Me, Me, No,  Res, Res]),
    (Scope::OfficeManager,        [Dom, No,  Dom,  Dom, Dom, Me, Me, No,  No,  Dom]),
    (Scope::SiteManager,          [No,  No,  Site, No,  No,  Me, Me, No,  No,  No]),
    (Scope::Ndp,                  [No,  No,  No,   No,  No,  Me, No, No,  No,  No]),
    (Scope::CallCenterSupervisor, [No,  No,  No,   No,  No,  Me, No, No,  No,  No]),
    (Scope::CallCenterAgent,      [No,  No,  No,   No,  No,  Me, No, No,  No,  No]),
    (Scope::AdvancedUser,         [No,  No,  No,   No,  No,  Me, Me, No,  No,  No]),
    (Scope::SimpleUser,           [No,  No,  No,   No,  No,  Me, No, No,  No,  No]),
    (Scope::BasicUser,            [No,  No,  No,   No,  No,  Me, No, No,  No,  No]),
    (Scope::NoPortal,             [No,  No,  No,   No,  No,  No, No, No,  No,  No]),
];

/// The reach `scope` has for `action`.
pub fn reach(scope: Scope, action: Action) -> Reach {
    let column = Action::ALL
        .iter()
        .position(|a| *a == action)
        .unwrap_or_default();
    PERMISSIONS
        .iter()
        .find(|(s, _)| *s == scope)
        .map_or(Reach::Nowhere, |(_, row)| row[column])
}

/// Who is asking, as far as permissions go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Who {
    pub scope: Scope,
    /// The caller's domain (none for a Super User).
    pub domain_id: Option<i64>,
    /// The reseller of the caller's domain ('' when it has none).
    pub reseller: String,
    /// The caller's own telephony user, if the account has one.
    pub user_id: Option<i64>,
    /// The name of the caller's user's site, if it has one.
    pub site: Option<String>,
}

/// Where an action lands: a domain and, for an action on one user, that user.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub domain_id: i64,
    /// The domain's reseller ('' when it has none).
    pub reseller: &'a str,
    pub user: Option<UserPlace<'a>>,
}

impl<'a> Place<'a> {
    /// A reseller's own record (no domain of its own): reached by those who reach every domain of
    /// that reseller.
    pub fn of_reseller(reseller: &'a str) -> Self {
        Place {
            domain_id: 0,
            reseller,
            user: None,
        }
    }
}

/// The user an action is on (for a create: the user about to exist).
#[derive(Debug, Clone, Copy)]
pub struct UserPlace<'a> {
    /// `None` for a user not yet created.
    pub id: Option<i64>,
    pub site: Option<&'a str>,
    pub scope: Scope,
}

impl Who {
    /// Whether the caller may do `action` at `place`. At a domain (no user), a Site Manager's
    /// user actions are allowed: what it then sees is narrowed to its site by the queries.
    /// Nobody acts on a user whose scope is above their own.
    pub fn may(&self, action: Action, place: &Place<'_>) -> bool {
        if place.user.is_some_and(|u| {
            !self.ranks_at_least(u.scope) && u.id.map_or(true, |id| Some(id) != self.user_id)
        }) {
            return false;
        }
        let own_domain = self.domain_id == Some(place.domain_id);
        match reach(self.scope, action) {
            Reach::Nowhere => false,
            Reach::OwnUser => {
                own_domain
                    && place
                        .user
                        .is_some_and(|u| u.id.is_some() && u.id == self.user_id)
            }
            Reach::OwnSite => {
                own_domain
                    && place.user.map_or(true, |u| {
                        self.site.is_some() && u.site == self.site.as_deref()
                            || u.id.is_some() && u.id == self.user_id
                    })
            }
            Reach::OwnDomain => own_domain,
            Reach::ResellerDomains => !self.reseller.is_empty() && place.reseller == self.reseller,
            Reach::Everywhere => true,
        }
    }

    /// Whether the caller may do `action` somewhere (to show or hide it in the menus).
    pub fn may_somewhere(&self, action: Action) -> bool {
        reach(self.scope, action) > Reach::OwnUser
    }

    /// Whether the caller may do `action` in every domain (a domain-wide list needs no filter).
    pub fn everywhere(&self, action: Action) -> bool {
        reach(self.scope, action) == Reach::Everywhere
    }

    /// The users this caller's user actions are narrowed to: its site, for a Site Manager.
    pub fn only_site(&self, action: Action) -> Option<&str> {
        match reach(self.scope, action) {
            Reach::OwnSite => Some(self.site.as_deref().unwrap_or("")),
            _ => None,
        }
    }

    /// Whether the caller ranks at least `scope` (it is not above its own): the one rule for
    /// which scopes it may give, which users it acts on, and whose device passwords it sees.
    pub fn ranks_at_least(&self, scope: Scope) -> bool {
        scope <= self.scope
    }

    /// The scopes this caller may give a user: none above its own.
    pub fn grantable_scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        Scope::ALL.into_iter().filter(|s| self.ranks_at_least(*s))
    }
}

/// What a user may change of itself, field by field (wire names): the action the permission
/// table must allow its scope. Every other field of a user is for its managers only.
pub fn own_change(field: &str) -> Option<Action> {
    match field {
        "status-message" | "voicemail-login-pin" => Some(Action::EditOwnProfile),
        "forward-always"
        | "forward-on-busy"
        | "forward-no-answer"
        | "forward-when-unregistered"
        | "do-not-disturb"
        | "simultaneous-ring" => Some(Action::EditOwnAnswerRules),
        _ => None,
    }
}

/// What a time frame asks of the permission table, the one place it is decided. A domain's
/// shared frames are part of the domain, like its sites: [`Action::ManageSites`] changes them
/// (Office Manager and up) and whoever manages its users reads them ([`Action::ManageUsers`]); a
/// user reads them too if it may choose them in its own answer rules
/// ([`Action::EditOwnAnswerRules`], on its own user). A user's own frames go with its answer
/// rules: its managers read and change them ([`Action::ManageUsers`] on that user); the user
/// itself reads them with its profile ([`Action::EditOwnProfile`]) and changes them if it may
/// change its answer rules ([`Action::EditOwnAnswerRules`]). `None`: nobody may (a user changing
/// its domain's shared frames).
pub fn time_frame_action(shared: bool, as_own_user: bool, change: bool) -> Option<Action> {
    match (shared, as_own_user, change) {
        (true, false, true) => Some(Action::ManageSites),
        (true, false, false) | (false, false, _) => Some(Action::ManageUsers),
        (true, true, false) | (false, true, true) => Some(Action::EditOwnAnswerRules),
        (true, true, true) => None,
        (false, true, false) => Some(Action::EditOwnProfile),
    }
}

/// The users list of a manager of one domain (an office or site manager), which is where it
/// works: `None` for scopes that manage no users, or several domains.
pub fn own_users_page(scope: Scope, domain: Option<&str>) -> Option<String> {
    matches!(
        reach(scope, Action::ManageUsers),
        Reach::OwnDomain | Reach::OwnSite
    )
    .then_some(domain)
    .flatten()
    .map(|d| format!("/domains/{d}/users"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(scope: Scope) -> Who {
        Who {
            scope,
            domain_id: Some(1),
            reseller: "acme".into(),
            user_id: Some(10),
            site: Some("North".into()),
        }
    }

    fn domain(id: i64, reseller: &str) -> Place<'_> {
        Place {
            domain_id: id,
            reseller,
            user: None,
        }
    }

    fn user(id: i64, site: &str, scope: Scope) -> Place<'_> {
        Place {
            domain_id: 1,
            reseller: "acme",
            user: Some(UserPlace {
                id: Some(id),
                site: Some(site),
                scope,
            }),
        }
    }

    #[test]
    fn every_scope_has_exactly_one_row() {
        for scope in Scope::ALL {
            assert_eq!(PERMISSIONS.iter().filter(|(s, _)| *s == scope).count(), 1);
        }
    }

    #[test]
    fn office_managers_manage_their_own_domain_only() {
        let om = who(Scope::OfficeManager);
        assert!(om.may(Action::ManageUsers, &domain(1, "acme")));
        assert!(!om.may(Action::ManageUsers, &domain(2, "acme")));
        assert!(!om.may(Action::ManageDomain, &domain(1, "acme")));
    }

    #[test]
    fn resellers_reach_the_domains_of_their_reseller_and_no_other() {
        let r = who(Scope::Reseller);
        assert!(r.may(Action::ManageDomain, &domain(7, "acme")));
        assert!(!r.may(Action::ManageDomain, &domain(8, "other")));
        let mut orphan = who(Scope::Reseller);
        orphan.reseller.clear();
        assert!(!orphan.may(Action::ViewDomain, &domain(9, "")));
    }

    #[test]
    fn site_managers_reach_users_of_their_own_site() {
        let sm = who(Scope::SiteManager);
        assert!(sm.may(Action::ManageUsers, &user(11, "North", Scope::BasicUser)));
        assert!(!sm.may(Action::ManageUsers, &user(12, "South", Scope::BasicUser)));
        let mut siteless = who(Scope::SiteManager);
        siteless.site = None;
        assert!(!siteless.may(Action::ManageUsers, &user(13, "", Scope::BasicUser)));
    }

    #[test]
    fn nobody_acts_on_a_user_above_their_own_scope() {
        let om = who(Scope::OfficeManager);
        assert!(!om.may(Action::ManageUsers, &user(11, "North", Scope::Reseller)));
        assert!(om.may(
            Action::ManageUsers,
            &user(11, "North", Scope::OfficeManager)
        ));
        assert!(!om.grantable_scopes().any(|s| s > Scope::OfficeManager));
    }

    #[test]
    fn basic_users_edit_their_own_profile_but_not_their_answer_rules() {
        let basic = who(Scope::BasicUser);
        assert!(basic.may(Action::EditOwnProfile, &user(10, "North", Scope::BasicUser)));
        assert!(!basic.may(Action::EditOwnProfile, &user(11, "North", Scope::BasicUser)));
        assert!(!basic.may(
            Action::EditOwnAnswerRules,
            &user(10, "North", Scope::BasicUser)
        ));
        let advanced = who(Scope::AdvancedUser);
        assert!(advanced.may(
            Action::EditOwnAnswerRules,
            &user(10, "North", Scope::AdvancedUser)
        ));
    }

    #[test]
    fn time_frames_are_the_domains_for_its_managers_and_a_users_own_for_itself() {
        let manage = |scope: Scope, shared: bool, change: bool, place: &Place<'_>| {
            time_frame_action(shared, false, change).is_some_and(|a| who(scope).may(a, place))
        };
        let own = |scope: Scope, shared: bool, change: bool| {
            time_frame_action(shared, true, change)
                .is_some_and(|a| who(scope).may(a, &user(10, "North", scope)))
        };
        for scope in [Scope::SuperUser, Scope::Reseller, Scope::OfficeManager] {
            assert!(manage(scope, true, true, &domain(1, "acme")), "{scope:?}");
            assert!(manage(
                scope,
                false,
                true,
                &user(11, "North", Scope::BasicUser)
            ));
        }
        // Another domain's manager: nothing there.
        assert!(!manage(
            Scope::OfficeManager,
            true,
            false,
            &domain(2, "acme")
        ));
        assert!(!manage(
            Scope::OfficeManager,
            false,
            true,
            &Place {
                domain_id: 2,
                ..user(11, "North", Scope::BasicUser)
            }
        ));
        // A site manager reads the shared frames and manages its site's users' own, no more.
        assert!(manage(Scope::SiteManager, true, false, &domain(1, "acme")));
        assert!(!manage(Scope::SiteManager, true, true, &domain(1, "acme")));
        assert!(manage(
            Scope::SiteManager,
            false,
            true,
            &user(11, "North", Scope::BasicUser)
        ));
        assert!(!manage(
            Scope::SiteManager,
            false,
            true,
            &user(12, "South", Scope::BasicUser)
        ));
        // Users: an Advanced User changes its own and reads the domain's; a Basic User reads its
        // own only; no user changes the domain's.
        assert!(own(Scope::AdvancedUser, false, true));
        assert!(own(Scope::AdvancedUser, true, false));
        assert!(!own(Scope::AdvancedUser, true, true));
        assert!(own(Scope::BasicUser, false, false));
        assert!(!own(Scope::BasicUser, false, true));
        assert!(!own(Scope::BasicUser, true, false));
    }

    #[test]
    fn no_portal_may_do_nothing() {
        let none = who(Scope::NoPortal);
        for action in Action::ALL {
            assert!(!none.may(action, &user(10, "North", Scope::NoPortal)));
        }
    }
}
