//! Mail, end to end against a real SMTP server (aiosmtpd): the welcome message of a create, the
//! outbox with no relay, retries while the relay is down, failures shown, password resets (one
//! live link, the same answer for everyone, throttled, audited), invitations after an import,
//! and NetSapiens' email route. Each on SQLite and on Postgres.

mod common;

use app::model::domain::DomainForm;
use app::model::mail::{Invitation, MailStatus, MailTemplate};
use app::model::user::UserForm;
use app::model::{DomainName, Parse};
use app::ssr::caller::Caller;
use app::ssr::db::Db;
use app::ssr::mail::{MailSettings, Relay, Security};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::smtp::{token_in, SmtpServer};
use common::{make_domain, path, Client};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ACME: &str = "acme.example";
const PASSWORD: &str = "plum harbour violet engine";

fn acme() -> DomainName {
    DomainName::parse(ACME).unwrap()
}

/// Mail settings for a relay on `port` (none: the outbox), trying again after `retry_ms`.
fn mail_settings(port: Option<u16>, retry_ms: u64, max_attempts: i64) -> Arc<MailSettings> {
    Arc::new(MailSettings {
        relay: port.map(|port| Relay {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            credentials: None,
        }),
        from: "Roster <roster@pbx.example>".into(),
        public_url: "http://portal.example".into(),
        retry_after: Duration::from_millis(retry_ms),
        max_attempts,
        poll: Duration::from_millis(100),
    })
}

/// Starts this test's mail worker.
fn start_worker(db: &Db, settings: &Arc<MailSettings>) {
    tokio::spawn(app::ssr::mail::relay::run(db.clone(), settings.clone()));
}

/// acme.example, its mail from the office with replies to its manager.
async fn acme_domain(db: &Db) {
    make_domain(
        db,
        DomainForm {
            domain: ACME.into(),
            description: "Acme Corporation".into(),
            email_send_from_address: "office@acme.example".into(),
            email_reply_to_address: "manager@acme.example".into(),
            ..DomainForm::new_domain()
        },
    )
    .await;
}

fn person(ext: &str) -> UserForm {
    UserForm {
        user: ext.into(),
        name_first_name: "Ann".into(),
        name_last_name: "Lee".into(),
        email: format!("ann{ext}@people.example; a{ext}@home.example"),
        ..UserForm::default()
    }
}

async fn create(db: &Db, form: &UserForm, invitation: Invitation) -> app::ssr::users::Created {
    app::ssr::users::create_user_with_devices(
        db,
        &Caller::system(),
        &acme(),
        form,
        None,
        invitation,
    )
    .await
    .unwrap_or_else(|e| panic!("create {}: {e:?}", form.user))
}

