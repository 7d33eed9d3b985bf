//! Bulk CSV through the API (`/users/import`, `/users/export`), on both databases.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{logged_in_super_user, Answer, Client};
use serde_json::{json, Value};

const API: &str = "/ns-api/v2";

async fn send(
    client: &mut Client,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: String,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{API}{path}"))
        .header(header::CONTENT_TYPE, content_type);
    if !token.is_empty() {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = req.body(Body::from(body)).unwrap();
    client.send(req).await
}

/// A Super User's key and a domain `acme.example` holding at most `max_users` users.
async fn world(db: &app::ssr::db::Db, max_users: u32) -> (Client, String) {
    let mut client = logged_in_super_user(db).await;
    let made = send(
        &mut client,
        Method::POST,
        "/apikeys",
        "",
        "application/json",
        json!({"description": "Bulk import robot", "domain": "*"}).to_string(),
    )
    .await;
    let token = made.json()["key"].as_str().unwrap().to_owned();
    client.cookie = None;
    let domain = send(
        &mut client,
        Method::POST,
        "/domains",
        &token,
        "application/json",
        json!({"domain": "acme.example", "limits-max-users": max_users}).to_string(),
    )
    .await;
    assert_eq!(domain.status, StatusCode::ACCEPTED, "{}", domain.body);
    (client, token)
}

async fn user_count(client: &mut Client, token: &str) -> u64 {
    let count = send(
        client,
        Method::GET,
        "/domains/acme.example/users/count",
        token,
        "application/json",
        String::new(),
    )
    .await;
    count.json()["total"].as_u64().unwrap()
}

const GOOD: &str = "user,name-first-name,name-last-name,email,phone-numbers\n\
    2001,Ann,Lee,ann@example.com,+16125550101\n\
    2002,Bob,Ray,bob@example.com,\n";

on_both_backends! {
    async fn a_dry_run_names_every_bad_row_and_writes_nothing(db: TestDb) {
        let (mut c, key) = world(&db.db, 100).await;
        let csv = "user,name-first-name,name-last-name,email\n2001,Ann,Lee,ann@example.com\nx y,,Ray,nope\n2001,Cy,Doe,cy@example.com\n";
        let checked = send(&mut c, Method::POST, "/domains/acme.example/users/import?dry-run=yes", &key, "text/csv", csv.into()).await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
        let report = checked.json();
        assert_eq!(report["dry-run"], true);
        assert_eq!(report["created"], 0);
        let rows: Vec<u64> = report["problems"].as_array().unwrap().iter().map(|p| p["row"].as_u64().unwrap()).collect();
        assert!(rows.contains(&3) && rows.contains(&4), "{report}");
        assert!(!rows.contains(&2), "{report}");
        assert_eq!(user_count(&mut c, &key).await, 0);
    }

    async fn a_real_import_with_one_bad_row_is_refused_whole_with_row_and_field(db: TestDb) {
        let (mut c, key) = world(&db.db, 100).await;
        let csv = format!("{GOOD}2003,Cy,Doe,not-an-email\n");
        let refused = send(&mut c, Method::POST, "/domains/acme.example/users/import", &key, "text/csv", csv).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        let fields: Vec<String> = refused.json()["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap().to_owned()).collect();
        assert_eq!(fields, vec!["rows[4].email".to_owned()]);
        assert_eq!(user_count(&mut c, &key).await, 0);
    }

    async fn an_import_creates_every_row_and_the_export_gives_the_same_columns_back(db: TestDb) {
        let (mut c, key) = world(&db.db, 100).await;
        let done = send(&mut c, Method::POST, "/domains/acme.example/users/import", &key, "text/csv", GOOD.into()).await;
        assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
        assert_eq!(done.json()["created"], 2);
        let ann = send(&mut c, Method::GET, "/domains/acme.example/users/2001", &key, "application/json", String::new()).await;
        assert_eq!(ann.json()["phone-numbers"], json!(["+16125550101"]));
        let export = send(&mut c, Method::GET, "/domains/acme.example/users/export", &key, "text/csv", String::new()).await;
        assert_eq!(export.status, StatusCode::OK);
        assert!(export.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
        let mut lines = export.body.lines();
        let header_row: Vec<&str> = lines.next().unwrap().split(',').collect();
        for column in ["user", "name-first-name", "name-last-name", "email", "phone-numbers"] {
            assert!(header_row.contains(&column), "{column}");
        }
        assert_eq!(lines.count(), 2);
        // The export imports as it is into another domain.
        send(&mut c, Method::POST, "/domains", &key, "application/json", json!({"domain": "copy.example"}).to_string()).await;
        // (A number is exported as text, '+1..., so no spreadsheet takes it for a formula.)
        let numbers_freed = export.body.replace("'+16125550101", "");
        let copied = send(&mut c, Method::POST, "/domains/copy.example/users/import", &key, "text/csv", numbers_freed).await;
        assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.body);
        assert_eq!(copied.json()["created"], 2);
    }

    async fn an_import_has_postgres_bring_its_planner_statistics_up_to_date(db: TestDb) {
        let (mut c, key) = world(&db.db, 100).await;
        let analyzed = async || -> i64 {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_user_tables \
                 WHERE relname IN ('users', 'devices') AND last_analyze IS NOT NULL",
            )
            .fetch_one(db.db.pool())
            .await
            .unwrap()
        };
        let postgres = db.db.backend() == app::ssr::db::Backend::Postgres;
        if postgres {
            assert_eq!(analyzed().await, 0, "a new database has not been analysed yet");
        }
        let done = send(&mut c, Method::POST, "/domains/acme.example/users/import", &key, "text/csv", GOOD.into()).await;
        assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
        if !postgres {
            return; // SQLite plans by its indexes without statistics.
        }
        // ANALYZE runs in a task of its own after the import's commit.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while analyzed().await < 2 {
            assert!(std::time::Instant::now() < deadline, "users and devices were not analysed");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    async fn an_import_must_be_sent_as_csv_and_within_the_domains_limit(db: TestDb) {
        let (mut c, key) = world(&db.db, 1).await;
        let wrong = send(&mut c, Method::POST, "/domains/acme.example/users/import", &key, "application/json", GOOD.into()).await;
        assert_eq!(wrong.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let over = send(&mut c, Method::POST, "/domains/acme.example/users/import", &key, "text/csv", GOOD.into()).await;
        assert_eq!(over.status, StatusCode::BAD_REQUEST, "{}", over.body);
        assert_eq!(user_count(&mut c, &key).await, 0);
        let problem: Value = over.json();
        assert!(problem["errors"].as_array().is_some_and(|e| !e.is_empty()));
    }
}
