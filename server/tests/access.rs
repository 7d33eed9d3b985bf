//! Who may do what, through the real router, on both databases: the permission table of
//! `app::model::permissions` as a matrix (scope x action x target, one row per case), tenants
//! that cannot be told from missing ones, the scope ceiling, Site Managers kept to their site,
//! sessions that end when a user is disabled, blocked or changes its password, invitations,
//! the per-address login guard, and the audit log (written once per change, secrets masked,
//! read only as far as the reader's scope reaches).
//!
//! The world every test starts from (see [`world`]):
//! - `acme.example` (reseller `north-reseller`): the actors, one per scope, all on site North,
//!   plus the target users 110 (Basic User, site North) and 120 (Basic User, site South);
//! - `other.example` (reseller `south-reseller`) with user 110;
//! - `third.example` (reseller `north-reseller` again) with user 110;
//! - the bootstrap Super User `admin`, who belongs to no domain.

mod common;

use app::api::audit::ListAudit;
use app::api::auth::{Login, Me, SetPassword};
use app::api::domains::{CreateDomain, ListDomains, OpenDomain, UpdateDomain};
use app::api::profile::{ChangePassword, MyProfile, UpdateMyAnswerRules, UpdateMyProfile};
use app::api::users::{
    CreateUser, DeleteUser, EndUserSessions, GetUser, InviteUser, ListUsers, TakeInvitation,
    UpdateUser,
};
use app::model::audit::AuditPage;
use app::model::domain::{Domain, DomainForm};
use app::model::user::{UserForm, UserList};
use app::model::{DomainName, Parse, Scope};
use app::ssr::auth::set_password_with_link;
use app::ssr::caller::Caller;
use app::ssr::db::{domains, Db};
use common::{logged_in_super_user, path, settings, Answer, Client};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The password every person of the world logs in with (none of their names is in it).
const PASSWORD: &str = "violet harbor quartz meadow";
/// A second good password, for changes.
const NEW_PASSWORD: &str = "copper kettle juniper drift";

const ACME: &str = "acme.example";
const OTHER: &str = "other.example";
const THIRD: &str = "third.example";
const NORTH_RESELLER: &str = "north-reseller";
const SOUTH_RESELLER: &str = "south-reseller";

fn name(domain: &str) -> DomainName {
    DomainName::parse(domain).unwrap()
}

/// `value`'s fields as form pairs named `prefix[field]`, the way a server function reads a
/// struct argument.
fn fields(prefix: &str, value: &impl Serialize) -> Vec<(String, String)> {
    let serde_json::Value::Object(map) = serde_json::to_value(value).unwrap() else {
        panic!("not a struct");
    };
    map.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (format!("{prefix}[{k}]"), text)
        })
        .collect()
}