/// The outbox as stored: (template, status, attempts, params, last error), oldest first.
async fn outbox(db: &Db) -> Vec<(String, String, i64, String, Option<String>)> {
    sqlx::query_as(
        "SELECT template, status, attempts, params, last_error FROM mail_outbox ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

/// Waits (at most 20 s) until `done` holds of the outbox.
async fn outbox_until(
    db: &Db,
    what: &str,
    done: impl Fn(&[(String, String, i64, String, Option<String>)]) -> bool,
) -> Vec<(String, String, i64, String, Option<String>)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rows = outbox(db).await;
        if done(&rows) {
            return rows;
        }
        assert!(Instant::now() < deadline, "{what}: the outbox is {rows:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether a set-password token is live.
async fn live(db: &Db, token: &str) -> bool {
    app::ssr::auth::password_link_login(db, token)
        .await
        .unwrap()
        .is_some()
}

async fn audit_actions(db: &Db) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT action, actor, target FROM audit_log ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

on_both_backends! {
    async fn a_user_created_with_send_gets_its_welcome_message_through_the_relay(t: TestDb) {
        let smtp = SmtpServer::start();
        start_worker(&t.db, &mail_settings(Some(smtp.port), 100, 5));
        acme_domain(&t.db).await;
        let created = create(&t.db, &person("101"), Invitation::Send).await;
        assert_eq!(created.mailed_to.as_deref(), Some("ann101@people.example;a101@home.example"));
        let token = created.invitation.clone().expect("a link");

        let mail = smtp.wait_for(1).await;
        let m = &mail[0];
        assert_eq!(m["rcpt_tos"], json!(["ann101@people.example", "a101@home.example"]));
        assert_eq!(m["mail_from"], "office@acme.example");
        assert_eq!(m["from"], "Acme Corporation <office@acme.example>");
        assert_eq!(m["reply_to"], "manager@acme.example");
        assert_eq!(m["subject"], "Welcome to Acme Corporation: set up your account");
        let text = m["text"].as_str().unwrap();
        assert!(text.contains("Your extension is 101 in acme.example"), "{text}");
        assert!(text.contains("Your portal login is 101@acme.example"), "{text}");
        assert!(text.contains("http://portal.example/set-password?token="), "{text}");
        assert!(m["html"].as_str().unwrap().contains("<strong>101</strong>"));
        // The link in the mail is the user's live link.
        assert_eq!(token_in(m), token);
        assert_eq!(
            app::ssr::auth::password_link_login(&t.db, &token).await.unwrap().as_deref(),
            Some("101@acme.example")
        );
        // Sent, and the secret is no longer stored.
        let rows = outbox_until(&t.db, "sent", |r| r.iter().all(|m| m.1 == "sent")).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, "welcome");
        assert!(!rows[0].3.contains(&token), "{}", rows[0].3);

        // A user created with a link only gets no mail.
        create(&t.db, &person("102"), Invitation::Link).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smtp.messages().len(), 1);
        assert_eq!(outbox(&t.db).await.len(), 1);
    }

    async fn nothing_is_queued_for_a_create_that_fails(t: TestDb) {
        acme_domain(&t.db).await;
        let refused = app::ssr::users::create_user_with_devices(
            &t.db,
            &Caller::system(),
            &acme(),
            &UserForm { groups: "No Such Group".into(), ..person("101") },
            None,
            Invitation::Send,
        )
        .await
        .unwrap_err();
        assert!(refused.message_for("groups[0]").is_some(), "{refused:?}");
        // A user with no portal cannot be sent an invitation: said beside its other problems.
        let refused = app::ssr::users::create_user_with_devices(
            &t.db,
            &Caller::system(),
            &acme(),
            &UserForm { user_scope: "No Portal".into(), name_first_name: String::new(), ..person("103") },
            None,
            Invitation::Send,
        )
        .await
        .unwrap_err();
        assert!(refused.message_for("invitation").is_some(), "{refused:?}");
        assert!(refused.message_for("name-first-name").is_some(), "{refused:?}");
        // A failure after the message was queued (the audit entry cannot be written) rolls it
        // back with the rest.
        let trigger = match t.db.backend() {
            app::ssr::db::Backend::Sqlite => vec![
                "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'forced failure'); END",
            ],
            app::ssr::db::Backend::Postgres => vec![
                "CREATE OR REPLACE FUNCTION fail_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_insert()",
            ],
        };
        for sql in trigger {
            sqlx::query(sql).execute(t.db.writer()).await.unwrap();
        }
        let failed = app::ssr::users::create_user_with_devices(
            &t.db, &Caller::system(), &acme(), &person("102"), None, Invitation::Send,
        )
        .await;
        assert!(failed.is_err());
        assert!(outbox(&t.db).await.is_empty());
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(users, 0);
    }

    async fn without_a_relay_mail_is_kept_in_the_outbox_for_a_super_user_to_read(t: TestDb) {
        let settings = mail_settings(None, 100, 5);
        start_worker(&t.db, &settings);
        acme_domain(&t.db).await;
        let token = create(&t.db, &person("101"), Invitation::Send).await.invitation.unwrap();
        outbox_until(&t.db, "kept", |r| r.len() == 1 && r[0].1 == "kept").await;

        let mut admin = common::logged_in_super_user(&t.db).await;
        admin.mail_settings(&t.db, &settings);
        let page = admin.call(path::<app::api::outbox::ListOutbox>(), &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let page = page.json();
        assert_eq!(page["relay"], Value::Null);
        let entry = page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["template"] == "welcome")
            .expect("the welcome message");
        assert_eq!(entry["status"], MailStatus::Kept.as_str());
        assert_eq!(entry["to"], "ann101@people.example;a101@home.example");
        let id = entry["id"].to_string();
        let message = admin.call(path::<app::api::outbox::OutboxMessage>(), &[("id", &id)]).await;
        assert_eq!(message.status, StatusCode::OK, "{}", message.body);
        let text = message.json()["text"].as_str().unwrap().to_owned();
        assert!(text.contains(&format!("http://portal.example/set-password?token={token}")), "{text}");
        // Filtered by status.
        let sent = admin.call(path::<app::api::outbox::ListOutbox>(), &[("status", "sent")]).await;
        assert_eq!(sent.json()["entries"], json!([]));

        // Nobody else reads it: an Office Manager of the domain is refused.
        let manager = create(&t.db, &UserForm { user_scope: "Office Manager".into(), ..person("150") }, Invitation::Link)
            .await
            .invitation
            .unwrap();
        app::ssr::auth::set_password_with_link(&t.db, &manager, PASSWORD, PASSWORD, String::new()).await.unwrap();
        let mut om = Client::new(&t.db);
        let login = om.call(path::<app::api::auth::Login>(), &[("login", "150@acme.example"), ("password", PASSWORD)]).await;
        assert!(login.status.is_success(), "{}", login.body);
        let refused = om.call(path::<app::api::outbox::ListOutbox>(), &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let refused = om.call(path::<app::api::outbox::OutboxMessage>(), &[("id", &id)]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }

    async fn a_message_waits_while_the_relay_is_down_and_goes_out_when_it_returns(t: TestDb) {
        let mut smtp = SmtpServer::stopped();
        start_worker(&t.db, &mail_settings(Some(smtp.port), 150, 50));
        acme_domain(&t.db).await;
        create(&t.db, &person("101"), Invitation::Send).await;
        let rows = outbox_until(&t.db, "two failed attempts", |r| r.len() == 1 && r[0].2 >= 2).await;
        assert_eq!(rows[0].1, "queued");
        assert!(rows[0].4.is_some(), "the last error is kept: {rows:?}");
        // The user's page shows why it has not gone yet.
        let settings = mail_settings(Some(smtp.port), 150, 50);
        let shown = app::ssr::users::mail_of(&t.db, &Caller::system(), &acme(), "101", &settings).await.unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].status, MailStatus::Queued);
        assert!(shown[0].attempts >= 2 && shown[0].last_error.is_some(), "{shown:?}");

        smtp.resume();
        let mail = smtp.wait_for(1).await;
        assert!(mail[0]["subject"].as_str().unwrap().starts_with("Welcome to Acme"));
        outbox_until(&t.db, "sent", |r| r[0].1 == "sent").await;
        // Exactly once.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(smtp.messages().len(), 1);
    }

    async fn a_message_that_keeps_failing_is_marked_failed_on_the_users_page(t: TestDb) {
        let smtp = SmtpServer::stopped();
        let settings = mail_settings(Some(smtp.port), 50, 2);
        start_worker(&t.db, &settings);
        acme_domain(&t.db).await;
        let token = create(&t.db, &person("101"), Invitation::Send).await.invitation.unwrap();
        let rows = outbox_until(&t.db, "failed", |r| r.len() == 1 && r[0].1 == "failed").await;
        assert_eq!(rows[0].2, 2);
        assert!(!rows[0].3.contains(&token), "a failed message keeps no secret");
        let shown = app::ssr::users::mail_of(&t.db, &Caller::system(), &acme(), "101", &settings).await.unwrap();
        assert_eq!(shown[0].status, MailStatus::Failed);
        assert!(shown[0].last_error.is_some());
        // The page shows it.
        let mut admin = common::logged_in_super_user(&t.db).await;
        admin.mail_settings(&t.db, &settings);
        let page = admin.get(&format!("/domains/{ACME}/users/101")).await;
        assert!(page.body.contains("Failed after 2 attempts"), "{}", page.body);
    }

    async fn a_password_reset_answers_alike_sends_one_live_link_and_is_throttled(t: TestDb) {
        let smtp = SmtpServer::start();
        let settings = mail_settings(Some(smtp.port), 100, 5);
        start_worker(&t.db, &settings);
        acme_domain(&t.db).await;
        let invitation = create(&t.db, &person("101"), Invitation::Link).await.invitation.unwrap();
        app::ssr::auth::set_password_with_link(&t.db, &invitation, PASSWORD, PASSWORD, String::new()).await.unwrap();
        // Setting a password tells the owner: the first message.
        let mail = smtp.wait_for(1).await;
        assert_eq!(mail[0]["subject"], "Your password for Acme Corporation was changed");
        let mut anyone = Client::new(&t.db);
        anyone.mail_settings(&t.db, &settings);
        let ask = |who: &'static str| (path::<app::api::auth::ForgotPassword>(), who);

        // By login, then by e-mail address (any case): each sends a link; only the newest is live.
        for who in ["101@acme.example", "A101@HOME.example"] {
            let (p, who) = ask(who);
            let answer = anyone.call(p, &[("who", who)]).await;
            assert!(answer.status.is_success(), "{}", answer.body);
        }
        let mail = smtp.wait_for(3).await;
        assert!(mail[1..].iter().all(|m| m["subject"] == "Reset your password for Acme Corporation"));
        assert!(mail[1]["text"].as_str().unwrap().contains("for 1 hour"));
        let (first, second) = (token_in(&mail[1]), token_in(&mail[2]));
        assert!(!live(&t.db, &first).await, "a newer link ends the older one");
        assert!(live(&t.db, &second).await);

        // Unknown accounts get the same answer, and nothing is sent.
        let (p, _) = ask("");
        for who in ["999@acme.example", "nobody@nowhere.example"] {
            let answer = anyone.call(p, &[("who", who)]).await;
            assert!(answer.status.is_success(), "{}", answer.body);
        }
        // A third request is sent; a fourth within the hour is answered alike and sends nothing.
        for _ in 0..2 {
            let answer = anyone.call(p, &[("who", "101@acme.example")]).await;
            assert!(answer.status.is_success(), "{}", answer.body);
        }
        smtp.wait_for(4).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let mail = smtp.messages();
        assert_eq!(mail.len(), 4, "the fourth request is throttled");
        let newest = token_in(&mail[3]);

        // The link sets the password: it is used up, and the owner is told.
        let new_password = "saffron kettle meadow drift";
        app::ssr::auth::set_password_with_link(&t.db, &newest, new_password, new_password, "198.51.100.7".into()).await.unwrap();
        assert!(!live(&t.db, &newest).await);
        let mail = smtp.wait_for(5).await;
        assert_eq!(mail[4]["subject"], "Your password for Acme Corporation was changed");
        assert!(!mail[4]["text"].as_str().unwrap().contains("token="));

        // The audit log has each request (unknown ones name nobody) and the change.
        let audit = audit_actions(&t.db).await;
        let requests: Vec<_> = audit.iter().filter(|a| a.0 == "account.password-reset-requested").collect();
        assert_eq!(requests.len(), 4, "{audit:?}");
        assert!(requests.iter().all(|a| a.1 == "anonymous" && a.2 == "101@acme.example"));
        let outcome: Vec<String> = sqlx::query_scalar("SELECT changes FROM audit_log WHERE action = 'account.password-reset-requested' ORDER BY id")
            .fetch_all(t.db.pool()).await.unwrap();
        assert!(outcome[3].contains("throttled"), "{outcome:?}");
        assert!(audit.iter().any(|a| a.0 == "account.password-set" && a.1 == "101@acme.example"), "{audit:?}");
        // And the new password works.
        let login = anyone.call(path::<app::api::auth::Login>(), &[("login", "101@acme.example"), ("password", new_password)]).await;
        assert!(login.status.is_success(), "{}", login.body);
    }

    async fn reset_requests_from_one_address_are_limited_like_logins(t: TestDb) {
        acme_domain(&t.db).await;
        let strict = server::Settings {
            logins: server::guard::LoginRate { burst: 2, per_minute: 1, failure_delay: Duration::ZERO },
            ..common::settings()
        };
        let mut stranger = Client::with_settings(&t.db, &strict);
        let ask = path::<app::api::auth::ForgotPassword>();
        for n in 0..2 {
            let who = format!("{n}@nowhere.example");
            let answer = stranger.call(ask, &[("who", &who)]).await;
            assert!(answer.status.is_success(), "{}", answer.body);
        }
        let refused = stranger.call(ask, &[("who", "2@nowhere.example")]).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
        // Another address is not held back by it.
        stranger.address = "198.51.100.9".into();
        let answer = stranger.call(ask, &[("who", "3@nowhere.example")]).await;
        assert!(answer.status.is_success(), "{}", answer.body);
    }

    async fn one_live_set_password_link_per_account(t: TestDb) {
        acme_domain(&t.db).await;
        let first = create(&t.db, &person("101"), Invitation::Link).await.invitation.unwrap();
        let (system, domain) = (Caller::system(), acme());
        let invite = |how| app::ssr::users::invite(&t.db, &system, &domain, "101", how);
        let second = invite(Invitation::Link).await.unwrap().token;
        let third = invite(Invitation::Send).await.unwrap();
        assert!(third.mailed_to.is_some());
        assert!(!live(&t.db, &first).await && !live(&t.db, &second).await);
        assert!(live(&t.db, &third.token).await);
        // Using the live one ends it.
        app::ssr::auth::set_password_with_link(&t.db, &third.token, PASSWORD, PASSWORD, String::new()).await.unwrap();
        assert!(!live(&t.db, &third.token).await);
        // A password change ends a link made since.
        let fourth = invite(Invitation::Link).await.unwrap().token;
        let mut user = Client::new(&t.db);
        let login = user.call(path::<app::api::auth::Login>(), &[("login", "101@acme.example"), ("password", PASSWORD)]).await;
        assert!(login.status.is_success(), "{}", login.body);
        let changed = user.call(path::<app::api::profile::ChangePassword>(), &[
            ("current", PASSWORD), ("password", "saffron kettle meadow drift"), ("confirm", "saffron kettle meadow drift"),
        ]).await;
        assert!(changed.status.is_success(), "{}", changed.body);
        assert!(!live(&t.db, &fourth).await);
    }

    async fn imported_users_are_invited_in_one_batch_with_progress(t: TestDb) {
        let smtp = SmtpServer::start();
        let settings = mail_settings(Some(smtp.port), 100, 5);
        start_worker(&t.db, &settings);
        acme_domain(&t.db).await;
        let csv = "user,name-first-name,name-last-name,email,user-scope\n\
                   201,Ann,Lee,ann@people.example,Basic User\n\
                   202,Bo,Kim,bo@people.example,Office Manager\n\
                   203,Cy,Day,cy@people.example,No Portal\n";
        let report = app::ssr::bulk::import_users(&t.db, &Caller::system(), &acme(), csv, false, None).await.unwrap();
        assert_eq!(report.created, 3, "{report:?}");
        let invited = app::ssr::users::invite_uninvited(&t.db, &Caller::system(), &acme()).await.unwrap();
        assert_eq!(invited.invited, 2);
        let batch = invited.batch.unwrap();
        let mail = smtp.wait_for(2).await;
        let mut to: Vec<&str> = mail.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap()).collect();
        to.sort();
        assert_eq!(to, ["ann@people.example", "bo@people.example"]);
        assert!(mail.iter().all(|m| m["subject"] == "Your invitation to Acme Corporation"));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let progress = app::ssr::users::batch_progress(&t.db, &Caller::system(), &acme(), &batch).await.unwrap();
            if progress.done() {
                assert_eq!((progress.sent, progress.failed, progress.total()), (2, 0, 2));
                break;
            }
            assert!(Instant::now() < deadline, "{progress:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Those invited hold a live link now: a second run invites nobody.
        let again = app::ssr::users::invite_uninvited(&t.db, &Caller::system(), &acme()).await.unwrap();
        assert_eq!((again.invited, again.batch), (0, None));
    }

    async fn the_api_sends_invitations_on_create_and_through_netsapiens_email_route(t: TestDb) {
        let smtp = SmtpServer::start();
        let settings = mail_settings(Some(smtp.port), 100, 5);
        start_worker(&t.db, &settings);
        acme_domain(&t.db).await;
        let mut admin = common::logged_in_super_user(&t.db).await;
        admin.mail_settings(&t.db, &settings);
        let api = |method: Method, path: String, body: Value| {
            Request::builder()
                .method(method)
                .uri(format!("/ns-api/v2{path}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let body = json!({"user": "101", "name-first-name": "Ann", "name-last-name": "Lee",
                          "email": "ann@people.example", "invitation": "send", "synchronous": "yes"});
        let made = admin.send(api(Method::POST, format!("/domains/{ACME}/users"), body)).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let made = made.json();
        assert_eq!(made["invitation-sent-to"], "ann@people.example");
        assert!(made.get("invitation-link").is_none(), "a mailed link is not answered too: {made}");
        smtp.wait_for(1).await;

        let bad = json!({"user": "102", "name-first-name": "Bo", "name-last-name": "Kim",
                         "email": "bo@people.example", "invitation": "carrier pigeon"});
        let refused = admin.send(api(Method::POST, format!("/domains/{ACME}/users"), bad)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("invitation"), "{}", refused.body);

        // NetSapiens' own example body.
        let sent = admin.send(api(Method::POST, format!("/domains/{ACME}/users/101/email"),
            json!({"template": "welcome_email.php", "subject": "New Account Setup"}))).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert_eq!(sent.json()["sent-to"], "ann@people.example");
        let mail = smtp.wait_for(2).await;
        assert_eq!(mail[1]["subject"], "Your invitation to Acme Corporation");
        let reset = admin.send(api(Method::POST, format!("/domains/{ACME}/users/101/email"),
            json!({"template": "password-reset"}))).await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
        let mail = smtp.wait_for(3).await;
        assert!(live(&t.db, &token_in(&mail[2])).await);
        assert!(!live(&t.db, &token_in(&mail[1])).await);
        let unknown = admin.send(api(Method::POST, format!("/domains/{ACME}/users/101/email"),
            json!({"template": "newsletter"}))).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
        assert!(unknown.body.contains("template"), "{}", unknown.body);
        // No header of the messages was written by a value.
        for m in smtp.messages() {
            let names: Vec<&str> = m["headers"].as_array().unwrap().iter().map(|h| h[0].as_str().unwrap()).collect();
            assert!(!names.iter().any(|n| n.eq_ignore_ascii_case("bcc")), "{names:?}");
        }
        let templates: Vec<String> = outbox(&t.db).await.into_iter().map(|r| r.0).collect();
        assert_eq!(templates, [MailTemplate::Welcome, MailTemplate::Invitation, MailTemplate::PasswordReset].map(|t| t.as_str().to_owned()));
    }
}
