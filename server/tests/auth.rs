//! Logging in, sessions, set-password links, and the request guards, on both databases.

mod common;

use app::api::auth::{Login, Logout, Me, SetPassword};
use app::api::domains::{CreateDomain, ListDomains};
use app::ssr::auth;
use app::ssr::state::SessionPolicy;
use axum::body::Body;
use axum::http::{header, Request};
use common::{logged_in_super_user, path, settings, Client, ADMIN_PASSWORD};
use std::time::Duration;

/// One audit entry, as stored.
#[derive(Debug)]
struct Audited {
    action: String,
    actor: String,
    address: String,
    domain: Option<String>,
    changes: std::collections::BTreeMap<String, (String, String)>,
}

/// The audit entries about `target`, oldest first.
async fn audit_of(db: &app::ssr::db::Db, target: &str) -> Vec<Audited> {
    let rows: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT action, actor, address, domain, changes FROM audit_log WHERE target = $1 ORDER BY id",
    )
    .bind(target)
    .fetch_all(db.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(action, actor, address, domain, changes)| Audited {
            action,
            actor,
            address,
            domain,
            changes: serde_json::from_str(&changes).unwrap(),
        })
        .collect()
}

on_both_backends! {
    async fn logins_failed_logins_and_invitation_use_are_each_in_the_audit_log_with_the_address(t: TestDb) {
        // The first Super User sets its password through its invitation, then logs in.
        let (_, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, "198.51.100.9".into()).await.unwrap();
        let mut client = Client::new(&t.db);
        client.address = "198.51.100.10".into();
        let ok = client.call(path::<Login>(), &[("login", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert!(ok.status.is_success(), "{}", ok.body);
        // A wrong password, and a login nobody has (typed long, in capitals).
        let wrong_password = "not the password at all";
        let wrong = client.call(path::<Login>(), &[("login", "admin"), ("password", wrong_password)]).await;
        assert_eq!(wrong.status, 401);
        let typed = format!("Nobody@{}.example", "x".repeat(80));
        let unknown = client.call(path::<Login>(), &[("login", &typed), ("password", wrong_password)]).await;
        assert_eq!(unknown.status, 401);

        let audit = audit_of(&t.db, "admin").await;
        let seen: Vec<(&str, &str, &str)> = audit.iter().map(|a| (a.action.as_str(), a.actor.as_str(), a.address.as_str())).collect();
        assert_eq!(seen, [
            ("account.invitation-used", "admin", "198.51.100.9"),
            ("account.login", "admin", "198.51.100.10"),
            ("account.login-failed", "anonymous", "198.51.100.10"),
        ]);
        assert_eq!(audit[0].changes["password"], ("***".to_owned(), "***".to_owned()), "the password is masked");
        assert_eq!(audit[2].changes["reason"].1, "wrong password");
        assert_eq!(audit[2].changes["failures"].1, "1");

        // The unknown login is recorded as typed, lower-cased and cut short, in no domain.
        let recorded: String = format!("nobody@{}", "x".repeat(56)) + "…";
        assert_eq!(recorded.chars().count(), 64);
        let unknown = audit_of(&t.db, &recorded).await;
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert_eq!((unknown[0].action.as_str(), unknown[0].actor.as_str(), unknown[0].address.as_str()), ("account.login-failed", "anonymous", "198.51.100.10"));
        assert_eq!(unknown[0].domain, None, "only Super Users read it");
        assert_eq!(unknown[0].changes["reason"].1, "unknown login");

        // No password, right or wrong, is anywhere in the log.
        for secret in [ADMIN_PASSWORD, wrong_password] {
            let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE changes LIKE $1 OR target LIKE $1")
                .bind(format!("%{secret}%")).fetch_one(t.db.pool()).await.unwrap();
            assert_eq!(found, 0, "{secret} is in the audit log");
        }

        // A reset link is a password set, not an invitation.
        let mut tx = t.db.begin().await.unwrap();
        let admin_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE login = 'admin'").fetch_one(t.db.pool()).await.unwrap();
        let reset = auth::issue_password_link(&mut tx, admin_id, auth::RESET_LINK_TTL).await.unwrap();
        tx.commit().await.unwrap();
        let new_password = "quartz meadow lantern pivot";
        auth::set_password_with_link(&t.db, &reset, new_password, new_password, "198.51.100.11".into()).await.unwrap();
        let last = audit_of(&t.db, "admin").await.pop().unwrap();
        assert_eq!((last.action.as_str(), last.address.as_str()), ("account.password-set", "198.51.100.11"));
    }

    async fn the_first_start_makes_one_super_user_with_a_one_time_link(t: TestDb) {
        let (login, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        assert_eq!(login, "admin");
        assert!(token.len() >= 32);
        // A second start (or a second process) makes no second Super User, only a fresh link,
        // which ends the first: one live link per account.
        let (again, other) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        assert_eq!(again, "admin");
        assert_ne!(token, other);
        assert!(auth::password_link_login(&t.db, &token).await.unwrap().is_none());
        assert!(auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.is_err());
        auth::set_password_with_link(&t.db, &other, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.unwrap();
        assert!(auth::bootstrap_super_user(&t.db).await.unwrap().is_none(), "no link once a password is set");
    }

    async fn next_after_login_is_a_path_of_this_site_or_the_home_page(t: TestDb) {
        let (_, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.unwrap();
        let cases = [
            ("/domains/acme.example/users?q=ann", "/domains/acme.example/users?q=ann"),
            ("/\t/evil.example", "/domains"),
            ("/\n/evil.example", "/domains"),
            ("/\r/evil.example", "/domains"),
            ("/\u{b}/evil.example", "/domains"),
            ("//evil.example", "/domains"),
            ("/\\evil.example", "/domains"),
            ("https://evil.example/", "/domains"),
        ];
        for (next, landing) in cases {
            let mut client = Client::new(&t.db);
            let answer = client
                .submit(path::<app::api::auth::Login>(), "/login", &[("login", "admin"), ("password", ADMIN_PASSWORD), ("next", next)])
                .await;
            assert_eq!(answer.status, 302, "{next:?}: {}", answer.body);
            assert_eq!(answer.location(), Some(landing), "{next:?}");
        }
    }

    async fn a_set_password_link_works_once(t: TestDb) {
        let (_, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        let mut client = Client::new(&t.db);
        let pairs = [("token", token.as_str()), ("password", ADMIN_PASSWORD), ("confirm", ADMIN_PASSWORD)];
        assert!(client.call(path::<SetPassword>(), &pairs).await.status.is_success());
        let reused = client.call(path::<SetPassword>(), &pairs).await;
        assert_eq!(reused.status, 422);
        assert!(reused.body.contains("expired or was already used"), "{}", reused.body);
    }

    async fn a_weak_password_is_refused_with_a_reason_and_the_link_stays_usable(t: TestDb) {
        let (_, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        let mut client = Client::new(&t.db);
        let weak = client.call(path::<SetPassword>(), &[("token", &token), ("password", "admin-admin-admin"), ("confirm", "admin-admin-admin")]).await;
        assert_eq!(weak.status, 422);
        assert!(weak.body.contains("\"field\":\"password\""), "{}", weak.body);
        let differ = client.call(path::<SetPassword>(), &[("token", &token), ("password", ADMIN_PASSWORD), ("confirm", "something else entirely")]).await;
        assert!(differ.body.contains("\"field\":\"confirm\""), "{}", differ.body);
        let ok = client.call(path::<SetPassword>(), &[("token", &token), ("password", ADMIN_PASSWORD), ("confirm", ADMIN_PASSWORD)]).await;
        assert!(ok.status.is_success(), "{}", ok.body);
    }

    async fn an_unknown_login_and_a_wrong_password_get_the_same_answer(t: TestDb) {
        logged_in_super_user(&t.db).await;
        let mut client = Client::new(&t.db);
        let wrong = client.call(path::<Login>(), &[("login", "admin"), ("password", "not the password at all")]).await;
        let unknown = client.call(path::<Login>(), &[("login", "nobody"), ("password", "not the password at all")]).await;
        assert_eq!(wrong.status, 401);
        assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
        assert!(client.cookie.is_none() || client.call(path::<ListDomains>(), &[]).await.status == 401);
    }

    async fn a_hash_made_with_older_parameters_is_upgraded_at_the_next_login(t: TestDb) {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        logged_in_super_user(&t.db).await;
        let weaker = argon2::Params::new(8192, 1, 1, None).unwrap();
        let old = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, weaker)
            .hash_password(ADMIN_PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE login = 'admin'").bind(&old).execute(t.db.writer()).await.unwrap();
        let stored = || async {
            sqlx::query_scalar::<_, String>("SELECT password_hash FROM accounts WHERE login = 'admin'").fetch_one(t.db.pool()).await.unwrap()
        };
        let mut client = Client::new(&t.db);
        let wrong = client.call(path::<Login>(), &[("login", "admin"), ("password", "not the password at all")]).await;
        assert_eq!(wrong.status, 401);
        assert_eq!(stored().await, old, "a failed login changes nothing");
        let ok = client.call(path::<Login>(), &[("login", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert!(ok.status.is_success(), "{}", ok.body);
        let now = stored().await;
        assert!(now.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "upgraded to today's parameters: {now}");
        let mut again = Client::new(&t.db);
        let ok = again.call(path::<Login>(), &[("login", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert!(ok.status.is_success(), "the upgraded hash still verifies: {}", ok.body);
    }

    async fn the_session_id_changes_at_login(t: TestDb) {
        let (login, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.unwrap();
        let mut client = Client::new(&t.db);
        // A session that exists before login (set up by an attacker, say) ...
        client.call(path::<Login>(), &[("login", &login), ("password", "wrong wrong wrong wrong")]).await;
        let planted = "roster_session=AAAAAAAAAAAAAAAAAAAAAA".to_owned();
        client.cookie = Some(planted.clone());
        client.call(path::<Login>(), &[("login", &login), ("password", ADMIN_PASSWORD)]).await;
        // ... is not the one that is logged in.
        assert_ne!(client.cookie.as_deref(), Some(planted.as_str()));
        let mut attacker = Client::new(&t.db);
        attacker.cookie = Some(planted);
        assert_eq!(attacker.call(path::<ListDomains>(), &[]).await.status, 401);
        assert_eq!(client.call(path::<ListDomains>(), &[]).await.status, 200);
    }

    async fn logging_out_ends_the_session_for_good(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let stolen = client.cookie.clone();
        assert!(client.call(path::<Logout>(), &[]).await.status.is_success());
        let mut replay = Client::new(&t.db);
        replay.cookie = stolen;
        assert_eq!(replay.call(path::<ListDomains>(), &[]).await.status, 401);
    }

    async fn the_session_cookie_is_http_only_and_same_site_strict(t: TestDb) {
        let (login, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.unwrap();
        let mut client = Client::new(&t.db);
        let answer = client.call(path::<Login>(), &[("login", &login), ("password", ADMIN_PASSWORD)]).await;
        let cookie = answer.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
        for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!cookie.contains("Secure"), "plain HTTP by default");
        let secure = server::Settings { sessions: SessionPolicy { secure_cookie: true, ..SessionPolicy::default() }, ..settings() };
        let mut tls = Client::with_settings(&t.db, &secure);
        let answer = tls.call(path::<Login>(), &[("login", &login), ("password", ADMIN_PASSWORD)]).await;
        assert!(answer.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("Secure"));
    }

    async fn a_session_past_its_absolute_lifetime_ends_even_while_used(t: TestDb) {
        let (login, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.unwrap();
        let short = server::Settings {
            sessions: SessionPolicy { absolute: Duration::from_millis(1500), ..SessionPolicy::default() },
            ..settings()
        };
        let mut client = Client::with_settings(&t.db, &short);
        client.call(path::<Login>(), &[("login", &login), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!(client.call(path::<ListDomains>(), &[]).await.status, 200);
        tokio::time::sleep(Duration::from_millis(1700)).await;
        assert_eq!(client.call(path::<ListDomains>(), &[]).await.status, 401);
    }

    async fn an_idle_session_ends(t: TestDb) {
        let (login, token) = auth::bootstrap_super_user(&t.db).await.unwrap().unwrap();
        auth::set_password_with_link(&t.db, &token, ADMIN_PASSWORD, ADMIN_PASSWORD, String::new()).await.unwrap();
        let short = server::Settings {
            sessions: SessionPolicy { idle: Duration::from_secs(1), ..SessionPolicy::default() },
            ..settings()
        };
        let mut client = Client::with_settings(&t.db, &short);
        client.call(path::<Login>(), &[("login", &login), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!(client.call(path::<ListDomains>(), &[]).await.status, 200);
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert_eq!(client.call(path::<ListDomains>(), &[]).await.status, 401);
    }

    async fn a_session_is_stored_by_the_hash_of_its_id_only(t: TestDb) {
        use sha2::{Digest, Sha256};
        let client = logged_in_super_user(&t.db).await;
        let id = client.cookie.as_ref().unwrap().split_once('=').unwrap().1.to_owned();
        let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions").fetch_all(t.db.pool()).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], id, "the id itself is not stored");
        let hashed: String = Sha256::digest(id.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(stored[0], hashed);
        // The stored value is no cookie: sent as one, it is nobody.
        let mut thief = Client::new(&t.db);
        thief.cookie = Some(format!("roster_session={}", stored[0]));
        let me = thief.call(path::<Me>(), &[]).await;
        assert_eq!(me.body, "null");
    }

    async fn a_logged_in_super_user_is_who_me_says(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let me: Option<app::api::auth::SignedIn> = serde_json::from_str(&client.call(path::<Me>(), &[]).await.body).unwrap();
        let me = me.unwrap();
        assert_eq!((me.login.as_str(), me.who.scope), ("admin", app::model::Scope::SuperUser));
    }

    async fn ten_wrong_passwords_hold_back_strangers_but_not_the_owner_from_a_known_address(t: TestDb) {
        // The owner logs in from its usual address (every test client's: 203.0.113.1).
        logged_in_super_user(&t.db).await;
        let mut stranger = Client::new(&t.db);
        stranger.address = "198.51.100.66".into();
        for _ in 0..auth::LOCK_AFTER_FAILURES {
            stranger.call(path::<Login>(), &[("login", "admin"), ("password", "not the password at all")]).await;
        }
        // From the stranger's address even the right password is refused, exactly like a wrong one.
        let locked = stranger.call(path::<Login>(), &[("login", "admin"), ("password", ADMIN_PASSWORD)]).await;
        let wrong = stranger.call(path::<Login>(), &[("login", "admin"), ("password", "not the password at all")]).await;
        assert_eq!((locked.status, &locked.body), (wrong.status, &wrong.body), "a locked account looks like a wrong password");
        assert!(!locked.status.is_success());
        // The owner, from an address it has logged in from, still gets in: a stranger cannot
        // lock anyone out, the only Super User included.
        let mut owner = Client::new(&t.db);
        let back = owner.call(path::<Login>(), &[("login", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert!(back.status.is_success(), "{}", back.body);
        // Every failure (the ten counted, and the two held back while locked), the lock and the
        // unlock are in the audit log: the stranger's by `anonymous` from its address, the
        // owner's login that ends the lock by the owner from its own.
        let audit = audit_of(&t.db, "admin").await;
        let count = |action: &str| audit.iter().filter(|a| a.action == action).count();
        let failed: Vec<&Audited> = audit.iter().filter(|a| a.action == "account.login-failed").collect();
        assert_eq!(failed.len(), auth::LOCK_AFTER_FAILURES as usize + 2, "{audit:?}");
        let reasons = |reason: &str| failed.iter().filter(|a| a.changes["reason"].1 == reason).count();
        assert_eq!(reasons("wrong password"), auth::LOCK_AFTER_FAILURES as usize, "{failed:?}");
        assert_eq!(reasons("soft-locked, and not an address it has logged in from"), 2, "{failed:?}");
        assert_eq!(count("account.soft-locked"), 1, "{audit:?}");
        let locked = audit.iter().find(|a| a.action == "account.soft-locked").unwrap();
        assert_eq!(locked.changes["failures"].1, auth::LOCK_AFTER_FAILURES.to_string());
        assert!(audit.iter().filter(|a| ["account.login-failed", "account.soft-locked"].contains(&a.action.as_str()))
            .all(|a| a.actor == "anonymous" && a.address == "198.51.100.66"), "{audit:?}");
        let ends: Vec<(&str, &str, &str)> = audit.iter().rev().take(2).map(|a| (a.action.as_str(), a.actor.as_str(), a.address.as_str())).collect();
        assert_eq!(ends, [("account.login", "admin", "203.0.113.1"), ("account.unlocked", "admin", "203.0.113.1")], "{audit:?}");
        // Unlocked: the count starts again.
        let failures: i64 = sqlx::query_scalar("SELECT failed_logins FROM accounts WHERE login = 'admin'").fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(failures, 0);
    }

    async fn a_cross_site_post_to_a_server_function_is_refused(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        for (name, value) in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")] {
            let req = Request::post(path::<CreateDomain>())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "localhost")
                .header(name, value)
                .body(Body::from("input[domain]=evil.example"))
                .unwrap();
            assert_eq!(client.send(req).await.status, 403, "{name}: {value}");
        }
        assert_eq!(app::ssr::db::domains::count(t.db.pool()).await.unwrap(), 0);
    }

    async fn an_oversized_body_is_refused_with_413(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let huge = "x".repeat(settings().max_body_bytes + 1);
        let answer = client.call(path::<CreateDomain>(), &[("input[domain]", &huge)]).await;
        assert_eq!(answer.status, 413, "streamed without a length");
        let declared = Request::post(path::<CreateDomain>())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, huge.len())
            .body(Body::from(huge))
            .unwrap();
        assert_eq!(client.send(declared).await.status, 413, "declared up front");
        assert_eq!(app::ssr::db::domains::count(t.db.pool()).await.unwrap(), 0);
    }

    async fn health_and_readiness_answer(t: TestDb) {
        let mut client = Client::new(&t.db);
        assert_eq!(client.get("/healthz").await.status, 200);
        assert_eq!(client.get("/readyz").await.status, 200);
        t.db.close().await;
        assert_eq!(client.get("/readyz").await.status, 503, "a closed pool is not ready");
        assert_eq!(client.get("/healthz").await.status, 200, "but the process is alive");
    }

    async fn every_response_carries_a_request_id(t: TestDb) {
        let mut client = Client::new(&t.db);
        let a = client.get("/healthz").await;
        let b = client.get("/healthz").await;
        let id = |x: &common::Answer| x.headers.get("x-request-id").unwrap().to_str().unwrap().to_owned();
        assert_ne!(id(&a), id(&b));
    }
}