/// Plain pairs, for `fields` to be appended to.
fn pairs(plain: &[(&str, &str)]) -> Vec<(String, String)> {
    plain
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Calls a server function with owned pairs.
async fn call(client: &mut Client, path: &str, pairs: &[(String, String)]) -> Answer {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.call(path, &refs).await
}

/// Whether an answer is a 422 (or 409) naming `field`.
fn names_field(answer: &Answer, field: &str) -> bool {
    matches!(answer.status.as_u16(), 422 | 409)
        && answer.body.contains(&format!("\"field\":\"{field}\""))
}

/// A user's form: its names, scope and site; everything else blank (the domain's defaults).
fn user_form(ext: &str, scope: Scope, site: &str, (first, last): (&str, &str)) -> UserForm {
    UserForm {
        user: ext.into(),
        name_first_name: first.into(),
        name_last_name: last.into(),
        email: format!("u{ext}@people.example"),
        user_scope: scope.as_str().into(),
        site: site.into(),
        ..UserForm::default()
    }
}

/// Creates a user as Roster itself and returns its invitation token, if it got one.
async fn add_user(
    db: &Db,
    domain: &str,
    ext: &str,
    scope: Scope,
    site: &str,
    names: (&str, &str),
) -> Option<String> {
    app::ssr::users::create_user(
        db,
        &Caller::system(),
        &name(domain),
        &user_form(ext, scope, site, names),
    )
    .await
    .unwrap_or_else(|e| panic!("create {ext}@{domain}: {e:?}"))
    .invitation
}

/// Logs `login` in with a client of its own (a browser of its own), which must succeed.
async fn log_in(db: &Db, login: &str, password: &str) -> Client {
    let mut client = Client::new(db);
    common::log_in(&mut client, login, password).await;
    client
}

/// Tries to log `login` in with a client of its own: the answer's status, and who is then logged
/// in on that client.
async fn try_log_in(db: &Db, login: &str, password: &str) -> (u16, Option<String>) {
    let mut client = Client::new(db);
    let answer = client
        .call(path::<Login>(), &[("login", login), ("password", password)])
        .await;
    (answer.status.as_u16(), me(&mut client).await)
}

/// A person: a user of `domain` who took its invitation, set [`PASSWORD`] and logged in.
async fn person(
    db: &Db,
    domain: &str,
    ext: &str,
    scope: Scope,
    site: &str,
    names: (&str, &str),
) -> Client {
    let token = add_user(db, domain, ext, scope, site, names)
        .await
        .expect("an invitation");
    set_password_with_link(db, &token, PASSWORD, PASSWORD, String::new())
        .await
        .unwrap();
    log_in(db, &format!("{ext}@{domain}"), PASSWORD).await
}

/// Who is logged in on `client`'s session, as `me` says (`None`: nobody).
async fn me(client: &mut Client) -> Option<String> {
    let answer = client.call(path::<Me>(), &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let value = answer.json();
    (!value.is_null()).then(|| value["login"].as_str().unwrap().to_owned())
}

/// The form that edits the stored user `ext` of `domain` (secrets blank: blank keeps them).
async fn stored_form(db: &Db, domain: &str, ext: &str) -> UserForm {
    common::stored_user(db, domain, ext).await.form()
}

/// Sends `form` as an edit of the section `section` of the user `ext` of `domain` (the portal
/// saves a user one section at a time).
async fn update_user(
    client: &mut Client,
    domain: &str,
    ext: &str,
    section: &str,
    form: &UserForm,
) -> Answer {
    let mut args = pairs(&[("domain", domain), ("user", ext), ("section", section)]);
    args.extend(fields("input", form));
    call(client, path::<UpdateUser>(), &args).await
}

/// The actors of the world: one person per scope. The Super User is `admin`.
const ACTORS: [(Scope, &str, (&str, &str)); 6] = [
    (Scope::Reseller, "201", ("Rhea", "Quist")),
    (Scope::OfficeManager, "202", ("Otto", "Pym")),
    (Scope::SiteManager, "203", ("Sita", "Lund")),
    (Scope::AdvancedUser, "204", ("Ada", "Vance")),
    (Scope::BasicUser, "205", ("Bo", "Kerr")),
    (Scope::CallCenterAgent, "206", ("Cy", "Oduya")),
];

/// The logged-in clients of the world, by scope.
struct World {
    clients: HashMap<Scope, Client>,
}

impl World {
    fn client(&mut self, scope: Scope) -> &mut Client {
        self.clients
            .get_mut(&scope)
            .expect("an actor of that scope")
    }
}

/// Three domains, their target users, and one logged-in actor per scope (see the file's header).
async fn world(db: &Db) -> World {
    let admin = logged_in_super_user(db).await;
    common::add_resellers(db, &[NORTH_RESELLER, SOUTH_RESELLER]).await;
    for (domain, reseller) in [
        (ACME, NORTH_RESELLER),
        (OTHER, SOUTH_RESELLER),
        (THIRD, NORTH_RESELLER),
    ] {
        let form = DomainForm {
            domain: domain.into(),
            reseller: reseller.into(),
            ..DomainForm::new_domain()
        };
        app::ssr::domains::create_domain(db, &Caller::system(), &form)
            .await
            .unwrap();
    }
    let basic = Scope::BasicUser;
    add_user(db, ACME, "110", basic, "North", ("Nora", "Nil")).await;
    add_user(db, ACME, "120", basic, "South", ("Sol", "Sud")).await;
    add_user(db, OTHER, "110", basic, "North", ("Ona", "Ott")).await;
    add_user(db, THIRD, "110", basic, "North", ("Tia", "Tor")).await;
    let mut clients = HashMap::from([(Scope::SuperUser, admin)]);
    for (scope, ext, names) in ACTORS {
        clients.insert(scope, person(db, ACME, ext, scope, "North", names).await);
    }
    World { clients }
}

// ---------------------------------------------------------------------------------------------
// The authorization matrix
// ---------------------------------------------------------------------------------------------

/// An action of the matrix, each done through its server function.
#[derive(Debug, Clone, Copy)]
enum Do {
    ListUsers,
    GetUser,
    CreateUser,
    UpdateUser,
    DeleteUser,
    EndSessions,
    ListDomains,
    OpenDomain,
    UpdateDomain,
    CreateDomain,
    /// Manage call queues: add a queue to a domain (through the API, with the session).
    CreateQueue,
    ReadAudit,
    ReadOwnProfile,
    UpdateOwnStatus,
    UpdateOwnAnswerRules,
}

/// What an action is aimed at, seen from the actors (who are all in acme.example, site North).
#[derive(Debug, Clone, Copy)]
enum At {
    /// Nothing in particular: the caller itself, or everything it may see.
    Mine,
    /// acme.example.
    OwnDomain,
    /// acme.example, site North (user 110).
    OwnSite,
    /// acme.example, site South (user 120).
    OtherSite,
    /// other.example, another reseller's (user 110).
    OtherDomain,
    /// third.example, the actors' reseller's other domain (user 110).
    ResellerDomain,
}

impl At {
    /// The domain, the target user, its site, and the domain's reseller.
    fn target(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            At::Mine | At::OwnDomain | At::OwnSite => (ACME, "110", "North", NORTH_RESELLER),
            At::OtherSite => (ACME, "120", "South", NORTH_RESELLER),
            At::OtherDomain => (OTHER, "110", "North", SOUTH_RESELLER),
            At::ResellerDomain => (THIRD, "110", "North", NORTH_RESELLER),
        }
    }
}

/// What the answer must be.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// 2xx.
    Allowed,
    /// 404, exactly like something that does not exist.
    Missing,
    /// 403: visible, but not allowed.
    Forbidden,
    /// 422 naming this field.
    Invalid(&'static str),
}

const SU: Scope = Scope::SuperUser;
const RS: Scope = Scope::Reseller;
const OM: Scope = Scope::OfficeManager;
const SM: Scope = Scope::SiteManager;
const AU: Scope = Scope::AdvancedUser;
const BU: Scope = Scope::BasicUser;
const CA: Scope = Scope::CallCenterAgent;

use At::*;
use Expect::*;

/// The permission table, as observed from outside. Derived from `PERMISSIONS` and
/// `ssr::access`: a domain or user the caller may not see is `Missing`; one it sees (its own
/// domain, at least) but may not act on is `Forbidden`. The Super User has no telephony user,
/// so it has no profile of its own.
#[rustfmt::skip]
const MATRIX: &[(Scope, Do, At, Expect)] = &[
    // Super User: everything, everywhere.
    (SU, Do::ListUsers, OwnDomain, Allowed),
    (SU, Do::ListUsers, OtherDomain, Allowed),
    (SU, Do::GetUser, OwnSite, Allowed),
    (SU, Do::GetUser, OtherDomain, Allowed),
    (SU, Do::CreateUser, OwnSite, Allowed),
    (SU, Do::CreateUser, OtherDomain, Allowed),
    (SU, Do::UpdateUser, OwnSite, Allowed),
    (SU, Do::UpdateUser, OtherDomain, Allowed),
    (SU, Do::DeleteUser, OwnSite, Allowed),
    (SU, Do::DeleteUser, OtherDomain, Allowed),
    (SU, Do::EndSessions, OtherDomain, Allowed),
    (SU, Do::ListDomains, Mine, Allowed),
    (SU, Do::OpenDomain, OtherDomain, Allowed),
    (SU, Do::UpdateDomain, OwnDomain, Allowed),
    (SU, Do::UpdateDomain, OtherDomain, Allowed),
    (SU, Do::CreateDomain, Mine, Allowed),
    (SU, Do::CreateQueue, OtherDomain, Allowed),
    (SU, Do::ReadAudit, Mine, Allowed),
    (SU, Do::ReadOwnProfile, Mine, Missing),
    (SU, Do::UpdateOwnStatus, Mine, Missing),
    (SU, Do::UpdateOwnAnswerRules, Mine, Missing),
    // Reseller: the domains of its reseller (acme and third), not another reseller's.
    (RS, Do::ListUsers, OwnDomain, Allowed),
    (RS, Do::ListUsers, ResellerDomain, Allowed),
    (RS, Do::ListUsers, OtherDomain, Missing),
    (RS, Do::GetUser, OwnSite, Allowed),
    (RS, Do::GetUser, OtherSite, Allowed),
    (RS, Do::GetUser, ResellerDomain, Allowed),
    (RS, Do::GetUser, OtherDomain, Missing),
    (RS, Do::CreateUser, OtherSite, Allowed),
    (RS, Do::CreateUser, ResellerDomain, Allowed),
    (RS, Do::CreateUser, OtherDomain, Missing),
    (RS, Do::UpdateUser, OtherSite, Allowed),
    (RS, Do::UpdateUser, ResellerDomain, Allowed),
    (RS, Do::UpdateUser, OtherDomain, Missing),
    (RS, Do::DeleteUser, OtherSite, Allowed),
    (RS, Do::DeleteUser, ResellerDomain, Allowed),
    (RS, Do::DeleteUser, OtherDomain, Missing),
    (RS, Do::EndSessions, ResellerDomain, Allowed),
    (RS, Do::EndSessions, OtherDomain, Missing),
    (RS, Do::ListDomains, Mine, Allowed),
    (RS, Do::OpenDomain, OwnDomain, Allowed),
    (RS, Do::OpenDomain, ResellerDomain, Allowed),
    (RS, Do::OpenDomain, OtherDomain, Missing),
    (RS, Do::UpdateDomain, OwnDomain, Allowed),
    (RS, Do::UpdateDomain, ResellerDomain, Allowed),
    (RS, Do::UpdateDomain, OtherDomain, Missing),
    (RS, Do::CreateDomain, Mine, Allowed),
    (RS, Do::CreateQueue, ResellerDomain, Allowed),
    (RS, Do::CreateQueue, OtherDomain, Missing),
    (RS, Do::ReadAudit, Mine, Allowed),
    (RS, Do::ReadOwnProfile, Mine, Allowed),
    (RS, Do::UpdateOwnStatus, Mine, Allowed),
    (RS, Do::UpdateOwnAnswerRules, Mine, Allowed),
    // Office Manager: its own domain, every site of it; not even its reseller's other domains.
    (OM, Do::ListUsers, OwnDomain, Allowed),
    (OM, Do::ListUsers, ResellerDomain, Missing),
    (OM, Do::ListUsers, OtherDomain, Missing),
    (OM, Do::GetUser, OwnSite, Allowed),
    (OM, Do::GetUser, OtherSite, Allowed),
    (OM, Do::GetUser, ResellerDomain, Missing),
    (OM, Do::GetUser, OtherDomain, Missing),
    (OM, Do::CreateUser, OwnSite, Allowed),
    (OM, Do::CreateUser, OtherSite, Allowed),
    (OM, Do::CreateUser, ResellerDomain, Missing),
    (OM, Do::CreateUser, OtherDomain, Missing),
    (OM, Do::UpdateUser, OwnSite, Allowed),
    (OM, Do::UpdateUser, OtherSite, Allowed),
    (OM, Do::UpdateUser, OtherDomain, Missing),
    (OM, Do::DeleteUser, OwnSite, Allowed),
    (OM, Do::DeleteUser, OtherSite, Allowed),
    (OM, Do::DeleteUser, OtherDomain, Missing),
    (OM, Do::EndSessions, OtherSite, Allowed),
    (OM, Do::EndSessions, OtherDomain, Missing),
    (OM, Do::ListDomains, Mine, Allowed),
    (OM, Do::OpenDomain, OwnDomain, Allowed),
    (OM, Do::OpenDomain, ResellerDomain, Missing),
    (OM, Do::OpenDomain, OtherDomain, Missing),
    (OM, Do::UpdateDomain, OwnDomain, Forbidden),
    (OM, Do::UpdateDomain, ResellerDomain, Missing),
    (OM, Do::UpdateDomain, OtherDomain, Missing),
    (OM, Do::CreateDomain, Mine, Forbidden),
    (OM, Do::CreateQueue, OwnDomain, Allowed),
    (OM, Do::CreateQueue, OtherDomain, Missing),
    (OM, Do::ReadAudit, Mine, Allowed),
    (OM, Do::ReadOwnProfile, Mine, Allowed),
    (OM, Do::UpdateOwnStatus, Mine, Allowed),
    (OM, Do::UpdateOwnAnswerRules, Mine, Allowed),
    // Site Manager: the users of its own site; another site's users are not there for it.
    (SM, Do::ListUsers, OwnDomain, Allowed),
    (SM, Do::ListUsers, OtherDomain, Missing),
    (SM, Do::GetUser, OwnSite, Allowed),
    (SM, Do::GetUser, OtherSite, Missing),
    (SM, Do::GetUser, OtherDomain, Missing),
    (SM, Do::CreateUser, OwnSite, Allowed),
    (SM, Do::CreateUser, OtherSite, Invalid("site")),
    (SM, Do::CreateUser, OtherDomain, Missing),
    (SM, Do::UpdateUser, OwnSite, Allowed),
    (SM, Do::UpdateUser, OtherSite, Missing),
    (SM, Do::UpdateUser, OtherDomain, Missing),
    (SM, Do::DeleteUser, OwnSite, Allowed),
    (SM, Do::DeleteUser, OtherSite, Missing),
    (SM, Do::DeleteUser, OtherDomain, Missing),
    (SM, Do::EndSessions, OwnSite, Allowed),
    (SM, Do::EndSessions, OtherSite, Missing),
    (SM, Do::ListDomains, Mine, Forbidden),
    (SM, Do::OpenDomain, OwnDomain, Forbidden),
    (SM, Do::OpenDomain, OtherDomain, Missing),
    (SM, Do::UpdateDomain, OwnDomain, Forbidden),
    (SM, Do::UpdateDomain, OtherDomain, Missing),
    (SM, Do::CreateDomain, Mine, Forbidden),
    (SM, Do::CreateQueue, OwnDomain, Forbidden),
    (SM, Do::CreateQueue, OtherDomain, Missing),
    (SM, Do::ReadAudit, Mine, Forbidden),
    (SM, Do::ReadOwnProfile, Mine, Allowed),
    (SM, Do::UpdateOwnStatus, Mine, Allowed),
    (SM, Do::UpdateOwnAnswerRules, Mine, Allowed),
    // Advanced User: its own profile and answer rules, nothing else.
    (AU, Do::ListUsers, OwnDomain, Forbidden),
    (AU, Do::ListUsers, OtherDomain, Missing),
    (AU, Do::GetUser, OwnSite, Forbidden),
    (AU, Do::GetUser, OtherDomain, Missing),
    (AU, Do::CreateUser, OwnSite, Forbidden),
    (AU, Do::CreateUser, OtherDomain, Missing),
    (AU, Do::UpdateUser, OwnSite, Forbidden),
    (AU, Do::UpdateUser, OtherDomain, Missing),
    (AU, Do::DeleteUser, OwnSite, Forbidden),
    (AU, Do::DeleteUser, OtherDomain, Missing),
    (AU, Do::EndSessions, OwnSite, Forbidden),
    (AU, Do::EndSessions, OtherDomain, Missing),
    (AU, Do::ListDomains, Mine, Forbidden),
    (AU, Do::OpenDomain, OwnDomain, Forbidden),
    (AU, Do::OpenDomain, OtherDomain, Missing),
    (AU, Do::UpdateDomain, OwnDomain, Forbidden),
    (AU, Do::UpdateDomain, OtherDomain, Missing),
    (AU, Do::CreateDomain, Mine, Forbidden),
    (AU, Do::CreateQueue, OwnDomain, Forbidden),
    (AU, Do::CreateQueue, OtherDomain, Missing),
    (AU, Do::ReadAudit, Mine, Forbidden),
    (AU, Do::ReadOwnProfile, Mine, Allowed),
    (AU, Do::UpdateOwnStatus, Mine, Allowed),
    (AU, Do::UpdateOwnAnswerRules, Mine, Allowed),
    // Basic User: its own profile, not its answer rules.
    (BU, Do::ListUsers, OwnDomain, Forbidden),
    (BU, Do::ListUsers, OtherDomain, Missing),
    (BU, Do::GetUser, OwnSite, Forbidden),
    (BU, Do::GetUser, OtherDomain, Missing),
    (BU, Do::CreateUser, OwnSite, Forbidden),
    (BU, Do::CreateUser, OtherDomain, Missing),
    (BU, Do::UpdateUser, OwnSite, Forbidden),
    (BU, Do::UpdateUser, OtherDomain, Missing),
    (BU, Do::DeleteUser, OwnSite, Forbidden),
    (BU, Do::DeleteUser, OtherDomain, Missing),
    (BU, Do::EndSessions, OwnSite, Forbidden),
    (BU, Do::EndSessions, OtherDomain, Missing),
    (BU, Do::ListDomains, Mine, Forbidden),
    (BU, Do::OpenDomain, OwnDomain, Forbidden),
    (BU, Do::OpenDomain, OtherDomain, Missing),
    (BU, Do::UpdateDomain, OwnDomain, Forbidden),
    (BU, Do::UpdateDomain, OtherDomain, Missing),
    (BU, Do::CreateDomain, Mine, Forbidden),
    (BU, Do::CreateQueue, OwnDomain, Forbidden),
    (BU, Do::CreateQueue, OtherDomain, Missing),
    (BU, Do::ReadAudit, Mine, Forbidden),
    (BU, Do::ReadOwnProfile, Mine, Allowed),
    (BU, Do::UpdateOwnStatus, Mine, Allowed),
    (BU, Do::UpdateOwnAnswerRules, Mine, Forbidden),
    // Call Center Agent: like a Basic User.
    (CA, Do::ListUsers, OwnDomain, Forbidden),
    (CA, Do::ListUsers, OtherDomain, Missing),
    (CA, Do::GetUser, OwnSite, Forbidden),
    (CA, Do::GetUser, OtherDomain, Missing),
    (CA, Do::CreateUser, OwnSite, Forbidden),
    (CA, Do::CreateUser, OtherDomain, Missing),
    (CA, Do::UpdateUser, OwnSite, Forbidden),
    (CA, Do::UpdateUser, OtherDomain, Missing),
    (CA, Do::DeleteUser, OwnSite, Forbidden),
    (CA, Do::DeleteUser, OtherDomain, Missing),
    (CA, Do::EndSessions, OwnSite, Forbidden),
    (CA, Do::EndSessions, OtherDomain, Missing),
    (CA, Do::ListDomains, Mine, Forbidden),
    (CA, Do::OpenDomain, OwnDomain, Forbidden),
    (CA, Do::OpenDomain, OtherDomain, Missing),
    (CA, Do::UpdateDomain, OwnDomain, Forbidden),
    (CA, Do::UpdateDomain, OtherDomain, Missing),
    (CA, Do::CreateDomain, Mine, Forbidden),
    (CA, Do::CreateQueue, OwnDomain, Forbidden),
    (CA, Do::CreateQueue, OtherDomain, Missing),
    (CA, Do::ReadAudit, Mine, Forbidden),
    (CA, Do::ReadOwnProfile, Mine, Allowed),
    (CA, Do::UpdateOwnStatus, Mine, Allowed),
    (CA, Do::UpdateOwnAnswerRules, Mine, Forbidden),
];

/// Does row `row` of the matrix as `scope` and returns the answer. Rows that create something
/// use names of their own (from `row`); a delete gets a fresh victim at the target's place.
async fn attempt(db: &Db, world: &mut World, row: usize, scope: Scope, what: Do, at: At) -> Answer {
    let (domain, ext, site, reseller) = at.target();
    let n = row.to_string();
    let client = world.client(scope);
    match what {
        Do::ListUsers => {
            client
                .call(path::<ListUsers>(), &[("domain", domain)])
                .await
        }
        Do::GetUser => {
            client
                .call(path::<GetUser>(), &[("domain", domain), ("user", ext)])
                .await
        }
        Do::CreateUser => {
            let form = user_form(
                &(1000 + row).to_string(),
                Scope::BasicUser,
                site,
                ("Rowan", "Made"),
            );
            let mut args = pairs(&[("domain", domain)]);
            args.extend(fields("input", &form));
            call(client, path::<CreateUser>(), &args).await
        }
        Do::UpdateUser => {
            let mut form = stored_form(db, domain, ext).await;
            form.status_message = format!("Row {n}");
            update_user(client, domain, ext, "organization", &form).await
        }
        Do::DeleteUser => {
            let victim = (2000 + row).to_string();
            add_user(db, domain, &victim, Scope::BasicUser, site, ("Vic", "Tim")).await;
            let client = world.client(scope);
            client
                .call(
                    path::<DeleteUser>(),
                    &[
                        ("domain", domain),
                        ("user", &victim),
                        ("delete_voicemail", "yes"),
                    ],
                )
                .await
        }
        Do::EndSessions => {
            client
                .call(
                    path::<EndUserSessions>(),
                    &[("domain", domain), ("user", ext)],
                )
                .await
        }
        Do::ListDomains => client.call(path::<ListDomains>(), &[]).await,
        Do::OpenDomain => client.call(path::<OpenDomain>(), &[("name", domain)]).await,
        Do::UpdateDomain => {
            let form = DomainForm {
                domain: domain.into(),
                reseller: reseller.into(),
                description: format!("Row {n}"),
                ..DomainForm::new_domain()
            };
            let mut args = pairs(&[("name", domain)]);
            args.extend(fields("input", &form));
            call(client, path::<UpdateDomain>(), &args).await
        }
        Do::CreateDomain => {
            let form = DomainForm {
                domain: format!("new{n}.example"),
                reseller: NORTH_RESELLER.into(),
                ..DomainForm::new_domain()
            };
            call(client, path::<CreateDomain>(), &fields("input", &form)).await
        }
        Do::CreateQueue => {
            let queue = format!("7{row:03}");
            common::send_api(
                client,
                axum::http::Method::POST,
                &format!("/ns-api/v2/domains/{domain}/callqueues"),
                "",
                &[],
                Some(serde_json::json!({"callqueue": queue})),
            )
            .await
        }
        Do::ReadAudit => client.call(path::<ListAudit>(), &[]).await,
        Do::ReadOwnProfile => client.call(path::<MyProfile>(), &[]).await,
        Do::UpdateOwnStatus => {
            let message = format!("Row {n}");
            client
                .call(
                    path::<UpdateMyProfile>(),
                    &[("input[status-message]", &message)],
                )
                .await
        }
        Do::UpdateOwnAnswerRules => {
            client
                .call(
                    path::<UpdateMyAnswerRules>(),
                    &[("input[forward-no-answer]", "voicemail")],
                )
                .await
        }
    }
}

fn meets(answer: &Answer, expect: Expect) -> bool {
    match expect {
        Allowed => answer.status.is_success(),
        Missing => answer.status == 404,
        Forbidden => answer.status == 403,
        Invalid(field) => answer.status == 422 && names_field(answer, field),
    }
}

// ---------------------------------------------------------------------------------------------
// Audit log helpers
// ---------------------------------------------------------------------------------------------

/// One row of `audit_log`, as stored.
#[derive(Debug)]
struct Row {
    actor_id: Option<i64>,
    actor: String,
    address: String,
    domain_id: Option<i64>,
    domain: Option<String>,
    action: String,
    changes: BTreeMap<String, (String, String)>,
}

/// The audit rows about `target`, oldest first.
async fn audit_rows(db: &Db, target: &str) -> Vec<Row> {
    let rows: Vec<(
        Option<i64>,
        String,
        String,
        Option<i64>,
        Option<String>,
        String,
        String,
    )> = sqlx::query_as(
        "SELECT actor_id, actor, address, domain_id, domain, action, changes FROM audit_log \
         WHERE target = $1 ORDER BY id",
    )
    .bind(target)
    .fetch_all(db.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(
            |(actor_id, actor, address, domain_id, domain, action, changes)| Row {
                actor_id,
                actor,
                address,
                domain_id,
                domain,
                action,
                changes: serde_json::from_str(&changes).unwrap(),
            },
        )
        .collect()
}

async fn audit_count(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// How many audit rows mention `text` anywhere in their changes.
async fn audit_mentions(db: &Db, text: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE changes LIKE $1")
        .bind(format!("%{text}%"))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The audit log as `client` may read it, filtered by `query` (pairs named `query[...]`).
async fn read_audit(client: &mut Client, query: &[(&str, &str)]) -> AuditPage {
    let args: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (format!("query[{k}]"), (*v).to_owned()))
        .collect();
    let answer = call(client, path::<ListAudit>(), &args).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

fn domains_of(page: &AuditPage) -> Vec<String> {
    let mut names: Vec<String> = page
        .items
        .iter()
        .map(|e| e.domain.clone().unwrap_or_default())
        .collect();
    names.sort();
    names.dedup();
    names
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn every_scope_may_do_exactly_what_the_permission_table_says(t: TestDb) {
        let mut world = world(&t.db).await;
        let mut failures = Vec::new();
        for (row, &(scope, what, at, expect)) in MATRIX.iter().enumerate() {
            let answer = attempt(&t.db, &mut world, row, scope, what, at).await;
            if !meets(&answer, expect) {
                failures.push(format!(
                    "row {row}: ({scope}, {what:?}, {at:?}) expected {expect:?}, got {} {}",
                    answer.status, answer.body
                ));
            }
        }
        assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), MATRIX.len(), failures.join("\n"));
    }

    async fn another_domains_user_is_answered_exactly_like_a_missing_one(t: TestDb) {
        let mut world = world(&t.db).await;
        let om = world.client(OM);
        let mut answers = Vec::new();
        for (domain, user) in [(OTHER, "110"), (ACME, "999"), ("nowhere.example", "110")] {
            for endpoint in [path::<GetUser>(), path::<EndUserSessions>(), path::<DeleteUser>(), path::<InviteUser>()] {
                let answer = om.call(endpoint, &[("domain", domain), ("user", user)]).await;
                answers.push((endpoint, domain, answer.status, answer.body));
            }
        }
        for (endpoint, domain, status, body) in &answers {
            assert_eq!(*status, 404, "{endpoint} in {domain}: {body}");
            assert_eq!(body, &answers[0].3, "{endpoint} in {domain}");
        }
        // The whole domain too: its users list, the domain itself, an edit of either.
        let hidden = om.call(path::<ListUsers>(), &[("domain", OTHER)]).await;
        let missing = om.call(path::<ListUsers>(), &[("domain", "nowhere.example")]).await;
        assert_eq!((hidden.status.as_u16(), &hidden.body), (404, &missing.body));
        // Its own domain it reads, told it may not change it (the page shows no form).
        let own = om.call(path::<OpenDomain>(), &[("name", ACME)]).await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.json()["may_change"], false);
        // Adding a device there too: not a form mistake about its user, the same 404.
        let add = |domain| [("domain", domain), ("user", "110"), ("device", "desk110")];
        let hidden = om.call(path::<app::api::devices::AddDevice>(), &add(OTHER)).await;
        let missing = om.call(path::<app::api::devices::AddDevice>(), &add("nowhere.example")).await;
        assert_eq!((hidden.status.as_u16(), &hidden.body), (404, &missing.body));
        let hidden = om.call(path::<OpenDomain>(), &[("name", OTHER)]).await;
        let missing = om.call(path::<OpenDomain>(), &[("name", "nowhere.example")]).await;
        assert_eq!((hidden.status.as_u16(), &hidden.body), (404, &missing.body));
        let form = stored_form(&t.db, OTHER, "110").await;
        let hidden = update_user(om, OTHER, "110", "identity", &form).await;
        let missing = update_user(om, "nowhere.example", "110", "identity", &form).await;
        assert_eq!((hidden.status.as_u16(), &hidden.body), (404, &missing.body));
        // And it is nowhere in the office manager's list of domains.
        let listed: Vec<Domain> = serde_json::from_str(&om.call(path::<ListDomains>(), &[]).await.body).unwrap();
        let names: Vec<&str> = listed.iter().map(|d| d.settings.domain.as_str()).collect();
        assert_eq!(names, [ACME]);
        // A reseller lists its own reseller's domains, not another's.
        let listed: Vec<Domain> = serde_json::from_str(&world.client(RS).call(path::<ListDomains>(), &[]).await.body).unwrap();
        let names: Vec<&str> = listed.iter().map(|d| d.settings.domain.as_str()).collect();
        assert_eq!(names, [ACME, THIRD]);
        // A domain a reseller makes is its own: naming another reseller is refused, naming none
        // makes it the reseller's.
        let form = DomainForm { domain: "grab.example".into(), reseller: SOUTH_RESELLER.into(), ..DomainForm::new_domain() };
        assert_eq!(call(world.client(RS), path::<CreateDomain>(), &fields("input", &form)).await.status, 422);
        let form = DomainForm { reseller: String::new(), ..form };
        assert_eq!(call(world.client(RS), path::<CreateDomain>(), &fields("input", &form)).await.status, 200);
        let made = domains::get(t.db.pool(), &name("grab.example")).await.unwrap().unwrap();
        assert_eq!(made.settings.reseller.as_str(), NORTH_RESELLER);
        // A site manager cannot tell another site's user from a missing one either.
        let sm = world.client(SM);
        let south = sm.call(path::<GetUser>(), &[("domain", ACME), ("user", "120")]).await;
        let nobody = sm.call(path::<GetUser>(), &[("domain", ACME), ("user", "999")]).await;
        assert_eq!((south.status.as_u16(), &south.body), (404, &nobody.body));
    }

    async fn nobody_gives_a_scope_above_their_own(t: TestDb) {
        let mut world = world(&t.db).await;
        let om = world.client(OM);
        for scope in [Scope::Reseller, Scope::SuperUser] {
            let mut args = pairs(&[("domain", ACME)]);
            args.extend(fields("input", &user_form("301", scope, "North", ("Hugo", "High"))));
            let answer = call(om, path::<CreateUser>(), &args).await;
            assert_eq!(answer.status, 422, "{scope}: {}", answer.body);
            assert!(names_field(&answer, "user-scope"), "{scope}: {}", answer.body);
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE extension = '301'").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(count, 0, "nothing was created");
        // Its own scope is not above its own.
        let mut args = pairs(&[("domain", ACME)]);
        args.extend(fields("input", &user_form("302", Scope::OfficeManager, "North", ("Oli", "Peer"))));
        let peer = call(om, path::<CreateUser>(), &args).await;
        assert_eq!(peer.status, 200, "{}", peer.body);

        // Raising an existing user is refused the same way, and changes nothing.
        let mut form = stored_form(&t.db, ACME, "110").await;
        form.user_scope = "Super User".into();
        let raised = update_user(om, ACME, "110", "login", &form).await;
        assert_eq!(raised.status, 422, "{}", raised.body);
        assert!(names_field(&raised, "user-scope"), "{}", raised.body);
        assert_eq!(stored_form(&t.db, ACME, "110").await.user_scope, "Basic User");
        // Itself included.
        let mut own = stored_form(&t.db, ACME, "202").await;
        own.user_scope = "Reseller".into();
        let answer = update_user(om, ACME, "202", "login", &own).await;
        assert!(names_field(&answer, "user-scope"), "{}", answer.body);

        // A user above the office manager, in its own domain, is visible but out of reach.
        let reseller_form = stored_form(&t.db, ACME, "201").await;
        let mut edit = reseller_form.clone();
        edit.status_message = "Edited by a lesser scope".into();
        assert_eq!(update_user(om, ACME, "201", "organization", &edit).await.status, 403);
        for endpoint in [path::<GetUser>(), path::<EndUserSessions>(), path::<DeleteUser>(), path::<InviteUser>()] {
            let answer = om.call(endpoint, &[("domain", ACME), ("user", "201")]).await;
            assert_eq!(answer.status, 403, "{endpoint}: {}", answer.body);
        }
        assert_eq!(stored_form(&t.db, ACME, "201").await, reseller_form, "unchanged");

        // A site manager cannot make an office manager either.
        let sm = world.client(SM);
        let mut form = stored_form(&t.db, ACME, "110").await;
        form.user_scope = "Office Manager".into();
        let answer = update_user(sm, ACME, "110", "login", &form).await;
        assert!(names_field(&answer, "user-scope"), "{}", answer.body);
    }

    async fn a_site_manager_sees_and_adds_users_of_its_own_site_only(t: TestDb) {
        let mut world = world(&t.db).await;
        let list = |body: &str| -> UserList { serde_json::from_str(body).unwrap() };
        let everyone = list(&world.client(OM).call(path::<ListUsers>(), &[("domain", ACME)]).await.body);
        assert_eq!(everyone.total, 8, "the office manager sees both sites");
        let sm = world.client(SM);
        let own = list(&sm.call(path::<ListUsers>(), &[("domain", ACME)]).await.body);
        let extensions: Vec<&str> = own.items.iter().map(|u| u.user.as_str()).collect();
        assert_eq!(extensions, ["110", "201", "202", "203", "204", "205", "206"]);
        assert_eq!(own.total, 7, "the count leaves the other site out too");
        assert!(own.items.iter().all(|u| u.site.as_ref().map(|s| s.as_str()) == Some("North")));
        for search in ["120", "South", "Sol"] {
            let found = list(&sm.call(path::<ListUsers>(), &[("domain", ACME), ("query[search]", search)]).await.body);
            assert_eq!(found.total, 0, "a search for {search} finds nothing of the other site");
        }
        // Adding a user elsewhere than its own site (or nowhere) is refused on the site field.
        for site in ["South", ""] {
            let mut args = pairs(&[("domain", ACME)]);
            args.extend(fields("input", &user_form("301", Scope::BasicUser, site, ("Ines", "Ward"))));
            let answer = call(sm, path::<CreateUser>(), &args).await;
            assert_eq!(answer.status, 422, "site {site:?}: {}", answer.body);
            assert!(names_field(&answer, "site"), "site {site:?}: {}", answer.body);
        }
        // So is moving one of its users to another site.
        let mut form = stored_form(&t.db, ACME, "110").await;
        form.site = "South".into();
        let moved = update_user(sm, ACME, "110", "organization", &form).await;
        assert!(names_field(&moved, "site"), "{}", moved.body);
        assert_eq!(stored_form(&t.db, ACME, "110").await.site, "North");
        // On its own site it works.
        let mut args = pairs(&[("domain", ACME)]);
        args.extend(fields("input", &user_form("301", Scope::BasicUser, "North", ("Ines", "Ward"))));
        let answer = call(sm, path::<CreateUser>(), &args).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    async fn a_user_logs_in_with_its_e_mail_address_when_no_other_user_has_it(t: TestDb) {
        let _world = world(&t.db).await;
        person(&t.db, ACME, "302", Scope::BasicUser, "North", ("Eli", "Ames")).await;
        // Any case, as e-mail addresses are typed.
        let mut by_email = log_in(&t.db, "U302@People.Example", PASSWORD).await;
        assert_eq!(me(&mut by_email).await.as_deref(), Some("302@acme.example"));

        assert_eq!(try_log_in(&t.db, "u302@people.example", "not the password at all").await, (401, None));
        // An address two users share names neither of them: the same refusal as a wrong password.
        person(&t.db, ACME, "303", Scope::BasicUser, "North", ("Two", "Homes")).await;
        person(&t.db, OTHER, "303", Scope::BasicUser, "North", ("Two", "Homes")).await;
        assert_eq!(try_log_in(&t.db, "u303@people.example", PASSWORD).await, (401, None));
        log_in(&t.db, "303@acme.example", PASSWORD).await;
    }

    async fn sessions_end_when_a_user_is_disabled_blocked_or_changes_its_password(t: TestDb) {
        let mut world = world(&t.db).await;
        let login = "301@acme.example";
        let names = ("Mira", "Marlowe");
        let mut a = person(&t.db, ACME, "301", Scope::BasicUser, "North", names).await;
        let mut b = log_in(&t.db, login, PASSWORD).await;
        assert_eq!(me(&mut a).await.as_deref(), Some(login));

        // Disabled by a manager: every session ends, and stays ended once enabled again.
        let om = world.client(OM);
        let mut form = stored_form(&t.db, ACME, "301").await;
        form.status = "disabled".into();
        assert_eq!(update_user(om, ACME, "301", "login", &form).await.status, 200);
        form.status = "enabled".into();
        assert_eq!(update_user(om, ACME, "301", "login", &form).await.status, 200);
        assert_eq!(me(&mut a).await, None, "disabled: session ended");
        assert_eq!(me(&mut b).await, None, "disabled: session ended");

        // Blocked from web login: likewise.
        let mut c = log_in(&t.db, login, PASSWORD).await;
        form.block_web_login = "yes".into();
        assert_eq!(update_user(om, ACME, "301", "login", &form).await.status, 200);
        form.block_web_login = "no".into();
        assert_eq!(update_user(om, ACME, "301", "login", &form).await.status, 200);
        assert_eq!(me(&mut c).await, None, "blocked: session ended");

        // A manager ends them on request.
        let mut d = log_in(&t.db, login, PASSWORD).await;
        let ended = om.call(path::<EndUserSessions>(), &[("domain", ACME), ("user", "301")]).await;
        assert_eq!(ended.status, 200, "{}", ended.body);
        assert_eq!(ended.json(), 1, "one session was live");
        assert_eq!(me(&mut d).await, None, "ended by a manager");

        // Changing one's password ends one's other sessions and keeps this one.
        let mut e = log_in(&t.db, login, PASSWORD).await;
        let mut f = log_in(&t.db, login, PASSWORD).await;
        let wrong = e.call(path::<ChangePassword>(), &[("current", "not my password at all"), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)]).await;
        assert_eq!(wrong.status, 422, "{}", wrong.body);
        assert!(names_field(&wrong, "current"), "{}", wrong.body);
        for personal in ["orchid 301 lantern pebble", "marlowe lantern pebble orchid"] {
            let refused = e.call(path::<ChangePassword>(), &[("current", PASSWORD), ("password", personal), ("confirm", personal)]).await;
            assert_eq!(refused.status, 422, "{personal}: {}", refused.body);
            assert!(names_field(&refused, "password"), "{personal}: {}", refused.body);
        }
        assert_eq!(me(&mut f).await.as_deref(), Some(login), "refused changes end nothing");
        let changed = e.call(path::<ChangePassword>(), &[("current", PASSWORD), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)]).await;
        assert!(changed.status.is_success(), "{}", changed.body);
        assert_eq!(me(&mut e).await.as_deref(), Some(login), "this session stays");
        assert_eq!(me(&mut f).await, None, "the other one ends");
        let old = Client::new(&t.db).call(path::<Login>(), &[("login", login), ("password", PASSWORD)]).await;
        assert_eq!(old.status, 401);
        log_in(&t.db, login, NEW_PASSWORD).await;
    }

    async fn an_invitation_is_shown_once_sets_the_password_and_no_portal_gets_none(t: TestDb) {
        let mut world = world(&t.db).await;
        let su = world.client(SU);
        let mut args = pairs(&[("domain", ACME)]);
        args.extend(fields("input", &user_form("401", Scope::BasicUser, "North", ("Ivy", "Nguyen"))));
        let created = call(su, path::<CreateUser>(), &args).await;
        assert_eq!(created.status, 200, "{}", created.body);
        let take = [("domain", ACME), ("user", "401")];
        let link = su.call(path::<TakeInvitation>(), &take).await.json();
        let link = link["link"].as_str().unwrap_or_else(|| panic!("an invitation link, not {link}")).to_owned();
        assert!(link.contains("/set-password?token="), "{link}");
        assert!(su.call(path::<TakeInvitation>(), &take).await.json().is_null(), "shown once");
        let token = link.split("token=").nth(1).unwrap();

        let mut anonymous = Client::new(&t.db);
        let who = anonymous.call(path::<app::api::auth::PasswordLink>(), &[("token", token)]).await.json();
        assert_eq!(who, "401@acme.example");
        let set = anonymous.call(path::<SetPassword>(), &[("token", token), ("password", PASSWORD), ("confirm", PASSWORD)]).await;
        assert!(set.status.is_success(), "{}", set.body);
        let mut ivy = log_in(&t.db, "401@acme.example", PASSWORD).await;
        assert_eq!(me(&mut ivy).await.as_deref(), Some("401@acme.example"));
        let again = anonymous.call(path::<SetPassword>(), &[("token", token), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)]).await;
        assert!(names_field(&again, "token"), "the link works once: {}", again.body);

        // A No Portal user gets no invitation, cannot be sent one, and cannot log in.
        let mut args = pairs(&[("domain", ACME)]);
        args.extend(fields("input", &user_form("402", Scope::NoPortal, "North", ("Pat", "Null"))));
        assert_eq!(call(su, path::<CreateUser>(), &args).await.status, 200);
        assert!(su.call(path::<TakeInvitation>(), &[("domain", ACME), ("user", "402")]).await.json().is_null());
        let invite = su.call(path::<InviteUser>(), &[("domain", ACME), ("user", "402")]).await;
        assert!(names_field(&invite, "user-scope"), "{}", invite.body);
        let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE login = '402@acme.example'").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(hash, None);
        let refused = Client::new(&t.db).call(path::<Login>(), &[("login", "402@acme.example"), ("password", PASSWORD)]).await;
        assert_eq!(refused.status, 401);
        // A user made No Portal loses its sessions and its login.
        let mut form = stored_form(&t.db, ACME, "401").await;
        form.user_scope = "No Portal".into();
        assert_eq!(update_user(su, ACME, "401", "login", &form).await.status, 200);
        assert_eq!(me(&mut ivy).await, None);
        let refused = Client::new(&t.db).call(path::<Login>(), &[("login", "401@acme.example"), ("password", PASSWORD)]).await;
        assert_eq!(refused.status, 401);
        // The invitation was the creator's to see: nobody else's session holds it.
        let om = world.client(OM);
        assert!(om.call(path::<TakeInvitation>(), &[("domain", ACME), ("user", "402")]).await.json().is_null());
    }

    async fn a_burst_of_logins_from_one_address_gets_429_and_others_are_still_served(t: TestDb) {
        logged_in_super_user(&t.db).await;
        let strict = server::Settings {
            logins: server::guard::LoginRate { burst: 3, per_minute: 1, failure_delay: Duration::ZERO },
            ..settings()
        };
        let mut guessing = Client::with_settings(&t.db, &strict);
        guessing.address = "198.51.100.66".into();
        let wrong = [("login", "admin"), ("password", "not the password at all")];
        for attempt in 1..=3 {
            let answer = guessing.call(path::<Login>(), &wrong).await;
            assert_eq!(answer.status, 401, "attempt {attempt}");
            assert!(answer.headers.get(app::ssr::auth::LOGIN_FAILED_HEADER).is_none(), "the guard's marker stays inside");
        }
        let limited = guessing.call(path::<Login>(), &wrong).await;
        assert_eq!(limited.status, 429, "{}", limited.body);
        let retry: u64 = limited.headers.get("retry-after").expect("Retry-After").to_str().unwrap().parse().expect("whole seconds");
        assert!(retry > 0);
        assert_eq!(limited.json()["kind"], "too-many-requests", "{}", limited.body);
        let right = [("login", "admin"), ("password", common::ADMIN_PASSWORD)];
        assert_eq!(guessing.call(path::<Login>(), &right).await.status, 429, "even the right password waits");
        // Another address, on the same server, is served.
        let mut other = Client { app: guessing.app.clone(), cookie: None, address: "198.51.100.67".into() };
        assert_eq!(other.call(path::<Login>(), &right).await.status, 200);
    }

    async fn failed_logins_in_a_row_are_refused_more_slowly_and_alike(t: TestDb) {
        logged_in_super_user(&t.db).await;
        let delay = Duration::from_millis(200);
        let slow = server::Settings {
            logins: server::guard::LoginRate { burst: 1000, per_minute: 1000, failure_delay: delay },
            ..settings()
        };
        let mut client = Client::with_settings(&t.db, &slow);
        client.address = "198.51.100.77".into();
        let wrong = [("login", "admin"), ("password", "not the password at all")];
        let mut took = Vec::new();
        let mut answers = Vec::new();
        for _ in 0..3 {
            let start = Instant::now();
            answers.push(client.call(path::<Login>(), &wrong).await);
            took.push(start.elapsed());
        }
        assert!(answers.iter().all(|a| a.status == 401));
        assert!(took[0] >= delay, "even the first refusal waits: {took:?}");
        assert!(took[2] >= 2 * delay, "the third refusal in a row waits longer: {took:?}");
        assert!(took[2] > took[0], "{took:?}");
        // An unknown login is answered exactly like a wrong password.
        let mut fresh = Client { app: client.app.clone(), cookie: None, address: "198.51.100.78".into() };
        let unknown = fresh.call(path::<Login>(), &[("login", "nobody@nowhere.example"), ("password", "not the password at all")]).await;
        assert_eq!((unknown.status, &unknown.body), (answers[0].status, &answers[0].body));
    }

    async fn each_change_leaves_one_audit_entry_with_secrets_masked(t: TestDb) {
        let mut world = world(&t.db).await;
        let su = world.client(SU);
        su.address = "198.51.100.23".into();
        let pin = "739164";
        let sip = "Zq8vR2mK7pLx4Nw9Tb3Y";
        let new_pin = "582039";
        let form = UserForm {
            voicemail_login_pin: pin.into(),
            device_sip_registration_password: sip.into(),
            status_message: "In the office".into(),
            ..user_form("301", Scope::BasicUser, "North", ("Ana", "Audit"))
        };
        let mut args = pairs(&[("domain", ACME)]);
        args.extend(fields("input", &form));
        let created = call(su, path::<CreateUser>(), &args).await;
        assert_eq!(created.status, 200, "{}", created.body);
        assert!(created.body.contains(sip), "the creator is shown the SIP password");

        let before = audit_count(&t.db).await;
        let duplicate = call(su, path::<CreateUser>(), &args).await;
        assert_eq!(duplicate.status, 409, "{}", duplicate.body);
        assert_eq!(audit_count(&t.db).await, before, "a failed create is not in the log");

        let mut edit = stored_form(&t.db, ACME, "301").await;
        edit.voicemail_login_pin = new_pin.into();
        edit.voicemail_greeting_index = "2".into();
        let updated = update_user(su, ACME, "301", "voicemail", &edit).await;
        assert_eq!(updated.status, 200, "{}", updated.body);
        let deleted = su.call(path::<DeleteUser>(), &[("domain", ACME), ("user", "301"), ("delete_voicemail", "yes")]).await;
        assert_eq!(deleted.status, 200, "{}", deleted.body);

        let admin_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE login = 'admin'").fetch_one(t.db.pool()).await.unwrap();
        let acme_id = domains::get(t.db.pool(), &name(ACME)).await.unwrap().unwrap().id;
        let rows = audit_rows(&t.db, "301").await;
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["user.create", "user.update", "user.delete"], "one entry per change");
        for row in &rows {
            assert_eq!((row.actor_id, row.actor.as_str()), (Some(admin_id), "admin"), "{row:?}");
            assert_eq!((row.domain_id, row.domain.as_deref()), (Some(acme_id), Some(ACME)), "{row:?}");
            assert_eq!(row.address, "198.51.100.23", "{row:?}");
            for (field, (old, new)) in &row.changes {
                if ["voicemail-login-pin", "device-sip-registration-password", "password"].contains(&field.as_str()) {
                    assert!([old, new].iter().all(|v| v.is_empty() || *v == "***"), "{field} in {row:?}");
                }
            }
        }
        let create = &rows[0].changes;
        assert_eq!(create["user"], (String::new(), "301".to_owned()));
        assert_eq!(create["status-message"], (String::new(), "In the office".to_owned()));
        let update = &rows[1].changes;
        assert_eq!(update["voicemail-greeting-index"], ("0".to_owned(), "2".to_owned()));
        assert_eq!(update["voicemail-login-pin"], ("***".to_owned(), "***".to_owned()));
        assert!(!update.contains_key("name-last-name"), "only what changed: {update:?}");
        assert_eq!(rows[2].changes["user"], ("301".to_owned(), String::new()));
        // No secret in clear anywhere in the log: not these, not any SIP password stored.
        let mut secrets = vec![pin.to_owned(), new_pin.to_owned(), sip.to_owned()];
        let stored: Vec<String> = sqlx::query_scalar("SELECT sip_password FROM devices").fetch_all(t.db.pool()).await.unwrap();
        assert!(!stored.is_empty());
        secrets.extend(stored);
        for secret in &secrets {
            assert_eq!(audit_mentions(&t.db, secret).await, 0, "{secret} is in the audit log");
        }

        // An office manager reads its own domain's entries only; the super user reads them all.
        let own = read_audit(world.client(OM), &[]).await;
        assert!(!own.items.is_empty());
        assert_eq!(domains_of(&own), [ACME]);
        assert!(read_audit(world.client(OM), &[("domain", OTHER)]).await.items.is_empty());
        let reseller = read_audit(world.client(RS), &[]).await;
        assert_eq!(domains_of(&reseller), [ACME, THIRD]);
        let su = world.client(SU);
        let all = read_audit(su, &[]).await;
        // Entries in no domain too: the Super Users' own passwords, set through their links.
        assert_eq!(domains_of(&all), ["", ACME, OTHER, THIRD]);
        assert!(all.items.iter().any(|e| !e.action.starts_with("user.")), "domain entries too");
        assert!(all.items.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        let other = read_audit(su, &[("domain", OTHER)]).await;
        assert!(!other.items.is_empty());
        assert_eq!(domains_of(&other), [OTHER]);
        let about_301 = read_audit(su, &[("user", "301")]).await;
        assert_eq!(about_301.items.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["user.delete", "user.update", "user.create"]);
        let by_admin = read_audit(su, &[("user", "admin")]).await;
        assert!(by_admin.items.iter().all(|e| e.actor == "admin") && by_admin.items.len() >= 3);
        let user_actions = read_audit(su, &[("action", "user.")]).await;
        assert!(!user_actions.items.is_empty() && user_actions.items.iter().all(|e| e.action.starts_with("user.")));
        let updates = read_audit(su, &[("action", "user.update")]).await;
        assert_eq!(updates.items.len(), 1);
        assert_eq!(updates.items[0].changes.iter().find(|c| c.field == "voicemail-login-pin").map(|c| (c.before.as_str(), c.after.as_str())), Some(("***", "***")));
        // Dates: move the update to a known day, then find it by its day alone.
        sqlx::query("UPDATE audit_log SET at = $1 WHERE action = 'user.update'")
            .bind(app::model::audit::day_start_ms("2024-01-15").unwrap() + 12 * 3_600_000)
            .execute(t.db.writer()).await.unwrap();
        let that_day = read_audit(su, &[("from", "2024-01-15"), ("to", "2024-01-15")]).await;
        assert_eq!(that_day.items.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["user.update"]);
        assert!(read_audit(su, &[("from", "2024-01-16"), ("to", "2024-01-31")]).await.items.iter().all(|e| e.action != "user.update"));
        assert!(read_audit(su, &[("to", "2024-01-14")]).await.items.is_empty());
        let since = read_audit(su, &[("from", "2024-01-16")]).await;
        assert_eq!(since.items.len(), all.items.len() - 1, "everything else is later");
        // Who reads no audit log at all.
        for scope in [SM, AU, BU, CA] {
            assert_eq!(world.client(scope).call(path::<ListAudit>(), &[]).await.status, 403, "{scope}");
        }
    }
}
