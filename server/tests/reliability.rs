//! What holds under real traffic, on both databases: requests cancelled at any point (their
//! clients went away) leave every write whole or absent and every pooled connection usable, and
//! no request holds a pooled connection while waiting for another, so one tenant's burst does
//! not stall another's.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::{logged_in_super_user, Client, TestDb};
use rand::Rng;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const API: &str = "/ns-api/v2";

/// An API request with a bearer token and, if any, a JSON body.
fn request(method: Method, path: &str, token: &str, body: Option<Value>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(format!("{API}{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("x-forwarded-for", "203.0.113.9");
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

/// Sends `req` through `app` and answers its status and body.
async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A Super User's API key (for every domain) and the router it is used with.
async fn super_key(t: &TestDb) -> (Router, String) {
    let mut admin: Client = logged_in_super_user(&t.db).await;
    let made = admin
        .send(
            Request::post(format!("{API}/apikeys"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"description": "Reliability robot", "domain": "*"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let token = made.json()["key"].as_str().unwrap().to_owned();
    (admin.app.clone(), token)
}

async fn make_domain(app: &Router, token: &str, domain: &str) {
    let (status, body) = send(
        app,
        request(
            Method::POST,
            "/domains",
            token,
            Some(json!({"domain": domain})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}

/// A user with everything attached: a create that writes to every table it can.
fn everything(ext: u32) -> Value {
    json!({
        "user": ext.to_string(), "name-first-name": "Ada", "name-last-name": "Lovelace",
        "email": format!("u{ext}@acme.example"), "site": format!("Site {}", ext % 3),
        "devices": [{"device": ext.to_string()}, {"device": format!("{ext}-desk")}],
        "voicemail": {"enabled": "yes", "login-pin": "8264"},
        "phone-numbers": [format!("+1612555{:04}", ext % 10_000)],
        "answer-rules": [{"time-frame": "*", "forward-no-answer": {"enabled": "yes", "parameters": ["voicemail"]}}],
    })
}

/// Rows that only a half-written user would leave: a user without its account, device, box or
/// answer rule, or anything attached to no user.
async fn half_written(t: &TestDb) -> Vec<(&'static str, i64)> {
    let mut found = Vec::new();
    for (what, sql) in [
        ("users without an account", "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.user_id = u.id)"),
        ("users without devices", "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.user_id = u.id)"),
        ("users with one device of two", "SELECT COUNT(*) FROM users u WHERE (SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id) <> 2"),
        ("users without a voicemail box", "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM voicemail_boxes b WHERE b.user_id = u.id)"),
        ("users without an answer rule", "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM answer_rules r WHERE r.user_id = u.id)"),
        ("users without their number", "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM phone_numbers p WHERE p.user_id = u.id)"),
        ("numbers of nobody", "SELECT COUNT(*) FROM phone_numbers WHERE user_id IS NULL"),
        ("users without an audit entry", "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.action = 'user.create' AND l.target = u.extension)"),
        ("accounts without an invitation", "SELECT COUNT(*) FROM accounts a WHERE a.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM password_tokens p WHERE p.account_id = a.id)"),
    ] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        if n != 0 {
            found.push((what, n));
        }
    }
    found
}

on_both_backends! {
    async fn writes_cancelled_at_any_point_leave_nothing_half_done_and_every_connection_usable(t: TestDb) {
        let (app, key) = super_key(&t).await;
        make_domain(&app, &key, "acme.example").await;
        // Learn how long a create takes, then cancel 100 of them at moments spread over it: the
        // first poll, each step of the transaction, the commit, the answer. Every other one also
        // names an Idempotency-Key, whose claim must not outlive its cancelled request.
        let started = Instant::now();
        let (status, body) = send(&app, request(Method::POST, "/domains/acme.example/users", &key, Some(everything(999)))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let span = started.elapsed().max(Duration::from_millis(2)) * 2;
        let mut rng = rand::thread_rng();
        let mut keys = Vec::new();
        for i in 0..100u32 {
            let mut req = request(Method::POST, "/domains/acme.example/users", &key, Some(everything(1000 + i)));
            if i % 2 == 0 {
                let k = format!("retry-{i}");
                req.headers_mut().insert("idempotency-key", k.parse().unwrap());
                keys.push((i, k));
            }
            let after = if i < 10 { Duration::ZERO } else { span.mul_f64(rng.gen_range(0.0..1.0)) };
            let _ = tokio::time::timeout(after, app.clone().oneshot(req)).await;
            // Some updates too, cancelled the same way.
            let put = request(Method::PUT, "/domains/acme.example/users/999", &key,
                Some(json!({"status-message": format!("take {i}"), "caller-id-name": "Cancelled"})));
            let _ = tokio::time::timeout(span.mul_f64(rng.gen_range(0.0..1.0)), app.clone().oneshot(put)).await;
        }
        // What a dropped request left to be let go (a claim, a rollback) is let go shortly.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(half_written(&t).await, [], "a cancelled write left part of itself behind");

        // A retry of a cancelled create with the same key runs (or answers its first answer).
        for (i, k) in keys.iter().take(5) {
            let mut req = request(Method::POST, "/domains/acme.example/users", &key, Some(everything(1000 + i)));
            req.headers_mut().insert("idempotency-key", k.parse().unwrap());
            let (status, body) = send(&app, req).await;
            assert!(
                status == StatusCode::ACCEPTED || status == StatusCode::CONFLICT && body.contains("already taken"),
                "retry {k}: {status} {body}"
            );
        }

        // Then 500 writes from 32 clients at once: not one fails.
        let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(32));
        let mut tasks = Vec::new();
        for n in 0..500u32 {
            let (app, key, semaphore) = (app.clone(), key.clone(), semaphore.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = semaphore.acquire().await.unwrap();
                let req = if n % 5 == 4 {
                    request(Method::PUT, "/domains/acme.example/users/999", &key,
                        Some(json!({"status-message": format!("write {n}")})))
                } else {
                    request(Method::POST, "/domains/acme.example/users", &key, Some(everything(3000 + n)))
                };
                send(&app, req).await
            }));
        }
        let mut failed = Vec::new();
        for task in tasks {
            let (status, body) = task.await.unwrap();
            if status != StatusCode::ACCEPTED {
                failed.push(format!("{status} {body}"));
            }
        }
        assert!(failed.is_empty(), "{} of 500 writes failed, the first: {:?}", failed.len(), failed.first());
        assert_eq!(half_written(&t).await, []);
        let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE extension >= '3000' AND extension < '4000'")
            .fetch_one(t.db.pool()).await.unwrap();
        assert_eq!(made, 400);
    }

    async fn a_burst_for_one_number_does_not_stall_another_tenant(t: TestDb) {
        let (app, key) = super_key(&t).await;
        make_domain(&app, &key, "acme.example").await;
        make_domain(&app, &key, "other.example").await;
        let (status, body) = send(&app, request(Method::POST, "/domains/acme.example/users", &key, Some(everything(100)))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let (status, body) = send(&app, request(Method::POST, "/domains/other.example/users", &key,
            Some(json!({"user": "200", "name-first-name": "Bo", "name-last-name": "Kerr", "email": "bo@other.example"})))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");

        // 200 requests for one number at once: each finds the number, then asks whether its
        // caller may see the user it rings.
        let number = "/domains/acme.example/phonenumbers/+16125550100";
        let mut burst = Vec::new();
        for _ in 0..200 {
            let (app, key) = (app.clone(), key.clone());
            burst.push(tokio::spawn(async move {
                send(&app, request(Method::GET, number, &key, None)).await.0
            }));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        let asked = Instant::now();
        let (status, body) = send(&app, request(Method::GET, "/domains/other.example/users/200", &key, None)).await;
        let waited = asked.elapsed();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(waited < Duration::from_secs(1), "another tenant's read waited {waited:?}");
        for request in burst {
            assert_eq!(request.await.unwrap(), StatusCode::OK);
        }
    }
}

on_both_backends! {
    async fn an_idempotency_claim_is_let_go_only_by_the_request_that_holds_it(t: TestDb) {
        use app::ssr::idempotency::{claim, complete, release, Claim, Ticket};
        let first = Ticket::new("account:1", "order-7");
        assert!(matches!(claim(&t.db, &first, "hash-a").await.unwrap(), Claim::Mine));
        // Another request with the key (say, one cancelled while it claimed, letting go of what it
        // may have claimed) does not free the first one's claim.
        let other = Ticket::new("account:1", "order-7");
        assert!(matches!(claim(&t.db, &other, "hash-a").await.unwrap(), Claim::Running));
        release(&t.db, &other).await.unwrap();
        assert!(matches!(claim(&t.db, &other, "hash-a").await.unwrap(), Claim::Running));
        // Its holder does, and then a retry runs.
        release(&t.db, &first).await.unwrap();
        let retry = Ticket::new("account:1", "order-7");
        assert!(matches!(claim(&t.db, &retry, "hash-a").await.unwrap(), Claim::Mine));
        // Once answered, the answer stays whoever lets go.
        complete(&t.db, &retry, 202, "{\"code\":202}").await.unwrap();
        release(&t.db, &retry).await.unwrap();
        release(&t.db, &first).await.unwrap();
        match claim(&t.db, &Ticket::new("account:1", "order-7"), "hash-a").await.unwrap() {
            Claim::Answered { status, body } => assert_eq!((status, body.as_str()), (202, "{\"code\":202}")),
            _ => panic!("the answer was not kept"),
        }
    }
}

on_both_backends! {
    async fn a_disabling_cancelled_at_any_point_ends_the_users_sessions_exactly_when_it_takes_effect(t: TestDb) {
        let (app, key) = super_key(&t).await;
        make_domain(&app, &key, "acme.example").await;
        let (status, body) = send(&app, request(Method::POST, "/domains/acme.example/users", &key, Some(everything(100)))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let account: i64 = sqlx::query_scalar(
            "SELECT a.id FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.extension = '100'",
        )
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        let user = "/domains/acme.example/users/100";
        let set_status = |status: &str| request(Method::PUT, user, &key, Some(json!({"status": status})));
        let started = Instant::now();
        assert_eq!(send(&app, set_status("disabled")).await.0, StatusCode::ACCEPTED);
        let span = started.elapsed().max(Duration::from_millis(2)) * 2;
        let mut rng = rand::thread_rng();
        for i in 0..60u32 {
            assert_eq!(send(&app, set_status("enabled")).await.0, StatusCode::ACCEPTED);
            sqlx::query("INSERT INTO sessions (id, account_id, data, expires_at) VALUES ($1, $2, '{}', $3)")
                .bind(format!("live-{i}"))
                .bind(account)
                .bind(i64::MAX / 2)
                .execute(t.db.writer())
                .await
                .unwrap();
            // The client goes away at some moment of the disabling: before it, during its
            // transaction, at its commit, or after.
            let after = span.mul_f64(rng.gen_range(0.0..1.0));
            let _ = tokio::time::timeout(after, app.clone().oneshot(set_status("disabled"))).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let disabled: bool = {
                let (_, body) = send(&app, request(Method::GET, user, &key, None)).await;
                serde_json::from_str::<Value>(&body).unwrap()["status"] == "disabled"
            };
            let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE account_id = $1")
                .bind(account)
                .fetch_one(t.db.pool())
                .await
                .unwrap();
            // Disabled and its sessions gone, or neither: never a disabled user still logged in.
            assert_eq!(sessions, i64::from(!disabled), "take {i}: disabled {disabled}, {sessions} sessions");
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account)
                .execute(t.db.writer())
                .await
                .unwrap();
        }
    }
}

on_both_backends! {
    async fn a_transaction_abandoned_while_it_begins_leaves_its_connection_outside_any_transaction(t: TestDb) {
        use std::future::Future;
        use std::task::Poll;
        // Begin 200 transactions (writing and reading ones in turn) and drop each after a few
        // polls, at moments spread over the begin (before BEGIN is sent, while its answer is
        // awaited, once it is done).
        type Begin<'a> = std::pin::Pin<Box<dyn Future<Output = app::ssr::db::DbResult<app::ssr::db::Tx>> + Send + 'a>>;
        for i in 0..200usize {
            let mut begin: Begin<'_> = if i % 2 == 0 { Box::pin(t.db.begin()) } else { Box::pin(t.db.begin_read()) };
            for _ in 0..(i / 2) % 7 {
                let polled = std::future::poll_fn(|cx| Poll::Ready(begin.as_mut().poll(cx))).await;
                if polled.is_ready() {
                    break;
                }
                tokio::task::yield_now().await;
            }
            drop(begin);
            // A write outside a transaction on the same pool then commits at once: another
            // connection sees it. (Borrowing a connection left inside a transaction, it would
            // sit uncommitted, and keep its locks.)
            let name = format!("Abandoned {i}");
            sqlx::query("INSERT INTO resellers (name, settings, created_at, updated_at) VALUES ($1, '{}', 0, 0)")
                .bind(&name)
                .execute(t.db.writer())
                .await
                .unwrap();
            let url = if t.url.contains("://") { t.url.clone() } else { format!("sqlite://{}", t.url) };
            let mut other = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await.unwrap();
            let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM resellers WHERE name = $1")
                .bind(&name)
                .fetch_one(&mut other)
                .await
                .unwrap();
            assert_eq!(seen, 1, "the write after abandoned begin {i} was not committed");
            sqlx::Connection::close(other).await.unwrap();
        }
    }
}
