//! The API's resources beside users, through the real router, on both databases: sites and
//! departments, phone numbers (DIDs), devices and answer rules. For each: the happy path, a
//! duplicate (409), bad and unknown fields (400, each named), another domain's resource (404),
//! a Site Manager kept to its site, and a read-only key refused on writes (403).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{logged_in_super_user, path, Answer, Client};
use serde_json::{json, Value};

const API: &str = "/ns-api/v2";
const PASSWORD: &str = "violet harbor quartz meadow";

/// Sends an API request with a bearer token (or the client's session when `token` is empty).
async fn api(
    client: &mut Client,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{API}{path}"));
    if !token.is_empty() {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some(body) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => req.body(Body::empty()),
    };
    client.send(req.unwrap()).await
}

/// A Super User's client and an all-domains Super User key made with its session.
async fn super_key(db: &app::ssr::db::Db) -> (Client, String) {
    let mut client = logged_in_super_user(db).await;
    let made = api(
        &mut client,
        Method::POST,
        "/apikeys",
        "",
        Some(json!({"description": "Provisioning robot", "domain": "*", "can-create-keys": "yes"})),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let token = made.json()["key"].as_str().unwrap().to_owned();
    client.cookie = None;
    (client, token)
}

/// A key made with `key` for one domain, as its Office Manager (read-only if asked).
async fn domain_key(c: &mut Client, key: &str, domain: &str, read_only: bool) -> String {
    let made = api(
        c,
        Method::POST,
        "/apikeys",
        key,
        Some(json!({"description": "Office manager robot", "domain": domain,
                    "user-scope": "Office Manager", "readonly": if read_only { "yes" } else { "no" }})),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    made.json()["key"].as_str().unwrap().to_owned()
}

async fn add_domain(c: &mut Client, key: &str, body: Value) {
    let made = api(c, Method::POST, "/domains", key, Some(body)).await;
    assert!(made.status.is_success(), "{}", made.body);
}

/// Adds user `ext` to `domain` with `extra` fields (site, scope, department, ...), and returns its
/// invitation token.
async fn add_user(c: &mut Client, key: &str, domain: &str, ext: &str, extra: Value) -> String {
    let mut body = json!({"synchronous": "yes", "user": ext, "name-first-name": "Pat",
                          "name-last-name": format!("User{ext}"), "email": format!("u{ext}@example.com")});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let made = api(
        c,
        Method::POST,
        &format!("/domains/{domain}/users"),
        key,
        Some(body),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let link = made.json()["invitation-link"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    link.trim_start_matches("/set-password?token=").to_owned()
}

/// A portal session of user `ext` of `domain`, who takes its invitation `token` first.
async fn session_of(db: &app::ssr::db::Db, domain: &str, ext: &str, token: &str) -> Client {
    app::ssr::auth::set_password_with_link(db, token, PASSWORD, PASSWORD, String::new())
        .await
        .unwrap();
    let mut client = Client::new(db);
    let login = format!("{ext}@{domain}");
    let answer = client
        .call(
            path::<app::api::auth::Login>(),
            &[("login", &login), ("password", PASSWORD)],
        )
        .await;
    assert!(answer.status.is_success(), "{}", answer.body);
    client
}

/// The fields a problem names.
fn fields(answer: &Answer) -> Vec<String> {
    answer.json()["errors"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn assert_names(answer: &Answer, status: StatusCode, wanted: &[&str]) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let named = fields(answer);
    for field in wanted {
        assert!(named.iter().any(|f| f == field), "{field} in {named:?}");
    }
}

fn total(answer: &Answer) -> String {
    answer.headers["x-total-count"].to_str().unwrap().to_owned()
}

/// The time zone and caller ID number in effect for the user `ext` of acme.example.
async fn effective(c: &mut Client, key: &str, ext: &str) -> (String, String) {
    let user = api(
        c,
        Method::GET,
        &format!("/domains/acme.example/users/{ext}"),
        key,
        None,
    )
    .await;
    let user = user.json();
    let text = |name: &str| user[name].as_str().unwrap_or_default().to_owned();
    (text("time-zone"), text("caller-id-number"))
}

/// The caller ID number the SIP server's view gives the device `device` of acme.example.
async fn calls_as(db: &app::ssr::db::Db, device: &str) -> String {
    sqlx::query_scalar(
        "SELECT caller_id_number FROM sip_callers WHERE device = $1 AND domain = 'acme.example'",
    )
    .bind(device.to_owned())
    .fetch_one(db.pool())
    .await
    .unwrap()
}

/// The numbers the SIP server's view of DIDs routes, each with the extension it rings.
async fn routed_numbers(db: &app::ssr::db::Db) -> Vec<(String, String)> {
    sqlx::query_as("SELECT number, extension FROM sip_dids ORDER BY number")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

async fn audit_count(db: &app::ssr::db::Db, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// A device setting as an answer shows it: text as is, a number in decimal, null (or absent) as
/// blank.
fn shown(answer: &Value, name: &str) -> String {
    match &answer[name] {
        Value::String(text) => text.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => panic!("{name}: {other}"),
    }
}

/// A value of `field` other than its default, as an example of its type gives it.
fn not_default(
    field: &app::model::fields::Field<app::model::DeviceSettingsForm, app::model::DeviceSection>,
) -> &'static str {
    field
        .examples
        .iter()
        .copied()
        .find(|e| !e.is_empty() && Some(*e) != field.default && *e != "[*]")
        .unwrap()
}

/// The text as a JSON body sends it: whole numbers as numbers, as NetSapiens' examples do.
fn sent(text: &str) -> Value {
    text.parse::<u64>()
        .map_or_else(|_| json!(text), |n| json!(n))
}

/// The settings document the device `device` is stored with.
async fn stored_device_settings(db: &app::ssr::db::Db, device: &str) -> Value {
    let doc: String = sqlx::query_scalar("SELECT settings FROM devices WHERE device = $1")
        .bind(device.to_owned())
        .fetch_one(db.pool())
        .await
        .unwrap();
    serde_json::from_str(&doc).unwrap()
}

on_both_backends! {
    async fn sites_are_created_listed_renamed_and_deleted_within_the_domains_maximum(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example", "limits-max-sites": 2})).await;
        let made = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "North", "email": "north@acme.example", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["site"], "North");
        assert_eq!(made.json()["domain"], "acme.example");
        assert_eq!(made.json()["user-count"], 0);
        let made = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "South"}))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        assert_eq!(made.json()["code"], 202);

        let dup = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "North"}))).await;
        assert_names(&dup, StatusCode::CONFLICT, &["site"]);
        let over = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "East"}))).await;
        assert_names(&over, StatusCode::BAD_REQUEST, &["site"]);
        assert!(over.json()["errors"][0]["message"].as_str().unwrap().contains("maximum of 2"));

        add_user(&mut c, &key, "acme.example", "1001", json!({"site": "North"})).await;
        let list = api(&mut c, Method::GET, "/domains/acme.example/sites?order=user-count&direction=desc", &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(total(&list), "2");
        assert_eq!(list.json()[0]["site"], "North");
        assert_eq!(list.json()[0]["user-count"], 1);
        let found = api(&mut c, Method::GET, "/domains/acme.example/sites?search=sou&limit=1", &key, None).await;
        assert_eq!(total(&found), "1");
        assert_eq!(found.json()[0]["site"], "South");
        let count = api(&mut c, Method::GET, "/domains/acme.example/sites/count", &key, None).await;
        assert_eq!(count.json()["total"], 2);
        let one = api(&mut c, Method::GET, "/domains/acme.example/sites/North", &key, None).await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.json()["user-count"], 1);

        let renamed = api(&mut c, Method::PUT, "/domains/acme.example/sites/North", &key,
            Some(json!({"site": "Nord", "synchronous": "yes"}))).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        assert_eq!(renamed.json()["site"], "Nord");
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(user.json()["site"], "Nord", "the user follows its site");
        let clash = api(&mut c, Method::PUT, "/domains/acme.example/sites/Nord", &key,
            Some(json!({"site": "South"}))).await;
        assert_names(&clash, StatusCode::CONFLICT, &["site"]);

        let refused = api(&mut c, Method::DELETE, "/domains/acme.example/sites/Nord", &key, None).await;
        assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED, "{}", refused.body);
        let gone = api(&mut c, Method::DELETE, "/domains/acme.example/sites/Nord?force=yes", &key, None).await;
        assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.body);
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(user.status, StatusCode::OK, "the user stays");
        assert_eq!(user.json()["site"], Value::Null);
        let missing = api(&mut c, Method::GET, "/domains/acme.example/sites/Nord", &key, None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let empty = api(&mut c, Method::DELETE, "/domains/acme.example/sites/South", &key, None).await;
        assert_eq!(empty.status, StatusCode::ACCEPTED);
        assert_eq!(total(&api(&mut c, Method::GET, "/domains/acme.example/sites", &key, None).await), "0");

        assert_eq!(audit_count(&db.db, "site.create").await, 2);
        assert_eq!(audit_count(&db.db, "site.update").await, 1);
        assert_eq!(audit_count(&db.db, "site.delete").await, 2);
    }

    async fn a_site_body_with_bad_or_unknown_fields_names_each_one(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        let bad = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "", "email": "not an address", "synchronous": "maybe"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["synchronous"]);
        let bad = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "", "email": "not an address"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["site", "email"]);
        let unknown = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "North", "time-zone": "America/Chicago", "colour": ["red"]}))).await;
        assert_names(&unknown, StatusCode::BAD_REQUEST, &["colour"]);
        let bad = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "North", "time-zone": "Mars/Olympus", "caller-id-number": "12"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["time-zone", "caller-id-number"]);
        api(&mut c, Method::POST, "/domains/acme.example/sites", &key, Some(json!({"site": "North"}))).await;
        let unknown = api(&mut c, Method::PUT, "/domains/acme.example/sites/North", &key,
            Some(json!({"site": {"name": "x"}, "colour": "red"}))).await;
        assert_names(&unknown, StatusCode::BAD_REQUEST, &["site", "colour"]);
        assert_eq!(audit_count(&db.db, "site.create").await, 1);
    }

    async fn a_sites_settings_are_its_users_before_their_domains_and_its_phones_call_with_them(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example", "time-zone": "America/New_York",
                                        "caller-id-number": "+16125550100"})).await;
        let made = api(&mut c, Method::POST, "/domains/acme.example/sites", &key,
            Some(json!({"site": "Chicago", "time-zone": "America/Chicago",
                        "caller-id-number": "13125550100", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["time-zone"], "America/Chicago");
        assert_eq!(made.json()["caller-id-number"], "+13125550100");
        assert_eq!(made.json()["caller-id-name"], "", "not set: the domain's");
        add_user(&mut c, &key, "acme.example", "1001", json!({"site": "Chicago"})).await;
        add_user(&mut c, &key, "acme.example", "1002",
            json!({"site": "Chicago", "caller-id-number": "+13125550199"})).await;
        add_user(&mut c, &key, "acme.example", "1003", json!({})).await;
        assert_eq!(effective(&mut c, &key, "1001").await, ("America/Chicago".to_owned(), "+13125550100".to_owned()));
        assert_eq!(effective(&mut c, &key, "1002").await, ("America/Chicago".to_owned(), "+13125550199".to_owned()), "its own first");
        assert_eq!(effective(&mut c, &key, "1003").await, ("America/New_York".to_owned(), "+16125550100".to_owned()));
        // The SIP server's view of who a phone calls as says the same.
        assert_eq!(calls_as(&db.db, "1001").await, "+13125550100");
        assert_eq!(calls_as(&db.db, "1002").await, "+13125550199");
        assert_eq!(calls_as(&db.db, "1003").await, "+16125550100");

        // A change sends only what changes; a blank setting follows the domain again.
        let changed = api(&mut c, Method::PUT, "/domains/acme.example/sites/Chicago", &key,
            Some(json!({"caller-id-number": "", "synchronous": "yes"}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["time-zone"], "America/Chicago", "kept");
        assert_eq!(effective(&mut c, &key, "1001").await, ("America/Chicago".to_owned(), "+16125550100".to_owned()));
        assert_eq!(calls_as(&db.db, "1001").await, "+16125550100");
        let bad = api(&mut c, Method::PUT, "/domains/acme.example/sites/Chicago", &key,
            Some(json!({"area-code": "99", "dial-policy": "Anywhere"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["area-code", "dial-policy"]);
        assert_eq!(effective(&mut c, &key, "1001").await.0, "America/Chicago", "nothing half-written");
        assert_eq!(audit_count(&db.db, "site.update").await, 1);
    }

    async fn departments_are_listed_by_name_as_netsapiens_does(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({"department": "Sales"})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({"department": "Sales"})).await;
        add_user(&mut c, &key, "acme.example", "1003", json!({"department": "Support"})).await;
        add_user(&mut c, &key, "acme.example", "1004", json!({})).await;
        let list = api(&mut c, Method::GET, "/domains/acme.example/departments/list", &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(total(&list), "2");
        // NetSapiens' shape: the names (the portal's sites page shows the counts).
        assert_eq!(list.json(), json!(["Sales", "Support"]));
    }

    async fn phone_numbers_ring_a_user_move_to_another_and_back_to_available(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let made = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key, Some(json!({
            "phonenumber": 16125550100u64, "dial-rule-application": "to-user",
            "dial-rule-translation-destination-user": "1001", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let number = made.json();
        assert_eq!(number["phonenumber"], "+16125550100");
        assert_eq!(number["domain"], "acme.example");
        assert_eq!(number["dial-rule-application"], "to-user");
        assert_eq!(number["dial-rule-translation-destination-user"], "1001");
        assert!(app::model::instant::parse(number["created-datetime"].as_str().unwrap()).unwrap() > 0);
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(user.json()["phone-numbers"], json!(["+16125550100"]));
        let made = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key, Some(json!({
            "phonenumber": "+1 612 555 0101", "dial-rule-application": "available-number",
            "dial-rule-translation-destination-user": ""}))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);

        let list = api(&mut c, Method::GET, "/domains/acme.example/phonenumbers", &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(total(&list), "2");
        assert_eq!(list.json()[1]["dial-rule-application"], "available-number");
        assert_eq!(list.json()[1]["dial-rule-translation-destination-user"], "[*]", "NetSapiens' example");
        let found = api(&mut c, Method::GET, "/domains/acme.example/phonenumbers?search=0101", &key, None).await;
        assert_eq!(total(&found), "1");
        let count = api(&mut c, Method::GET, "/domains/acme.example/phonenumbers/count?search=1001", &key, None).await;
        assert_eq!(count.json()["total"], 1, "a search finds the destination user too");
        for written in ["16125550100", "+16125550100", "%2B16125550100"] {
            let one = api(&mut c, Method::GET, &format!("/domains/acme.example/phonenumbers/{written}"), &key, None).await;
            assert_eq!(one.status, StatusCode::OK, "{written}: {}", one.body);
        }

        let moved = api(&mut c, Method::PUT, "/domains/acme.example/phonenumbers/16125550100", &key,
            Some(json!({"dial-rule-translation-destination-user": "1002", "synchronous": "yes"}))).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!(moved.json()["dial-rule-translation-destination-user"], "1002");
        let first = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(first.json()["phone-numbers"], json!([]));
        let second = api(&mut c, Method::GET, "/domains/acme.example/users/1002", &key, None).await;
        assert_eq!(second.json()["phone-numbers"], json!(["+16125550100"]));
        let freed = api(&mut c, Method::PUT, "/domains/acme.example/phonenumbers/16125550100", &key,
            Some(json!({"dial-rule-application": "available-number", "synchronous": "yes"}))).await;
        assert_eq!(freed.status, StatusCode::OK, "{}", freed.body);
        assert_eq!(freed.json()["dial-rule-application"], "available-number");
        let renumbered = api(&mut c, Method::PUT, "/domains/acme.example/phonenumbers/16125550100", &key,
            Some(json!({"phonenumber": "+16125550199"}))).await;
        assert_names(&renumbered, StatusCode::BAD_REQUEST, &["phonenumber"]);

        let gone = api(&mut c, Method::DELETE, "/domains/acme.example/phonenumbers/16125550100", &key, None).await;
        assert_eq!(gone.status, StatusCode::ACCEPTED);
        let missing = api(&mut c, Method::GET, "/domains/acme.example/phonenumbers/16125550100", &key, None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(audit_count(&db.db, "phonenumber.create").await, 2);
        assert_eq!(audit_count(&db.db, "phonenumber.update").await, 2);
        assert_eq!(audit_count(&db.db, "phonenumber.delete").await, 1);
    }

    async fn a_phone_number_rings_a_call_queue_and_is_available_again_when_the_queue_goes(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        let queue = api(&mut c, Method::POST, "/domains/acme.example/callqueues", &key,
            Some(json!({"callqueue": "600", "callqueue-dispatch-type": "Ring All"}))).await;
        assert!(queue.status.is_success(), "{}", queue.body);
        let base = "/domains/acme.example/phonenumbers";
        let made = api(&mut c, Method::POST, base, &key, Some(json!({"synchronous": "yes",
            "phonenumber": "+16125550600", "dial-rule-application": "to-callqueue",
            "dial-rule-translation-destination-user": "600"}))).await;
        assert!(made.status.is_success(), "{}", made.body);
        let read = api(&mut c, Method::GET, &format!("{base}/16125550600"), &key, None).await.json();
        assert_eq!((read["dial-rule-application"].as_str(), read["dial-rule-translation-destination-user"].as_str()),
                   (Some("to-callqueue"), Some("600")));
        let (extension,): (String,) = sqlx::query_as("SELECT extension FROM sip_dids WHERE number = '+16125550600'")
            .fetch_one(db.db.pool()).await.unwrap();
        assert_eq!(extension, "600", "the SIP server routes the number to the queue's extension");

        // A queue the domain lacks, or a queue's extension as a user, is refused on the field.
        for (application, user) in [("to-callqueue", "601"), ("to-callqueue", "1001"), ("to-user", "600")] {
            let bad = api(&mut c, Method::POST, base, &key, Some(json!({"phonenumber": "+16125550601",
                "dial-rule-application": application, "dial-rule-translation-destination-user": user}))).await;
            assert_names(&bad, StatusCode::BAD_REQUEST, &["dial-rule-translation-destination-user"]);
        }
        // A user is not given a number a queue rings.
        let taken = api(&mut c, Method::PUT, "/domains/acme.example/users/1001", &key,
            Some(json!({"phone-numbers": ["+16125550600"]}))).await;
        assert_names(&taken, StatusCode::CONFLICT, &["phone-numbers[0]"]);
        assert!(taken.body.contains("call queue 600"), "{}", taken.body);
        // Moved to a user and back to the queue with PUT.
        let moved = api(&mut c, Method::PUT, &format!("{base}/16125550600"), &key, Some(json!({"synchronous": "yes",
            "dial-rule-application": "to-user", "dial-rule-translation-destination-user": "1001"}))).await;
        assert_eq!(moved.json()["dial-rule-application"], "to-user", "{}", moved.body);
        let back = api(&mut c, Method::PUT, &format!("{base}/16125550600"), &key, Some(json!({"synchronous": "yes",
            "dial-rule-application": "to-callqueue", "dial-rule-translation-destination-user": "600"}))).await;
        assert_eq!(back.json()["dial-rule-application"], "to-callqueue", "{}", back.body);
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await.json();
        assert_eq!(user["phone-numbers"], json!([]), "the user no longer has it");

        // The queue deleted, its number is available.
        let gone = api(&mut c, Method::DELETE, "/domains/acme.example/callqueues/600", &key, None).await;
        assert!(gone.status.is_success(), "{}", gone.body);
        let read = api(&mut c, Method::GET, &format!("{base}/16125550600"), &key, None).await.json();
        assert_eq!(read["dial-rule-application"], "available-number");
    }

    async fn a_phone_number_exists_once_in_the_whole_system(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_domain(&mut c, &key, json!({"domain": "other.example"})).await;
        let body = json!({"phonenumber": "+16125550100", "dial-rule-application": "available-number"});
        let made = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key, Some(body.clone())).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        for domain in ["acme.example", "other.example"] {
            let dup = api(&mut c, Method::POST, &format!("/domains/{domain}/phonenumbers"), &key,
                Some(json!({"phonenumber": "16125550100"}))).await;
            assert_names(&dup, StatusCode::CONFLICT, &["phonenumber"]);
            assert_eq!(dup.json()["errors"][0]["message"], "Phone number already exists.");
        }
        // Nor can a user take a number another domain has.
        let taken = api(&mut c, Method::POST, "/domains/other.example/users", &key, Some(json!({
            "user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": "a@example.com",
            "phone-numbers": ["+16125550100"]}))).await;
        assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    }

    async fn a_phone_number_body_with_bad_or_unknown_fields_names_each_one(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        let unknown = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
            Some(json!({"phonenumber": "+16125550100", "colour": "red", "dial-rule-application": {"a": 1}}))).await;
        assert_names(&unknown, StatusCode::BAD_REQUEST, &["colour", "dial-rule-application"]);
        let bad = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
            Some(json!({"phonenumber": "12", "dial-rule-application": "to-connection"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["phonenumber", "dial-rule-application"]);
        assert!(bad.body.contains("not supported by Roster"), "{}", bad.body);
        let nobody = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
            Some(json!({"phonenumber": "+16125550100", "dial-rule-application": "to-user",
                        "dial-rule-translation-destination-user": "4444"}))).await;
        assert_names(&nobody, StatusCode::BAD_REQUEST, &["dial-rule-translation-destination-user"]);
        let blank = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
            Some(json!({"phonenumber": "+16125550100", "dial-rule-application": "to-user"}))).await;
        assert_names(&blank, StatusCode::BAD_REQUEST, &["dial-rule-translation-destination-user"]);
        assert_eq!(total(&api(&mut c, Method::GET, "/domains/acme.example/phonenumbers", &key, None).await), "0");
    }

    async fn a_phone_numbers_dial_rule_fields_round_trip_and_bad_ones_are_named(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        let base = "/domains/acme.example/phonenumbers";
        // What is left out takes NetSapiens' defaults.
        let plain = api(&mut c, Method::POST, base, &key, Some(json!({"phonenumber": "16125550100",
            "dial-rule-translation-destination-user": "1001", "synchronous": "yes"}))).await;
        assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
        let plain = plain.json();
        for (member, default) in [("enabled", "yes"), ("dial-rule-parameter", ""),
                                  ("dial-rule-translation-destination-host", "[*]"),
                                  ("dial-rule-translation-source-name", "[*]"), ("dial-rule-description", "")] {
            assert_eq!(plain[member], default, "{member}");
        }
        // Every member of the spec's body is kept and read back.
        let sent = json!({"phonenumber": "16125550101", "enabled": "no", "dial-rule-application": "to-user",
            "dial-rule-parameter": "x-campaign", "dial-rule-translation-destination-user": "1001",
            "dial-rule-translation-destination-host": "<OwnDomain>",
            "dial-rule-translation-source-name": "Sales", "dial-rule-description": "Marketing line"});
        let made = api(&mut c, Method::POST, base, &key, Some(sent.clone())).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        let read = api(&mut c, Method::GET, &format!("{base}/16125550101"), &key, None).await.json();
        for member in ["enabled", "dial-rule-application", "dial-rule-parameter",
                       "dial-rule-translation-destination-user", "dial-rule-translation-destination-host",
                       "dial-rule-translation-source-name", "dial-rule-description"] {
            assert_eq!(read[member], sent[member], "{member}");
        }
        // A change names what it changes; the rest stays. The host may be the domain's own name.
        let changed = api(&mut c, Method::PUT, &format!("{base}/16125550101"), &key, Some(json!({
            "dial-rule-description": "Sales line", "dial-rule-translation-destination-host": "acme.example",
            "synchronous": "yes"}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let changed = changed.json();
        assert_eq!(changed["dial-rule-description"], "Sales line");
        assert_eq!(changed["dial-rule-translation-destination-host"], "acme.example");
        assert_eq!((changed["enabled"].as_str(), changed["dial-rule-translation-source-name"].as_str(),
                    changed["dial-rule-parameter"].as_str()), (Some("no"), Some("Sales"), Some("x-campaign")));
        // A number read is sent back as it is, to either PUT.
        let read = api(&mut c, Method::GET, &format!("{base}/16125550101"), &key, None).await.json();
        let again = api(&mut c, Method::PUT, &format!("{base}/16125550101"), &key, Some(read.clone())).await;
        assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);
        let again = api(&mut c, Method::PUT, base, &key, Some(read)).await;
        assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);

        // Each bad member is named at once; the host cannot lead out of the domain.
        let bad = api(&mut c, Method::PUT, &format!("{base}/16125550101"), &key, Some(json!({
            "enabled": "maybe", "dial-rule-parameter": "x".repeat(256),
            "dial-rule-translation-destination-host": "other.example",
            "dial-rule-translation-source-name": "x".repeat(36), "dial-rule-description": "x".repeat(256)}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["enabled", "dial-rule-parameter",
            "dial-rule-translation-destination-host", "dial-rule-translation-source-name", "dial-rule-description"]);
        assert!(bad.body.contains("Roster routes numbers only inside their domain"), "{}", bad.body);
        let elsewhere = api(&mut c, Method::PUT, &format!("{base}/16125550101"), &key,
            Some(json!({"domain": "other.example", "dial-rule-description": "Moved"}))).await;
        assert_names(&elsewhere, StatusCode::BAD_REQUEST, &["domain"]);
        let host = api(&mut c, Method::POST, base, &key, Some(json!({"phonenumber": "16125550102",
            "dial-rule-translation-destination-host": "carrier-connection"}))).await;
        assert_names(&host, StatusCode::BAD_REQUEST, &["dial-rule-translation-destination-host"]);
        let read = api(&mut c, Method::GET, &format!("{base}/16125550101"), &key, None).await.json();
        assert_eq!(read["dial-rule-description"], "Sales line", "refused changes write nothing");
        assert_eq!(total(&api(&mut c, Method::GET, base, &key, None).await), "2");
    }

    async fn a_disabled_number_does_not_ring_and_an_available_one_rings_nobody(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        let base = "/domains/acme.example/phonenumbers";
        let made = api(&mut c, Method::POST, base, &key, Some(json!({"phonenumber": "+16125550100",
            "dial-rule-translation-destination-user": "1001", "enabled": "no"}))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        assert_eq!(routed_numbers(&db.db).await, [], "a disabled number is not routed");
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(user.json()["phone-numbers"], json!(["+16125550100"]), "it is still the user's");
        let on = api(&mut c, Method::PUT, &format!("{base}/16125550100"), &key, Some(json!({"enabled": "yes"}))).await;
        assert_eq!(on.status, StatusCode::ACCEPTED, "{}", on.body);
        assert_eq!(routed_numbers(&db.db).await, [("+16125550100".to_owned(), "1001".to_owned())]);
        let off = api(&mut c, Method::PUT, &format!("{base}/16125550100"), &key, Some(json!({"enabled": false}))).await;
        assert_eq!(off.status, StatusCode::ACCEPTED, "{}", off.body);
        assert_eq!(routed_numbers(&db.db).await, []);

        // Available, as NetSapiens writes it: the destination user [*].
        let available = api(&mut c, Method::POST, base, &key, Some(json!({"phonenumber": "16125550101",
            "dial-rule-application": "available-number", "dial-rule-translation-destination-user": "[*]",
            "synchronous": "yes"}))).await;
        assert_eq!(available.status, StatusCode::OK, "{}", available.body);
        assert_eq!(available.json()["dial-rule-translation-destination-user"], "[*]");
        let to_user = api(&mut c, Method::PUT, &format!("{base}/16125550101"), &key,
            Some(json!({"dial-rule-translation-destination-user": "1001", "synchronous": "yes"}))).await;
        assert_eq!(to_user.json()["dial-rule-application"], "to-user", "{}", to_user.body);
        assert_eq!(routed_numbers(&db.db).await, [("+16125550101".to_owned(), "1001".to_owned())]);
        let back = api(&mut c, Method::PUT, &format!("{base}/16125550101"), &key,
            Some(json!({"dial-rule-translation-destination-user": "[*]", "synchronous": "yes"}))).await;
        assert_eq!(back.json()["dial-rule-application"], "available-number", "{}", back.body);
        assert_eq!(routed_numbers(&db.db).await, []);
    }

    async fn the_collection_put_changes_the_number_its_body_names(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let base = "/domains/acme.example/phonenumbers";
        api(&mut c, Method::POST, base, &key, Some(json!({"phonenumber": "+16125550100",
            "dial-rule-translation-destination-user": "1001"}))).await;
        // NetSapiens' "Send Phonenumber to a User".
        let moved = api(&mut c, Method::PUT, base, &key, Some(json!({"phonenumber": "16125550100",
            "dial-rule-application": "to-user", "dial-rule-translation-destination-user": "1002",
            "dial-rule-translation-destination-host": "acme.example",
            "dial-rule-description": "For Marketing", "synchronous": "yes"}))).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!(moved.json()["dial-rule-translation-destination-user"], "1002");
        assert_eq!(moved.json()["dial-rule-description"], "For Marketing");
        assert_eq!(routed_numbers(&db.db).await, [("+16125550100".to_owned(), "1002".to_owned())]);
        // "Move phonenumber back to Available in Inventory".
        let freed = api(&mut c, Method::PUT, base, &key, Some(json!({"phonenumber": "16125550100",
            "dial-rule-application": "available-number", "dial-rule-parameter": "<NULL>",
            "dial-rule-translation-source-name": "[*]", "dial-rule-translation-destination-user": "[*]",
            "dial-rule-translation-destination-host": "acme.example",
            "dial-rule-description": "Available Number"}))).await;
        assert_eq!(freed.status, StatusCode::ACCEPTED, "{}", freed.body);
        let read = api(&mut c, Method::GET, &format!("{base}/16125550100"), &key, None).await.json();
        assert_eq!(read["dial-rule-application"], "available-number");
        assert_eq!(read["dial-rule-parameter"], "");
        assert_eq!(read["dial-rule-description"], "Available Number");
        // The body must name a number of the domain.
        let missing = api(&mut c, Method::PUT, base, &key, Some(json!({"dial-rule-description": "x"}))).await;
        assert_names(&missing, StatusCode::BAD_REQUEST, &["phonenumber"]);
        let bad = api(&mut c, Method::PUT, base, &key, Some(json!({"phonenumber": "12"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["phonenumber"]);
        let unknown = api(&mut c, Method::PUT, base, &key, Some(json!({"phonenumber": "16125550199"}))).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
        assert_eq!(audit_count(&db.db, "phonenumber.update").await, 2);
    }

    async fn every_number_a_caller_manages_is_listed_across_its_domains(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        let made = api(&mut c, Method::POST, "/resellers", &key, Some(json!({"reseller": "North"}))).await;
        assert!(made.status.is_success(), "{}", made.body);
        add_domain(&mut c, &key, json!({"domain": "acme.example", "reseller": "North"})).await;
        add_domain(&mut c, &key, json!({"domain": "third.example", "reseller": "North"})).await;
        add_domain(&mut c, &key, json!({"domain": "other.example"})).await;
        for (domain, number) in [("acme.example", "+16125550100"), ("third.example", "+16125550101"),
                                 ("other.example", "+16125550102")] {
            let made = api(&mut c, Method::POST, &format!("/domains/{domain}/phonenumbers"), &key,
                Some(json!({"phonenumber": number}))).await;
            assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        }
        let made = api(&mut c, Method::POST, "/apikeys", &key, Some(json!({"description": "North reseller robot",
            "domain": "*", "user-scope": "Reseller", "reseller": "North"}))).await;
        assert!(made.status.is_success(), "{}", made.body);
        let made = made.json();
        let north = ["key", "token"].iter().find_map(|m| made[*m].as_str()).unwrap().to_owned();
        let acme = domain_key(&mut c, &key, "acme.example", false).await;

        let domains = |answer: &Answer| -> Vec<String> {
            answer.json().as_array().unwrap().iter()
                .map(|n| n["domain"].as_str().unwrap().to_owned()).collect()
        };
        for (who, token, wanted) in [
            ("a Super User", &key, vec!["acme.example", "third.example", "other.example"]),
            ("a Reseller", &north, vec!["acme.example", "third.example"]),
            ("an Office Manager", &acme, vec!["acme.example"]),
        ] {
            let list = api(&mut c, Method::GET, "/phonenumbers", token, None).await;
            assert_eq!(list.status, StatusCode::OK, "{who}: {}", list.body);
            assert_eq!(domains(&list), wanted, "{who}");
            assert_eq!(total(&list), wanted.len().to_string(), "{who}");
            let count = api(&mut c, Method::GET, "/phonenumbers/count", token, None).await;
            assert_eq!(count.json()["total"], wanted.len(), "{who}: {}", count.body);
        }
        let found = api(&mut c, Method::GET, "/phonenumbers?search=0102&limit=10", &key, None).await;
        assert_eq!(domains(&found), ["other.example"]);
        assert_eq!(api(&mut c, Method::GET, "/phonenumbers/count?search=0102", &north, None).await.json()["total"], 0);
        let page = api(&mut c, Method::GET, "/phonenumbers?limit=1&start=1", &key, None).await;
        assert_eq!((domains(&page), total(&page)), (vec!["third.example".to_owned()], "3".to_owned()));
    }

    async fn devices_are_added_renamed_and_removed_with_their_passwords(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let base = "/domains/acme.example/users/1001/devices";
        let list = api(&mut c, Method::GET, base, &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(total(&list), "1");
        assert_eq!(list.json()[0]["device"], "1001", "a user's first device is its extension");

        let made = api(&mut c, Method::POST, base, &key, Some(json!({"device": "1001B", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["device"], "1001b");
        let generated = made.json()["device-sip-registration-password"].as_str().unwrap().to_owned();
        assert_eq!(generated.len(), 20, "a generated password");
        let made = api(&mut c, Method::POST, base, &key, Some(json!({
            "device": "1001c", "device-sip-registration-password": "Zx9#long-enough-pass"}))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        let list = api(&mut c, Method::GET, base, &key, None).await;
        assert_eq!(total(&list), "3");
        let all = api(&mut c, Method::GET, "/domains/acme.example/devices?order=user", &key, None).await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        assert_eq!(total(&all), "4");
        assert_eq!(all.json()[0]["user"], "1001");
        assert!(all.json()[0]["device-sip-registration-password"].is_string());
        let found = api(&mut c, Method::GET, "/domains/acme.example/devices?search=1001c", &key, None).await;
        assert_eq!(total(&found), "1");
        let one = api(&mut c, Method::GET, &format!("{base}/1001c"), &key, None).await;
        assert_eq!(one.json()["device-sip-registration-password"], "Zx9#long-enough-pass");

        let renamed = api(&mut c, Method::PUT, &format!("{base}/1001b"), &key,
            Some(json!({"device": "1001d", "synchronous": "yes"}))).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        assert_eq!(renamed.json()["device"], "1001d");
        assert_eq!(renamed.json()["device-sip-registration-password"], generated.as_str(), "a rename keeps the password");
        let repassed = api(&mut c, Method::PUT, &format!("{base}/1001d"), &key,
            Some(json!({"device-sip-registration-password": "Another#long-pass-1", "synchronous": "yes"}))).await;
        assert_eq!(repassed.json()["device-sip-registration-password"], "Another#long-pass-1");
        let missing = api(&mut c, Method::GET, &format!("{base}/1001b"), &key, None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);

        for device in ["1001d", "1001c"] {
            let gone = api(&mut c, Method::DELETE, &format!("{base}/{device}"), &key, None).await;
            assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.body);
        }
        let last = api(&mut c, Method::DELETE, &format!("{base}/1001"), &key, None).await;
        assert_eq!(last.status, StatusCode::PRECONDITION_FAILED, "a user keeps one device: {}", last.body);
        assert_eq!(total(&api(&mut c, Method::GET, base, &key, None).await), "1");
        assert_eq!(audit_count(&db.db, "device.create").await, 2);
        assert_eq!(audit_count(&db.db, "device.update").await, 2);
        assert_eq!(audit_count(&db.db, "device.delete").await, 2);
    }

    async fn a_device_is_linked_to_its_phones_mac_address_and_model_and_unlinked(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        let base = "/domains/acme.example/users/1001/devices";
        // A MAC address needs its model; a bad one is named.
        let alone = api(&mut c, Method::POST, base, &key,
            Some(json!({"device": "desk1001", "device-provisioning-mac-address": "00:15:65:1A:2B:3C"}))).await;
        assert_names(&alone, StatusCode::BAD_REQUEST, &["device-models-model"]);
        let bad = api(&mut c, Method::POST, base, &key,
            Some(json!({"device": "desk1001", "device-provisioning-mac-address": "01:00:5e:00:00:fb",
                        "device-models-model": "x".repeat(65)}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["device-provisioning-mac-address", "device-models-model"]);
        let made = api(&mut c, Method::POST, base, &key,
            Some(json!({"device": "desk1001", "device-provisioning-mac-address": "00-15-65-1a-2b-3c",
                        "device-models-model": "Yealink T54W", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["device-provisioning-mac-address"], "0015651a2b3c");
        assert_eq!(made.json()["device-models-model"], "Yealink T54W");
        let listed = api(&mut c, Method::GET, "/domains/acme.example/devices?search=desk", &key, None).await;
        assert_eq!(listed.json()[0]["device-provisioning-mac-address"], "0015651a2b3c");

        // A change keeps what it does not name; a blank unlinks; a MAC address never loses its model.
        let one = format!("{base}/desk1001");
        let changed = api(&mut c, Method::PUT, &one, &key,
            Some(json!({"device-models-model": "Yealink T57W", "synchronous": "yes"}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["device-provisioning-mac-address"], "0015651a2b3c");
        assert_eq!(changed.json()["device-models-model"], "Yealink T57W");
        let orphan = api(&mut c, Method::PUT, &one, &key, Some(json!({"device-models-model": ""}))).await;
        assert_names(&orphan, StatusCode::BAD_REQUEST, &["device-models-model"]);
        let unlinked = api(&mut c, Method::PUT, &one, &key,
            Some(json!({"device-provisioning-mac-address": "", "device-models-model": "", "synchronous": "yes"}))).await;
        assert_eq!(unlinked.status, StatusCode::OK, "{}", unlinked.body);
        assert_eq!(unlinked.json().get("device-provisioning-mac-address"), None);
        assert_eq!(unlinked.json().get("device-models-model"), None);
        assert_eq!(audit_count(&db.db, "device.update").await, 2, "the refused change wrote nothing");

        // A user created with its devices links them in the same step.
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "1002", "name-first-name": "Pat", "name-last-name": "Phone", "email": "p@example.com",
            "devices": [{"device": "1002", "device-provisioning-mac-address": "0004f2aabbcc"}]}))).await;
        assert_names(&made, StatusCode::BAD_REQUEST, &["devices[0].device-models-model"]);
        add_user(&mut c, &key, "acme.example", "1002", json!({
            "devices": [{"device": "1002", "device-provisioning-mac-address": "0004f2aabbcc",
                         "device-models-model": "Polycom VVX 450"}]})).await;
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1002", &key, None).await.json();
        assert_eq!(user["devices"][0]["device-provisioning-mac-address"], "0004f2aabbcc");
        assert_eq!(user["devices"][0]["device-models-model"], "Polycom VVX 450");
    }

    async fn a_device_name_is_used_once_in_a_domain_and_bad_fields_are_named(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let base = "/domains/acme.example/users/1002/devices";
        let dup = api(&mut c, Method::POST, base, &key, Some(json!({"device": "1001"}))).await;
        assert_names(&dup, StatusCode::CONFLICT, &["device"]);
        let own = api(&mut c, Method::POST, base, &key, Some(json!({"device": "1002"}))).await;
        assert_names(&own, StatusCode::CONFLICT, &["device"]);
        let rename = api(&mut c, Method::PUT, &format!("{base}/1002"), &key, Some(json!({"device": "1001"}))).await;
        assert_names(&rename, StatusCode::CONFLICT, &["device"]);
        let unknown = api(&mut c, Method::POST, base, &key,
            Some(json!({"device": "x", "mac": "00:11:22:33:44:55", "device-sip-registration-password": [1]}))).await;
        assert_names(&unknown, StatusCode::BAD_REQUEST, &["mac", "device-sip-registration-password"]);
        let bad = api(&mut c, Method::POST, base, &key,
            Some(json!({"device": "bad name!", "device-sip-registration-password": "short"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["device", "device-sip-registration-password"]);
        let blank = api(&mut c, Method::POST, base, &key, Some(json!({}))).await;
        assert_names(&blank, StatusCode::BAD_REQUEST, &["device"]);
        assert_eq!(total(&api(&mut c, Method::GET, base, &key, None).await), "1");
    }

    async fn a_user_reads_its_own_devices_without_passwords_and_cannot_add_one(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        let token = add_user(&mut c, &key, "acme.example", "1001", json!({"user-scope": "Basic User"})).await;
        let mut me = session_of(&db.db, "acme.example", "1001", &token).await;
        let mine = api(&mut me, Method::GET, "/domains/~/users/~/devices", "", None).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.json()[0]["device"], "1001");
        assert_eq!(mine.json()[0]["device-sip-registration-password"], Value::Null);
        let one = api(&mut me, Method::GET, "/domains/~/users/~/devices/1001", "", None).await;
        assert_eq!(one.json()["device-sip-registration-password"], Value::Null);
        let add = api(&mut me, Method::POST, "/domains/~/users/~/devices", "", Some(json!({"device": "1001b"}))).await;
        assert_eq!(add.status, StatusCode::FORBIDDEN, "{}", add.body);
        let all = api(&mut me, Method::GET, "/domains/~/devices", "", None).await;
        assert_eq!(all.status, StatusCode::FORBIDDEN, "{}", all.body);
    }

    async fn the_answer_rule_for_star_is_read_and_changed_and_no_other_is_made(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let base = "/domains/acme.example/users/1001/answerrules";
        let list = api(&mut c, Method::GET, base, &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(total(&list), "1");
        assert_eq!(list.json()[0]["time-frame"], "*");
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/count"), &key, None).await.json()["total"], 1);
        for written in ["*", "%2A"] {
            let one = api(&mut c, Method::GET, &format!("{base}/{written}"), &key, None).await;
            assert_eq!(one.status, StatusCode::OK, "{written}: {}", one.body);
            assert_eq!(one.json()["forward-always"]["enabled"], "no");
        }
        let other = api(&mut c, Method::GET, &format!("{base}/weekends"), &key, None).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);

        let changed = api(&mut c, Method::PUT, &format!("{base}/%2A"), &key, Some(json!({
            "synchronous": "yes", "time-frame": "*",
            "forward-always": {"enabled": "yes", "parameters": ["1002"]},
            "do-not-disturb": {"enabled": "no"}}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["forward-always"], json!({"enabled": "yes", "parameters": ["1002"]}));
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(user.json()["forward-always"], "1002", "the user shows its answer rule's fields, flat");
        // What a read gives back can be sent back as it is.
        let read = api(&mut c, Method::GET, &format!("{base}/*"), &key, None).await.json();
        let again = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(read)).await;
        assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);

        let bad = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(json!({
            "forward-always": "1002", "forward-sometimes": {"enabled": "yes"},
            "forward-on-busy": {"enabled": "yes", "parameters": ["not a destination"]}}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["forward-always", "forward-sometimes"]);
        let unparsable = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(json!({
            "forward-on-busy": {"enabled": "yes", "parameters": ["not a destination"]}}))).await;
        assert_names(&unparsable, StatusCode::BAD_REQUEST, &["forward-on-busy"]);

        let exists = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "*"}))).await;
        assert_names(&exists, StatusCode::CONFLICT, &["time-frame"]);
        let other = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "weekends"}))).await;
        assert_names(&other, StatusCode::BAD_REQUEST, &["time-frame"]);
    }

    async fn users_change_their_own_answer_rule_only_if_their_scope_allows(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        let basic = add_user(&mut c, &key, "acme.example", "1001", json!({"user-scope": "Basic User"})).await;
        let advanced = add_user(&mut c, &key, "acme.example", "1002", json!({"user-scope": "Advanced User"})).await;
        let rule = json!({"forward-no-answer": {"enabled": "yes", "parameters": ["voicemail"]}, "synchronous": "yes"});
        let mut basic = session_of(&db.db, "acme.example", "1001", &basic).await;
        let read = api(&mut basic, Method::GET, "/domains/~/users/~/answerrules", "", None).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        let refused = api(&mut basic, Method::PUT, "/domains/~/users/~/answerrules/*", "", Some(rule.clone())).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let elsewhere = api(&mut basic, Method::GET, "/domains/acme.example/users/1002/answerrules", "", None).await;
        assert_eq!(elsewhere.status, StatusCode::FORBIDDEN, "{}", elsewhere.body);
        let mut advanced = session_of(&db.db, "acme.example", "1002", &advanced).await;
        let changed = api(&mut advanced, Method::PUT, "/domains/~/users/~/answerrules/*", "", Some(rule)).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["forward-no-answer"]["parameters"], json!(["voicemail"]));
        let bad = api(&mut advanced, Method::PUT, "/domains/~/users/~/answerrules/*", "",
            Some(json!({"forward-always": {"enabled": "yes", "parameters": ["not a destination"]}}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["forward-always"]);
        // Refused changes write nothing.
        assert_eq!(audit_count(&db.db, "user.update").await, 1);
    }

    async fn the_answer_rule_has_netsapiens_whole_shape_and_is_taken_back_as_read(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let advanced = add_user(&mut c, &key, "acme.example", "1003", json!({"user-scope": "Advanced User"})).await;
        let base = "/domains/acme.example/users/1001/answerrules";
        let rule = api(&mut c, Method::GET, &format!("{base}/*"), &key, None).await.json();
        assert_eq!((rule["domain"].as_str(), rule["user"].as_str()), (Some("acme.example"), Some("1001")));
        assert_eq!((&rule["is-active"], &rule["order"]), (&json!(true), &json!(99)));
        assert_eq!(rule["time_range_data"], json!([]));
        assert_eq!(rule["do-not-disturb"], json!({"enabled": "no"}));
        assert_eq!(rule["call-screening"], json!({"enabled": "yes"}), "the user's call-screening-enabled");
        for feature in ["forward-on-active", "forward-on-dnd", "forward-on-spam-call", "forward-always",
                        "forward-on-busy", "forward-no-answer", "forward-when-unregistered", "simultaneous-ring"] {
            assert_eq!(rule[feature], json!({"enabled": "no", "parameters": []}), "{feature}");
        }
        for feature in ["phone-numbers-to-allow", "phone-numbers-to-reject"] {
            assert_eq!(rule[feature], json!({"enabled": "yes", "parameters": []}), "{feature}");
        }
        let list = api(&mut c, Method::GET, base, &key, None).await.json();
        assert_eq!(list[0], rule);

        // NetSapiens' tokens: user_<extension>, phone_<number>, vmail_<own extension>.
        let tokens = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(json!({"synchronous": "yes",
            "forward-always": {"enabled": "yes", "parameters": ["user_1002"]},
            "forward-on-busy": {"enabled": "yes", "parameters": ["phone_16125550199"]},
            "forward-no-answer": {"enabled": "yes", "parameters": ["vmail_1001"]},
            "simultaneous-ring": {"enabled": "yes", "parameters": ["user_1002", "phone_+16125550198"]}}))).await;
        assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
        let rule = tokens.json();
        assert_eq!(rule["forward-always"]["parameters"], json!(["1002"]));
        assert_eq!(rule["forward-on-busy"]["parameters"], json!(["+16125550199"]));
        assert_eq!(rule["forward-no-answer"]["parameters"], json!(["voicemail"]));
        assert_eq!(rule["simultaneous-ring"]["parameters"], json!(["1002", "+16125550198"]));
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await.json();
        assert_eq!((user["forward-always"].as_str(), user["forward-no-answer"].as_str()), (Some("1002"), Some("voicemail")));

        // A rule read is sent back as it is, whole.
        let again = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(rule.clone())).await;
        assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/*"), &key, None).await.json(), rule);

        // Features Roster's SIP server does not perform, refused on, by name; so is another
        // user's voicemail, and a rule of another user or domain.
        let bad = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(json!({
            "forward-always": {"enabled": "yes", "parameters": ["vmail_1002"]},
            "forward-on-active": {"enabled": "yes", "parameters": ["1002"]},
            "forward-on-dnd": {"enabled": "yes", "parameters": ["1002"]},
            "forward-on-spam-call": {"enabled": "yes", "parameters": ["1002"]},
            "phone-numbers-to-reject": {"enabled": "yes", "parameters": ["anonymous"]},
            "user": "1002", "domain": "other.example"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["forward-always", "forward-on-active",
            "forward-on-dnd", "forward-on-spam-call", "phone-numbers-to-reject", "user", "domain"]);
        assert!(bad.body.contains("Not performed by Roster's SIP server"), "{}", bad.body);
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await.json();
        assert_eq!(user["forward-always"], "1002", "a refused rule changes nothing");

        // Call screening and the allow and reject switches are kept in the user's fields.
        let switches = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(json!({"synchronous": "yes",
            "call-screening": {"enabled": "no"}, "phone-numbers-to-allow": {"enabled": "no"},
            "forward-on-dnd": {"enabled": "no", "parameters": []}}))).await;
        assert_eq!(switches.status, StatusCode::OK, "{}", switches.body);
        assert_eq!(switches.json()["call-screening"], json!({"enabled": "no"}));
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await.json();
        assert_eq!((user["call-screening-enabled"].as_str(), user["phone-numbers-to-allow-enabled"].as_str()),
                   (Some("no"), Some("no")));

        // A user whose scope lets it change its own rule sends it back as read, too; the
        // switches beside it stay its managers' to change.
        let mut own = session_of(&db.db, "acme.example", "1003", &advanced).await;
        let mine = api(&mut own, Method::GET, "/domains/~/users/~/answerrules/*", "", None).await.json();
        assert_eq!(mine["user"], "1003");
        let back = api(&mut own, Method::PUT, "/domains/~/users/~/answerrules/*", "", Some(mine)).await;
        assert_eq!(back.status, StatusCode::ACCEPTED, "{}", back.body);
        let screening = api(&mut own, Method::PUT, "/domains/~/users/~/answerrules/*", "",
            Some(json!({"call-screening": {"enabled": "no"}}))).await;
        assert_eq!(screening.status, StatusCode::FORBIDDEN, "{}", screening.body);
    }

    async fn rules_of_named_time_frames_are_made_ordered_and_the_first_active_one_applies(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_domain(&mut c, &key, json!({"domain": "other.example"})).await;
        for ext in ["1001", "1002", "1003"] {
            add_user(&mut c, &key, "acme.example", ext, json!({})).await;
        }
        let basic = add_user(&mut c, &key, "acme.example", "1004", json!({"user-scope": "Basic User"})).await;
        let advanced = add_user(&mut c, &key, "acme.example", "1005", json!({"user-scope": "Advanced User"})).await;
        // A frame that holds at all times, and one that holds only on two days of 2029.
        for frame in [json!({"timeframe-name": "Always", "timeframe-type": "always"}),
                      json!({"timeframe-name": "Closed", "timeframe-type": "specific-dates",
                             "timeframe-specific-dates-array": [{
                                 "timeframe-specific-dates-begin-date": "20290101",
                                 "timeframe-specific-dates-begin-time": "0000",
                                 "timeframe-specific-dates-end-date": "20290102",
                                 "timeframe-specific-dates-end-time": "2359",
                                 "timeframe-recurrence-type": "doesNotRecur"}]})] {
            let made = api(&mut c, Method::POST, "/domains/acme.example/timeframes", &key, Some(frame)).await;
            assert!(made.status.is_success(), "{}", made.body);
        }
        let base = "/domains/acme.example/users/1001/answerrules";
        // What a call to 1001 meets now, as the SIP server reads it.
        let forwarded = || async {
            let (always,): (String,) = sqlx::query_as(
                "SELECT forward_always FROM sip_targets WHERE domain = 'acme.example' AND extension = '1001'")
                .fetch_one(db.db.pool()).await.unwrap();
            always
        };
        assert_eq!(forwarded().await, "");

        let closed = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "Closed", "synchronous": "yes",
            "forward-always": {"enabled": "yes", "parameters": ["user_1002"]}}))).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
        assert_eq!((&closed.json()["time-frame"], &closed.json()["is-active"], &closed.json()["order"]),
                   (&json!("Closed"), &json!(false), &json!(1)));
        let always = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "Always",
            "forward-always": {"enabled": "yes", "parameters": ["1003"]},
            "simultaneous-ring": {"enabled": "yes", "parameters": ["1002"]}}))).await;
        assert_eq!(always.status, StatusCode::ACCEPTED, "{}", always.body);
        let list = api(&mut c, Method::GET, base, &key, None).await;
        assert_eq!(total(&list), "3");
        let order: Vec<(Value, Value)> = list.json().as_array().unwrap().iter()
            .map(|r| (r["time-frame"].clone(), r["is-active"].clone())).collect();
        assert_eq!(order, [(json!("Closed"), json!(false)), (json!("Always"), json!(true)), (json!("*"), json!(false))]);
        assert_eq!(forwarded().await, "1003", "the first enabled rule whose frame holds now");
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await.json();
        assert_eq!(user["forward-always"], Value::Null, "the user's own fields are its rule for *");

        // Disabled, a rule no longer applies; the default does.
        let off = api(&mut c, Method::PUT, &format!("{base}/Always"), &key, Some(json!({"enabled": "no", "synchronous": "yes"}))).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        assert_eq!((&off.json()["enabled"], &off.json()["is-active"]), (&json!("no"), &json!(false)));
        assert_eq!(off.json()["forward-always"]["parameters"], json!(["1003"]), "only what was sent changes");
        assert_eq!(forwarded().await, "");
        let on = api(&mut c, Method::PUT, &format!("{base}/Always"), &key, Some(json!({"enabled": "yes"}))).await;
        assert_eq!(on.status, StatusCode::ACCEPTED, "{}", on.body);
        assert_eq!(forwarded().await, "1003");
        // A read sent back is taken as it is.
        let read = api(&mut c, Method::GET, &format!("{base}/Always"), &key, None).await.json();
        let back = api(&mut c, Method::PUT, &format!("{base}/Always"), &key, Some(read)).await;
        assert_eq!(back.status, StatusCode::ACCEPTED, "{}", back.body);

        // Reordered: all time frames, * last.
        let reordered = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key,
            Some(json!([{"time-frame": "Always"}, {"time-frame": "Closed"}, {"time-frame": "*"}]))).await;
        assert_eq!(reordered.status, StatusCode::ACCEPTED, "{}", reordered.body);
        let list = api(&mut c, Method::GET, base, &key, None).await.json();
        assert_eq!(list[0]["time-frame"], "Always");
        assert_eq!(list[1]["order"], 2);
        for body in [json!([{"time-frame": "Always"}, {"time-frame": "*"}]),
                     json!([{"time-frame": "*"}, {"time-frame": "Always"}, {"time-frame": "Closed"}]),
                     json!([{"time-frame": "Always"}, {"time-frame": "Always"}, {"time-frame": "Closed"}, {"time-frame": "*"}])] {
            let refused = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key, Some(body)).await;
            assert_names(&refused, StatusCode::BAD_REQUEST, &["body"]);
            assert!(refused.body.contains("Please provide all timeframes in the new order"), "{}", refused.body);
        }

        // Refused, each problem by name, and nothing written.
        let audited = audit_count(&db.db, "answer-rule.create").await;
        assert_eq!(audited, 2);
        let again = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "Always"}))).await;
        assert_names(&again, StatusCode::CONFLICT, &["time-frame"]);
        let unknown = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "Lunch"}))).await;
        assert_names(&unknown, StatusCode::BAD_REQUEST, &["time-frame"]);
        assert!(unknown.body.contains("Lunch"), "{}", unknown.body);
        let nameless = api(&mut c, Method::POST, base, &key, Some(json!({"forward-always": {"enabled": "no"}}))).await;
        assert_names(&nameless, StatusCode::BAD_REQUEST, &["time-frame"]);
        let bad = api(&mut c, Method::PUT, &format!("{base}/Closed"), &key, Some(json!({
            "forward-always": "1002", "forward-sometimes": {"enabled": "yes"}}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["forward-always", "forward-sometimes"]);
        let missing = api(&mut c, Method::PUT, &format!("{base}/Closed"), &key, Some(json!({
            "forward-no-answer": {"enabled": "yes", "parameters": ["1999"]}}))).await;
        assert_names(&missing, StatusCode::BAD_REQUEST, &["forward-no-answer"]);
        assert!(missing.body.contains("no extension 1999"), "{}", missing.body);
        let switch = api(&mut c, Method::PUT, &format!("{base}/Closed"), &key, Some(json!({
            "call-screening": {"enabled": "no"}}))).await;
        assert_names(&switch, StatusCode::BAD_REQUEST, &["call-screening"]);
        let path_frame = api(&mut c, Method::PUT, &format!("{base}/Closed"), &key, Some(json!({"time-frame": "Always"}))).await;
        assert_names(&path_frame, StatusCode::BAD_REQUEST, &["time-frame"]);
        let absent = api(&mut c, Method::PUT, &format!("{base}/Lunch"), &key, Some(json!({"enabled": "no"}))).await;
        assert_eq!(absent.status, StatusCode::NOT_FOUND, "{}", absent.body);
        assert_eq!(audit_count(&db.db, "answer-rule.update").await, 2, "off, on; a read sent back changes nothing");

        // Scopes: a read-only key and another domain's are refused; a Basic User reads its own
        // rules only; an Advanced User makes its own.
        let reader = domain_key(&mut c, &key, "acme.example", true).await;
        let other = domain_key(&mut c, &key, "other.example", false).await;
        for (token, status) in [(&reader, StatusCode::FORBIDDEN), (&other, StatusCode::NOT_FOUND)] {
            let refused = api(&mut c, Method::POST, base, token, Some(json!({"time-frame": "Closed"}))).await;
            assert_eq!(refused.status, status, "{}", refused.body);
            let refused = api(&mut c, Method::DELETE, &format!("{base}/Always"), token, None).await;
            assert_eq!(refused.status, status, "{}", refused.body);
        }
        let mut basic = session_of(&db.db, "acme.example", "1004", &basic).await;
        assert_eq!(api(&mut basic, Method::GET, "/domains/~/users/~/answerrules", "", None).await.status, StatusCode::OK);
        let refused = api(&mut basic, Method::POST, "/domains/~/users/~/answerrules", "", Some(json!({"time-frame": "Always"}))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert_eq!(api(&mut basic, Method::GET, base, "", None).await.status, StatusCode::FORBIDDEN);
        let mut advanced = session_of(&db.db, "acme.example", "1005", &advanced).await;
        let mine = api(&mut advanced, Method::POST, "/domains/~/users/~/answerrules", "", Some(json!({"time-frame": "Always",
            "do-not-disturb": {"enabled": "yes"}}))).await;
        assert_eq!(mine.status, StatusCode::ACCEPTED, "{}", mine.body);
        let (dnd,): (i64,) = sqlx::query_as("SELECT dnd FROM sip_targets WHERE domain = 'acme.example' AND extension = '1005'")
            .fetch_one(db.db.pool()).await.unwrap();
        assert_eq!(dnd, 1, "do-not-disturb while its frame holds");
        assert_eq!(api(&mut advanced, Method::POST, base, "", Some(json!({"time-frame": "Always"}))).await.status,
                   StatusCode::FORBIDDEN);

        // A named frame's rule is deleted; the frame then may be.
        let gone = api(&mut c, Method::DELETE, &format!("{base}/Always"), &key, None).await;
        assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.body);
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/Always"), &key, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/count"), &key, None).await.json()["total"], 2);
        assert_eq!(forwarded().await, "");
        assert_eq!(audit_count(&db.db, "answer-rule.delete").await, 1);
    }

    async fn an_answer_rule_is_deleted_and_reordered_as_netsapiens_does(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_domain(&mut c, &key, json!({"domain": "other.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        let base = "/domains/acme.example/users/1001/answerrules";
        let set = api(&mut c, Method::PUT, &format!("{base}/*"), &key, Some(json!({
            "forward-always": {"enabled": "yes", "parameters": ["1002"]},
            "forward-when-unregistered": {"enabled": "yes", "parameters": ["voicemail"]},
            "do-not-disturb": {"enabled": "yes"}, "call-screening": {"enabled": "no"},
            "simultaneous-ring": {"enabled": "yes", "parameters": ["1002"]}}))).await;
        assert_eq!(set.status, StatusCode::ACCEPTED, "{}", set.body);
        let reader = domain_key(&mut c, &key, "acme.example", true).await;
        let other = domain_key(&mut c, &key, "other.example", false).await;
        for (token, status) in [(&reader, StatusCode::FORBIDDEN), (&other, StatusCode::NOT_FOUND)] {
            let refused = api(&mut c, Method::DELETE, &format!("{base}/*"), token, None).await;
            assert_eq!(refused.status, status, "{}", refused.body);
            let refused = api(&mut c, Method::PUT, &format!("{base}/reorder"), token,
                Some(json!([{"time-frame": "*"}]))).await;
            assert_eq!(refused.status, status, "{}", refused.body);
        }

        let gone = api(&mut c, Method::DELETE, &format!("{base}/%2A"), &key, None).await;
        assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.body);
        let rule = api(&mut c, Method::GET, &format!("{base}/*"), &key, None).await.json();
        for feature in ["forward-always", "forward-when-unregistered", "simultaneous-ring"] {
            assert_eq!(rule[feature], json!({"enabled": "no", "parameters": []}), "{feature}");
        }
        assert_eq!(rule["do-not-disturb"], json!({"enabled": "no"}));
        assert_eq!(rule["call-screening"], json!({"enabled": "no"}), "a setting beside the rule stays");
        assert_eq!(audit_count(&db.db, "user.update").await, 2, "the change and the delete");
        let weekends = api(&mut c, Method::DELETE, &format!("{base}/weekends"), &key, None).await;
        assert_eq!(weekends.status, StatusCode::NOT_FOUND);
        let count = api(&mut c, Method::GET, &format!("{base}/count"), &key, None).await;
        assert_eq!(count.json()["total"], 1, "every user has its rule for *");

        let reordered = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key,
            Some(json!([{"time-frame": "*"}]))).await;
        assert_eq!(reordered.status, StatusCode::ACCEPTED, "{}", reordered.body);
        for body in [json!([]), json!([{"time-frame": "*"}, {"time-frame": "*"}])] {
            let partial = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key, Some(body)).await;
            assert_eq!(partial.status, StatusCode::BAD_REQUEST, "{}", partial.body);
            assert!(partial.body.contains("Please provide all timeframes in the new order."), "{}", partial.body);
        }
        for body in [json!([{"time-frame": "weekends"}]), json!([{"time-frame": "*"}, {"time-frame": "weekends"}])] {
            let unknown = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key, Some(body)).await;
            assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
            assert!(unknown.body.contains("Not Found. Timeframe input was not found."), "{}", unknown.body);
        }
        let not_a_list = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key,
            Some(json!({"time-frame": "*"}))).await;
        assert_names(&not_a_list, StatusCode::BAD_REQUEST, &["body"]);
        let nameless = api(&mut c, Method::PUT, &format!("{base}/reorder"), &key, Some(json!([{"order": 1}]))).await;
        assert_names(&nameless, StatusCode::BAD_REQUEST, &["[0].time-frame"]);
        // The rule for * is still where it was, and still made only once.
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/*"), &key, None).await.status, StatusCode::OK);
        let exists = api(&mut c, Method::POST, base, &key, Some(json!({"time-frame": "*"}))).await;
        assert_names(&exists, StatusCode::CONFLICT, &["time-frame"]);
    }

    async fn another_domains_resources_are_not_found_for_its_office_manager(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_domain(&mut c, &key, json!({"domain": "other.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({"site": "North", "department": "Sales"})).await;
        api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
            Some(json!({"phonenumber": "+16125550100", "dial-rule-translation-destination-user": "1001"}))).await;
        let acme = domain_key(&mut c, &key, "acme.example", false).await;
        let other = domain_key(&mut c, &key, "other.example", false).await;

        // Its own Office Manager works in acme.
        let own = api(&mut c, Method::POST, "/domains/acme.example/sites", &acme, Some(json!({"site": "South"}))).await;
        assert_eq!(own.status, StatusCode::ACCEPTED, "{}", own.body);
        let own = api(&mut c, Method::GET, "/domains/acme.example/phonenumbers/16125550100", &acme, None).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.body);

        for path in [
            "/domains/acme.example/sites", "/domains/acme.example/sites/North",
            "/domains/acme.example/sites/count", "/domains/acme.example/departments/list",
            "/domains/acme.example/phonenumbers", "/domains/acme.example/phonenumbers/16125550100",
            "/domains/acme.example/devices", "/domains/acme.example/users/1001/devices",
            "/domains/acme.example/users/1001/devices/1001",
            "/domains/acme.example/users/1001/answerrules", "/domains/acme.example/users/1001/answerrules/*",
        ] {
            let answer = api(&mut c, Method::GET, path, &other, None).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {}", answer.body);
        }
        for (method, path, body) in [
            (Method::POST, "/domains/acme.example/sites", json!({"site": "East"})),
            (Method::PUT, "/domains/acme.example/sites/North", json!({"site": "Nord"})),
            (Method::POST, "/domains/acme.example/phonenumbers", json!({"phonenumber": "+16125550101"})),
            (Method::PUT, "/domains/acme.example/phonenumbers/16125550100", json!({"dial-rule-application": "available-number"})),
            (Method::POST, "/domains/acme.example/users/1001/devices", json!({"device": "1001b"})),
            (Method::PUT, "/domains/acme.example/users/1001/answerrules/*", json!({"do-not-disturb": {"enabled": "yes"}})),
        ] {
            let answer = api(&mut c, method.clone(), path, &other, Some(body)).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}: {}", answer.body);
        }
        for path in ["/domains/acme.example/sites/North?force=yes", "/domains/acme.example/phonenumbers/16125550100",
                     "/domains/acme.example/users/1001/devices/1001"] {
            let answer = api(&mut c, Method::DELETE, path, &other, None).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "DELETE {path}: {}", answer.body);
        }
    }

    async fn a_site_manager_is_kept_to_its_own_site(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({"site": "North", "department": "Sales"})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({"site": "South", "department": "Sales"})).await;
        let token = add_user(&mut c, &key, "acme.example", "1009",
            json!({"site": "North", "user-scope": "Site Manager"})).await;
        for (number, user) in [("+16125550101", "1001"), ("+16125550102", "1002"), ("+16125550103", "")] {
            let made = api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
                Some(json!({"phonenumber": number, "dial-rule-translation-destination-user": user}))).await;
            assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        }
        let mut sm = session_of(&db.db, "acme.example", "1009", &token).await;

        let sites = api(&mut sm, Method::GET, "/domains/~/sites", "", None).await;
        assert_eq!(sites.status, StatusCode::OK, "{}", sites.body);
        assert_eq!(total(&sites), "1");
        assert_eq!(sites.json()[0]["site"], "North");
        assert_eq!(api(&mut sm, Method::GET, "/domains/~/sites/North", "", None).await.status, StatusCode::OK);
        assert_eq!(api(&mut sm, Method::GET, "/domains/~/sites/South", "", None).await.status, StatusCode::NOT_FOUND);
        for (method, path, body) in [
            (Method::POST, "/domains/~/sites", Some(json!({"site": "East"}))),
            (Method::PUT, "/domains/~/sites/North", Some(json!({"site": "Nord"}))),
            (Method::DELETE, "/domains/~/sites/North?force=yes", None),
        ] {
            let answer = api(&mut sm, method.clone(), path, "", body).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}: {}", answer.body);
        }
        let departments = api(&mut sm, Method::GET, "/domains/~/departments/list", "", None).await;
        assert_eq!(departments.json(), json!(["Sales"]), "its own site's only");

        let numbers = api(&mut sm, Method::GET, "/domains/~/phonenumbers", "", None).await;
        assert_eq!(total(&numbers), "1");
        assert_eq!(numbers.json()[0]["phonenumber"], "+16125550101");
        for (number, status) in [("16125550101", StatusCode::OK), ("16125550102", StatusCode::NOT_FOUND),
                                 ("16125550103", StatusCode::NOT_FOUND)] {
            let answer = api(&mut sm, Method::GET, &format!("/domains/~/phonenumbers/{number}"), "", None).await;
            assert_eq!(answer.status, status, "{number}: {}", answer.body);
        }
        let elsewhere = api(&mut sm, Method::POST, "/domains/~/phonenumbers", "",
            Some(json!({"phonenumber": "+16125550104", "dial-rule-translation-destination-user": "1002"}))).await;
        assert_names(&elsewhere, StatusCode::BAD_REQUEST, &["dial-rule-translation-destination-user"]);
        let available = api(&mut sm, Method::POST, "/domains/~/phonenumbers", "",
            Some(json!({"phonenumber": "+16125550104", "dial-rule-application": "available-number"}))).await;
        assert_eq!(available.status, StatusCode::FORBIDDEN, "{}", available.body);
        let mine = api(&mut sm, Method::POST, "/domains/~/phonenumbers", "",
            Some(json!({"phonenumber": "+16125550104", "dial-rule-translation-destination-user": "1001"}))).await;
        assert_eq!(mine.status, StatusCode::ACCEPTED, "{}", mine.body);
        let moved = api(&mut sm, Method::PUT, "/domains/~/phonenumbers/16125550104", "",
            Some(json!({"dial-rule-translation-destination-user": "1009"}))).await;
        assert_eq!(moved.status, StatusCode::ACCEPTED, "{}", moved.body);

        let devices = api(&mut sm, Method::GET, "/domains/~/devices", "", None).await;
        assert_eq!(devices.status, StatusCode::OK, "{}", devices.body);
        assert_eq!(total(&devices), "2", "{}", devices.body);
        let other = api(&mut sm, Method::GET, "/domains/~/users/1002/devices", "", None).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        let add = api(&mut sm, Method::POST, "/domains/~/users/1001/devices", "", Some(json!({"device": "1001b"}))).await;
        assert_eq!(add.status, StatusCode::ACCEPTED, "{}", add.body);
        let add = api(&mut sm, Method::POST, "/domains/~/users/1002/devices", "", Some(json!({"device": "1002b"}))).await;
        assert_eq!(add.status, StatusCode::NOT_FOUND);
        let rules = api(&mut sm, Method::GET, "/domains/~/users/1002/answerrules", "", None).await;
        assert_eq!(rules.status, StatusCode::NOT_FOUND);
        let rules = api(&mut sm, Method::PUT, "/domains/~/users/1001/answerrules/*", "",
            Some(json!({"do-not-disturb": {"enabled": "yes"}}))).await;
        assert_eq!(rules.status, StatusCode::ACCEPTED, "{}", rules.body);
    }

    async fn a_read_only_key_reads_but_changes_nothing(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({"site": "North"})).await;
        api(&mut c, Method::POST, "/domains/acme.example/phonenumbers", &key,
            Some(json!({"phonenumber": "+16125550100", "dial-rule-translation-destination-user": "1001"}))).await;
        let reader = domain_key(&mut c, &key, "acme.example", true).await;
        for path in ["/domains/acme.example/sites", "/domains/acme.example/phonenumbers",
                     "/domains/acme.example/devices", "/domains/acme.example/users/1001/answerrules",
                     "/domains/acme.example/departments/list"] {
            let answer = api(&mut c, Method::GET, path, &reader, None).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        }
        for (method, path, body) in [
            (Method::POST, "/domains/acme.example/sites", Some(json!({"site": "East"}))),
            (Method::PUT, "/domains/acme.example/sites/North", Some(json!({"site": "Nord"}))),
            (Method::DELETE, "/domains/acme.example/sites/North?force=yes", None),
            (Method::POST, "/domains/acme.example/phonenumbers", Some(json!({"phonenumber": "+16125550101"}))),
            (Method::PUT, "/domains/acme.example/phonenumbers/16125550100", Some(json!({"dial-rule-application": "available-number"}))),
            (Method::DELETE, "/domains/acme.example/phonenumbers/16125550100", None),
            (Method::POST, "/domains/acme.example/users/1001/devices", Some(json!({"device": "1001b"}))),
            (Method::PUT, "/domains/acme.example/users/1001/devices/1001", Some(json!({"device": "1001x"}))),
            (Method::DELETE, "/domains/acme.example/users/1001/devices/1001", None),
            (Method::PUT, "/domains/acme.example/users/1001/answerrules/*", Some(json!({"do-not-disturb": {"enabled": "yes"}}))),
            (Method::POST, "/domains/acme.example/users/1001/answerrules", Some(json!({"time-frame": "*"}))),
        ] {
            let answer = api(&mut c, method.clone(), path, &reader, body).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}: {}", answer.body);
        }
        assert_eq!(total(&api(&mut c, Method::GET, "/domains/acme.example/sites", &key, None).await), "1");
    }

    async fn resellers_are_listed_objects_that_a_domain_must_name(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        // Made with the spec's fields; the SMTP password is kept and never answered.
        let made = api(&mut c, Method::POST, "/resellers", &key, Some(json!({"synchronous": "yes",
            "reseller": "North Reseller", "description": "Acme UCaaS Services",
            "email-send-smtp-hostname": "SMTP.Example.com", "email-send-smtp-port": 587,
            "email-send-smtp-username": "relay", "email-send-smtp-password": "relay secret"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert!(!made.body.contains("relay secret"), "{}", made.body);
        assert_eq!(made.json()["email-send-smtp-hostname"], "smtp.example.com");
        // The same name in another case is the same reseller.
        let twice = api(&mut c, Method::POST, "/resellers", &key, Some(json!({"reseller": "north reseller"}))).await;
        assert_names(&twice, StatusCode::CONFLICT, &["reseller"]);
        let bad = api(&mut c, Method::POST, "/resellers", &key, Some(json!({"reseller": "<b>",
            "email-send-smtp-port": 70000, "colour": "red"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["colour"]);
        let bad = api(&mut c, Method::POST, "/resellers", &key, Some(json!({"reseller": "<b>",
            "email-send-smtp-port": 70000}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["reseller", "email-send-smtp-port"]);

        // A domain names an existing reseller, in any case, and keeps the reseller's spelling;
        // a made-up one is refused on its field and nothing is written.
        let nowhere = api(&mut c, Method::POST, "/domains", &key,
            Some(json!({"domain": "acme.example", "reseller": "Made Up"}))).await;
        assert_names(&nowhere, StatusCode::BAD_REQUEST, &["reseller"]);
        assert_eq!(api(&mut c, Method::GET, "/domains/count", &key, None).await.json()["total"], 0);
        add_domain(&mut c, &key, json!({"domain": "acme.example", "reseller": "NORTH RESELLER"})).await;
        let domain = api(&mut c, Method::GET, "/domains/acme.example", &key, None).await;
        assert_eq!(domain.json()["reseller"], "North Reseller");
        add_user(&mut c, &key, "acme.example", "101", json!({})).await;
        add_user(&mut c, &key, "acme.example", "102", json!({})).await;
        let moved = api(&mut c, Method::PUT, "/domains/acme.example", &key,
            Some(json!({"reseller": "South"}))).await;
        assert_names(&moved, StatusCode::BAD_REQUEST, &["reseller"]);

        // Listed and read with its domains and users counted.
        let list = api(&mut c, Method::GET, "/resellers", &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(total(&list), "1");
        let one = &list.json()[0];
        assert_eq!((one["reseller"].as_str(), one["domains-total"].as_u64(), one["users-total"].as_u64()),
                   (Some("North Reseller"), Some(1), Some(2)));
        assert_eq!(api(&mut c, Method::GET, "/resellers/count", &key, None).await.json()["total"], 1);
        let read = api(&mut c, Method::GET, "/resellers/north%20reseller", &key, None).await;
        assert_eq!(read.json()["email-send-smtp-port"], 587, "{}", read.body);
        assert_eq!(api(&mut c, Method::GET, "/resellers/nobody", &key, None).await.status, StatusCode::NOT_FOUND);

        // Changed field by field: its name is its key; a blank password keeps the stored one.
        let changed = api(&mut c, Method::PUT, "/resellers/North%20Reseller", &key,
            Some(json!({"synchronous": "yes", "description": "North, renamed", "email-send-smtp-password": ""}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["description"], "North, renamed");
        assert_eq!(changed.json()["email-send-smtp-username"], "relay");
        let kept: String = sqlx::query_scalar("SELECT settings FROM resellers")
            .fetch_one(db.db.pool()).await.unwrap();
        assert!(kept.contains("relay secret"), "{kept}");
        let renamed = api(&mut c, Method::PUT, "/resellers/North%20Reseller", &key,
            Some(json!({"reseller": "Elsewhere"}))).await;
        assert_names(&renamed, StatusCode::BAD_REQUEST, &["reseller"]);
        assert_eq!(audit_count(&db.db, "reseller.update").await, 1);

        // An Office Manager's key reaches no reseller.
        let om = domain_key(&mut c, &key, "acme.example", false).await;
        assert_eq!(api(&mut c, Method::GET, "/resellers", &om, None).await.status, StatusCode::FORBIDDEN);

        // Not deleted while a domain names it; deleted once none does.
        let refused = api(&mut c, Method::DELETE, "/resellers/North%20Reseller", &key, None).await;
        assert_names(&refused, StatusCode::CONFLICT, &["reseller"]);
        let freed = api(&mut c, Method::PUT, "/domains/acme.example", &key, Some(json!({"reseller": ""}))).await;
        assert!(freed.status.is_success(), "{}", freed.body);
        let deleted = api(&mut c, Method::DELETE, "/resellers/North%20Reseller", &key, None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        assert_eq!(api(&mut c, Method::GET, "/resellers/count", &key, None).await.json()["total"], 0);
        assert_eq!(audit_count(&db.db, "reseller.delete").await, 1);
    }

    async fn every_device_setting_round_trips_through_create_read_list_and_put(db: TestDb) {
        use app::model::DEVICE_FIELDS;
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        let base = "/domains/acme.example/users/1001/devices";
        let mut body = json!({"device": "desk1001", "synchronous": "yes"});
        for field in DEVICE_FIELDS {
            body[field.name] = sent(not_default(field));
        }
        // What every answer shows: each setting as sent, the secret never.
        let mut expected: std::collections::BTreeMap<&str, String> = DEVICE_FIELDS
            .iter()
            .map(|f| (f.name, if f.is_secret() { String::new() } else { not_default(f).to_owned() }))
            .collect();
        let check = |answer: &Value, expected: &std::collections::BTreeMap<&str, String>, when: &str| {
            for (name, value) in expected {
                assert_eq!(&shown(answer, name), value, "{name} {when}: {answer}");
            }
            assert_eq!(answer["device"], "desk1001", "{when}");
            assert_eq!(answer["user"], "1001", "{when}");
            assert_eq!(answer["domain"], "acme.example", "{when}");
            assert_eq!(answer["device-sip-registration-uri"], "sip:desk1001@acme.example", "{when}");
        };
        let made = api(&mut c, Method::POST, base, &key, Some(body)).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        check(&made.json(), &expected, "created");
        let one = format!("{base}/desk1001");
        check(&api(&mut c, Method::GET, &one, &key, None).await.json(), &expected, "read");
        let listed = api(&mut c, Method::GET, base, &key, None).await.json();
        check(&listed[1], &expected, "in its user's list");
        let domain = api(&mut c, Method::GET, "/domains/acme.example/devices?search=desk", &key, None).await.json();
        check(&domain[0], &expected, "in its domain's list");
        let user = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await.json();
        check(&user["devices"][1], &expected, "in its user");
        // One shape wherever a device is read.
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&domain[0]), keys(&listed[1]));
        assert_eq!(stored_device_settings(&db.db, "desk1001").await["device-provisioning-password"], "relay-secret-1");

        // A PUT of one setting changes it alone: back to its default (blank for one without), a
        // new secret for the secret (never shown).
        for field in DEVICE_FIELDS {
            let new = if field.is_secret() { "another secret" } else { field.default.unwrap_or("") };
            let put = api(&mut c, Method::PUT, &one, &key,
                Some(json!({field.name: sent(new), "synchronous": "yes"}))).await;
            assert_eq!(put.status, StatusCode::OK, "{}: {}", field.name, put.body);
            if !field.is_secret() {
                expected.insert(field.name, new.to_owned());
            }
            check(&put.json(), &expected, &format!("after a PUT of {}", field.name));
        }
        check(&api(&mut c, Method::GET, &one, &key, None).await.json(), &expected, "read again");
        assert_eq!(stored_device_settings(&db.db, "desk1001").await["device-provisioning-password"], "another secret");
        // A blank secret keeps it; a change of name, password or phone keeps every setting.
        let kept = api(&mut c, Method::PUT, &one, &key, Some(json!({"device-provisioning-password": "",
            "device-sip-registration-password": "Zx9#long-enough-pass", "device-srtp-enabled": "yes"}))).await;
        assert_eq!(kept.status, StatusCode::ACCEPTED, "{}", kept.body);
        assert_eq!(stored_device_settings(&db.db, "desk1001").await["device-provisioning-password"], "another secret");
        expected.insert("device-srtp-enabled", "yes".to_owned());
        let renamed = api(&mut c, Method::PUT, &one, &key, Some(json!({"device": "desk-1001", "synchronous": "yes"}))).await;
        assert_eq!(renamed.json()["device"], "desk-1001");
        assert_eq!(shown(&renamed.json(), "device-srtp-enabled"), "yes");
        assert_eq!(renamed.json()["device-sip-registration-uri"], "sip:desk-1001@acme.example");
    }

    async fn bad_device_settings_are_each_named_and_star_is_the_users_caller_id(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        let base = "/domains/acme.example/users/1001/devices";
        let bad = api(&mut c, Method::POST, base, &key, Some(json!({
            "device": "bad name!", "device-srtp-enabled": "sometimes", "device-sip-nat-traversal-enabled": "auto",
            "device-provisioning-sip-transport-protocol": "sctp", "device-sip-registration-expiry-seconds": 3601,
            "device-provisioning-line": 0, "auto-answer-enabled": "maybe", "caller-id-number-emergency": "911!",
            "device-provisioning-registration-core-server": "not a host", "recording-configuration": "always",
            "device-provisioning-mac-address": "0004f2aabbcc"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["device", "device-srtp-enabled",
            "device-sip-nat-traversal-enabled", "device-provisioning-sip-transport-protocol",
            "device-sip-registration-expiry-seconds", "device-provisioning-line", "auto-answer-enabled",
            "caller-id-number-emergency", "device-provisioning-registration-core-server", "recording-configuration"]);
        assert_eq!(total(&api(&mut c, Method::GET, base, &key, None).await), "1", "nothing was written");

        // NetSapiens' [*] is the user's emergency caller ID, as a blank is.
        let made = api(&mut c, Method::POST, base, &key,
            Some(json!({"device": "1001b", "caller-id-number-emergency": "[*]", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["caller-id-number-emergency"], "[*]");
        let one = format!("{base}/1001b");
        let own = api(&mut c, Method::PUT, &one, &key,
            Some(json!({"caller-id-number-emergency": "(612) 555-0911", "synchronous": "yes"}))).await;
        assert_eq!(own.json()["caller-id-number-emergency"], "+16125550911");
        let back = api(&mut c, Method::PUT, &one, &key,
            Some(json!({"caller-id-number-emergency": "[*]", "synchronous": "yes"}))).await;
        assert_eq!(back.json()["caller-id-number-emergency"], "[*]");

        // A change with several bad members names each (a MAC address without its model too),
        // and changes nothing.
        let bad = api(&mut c, Method::PUT, &one, &key, Some(json!({
            "device-srtp-enabled": "always", "device-provisioning-line": "x", "device-push-enabled": "no",
            "device-provisioning-mac-address": "00:15:65:1a:2b:3c", "device-provisioning-overrides": "a\u{0007}b"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["device-srtp-enabled", "device-provisioning-line",
            "device-models-model", "device-provisioning-overrides"]);
        let now = api(&mut c, Method::GET, &one, &key, None).await.json();
        assert_eq!(now["device-push-enabled"], "yes");
        assert!(now["device-provisioning-mac-address"].is_null());

        // In a user's one-request create, as `devices[i].<field>`.
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "1002", "name-first-name": "Pat", "name-last-name": "Phone", "email": "p@example.com",
            "devices": [{"device": "1002", "device-srtp-enabled": "sometimes", "device-provisioning-line": 100}]}))).await;
        assert_names(&made, StatusCode::BAD_REQUEST,
            &["devices[0].device-srtp-enabled", "devices[0].device-provisioning-line"]);
    }

    async fn a_device_created_with_its_user_carries_its_settings(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_user(&mut c, &key, "acme.example", "1003", json!({
            "devices": [{"device": "1003", "device-srtp-enabled": "opportunistic", "device-provisioning-line": 3,
                         "caller-id-number-emergency": "[*]", "device-provisioning-password": "phone secret"},
                        {"device": "1003-soft", "device-push-enabled": "no"}]})).await;
        let devices = api(&mut c, Method::GET, "/domains/acme.example/users/1003/devices", &key, None).await.json();
        assert_eq!(devices[0]["device-srtp-enabled"], "opportunistic");
        assert_eq!(devices[0]["device-provisioning-line"], 3);
        assert_eq!(devices[0]["caller-id-number-emergency"], "[*]");
        assert!(devices[0]["device-provisioning-password"].is_null(), "never shown");
        assert_eq!(devices[0]["device-push-enabled"], "yes", "a default");
        assert_eq!(devices[1]["device-push-enabled"], "no");
        assert_eq!(devices[1]["device-srtp-enabled"], "no");
        assert_eq!(stored_device_settings(&db.db, "1003").await["device-provisioning-password"], "phone secret");
        // A user made with the form's one device: NetSapiens' defaults.
        add_user(&mut c, &key, "acme.example", "1004", json!({})).await;
        let one = api(&mut c, Method::GET, "/domains/acme.example/users/1004/devices/1004", &key, None).await.json();
        assert_eq!(one["device-sip-registration-expiry-seconds"], 60);
        assert_eq!(one["device-sip-nat-traversal-enabled"], "automatic");
        assert_eq!(one["device-provisioning-sip-transport-protocol"], "udp");
        assert_eq!(one["recording-configuration"], "no");
    }

    async fn device_counts_answer_how_many_and_whether_a_name_is_taken(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        add_domain(&mut c, &key, json!({"domain": "acme.example"})).await;
        add_domain(&mut c, &key, json!({"domain": "other.example"})).await;
        add_user(&mut c, &key, "acme.example", "1001", json!({})).await;
        add_user(&mut c, &key, "acme.example", "1002", json!({})).await;
        add_user(&mut c, &key, "other.example", "2001", json!({"device": "elsewhere"})).await;
        let made = api(&mut c, Method::POST, "/domains/acme.example/users/1001/devices", &key,
            Some(json!({"device": "1001b"}))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        let count = |answer: Answer| {
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            answer.json()["total"].clone()
        };
        assert_eq!(count(api(&mut c, Method::GET, "/domains/acme.example/devices/count", &key, None).await), 3);
        assert_eq!(count(api(&mut c, Method::GET, "/domains/acme.example/devices/count?search=1001", &key, None).await), 2);
        assert_eq!(count(api(&mut c, Method::GET, "/domains/acme.example/users/1001/devices/count", &key, None).await), 2);
        assert_eq!(count(api(&mut c, Method::GET, "/domains/acme.example/users/1002/devices/count", &key, None).await), 1);
        for (device, taken) in [("1001b", 1), ("1001B", 1), ("1002", 1), ("nobody", 0), ("bad%20name", 0), ("elsewhere", 0)] {
            let path = format!("/domains/acme.example/devices/{device}/count");
            assert_eq!(count(api(&mut c, Method::GET, &path, &key, None).await), taken, "{device}");
        }
        assert_eq!(count(api(&mut c, Method::GET, "/domains/other.example/devices/elsewhere/count", &key, None).await), 1);
        let missing = api(&mut c, Method::GET, "/domains/acme.example/users/9999/devices/count", &key, None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
        let nowhere = api(&mut c, Method::GET, "/domains/nowhere.example/devices/count", &key, None).await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND, "{}", nowhere.body);
        // A user counts its own devices, and may not ask about the domain's.
        let token = add_user(&mut c, &key, "acme.example", "1005", json!({"user-scope": "Basic User"})).await;
        let mut me = session_of(&db.db, "acme.example", "1005", &token).await;
        assert_eq!(count(api(&mut me, Method::GET, "/domains/~/users/~/devices/count", "", None).await), 1);
        let all = api(&mut me, Method::GET, "/domains/~/devices/count", "", None).await;
        assert_eq!(all.status, StatusCode::FORBIDDEN, "{}", all.body);
        let taken = api(&mut me, Method::GET, "/domains/~/devices/1001/count", "", None).await;
        assert_eq!(taken.status, StatusCode::FORBIDDEN, "{}", taken.body);
    }

    async fn every_new_route_is_in_the_openapi_document(db: TestDb) {
        let mut c = Client::new(&db.db);
        let doc = c.get(&format!("{API}/openapi.json")).await.json();
        for path in [
            "/domains/{domain}/sites", "/domains/{domain}/sites/count", "/domains/{domain}/sites/{site}",
            "/domains/{domain}/departments/list", "/domains/{domain}/phonenumbers",
            "/domains/{domain}/phonenumbers/count", "/domains/{domain}/phonenumbers/{phonenumber}",
            "/domains/{domain}/devices", "/domains/{domain}/users/{user}/devices",
            "/domains/{domain}/users/{user}/devices/{device}", "/domains/{domain}/users/{user}/answerrules",
            "/domains/{domain}/devices/count", "/domains/{domain}/devices/{device}/count",
            "/domains/{domain}/users/{user}/devices/count",
            "/domains/{domain}/users/{user}/answerrules/count",
            "/domains/{domain}/users/{user}/answerrules/{timeframe}",
            "/domains/{domain}/users/{user}/answerrules/reorder", "/phonenumbers", "/phonenumbers/count",
            "/resellers", "/resellers/count", "/resellers/{reseller}",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
        for (path, method) in [("/domains/{domain}/phonenumbers", "put"),
                               ("/domains/{domain}/users/{user}/answerrules/{timeframe}", "delete")] {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} is documented");
        }
    }
}
