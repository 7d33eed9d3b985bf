//! Domains, end to end through the real router and through the repository, on both databases.

mod common;

use app::api::domains::{CreateDomain, DeleteDomain, ListDomains, OpenDomain, UpdateDomain};
use app::error::AppError;
use app::model::domain::DomainForm;
use app::model::{DomainName, Parse};
use app::ssr::db::domains;
use common::{add_resellers, logged_in_super_user, path, Client, TestDb};

fn acme_fields<'a>(name: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("input[domain]", name),
        ("input[description]", "Acme Corporation, main office"),
        ("input[limits-max-users]", "50"),
        ("input[limits-max-sites]", ""),
        ("input[time-zone]", "America/Chicago"),
        ("input[language-token]", "en_US"),
        ("input[area-code]", "612"),
        ("input[caller-id-name]", "Acme"),
        ("input[caller-id-number]", "(612) 555-0100"),
        ("input[voicemail-enabled]", "yes"),
        ("input[dial-plan]", ""),
        ("input[dial-policy]", "US & Canada"),
    ]
}

async fn domain_count(db: &TestDb) -> i64 {
    domains::count(db.db.pool()).await.unwrap()
}

on_both_backends! {
    async fn a_super_user_creates_reads_edits_and_deletes_a_domain(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let created = client.call(path::<CreateDomain>(), &acme_fields("Acme.Example")).await;
        assert!(created.status.is_success(), "{} {}", created.status, created.body);

        let opened = client.call(path::<OpenDomain>(), &[("name", "acme.example")]).await.json();
        assert_eq!(opened["may_change"], true, "a Super User changes any domain");
        let read = &opened["domain"];
        assert_eq!(read["domain"], "acme.example", "names are stored in lower case");
        assert_eq!(read["caller-id-number"], "+16125550100", "caller ID is stored in E.164");
        assert_eq!(read["dial-plan"], "acme.example", "a blank dial plan is named after the domain");
        assert_eq!(read["limits-max-users"], 50);
        assert_eq!(read["limits-max-sites"], serde_json::Value::Null);

        let mut edit = acme_fields("acme.example");
        edit.retain(|(k, _)| *k != "input[time-zone]");
        edit.push(("input[time-zone]", "Europe/London"));
        edit.push(("name", "acme.example"));
        let updated = client.call(path::<UpdateDomain>(), &edit).await;
        assert!(updated.status.is_success(), "{}", updated.body);
        let list = client.call(path::<ListDomains>(), &[]).await.json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["time-zone"], "Europe/London");

        let deleted = client.call(path::<DeleteDomain>(), &[("name", "acme.example")]).await;
        assert!(deleted.status.is_success());
        assert_eq!(domain_count(&t).await, 0);
        let gone = client.call(path::<OpenDomain>(), &[("name", "acme.example")]).await;
        assert_eq!(gone.status, 404);
    }

    async fn every_bad_field_is_named_at_once_and_nothing_is_written(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let mut fields = acme_fields("bad name!");
        fields.retain(|(k, _)| !matches!(*k, "input[area-code]" | "input[caller-id-number]" | "input[time-zone]"));
        fields.extend([("input[area-code]", "42"), ("input[caller-id-number]", "555"), ("input[time-zone]", "Mars/Base")]);
        let answer = client.call(path::<CreateDomain>(), &fields).await;
        assert_eq!(answer.status, 422);
        let error: AppError = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(error.field_errors().unwrap().names(), ["domain", "time-zone", "area-code", "caller-id-number"]);
        assert_eq!(domain_count(&t).await, 0);
    }

    async fn a_duplicate_domain_name_is_a_conflict_on_the_name_field(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        assert!(client.call(path::<CreateDomain>(), &acme_fields("acme.example")).await.status.is_success());
        let again = client.call(path::<CreateDomain>(), &acme_fields("ACME.example")).await;
        assert_eq!(again.status, 409, "{}", again.body);
        let error: AppError = serde_json::from_str(&again.body).unwrap();
        assert_eq!(error.message_for("domain").as_deref(), Some("A domain with this name already exists."));
        assert_eq!(domain_count(&t).await, 1);
    }

    async fn a_final_dot_or_an_empty_part_cannot_make_a_second_domain_of_one_name(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        assert!(client.call(path::<CreateDomain>(), &acme_fields("b.example")).await.status.is_success());
        let again = client.call(path::<CreateDomain>(), &acme_fields("B.Example.")).await;
        assert_eq!(again.status, 409, "the fully-qualified form is the same name: {}", again.body);
        let doubled = client.call(path::<CreateDomain>(), &acme_fields("b..example")).await;
        assert_eq!(doubled.status, 422, "{}", doubled.body);
        let error: AppError = serde_json::from_str(&doubled.body).unwrap();
        assert!(error.message_for("domain").unwrap().contains("“..”"));
        assert_eq!(domain_count(&t).await, 1);
        // The final dot reads the same domain.
        let read = client.call(path::<OpenDomain>(), &[("name", "b.example.")]).await;
        assert_eq!(read.status, 200, "{}", read.body);
    }

    async fn a_reseller_cannot_give_its_domain_to_another_reseller(t: TestDb) {
        use app::model::fields::Patch;
        use app::model::permissions::Who;
        use app::model::Scope;
        use app::ssr::caller::Caller;
        let reseller = Caller {
            account_id: 0,
            login: "north".into(),
            display_name: "North".into(),
            who: Who { scope: Scope::Reseller, domain_id: None, reseller: "north".into(), user_id: None, site: None },
            domain: None,
            extension: None,
            address: String::new(),
            key: None,
        };
        add_resellers(&t.db, &["north", "south"]).await;
        let form = DomainForm { domain: "n.example".into(), ..DomainForm::new_domain() };
        let made = app::ssr::domains::create_domain(&t.db, &reseller, &form).await.unwrap();
        assert_eq!(made.settings.reseller.as_str(), "north", "a blank reseller is the caller's own");
        let refused = app::ssr::domains::create_domain(&t.db, &reseller, &DomainForm { domain: "s.example".into(), reseller: "south".into(), ..form.clone() }).await.unwrap_err();
        assert!(refused.message_for("reseller").is_some(), "{refused:?}");
        let name = DomainName::parse("n.example").unwrap();
        let audit = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(t.db.pool()).await.unwrap() };
        let before = audit().await;
        let moved = app::ssr::domains::update_domain(&t.db, &reseller, &name, &Patch(vec![("reseller".into(), "south".into())])).await.unwrap_err();
        assert!(moved.message_for("reseller").is_some(), "{moved:?}");
        // Naming its own reseller changes nothing, and writes nothing: no empty audit entry.
        app::ssr::domains::update_domain(&t.db, &reseller, &name, &Patch(vec![("reseller".into(), "north".into())])).await.unwrap();
        assert_eq!(audit().await, before);
        let stored = domains::get(t.db.pool(), &name).await.unwrap().unwrap();
        assert_eq!(stored.settings.reseller.as_str(), "north");
        // A Super User may move it.
        let system = Caller::system();
        let moved = app::ssr::domains::update_domain(&t.db, &system, &name, &Patch(vec![("reseller".into(), "south".into())])).await.unwrap();
        assert_eq!(moved.settings.reseller.as_str(), "south");
        assert_eq!(audit().await, before + 1);
    }

    async fn a_reseller_reads_and_changes_its_own_reseller_only_and_a_super_user_manages_them_all(t: TestDb) {
        use app::model::fields::Patch;
        use app::model::permissions::Who;
        use app::model::reseller::ResellerForm;
        use app::model::Scope;
        use app::ssr::caller::Caller;
        use app::ssr::resellers;
        add_resellers(&t.db, &["north", "south"]).await;
        let as_scope = |scope: Scope| Caller {
            account_id: 0,
            login: "someone".into(),
            display_name: "Someone".into(),
            who: Who { scope, domain_id: Some(1), reseller: "north".into(), user_id: None, site: None },
            domain: None,
            extension: None,
            address: String::new(),
            key: None,
        };
        let north = as_scope(Scope::Reseller);
        let listed = resellers::list_resellers(&t.db, &north).await.unwrap();
        assert_eq!(listed.iter().map(|r| r.settings.reseller.to_string()).collect::<Vec<_>>(), ["north"]);
        // Another reseller answers as missing; its own is read and changed.
        assert!(matches!(resellers::get_reseller(&t.db, &north, "south").await, Err(AppError::NotFound)));
        let patch = Patch(vec![("description".into(), "North Telecom".into())]);
        let changed = resellers::update_reseller(&t.db, &north, "NORTH", &patch).await.unwrap();
        assert_eq!(changed.settings.description.as_str(), "North Telecom");
        assert!(matches!(resellers::update_reseller(&t.db, &north, "south", &patch).await, Err(AppError::NotFound)));
        // Only a Super User adds and deletes resellers.
        let form = ResellerForm { reseller: "east".into(), ..Default::default() };
        assert!(matches!(resellers::create_reseller(&t.db, &north, &form).await, Err(AppError::Forbidden)));
        assert!(matches!(resellers::delete_reseller(&t.db, &north, "north").await, Err(AppError::Forbidden)));
        // An Office Manager reaches none.
        let om = as_scope(Scope::OfficeManager);
        assert!(matches!(resellers::list_resellers(&t.db, &om).await, Err(AppError::Forbidden)));
        assert!(matches!(resellers::get_reseller(&t.db, &om, "north").await, Err(AppError::Forbidden)));
        let system = Caller::system();
        resellers::create_reseller(&t.db, &system, &form).await.unwrap();
        resellers::delete_reseller(&t.db, &system, "EAST").await.unwrap();
        assert_eq!(resellers::list_resellers(&t.db, &system).await.unwrap().len(), 2);
    }

    async fn the_resellers_pages_add_change_and_delete_a_reseller_without_javascript(t: TestDb) {
        use app::api::resellers::{CreateReseller, DeleteReseller, SaveReseller};
        let mut client = logged_in_super_user(&t.db).await;
        let made = client.submit(path::<CreateReseller>(), "/resellers", &[
            ("input[reseller]", "West"), ("input[description]", "West Coast"),
            ("input[email-send-smtp-port]", "70000"),
        ]).await;
        // Refused, it comes back to its page naming the field, and nothing is written.
        assert_eq!(made.location(), Some("http://localhost/resellers"), "{}", made.body);
        let page = client.get("/resellers").await;
        assert!(page.body.contains("A port from 1 to 65535."), "{}", page.body);
        let made = client.submit(path::<CreateReseller>(), "/resellers", &[
            ("input[reseller]", "West"), ("input[description]", "West Coast"),
        ]).await;
        assert_eq!(made.location(), Some("/resellers?done=reseller-created"), "{}", made.body);
        let list = client.get("/resellers").await;
        assert!(list.body.contains("West Coast") && list.body.contains("0 domains"), "{}", list.body);
        let saved = client.submit(path::<SaveReseller>(), "/resellers/West", &[
            ("reseller", "West"), ("input[reseller]", "West"), ("input[description]", "Pacific"),
        ]).await;
        assert_eq!(saved.location(), Some("/resellers?done=reseller-saved"), "{}", saved.body);
        // The domain form suggests it, and a domain naming it is counted on its page.
        let form = client.get("/domains/new").await;
        assert!(form.body.contains(r#"<datalist id="resellers"><option value="West">"#), "{}", form.body);
        let created = client.call(path::<CreateDomain>(), &[("input[domain]", "w.example"), ("input[reseller]", "west")]).await;
        assert!(created.status.is_success(), "{}", created.body);
        let page = client.get("/resellers/West").await;
        assert!(page.body.contains("1 domain name this reseller"), "{}", page.body);
        assert!(!page.body.contains("Delete reseller"), "no delete while a domain names it");
        client.call(path::<DeleteDomain>(), &[("name", "w.example")]).await;
        let deleted = client.submit(path::<DeleteReseller>(), "/resellers/West", &[("reseller", "West")]).await;
        assert_eq!(deleted.location(), Some("/resellers?done=reseller-deleted"), "{}", deleted.body);
        assert!(client.get("/resellers").await.body.contains("No resellers yet."));
    }

    async fn a_form_posted_without_javascript_creates_the_domain_and_goes_on_to_its_users(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let answer = client.submit(path::<CreateDomain>(), "/domains/new", &acme_fields("nojs.example")).await;
        assert_eq!(answer.status, 302);
        assert_eq!(answer.location(), Some("/domains/nojs.example/users?done=domain-created"));
        assert_eq!(domain_count(&t).await, 1);
    }

    async fn a_bad_form_posted_without_javascript_comes_back_with_its_errors_and_values(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let answer = client.submit(path::<CreateDomain>(), "/domains/new", &acme_fields("no good")).await;
        assert_eq!(answer.status, 302);
        // Back to the page, with neither the refusal nor what was typed in its address: they
        // wait in the session for the page's next render, once.
        let back = answer.location().unwrap().to_owned();
        assert_eq!(back, "http://localhost/domains/new");
        let page = client.get("/domains/new").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Only letters, digits, dots, underscores and hyphens"), "the error is shown");
        assert!(page.body.contains("value=\"no good\""), "what was typed is shown again");
        assert!(page.body.contains("id=\"refused-submission\""), "and carried to the browser for hydration");
        let again = client.get("/domains/new").await;
        assert!(!again.body.contains("Only letters, digits, dots"), "a reload starts afresh");
        assert!(!again.body.contains("no good"));
        assert_eq!(domain_count(&t).await, 0);
        // Without a session (a refused login) the address keeps Leptos' refusal, which says no more
        // than "bad credentials", rather than a session be made for it.
        let mut stranger = Client::new(&t.db);
        let refused = stranger
            .submit(path::<app::api::auth::Login>(), "/login", &[("login", "nobody@acme.example"), ("password", "wrong wrong wrong wrong")])
            .await;
        assert_eq!(refused.status, 302);
        let back = refused.location().unwrap();
        assert!(back.contains("__err=") && !back.contains("nobody"), "{back}");
    }

    async fn domains_cannot_be_reached_without_logging_in(t: TestDb) {
        let mut client = Client::new(&t.db);
        assert_eq!(client.call(path::<ListDomains>(), &[]).await.status, 401);
        assert_eq!(client.call(path::<CreateDomain>(), &acme_fields("x.example")).await.status, 401);
        let page = client.get("/domains").await;
        assert_eq!(page.status, 302);
        assert_eq!(page.location(), Some("/login?next=/domains"));
        assert_eq!(domain_count(&t).await, 0);
    }

    async fn the_repository_round_trips_every_setting(t: TestDb) {
        let form = DomainForm {
            domain: "round.trip".into(),
            description: "Ünïcode — fine".into(),
            limits_max_users: "0".into(),
            limits_max_sites: "3".into(),
            area_code: "999".into(),
            caller_id_name: "R&D \"Lab\"".into(),
            caller_id_number: "+44 20 7946 0958".into(),
            voicemail_enabled: "no".into(),
            dial_plan: "custom plan".into(),
            ..DomainForm::new_domain()
        };
        let settings = form.parse_settings().unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let stored = domains::insert(&mut tx, &settings, 1_700_000_000_000).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored.settings, settings);
        let read = domains::get(t.db.pool(), &DomainName::parse("round.trip").unwrap()).await.unwrap().unwrap();
        assert_eq!(read.settings, settings);
        assert_eq!(read.created_at, 1_700_000_000_000);
    }

    async fn a_rolled_back_transaction_leaves_nothing(t: TestDb) {
        let settings = DomainForm { domain: "never.example".into(), ..DomainForm::new_domain() }.parse_settings().unwrap();
        let mut tx = t.db.begin().await.unwrap();
        domains::insert(&mut tx, &settings, 1).await.unwrap();
        drop(tx);
        assert_eq!(domain_count(&t).await, 0);
    }
}
