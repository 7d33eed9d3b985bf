//! The NetSapiens-shaped API under `/ns-api/v2`, through the real router, on both databases:
//! bad input as RFC 9457 problems (400, 413, 415; 422 only for an Idempotency-Key reused with another request), users (create, list, read, partial
//! update, delete with its voicemail precondition, all-or-nothing nested create), `~`, the
//! permission table as seen by a key of every scope, API keys (made within the maker's reach,
//! shown once as `key`, stored hashed, read-only, address-limited, revoked, last used, acting as
//! a user, limited to models, changed with PUT), Idempotency-Key,
//! the portal's session, and the OpenAPI document and its documentation page.

mod common;

use app::model::domain::DomainForm;
use app::model::user::UserForm;
use app::model::{DomainName, Parse, Scope};
use app::ssr::auth::set_password_with_link;
use app::ssr::caller::Caller;
use app::ssr::db::Db;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{logged_in_super_user, path, Answer, Client, TestDb};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

const API: &str = "/ns-api/v2";
const ACME: &str = "acme.example";
const OTHER: &str = "other.example";
const THIRD: &str = "third.example";
const NORTH_RESELLER: &str = "north-reseller";
const SOUTH_RESELLER: &str = "south-reseller";
/// The password every person of a test logs in with.
const PASSWORD: &str = "violet harbor quartz meadow";
/// The detail of the API's fallback: a path no route serves.
const NO_SUCH_ROUTE: &str = "No such API route.";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Sends an API request with a bearer token (or the client's session when `token` is empty),
/// extra headers, and a body of the given content type (none: no `Content-Type`).
async fn send(
    client: &mut Client,
    method: Method,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<(Option<&str>, Vec<u8>)>,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{API}{path}"));
    if !token.is_empty() {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = match body {
        Some((content_type, bytes)) => {
            if let Some(content_type) = content_type {
                req = req.header(header::CONTENT_TYPE, content_type);
            }
            req.body(Body::from(bytes))
        }
        None => req.body(Body::empty()),
    };
    client.send(req.unwrap()).await
}

/// Sends an API request with a bearer token (or the client's session when `token` is empty)
/// and, if any, a JSON body.
async fn api(
    client: &mut Client,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let body = body.map(|b| (Some("application/json"), b.to_string().into_bytes()));
    send(client, method, path, token, &[], body).await
}

/// Makes an API key with the client's session; returns its id and token (NetSapiens' `key`).
async fn make_key(client: &mut Client, body: Value) -> (String, String) {
    let made = api(client, Method::POST, "/apikeys", "", Some(body)).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let made = made.json();
    (
        made["key-id"].as_str().unwrap().to_owned(),
        made["key"].as_str().unwrap().to_owned(),
    )
}

/// A Super User's client and an all-domains Super User key made with its session.
async fn super_key(db: &Db) -> (Client, String) {
    let mut client = logged_in_super_user(db).await;
    let (_, token) = make_key(
        &mut client,
        json!({"description": "Provisioning robot", "domain": "*", "can-create-keys": "yes"}),
    )
    .await;
    client.cookie = None;
    (client, token)
}

/// A Super User key and the domain acme.example, made through the API.
async fn super_key_and_acme(db: &Db) -> (Client, String) {
    let (mut c, key) = super_key(db).await;
    let made = api(
        &mut c,
        Method::POST,
        "/domains",
        &key,
        Some(json!({"domain": ACME})),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
    (c, key)
}

/// The least a user needs: extension, names and e-mail.
fn user_body(ext: &str, first: &str, last: &str) -> Value {
    json!({"user": ext, "name-first-name": first, "name-last-name": last,
           "email": format!("u{ext}@people.example")})
}

/// Creates a user through the API, which must succeed (202).
async fn add_user(c: &mut Client, key: &str, domain: &str, body: Value) {
    let made = api(
        c,
        Method::POST,
        &format!("/domains/{domain}/users"),
        key,
        Some(body),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
}

/// How many users `domain` has, by the count route.
async fn user_count(c: &mut Client, key: &str, domain: &str) -> u64 {
    let count = api(
        c,
        Method::GET,
        &format!("/domains/{domain}/users/count"),
        key,
        None,
    )
    .await;
    assert_eq!(count.status, StatusCode::OK, "{}", count.body);
    count.json()["total"].as_u64().unwrap()
}

/// The fields a problem names, in order.
fn fields(answer: &Answer) -> Vec<String> {
    answer.json()["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Checks that `answer` is an RFC 9457 problem of `status` with NetSapiens' members too.
fn assert_problem(answer: &Answer, status: StatusCode) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{}",
        answer.body
    );
    let problem = answer.json();
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["title"], status.canonical_reason().unwrap());
    assert_eq!(problem["status"], status.as_u16());
    assert_eq!(problem["code"], status.as_u16());
    let detail = problem["detail"].as_str().expect("a detail");
    assert!(!detail.is_empty());
    assert_eq!(problem["message"], detail);
}

/// Checks that `answer` is a problem of `status` naming each of `expected` (and maybe more).
fn assert_names(answer: &Answer, status: StatusCode, expected: &[&str]) {
    assert_problem(answer, status);
    let named = fields(answer);
    for field in expected {
        assert!(
            named.iter().any(|n| n == field),
            "{field} not in {named:?}: {}",
            answer.body
        );
        let message = answer.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == *field)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(!message.is_empty(), "{field} has no message");
    }
}

fn name(domain: &str) -> DomainName {
    DomainName::parse(domain).unwrap()
}

/// Creates a domain with a reseller, as Roster itself.
async fn system_domain(db: &Db, domain: &str, reseller: &str) {
    common::add_resellers(db, &[reseller]).await;
    let form = DomainForm {
        domain: domain.into(),
        reseller: reseller.into(),
        ..DomainForm::new_domain()
    };
    app::ssr::domains::create_domain(db, &Caller::system(), &form)
        .await
        .unwrap_or_else(|e| panic!("create {domain}: {e:?}"));
}

/// Creates a user as Roster itself and returns its invitation token, if it got one.
async fn system_user(db: &Db, domain: &str, ext: &str, scope: Scope, site: &str) -> Option<String> {
    let form = UserForm {
        user: ext.into(),
        name_first_name: "Pat".into(),
        name_last_name: format!("Number{ext}"),
        email: format!("u{ext}@people.example"),
        user_scope: scope.as_str().into(),
        site: site.into(),
        ..UserForm::default()
    };
    app::ssr::users::create_user(db, &Caller::system(), &name(domain), &form)
        .await
        .unwrap_or_else(|e| panic!("create {ext}@{domain}: {e:?}"))
        .invitation
}

/// A person: a user of `domain` (site North) who took its invitation and logged in.
async fn person(db: &Db, domain: &str, ext: &str, scope: Scope) -> Client {
    let token = system_user(db, domain, ext, scope, "North")
        .await
        .expect("an invitation");
    set_password_with_link(db, &token, PASSWORD, PASSWORD, String::new())
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
    assert!(
        answer.status.is_success(),
        "{login}: {} {}",
        answer.body,
        answer.status
    );
    client
}

/// A key of the Office Manager of a new domain `domain` (a tenant of its own).
async fn office_manager_key(db: &Db, domain: &str) -> String {
    system_domain(db, domain, SOUTH_RESELLER).await;
    let mut manager = person(db, domain, "300", Scope::OfficeManager).await;
    make_key(
        &mut manager,
        json!({"description": "Another tenant's manager", "domain": "~"}),
    )
    .await
    .1
}

/// The domains a list answer names.
fn domain_names(answer: &Answer) -> BTreeSet<String> {
    answer
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap().to_owned())
        .collect()
}

/// The extensions a users list answer names, in order.
fn extensions(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"].as_str().unwrap().to_owned())
        .collect()
}

/// A body of about `bytes` bytes that is valid JSON.
fn big_body(bytes: usize) -> Vec<u8> {
    json!({"user": "1001", "name-first-name": "A".repeat(bytes)})
        .to_string()
        .into_bytes()
}

/// The OpenAPI document, as served.
async fn document(c: &mut Client) -> Value {
    let doc = api(c, Method::GET, "/openapi.json", "", None).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
    doc.json()
}

/// Every (method, path) of the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() {
                all.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    all
}

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn malformed_json_and_bodies_that_are_not_objects_are_400_problems(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("1001", "Ann", "Lee")).await;
        let json = Some("application/json");
        for (method, path) in [
            (Method::POST, "/domains"),
            (Method::PUT, "/domains/acme.example"),
            (Method::POST, "/domains/acme.example/users"),
            (Method::PUT, "/domains/acme.example/users/1001"),
            (Method::POST, "/apikeys"),
        ] {
            for body in [&b"{\"user\": "[..], b"{'user': 1}", b"", b"[1, 2]", b"[]", b"\"text\"", b"42", b"null"] {
                let bad = send(&mut c, method.clone(), path, &key, &[], Some((json, body.to_vec()))).await;
                assert_names(&bad, StatusCode::BAD_REQUEST, &["body"]);
            }
        }
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
    }

    async fn a_key_given_twice_is_refused_at_any_depth_and_nothing_is_written(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let json = Some("application/json");
        let twice: [&[u8]; 3] = [
            br#"{"user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": "a@b.example", "user-scope": "Basic User", "user-scope": "Super User"}"#,
            br#"{"user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": "a@b.example", "devices": [{"device": "a", "device": "b"}]}"#,
            br#"{"user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": "a@b.example", "voicemail": {"enabled": "yes", "enabled": "no"}}"#,
        ];
        for body in twice {
            let bad = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &[], Some((json, body.to_vec()))).await;
            assert_names(&bad, StatusCode::BAD_REQUEST, &["body"]);
            assert!(bad.body.contains("given twice"), "{}", bad.body);
        }
        assert_eq!(user_count(&mut c, &key, ACME).await, 0);
    }

    async fn a_huge_bad_value_is_not_echoed_back_whole(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let huge = "x".repeat(60_000);
        // A huge value, and a huge unknown field name: each quoted in part only.
        for body in [
            json!({"user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": huge}),
            json!({"user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": "a@b.example", huge.clone(): "1"}),
        ] {
            let bad = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(body)).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", &bad.body[..200.min(bad.body.len())]);
            assert_eq!(fields(&bad).len(), 1, "{}", &bad.body[..500.min(bad.body.len())]);
            assert!(bad.body.len() < 4_000, "the answer is {} bytes", bad.body.len());
        }
    }

    async fn unknown_fields_are_each_named_in_a_400(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("1001", "Ann", "Lee")).await;
        let unknown = ["favourite-colour", "shoe-size"];
        let mut user = user_body("1002", "Bo", "Kerr");
        let mut domain = json!({"domain": "new.example"});
        let mut key_body = json!({"description": "A key with extras"});
        let mut change = json!({"name-last-name": "Lee-Smith"});
        for body in [&mut user, &mut domain, &mut key_body, &mut change] {
            body["favourite-colour"] = json!("blue");
            body["shoe-size"] = json!(44);
        }
        for (method, path, body) in [
            (Method::POST, "/domains/acme.example/users", user),
            (Method::PUT, "/domains/acme.example/users/1001", change.clone()),
            (Method::POST, "/domains", domain),
            (Method::PUT, "/domains/acme.example", change),
            (Method::POST, "/apikeys", key_body),
        ] {
            let bad = api(&mut c, method.clone(), path, &key, Some(body)).await;
            assert_names(&bad, StatusCode::BAD_REQUEST, &unknown);
        }
        // Nothing was made or changed.
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
        let read = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(read.json()["name-last-name"], "Lee");
        let new = api(&mut c, Method::GET, "/domains/new.example", &key, None).await;
        assert_eq!(new.status, StatusCode::NOT_FOUND);
    }

    async fn values_of_the_wrong_type_are_each_named_in_a_400(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("1001", "Ann", "Lee")).await;
        let wrong = json!({"user": "1002", "name-first-name": {"first": "Bo"},
                           "name-last-name": ["Kerr", "Smith"], "email": "bo@people.example"});
        let bad = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(wrong)).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["name-first-name", "name-last-name"]);
        let change = json!({"name-first-name": {"first": "Bo"}, "status-message": [1, 2]});
        let bad = api(&mut c, Method::PUT, "/domains/acme.example/users/1001", &key, Some(change)).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["name-first-name", "status-message"]);
        let domain = json!({"domain": "new.example", "description": {"a": 1}, "time-zone": ["UTC"]});
        let bad = api(&mut c, Method::POST, "/domains", &key, Some(domain)).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["description", "time-zone"]);
        let key_body = json!({"description": ["A key", "in a list"], "readonly": {"yes": true}});
        let bad = api(&mut c, Method::POST, "/apikeys", &key, Some(key_body)).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["description", "readonly"]);
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
    }

    async fn a_body_that_is_not_sent_as_json_is_a_415(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("1001", "Ann", "Lee")).await;
        let body = user_body("1002", "Bo", "Kerr").to_string().into_bytes();
        for (method, path) in [
            (Method::POST, "/domains"),
            (Method::POST, "/domains/acme.example/users"),
            (Method::PUT, "/domains/acme.example/users/1001"),
            (Method::POST, "/apikeys"),
        ] {
            for content_type in [Some("text/plain"), None, Some("application/x-www-form-urlencoded")] {
                let bad = send(&mut c, method.clone(), path, &key, &[], Some((content_type, body.clone()))).await;
                assert_problem(&bad, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            }
        }
        // application/json with a charset, or a +json type, is JSON.
        let made = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &[],
            Some((Some("application/json; charset=utf-8"), body))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        assert_eq!(user_count(&mut c, &key, ACME).await, 2);
    }

    async fn a_body_over_the_limit_is_a_413_problem(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let limit = common::settings().max_body_bytes;
        let body = big_body(limit + 1024);
        // Declared up front...
        let length = body.len().to_string();
        let declared = send(&mut c, Method::POST, "/domains/acme.example/users", &key,
            &[("content-length", &length)], Some((Some("application/json"), body.clone()))).await;
        assert_problem(&declared, StatusCode::PAYLOAD_TOO_LARGE);
        // ...or streamed without a length.
        let streamed = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &[],
            Some((Some("application/json"), body))).await;
        assert_problem(&streamed, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(user_count(&mut c, &key, ACME).await, 0);
        // Under the limit, the same route reads the body (and refuses the long name).
        let fits = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &[],
            Some((Some("application/json"), big_body(limit / 2)))).await;
        assert_eq!(fits.status, StatusCode::BAD_REQUEST, "{}", fits.body);
    }
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn a_user_is_created_with_everything_attached_and_read_back(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        let made = api(&mut c, Method::POST, "/domains", &key,
            Some(json!({"domain": "acme.example", "synchronous": "yes", "limits-max-users": 10}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "synchronous": "yes", "user": 1001, "name-first-name": "Ann", "name-last-name": "Lee",
            "email-address": "ann@example.com", "user-scope": "Basic User",
            "phone-numbers": ["+16125550100"],
            "devices": [{"device": "1001"}, {"device": "1001b", "device-sip-registration-password": "Zx9#long-enough-pass"}],
            "voicemail": {"enabled": "yes", "login-pin": "8264"},
            "answer-rules": [{"time-frame": "*", "forward-no-answer": {"enabled": "yes", "parameters": ["+16125550199"]}}]
        }))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let user = made.json();
        assert_eq!(user["user"], "1001");
        assert_eq!(user["devices"].as_array().unwrap().len(), 2);
        assert!(user["invitation-link"].as_str().unwrap().starts_with("/set-password?token="));
        let read = api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.json()["phone-numbers"][0], "+16125550100");
        let list = api(&mut c, Method::GET, "/domains/acme.example/users?limit=1", &key, None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.headers["x-total-count"], "1");
    }

    async fn every_bad_field_is_named_in_one_problem(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        api(&mut c, Method::POST, "/domains", &key, Some(json!({"domain": "acme.example"}))).await;
        let bad = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "x y", "name-first-name": {"no": 1}, "favourite-colour": "blue",
            "devices": [{"device": ""}], "voicemail": {"shoe-size": 9}
        }))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(bad.headers[header::CONTENT_TYPE], "application/problem+json");
        let fields = fields(&bad);
        for f in ["name-first-name", "favourite-colour", "voicemail.shoe-size"] {
            assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
        }
    }

    async fn a_create_answers_202_and_200_with_the_user_when_synchronous(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        // `email`, without synchronous: NetSapiens' 202.
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "1001", "name-first-name": "Ann", "name-last-name": "Lee", "email": "ann@example.com"
        }))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        assert_eq!(made.json(), json!({"code": 202, "message": "Accepted"}));
        // `email-address`, synchronous: 200 with the user.
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "1002", "name-first-name": "Bo", "name-last-name": "Kerr",
            "email-address": "bo@example.com", "synchronous": "yes"
        }))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["user"], "1002");
        assert_eq!(made.json()["email"], "bo@example.com");
        // synchronous: no is the default.
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "1003", "name-first-name": "Cy", "name-last-name": "Oduya",
            "email": "cy@example.com", "synchronous": "no"
        }))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        for (ext, email) in [("1001", "ann@example.com"), ("1002", "bo@example.com")] {
            let read = api(&mut c, Method::GET, &format!("/domains/acme.example/users/{ext}"), &key, None).await;
            assert_eq!(read.status, StatusCode::OK, "{}", read.body);
            assert_eq!(read.json()["email"], email);
        }
        let bad = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(json!({
            "user": "1004", "name-first-name": "Di", "name-last-name": "Fox",
            "email": "di@example.com", "synchronous": "perhaps"
        }))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["synchronous"]);
    }

    async fn a_duplicate_extension_is_a_409_naming_user(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("1001", "Ann", "Lee")).await;
        let again = api(&mut c, Method::POST, "/domains/acme.example/users", &key,
            Some(user_body("1001", "Bo", "Kerr"))).await;
        assert_names(&again, StatusCode::CONFLICT, &["user"]);
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
    }

    async fn a_list_limit_outside_1_to_1000_is_a_400_naming_limit(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        for limit in ["0", "1001", "-1", "many"] {
            for path in [format!("/domains/acme.example/users?limit={limit}"), format!("/domains?limit={limit}")] {
                let bad = api(&mut c, Method::GET, &path, &key, None).await;
                assert_names(&bad, StatusCode::BAD_REQUEST, &["limit"]);
            }
        }
        for limit in ["1", "1000"] {
            let ok = api(&mut c, Method::GET, &format!("/domains/acme.example/users?limit={limit}"), &key, None).await;
            assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        }
        let bad = api(&mut c, Method::GET, "/domains/acme.example/users?direction=sideways", &key, None).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["direction"]);
        let bad = api(&mut c, Method::GET, "/domains/acme.example/users?order=shoe-size", &key, None).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["order"]);
    }

    async fn lists_page_search_and_sort_with_netsapiens_and_xivo_parameters(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        for (ext, first, last) in [
            ("1001", "Ann", "Young"), ("1002", "Bob", "Xu"), ("1003", "Cy", "Wall"),
            ("1004", "Dee", "Vance"), ("1005", "Eve", "Usher"),
        ] {
            add_user(&mut c, &key, ACME, user_body(ext, first, last)).await;
        }
        let list = |query: &str| format!("/domains/acme.example/users?{query}");
        // NetSapiens: limit and start.
        let page = api(&mut c, Method::GET, &list("limit=2"), &key, None).await;
        assert_eq!(extensions(&page), ["1001", "1002"]);
        assert_eq!(page.headers["x-total-count"], "5");
        let page = api(&mut c, Method::GET, &list("limit=2&start=2"), &key, None).await;
        assert_eq!(extensions(&page), ["1003", "1004"]);
        assert_eq!(page.headers["x-total-count"], "5");
        // XiVO: offset, search, order, direction.
        let page = api(&mut c, Method::GET, &list("limit=2&offset=4"), &key, None).await;
        assert_eq!(extensions(&page), ["1005"]);
        let page = api(&mut c, Method::GET, &list("search=Vance"), &key, None).await;
        assert_eq!(extensions(&page), ["1004"]);
        assert_eq!(page.headers["x-total-count"], "1");
        let page = api(&mut c, Method::GET, &list("order=lastname&direction=asc&limit=2"), &key, None).await;
        assert_eq!(extensions(&page), ["1005", "1004"]);
        assert_eq!(page.headers["x-total-count"], "5");
        let page = api(&mut c, Method::GET, &list("order=user&direction=desc"), &key, None).await;
        assert_eq!(extensions(&page), ["1005", "1004", "1003", "1002", "1001"]);
        assert!(page.headers.get("link").is_none(), "a page that is not full has no next page");
        // Keyset cursors: a full page links to the next one, in the same order and search.
        let mut walked = Vec::new();
        let mut next = Some(list("order=lastname&limit=2"));
        while let Some(address) = next.take() {
            let page = api(&mut c, Method::GET, &address, &key, None).await;
            assert_eq!(page.status, StatusCode::OK);
            walked.extend(extensions(&page));
            next = page.headers.get("link").map(|link| {
                let link = link.to_str().unwrap();
                let target = link.strip_prefix("</ns-api/v2").and_then(|l| l.strip_suffix(">; rel=\"next\"")).unwrap();
                assert!(target.contains("order=lastname") && target.contains("after=") && !target.contains("start="), "{target}");
                target.to_owned()
            });
        }
        assert_eq!(walked, ["1005", "1004", "1003", "1002", "1001"]);
        let bad = api(&mut c, Method::GET, &list("after=zz"), &key, None).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["after"]);
        // A blank site narrows nothing.
        let page = api(&mut c, Method::GET, &list("site="), &key, None).await;
        assert_eq!(page.headers["x-total-count"], "5");
        // The count, whole and searched.
        assert_eq!(user_count(&mut c, &key, ACME).await, 5);
        let count = api(&mut c, Method::GET, "/domains/acme.example/users/count?search=Xu", &key, None).await;
        assert_eq!(count.json(), json!({"total": 1}));
        let count = api(&mut c, Method::GET, "/domains/acme.example/users/count?site=&search=", &key, None).await;
        assert_eq!(count.json(), json!({"total": 5}));
        // The domains list reports its total too.
        let domains = api(&mut c, Method::GET, "/domains?limit=1", &key, None).await;
        assert_eq!(domains.status, StatusCode::OK);
        assert_eq!(domains.headers["x-total-count"], "1");
        let domains = api(&mut c, Method::GET, "/domains/count", &key, None).await;
        assert_eq!(domains.json(), json!({"total": 1}));
    }

    async fn a_partial_update_changes_only_the_fields_it_sends(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let mut body = user_body("1001", "Ann", "Lee");
        body["status-message"] = json!("In the office");
        body["department"] = json!("Sales");
        body["phone-numbers"] = json!(["+16125550100"]);
        body["voicemail"] = json!({"enabled": "yes", "login-pin": "8264"});
        add_user(&mut c, &key, ACME, body).await;
        let user = "/domains/acme.example/users/1001";
        let before = api(&mut c, Method::GET, user, &key, None).await.json();
        let changed = api(&mut c, Method::PUT, user, &key, Some(json!({"name-last-name": "Lee-Smith"}))).await;
        assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
        let after = api(&mut c, Method::GET, user, &key, None).await.json();
        assert_eq!(after["name-last-name"], "Lee-Smith");
        let (Value::Object(before), Value::Object(after)) = (before, after) else { panic!("objects") };
        assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
        for (field, value) in &before {
            if field != "name-last-name" && field != "last-modified-datetime" {
                assert_eq!(&after[field], value, "{field} changed");
            }
        }
        // synchronous: yes answers with the user.
        let changed = api(&mut c, Method::PUT, user, &key,
            Some(json!({"status-message": "Out", "synchronous": "yes"}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.json()["status-message"], "Out");
        assert_eq!(changed.json()["name-last-name"], "Lee-Smith");
        assert!(changed.json().get("voicemail-login-pin").map_or(true, Value::is_null), "{}", changed.body);
    }

    async fn a_user_is_deleted_with_its_voicemail_box_unless_delete_voicemail_is_no(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        for ext in ["1001", "1003"] {
            let mut body = user_body(ext, "Ann", "Lee");
            body["voicemail"] = json!({"enabled": "yes"});
            add_user(&mut c, &key, ACME, body).await;
        }
        add_user(&mut c, &key, ACME, user_body("1002", "Bo", "Kerr")).await;
        let boxes = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM voicemail_boxes").fetch_one(db.db.pool()).await.unwrap()
        };
        let before = boxes().await;
        assert!(before >= 2, "{before}");
        let user = "/domains/acme.example/users/1001";
        // XiVO's guard, asked for: a user that owns a box stays.
        let refused = api(&mut c, Method::DELETE, &format!("{user}?deleteVoicemail=no"), &key, None).await;
        assert_problem(&refused, StatusCode::PRECONDITION_FAILED);
        assert_eq!(api(&mut c, Method::GET, user, &key, None).await.status, StatusCode::OK);
        // NetSapiens' plain DELETE: 202, and the box goes with the user.
        let deleted = api(&mut c, Method::DELETE, user, &key, None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        assert_eq!(deleted.json(), json!({"code": 202, "message": "Accepted"}));
        assert_eq!(boxes().await, before - 1);
        let deleted = api(&mut c, Method::DELETE, "/domains/acme.example/users/1003?deleteVoicemail=yes", &key, None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        assert_problem(&api(&mut c, Method::GET, user, &key, None).await, StatusCode::NOT_FOUND);
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
    }

    async fn a_nested_create_is_all_or_nothing(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        for (queue, description) in [("600", "Sales"), ("601", "Support")] {
            let found = app::ssr::db::domains::get(db.db.pool(), &name(ACME)).await.unwrap().unwrap();
            common::add_queue(&db.db, found.id, queue, description).await;
        }
        add_user(&mut c, &key, ACME, user_body("1000", "Zed", "First")).await;
        let whole = |devices: Value| {
            let mut body = user_body("1001", "Ann", "Lee");
            body["devices"] = devices;
            body["voicemail"] = json!({"enabled": "yes", "login-pin": "8264"});
            body["answer-rules"] = json!([{"time-frame": "*",
                "forward-no-answer": {"enabled": "yes", "parameters": ["+16125550199"]}}]);
            body["phone-numbers"] = json!(["+16125550100", "+16125550101"]);
            body["groups"] = json!(["600", "601"]);
            body
        };
        // A device that cannot be a device name: refused before anything is written.
        let bad = api(&mut c, Method::POST, "/domains/acme.example/users", &key,
            Some(whole(json!([{"device": "1001"}, {"device": "not a device!"}])))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["devices[1].device"]);
        // A device that another user already has: refused by the database, halfway through.
        let taken = api(&mut c, Method::POST, "/domains/acme.example/users", &key,
            Some(whole(json!([{"device": "1001"}, {"device": "1000"}])))).await;
        assert!(matches!(taken.status.as_u16(), 409 | 400), "{} {}", taken.status, taken.body);
        assert_problem(&taken, taken.status);
        // Nothing of either was written: no user, and the numbers are still free.
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
        assert_problem(&api(&mut c, Method::GET, "/domains/acme.example/users/1001", &key, None).await,
            StatusCode::NOT_FOUND);
        let mut other = user_body("1002", "Bo", "Kerr");
        other["phone-numbers"] = json!(["+16125550100", "+16125550101"]);
        other["synchronous"] = json!("yes");
        let numbers = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(other)).await;
        assert_eq!(numbers.status, StatusCode::OK, "the numbers are free: {}", numbers.body);
        let freed = api(&mut c, Method::DELETE, "/domains/acme.example/users/1002?deleteVoicemail=yes", &key, None).await;
        assert_eq!(freed.status, StatusCode::ACCEPTED, "{}", freed.body);
        // The whole of it, with good devices, is made at once.
        let mut good = whole(json!([{"device": "1001"}, {"device": "1001b"}]));
        good["synchronous"] = json!("yes");
        let made = api(&mut c, Method::POST, "/domains/acme.example/users", &key, Some(good)).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let user = made.json();
        assert_eq!(user["devices"].as_array().unwrap().len(), 2);
        assert_eq!(user["phone-numbers"], json!(["+16125550100", "+16125550101"]));
        assert_eq!(user["groups"], json!(["600", "601"]));
        assert_eq!(user["voicemail-box"], "1001");
        assert_eq!(user["voicemail-pin-set"], true);
        assert_eq!(user["forward-no-answer"], "+16125550199", "the answer rule's fields, flat");
        assert!(user.get("voicemail-login-pin").map_or(true, Value::is_null));
    }
}

// ---------------------------------------------------------------------------------------------
// `~`
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn a_users_list_shows_sip_passwords_only_of_users_the_caller_ranks_with(db: TestDb) {
        let (_c, _key) = super_key(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        let mut om = person(&db.db, ACME, "201", Scope::OfficeManager).await;
        person(&db.db, ACME, "202", Scope::Reseller).await;
        person(&db.db, ACME, "203", Scope::BasicUser).await;
        let (_, key) = make_key(&mut om, json!({"description": "Office manager's robot"})).await;
        let list = api(&mut om, Method::GET, "/domains/~/users", &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let password = |ext: &str| {
            let users = list.json();
            let user = users.as_array().unwrap().iter().find(|u| u["user"] == ext).cloned().unwrap();
            user["devices"][0]["device-sip-registration-password"].clone()
        };
        assert!(password("203").is_string(), "a Basic User's, for its Office Manager: {}", list.body);
        assert!(password("201").is_string(), "its own");
        assert!(password("202").is_null(), "not a Reseller's: {}", list.body);
        // A read of that one user is refused outright, as before.
        let one = api(&mut om, Method::GET, "/domains/~/users/202", &key, None).await;
        assert_eq!(one.status, StatusCode::FORBIDDEN, "{}", one.body);
    }

    async fn tilde_is_the_callers_own_user_which_it_may_change_only_as_its_profile(db: TestDb) {
        let (mut c, key) = super_key(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        let mut basic = person(&db.db, ACME, "205", Scope::BasicUser).await;
        let (_, own) = make_key(&mut basic, json!({"description": "My desk phone app"})).await;
        let read = api(&mut c, Method::GET, "/domains/~/users/~", &own, None).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        let me = read.json();
        assert_eq!(me["user"], "205");
        assert_eq!(me["domain"], ACME);
        // Its own user, without the SIP passwords a manager sees.
        let devices = me["devices"].as_array().unwrap();
        assert!(!devices.is_empty());
        assert!(devices.iter().all(|d| d["device-sip-registration-password"].is_null()), "{}", read.body);
        let managed = api(&mut c, Method::GET, "/domains/acme.example/users/205", &key, None).await;
        assert!(managed.json()["devices"][0]["device-sip-registration-password"].is_string(), "{}", managed.body);
        // `~` by name is the same user.
        let by_name = api(&mut c, Method::GET, "/domains/acme.example/users/~", &own, None).await;
        assert_eq!(by_name.body, read.body);
        // Its status message it may change...
        let changed = api(&mut c, Method::PUT, "/domains/~/users/~", &own,
            Some(json!({"status-message": "Out to lunch"}))).await;
        assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
        let read = api(&mut c, Method::GET, "/domains/~/users/~", &own, None).await;
        assert_eq!(read.json()["status-message"], "Out to lunch");
        // ...its scope it may not.
        let refused = api(&mut c, Method::PUT, "/domains/~/users/~", &own,
            Some(json!({"user-scope": "Office Manager"}))).await;
        assert_names(&refused, StatusCode::FORBIDDEN, &["user-scope"]);
        let read = api(&mut c, Method::GET, "/domains/~/users/~", &own, None).await;
        assert_eq!(read.json()["user-scope"], "Basic User");
        // A Super User belongs to no domain: `~` is nothing for it.
        for path in ["/domains/~", "/domains/~/users", "/domains/~/users/~"] {
            assert_problem(&api(&mut c, Method::GET, path, &key, None).await, StatusCode::NOT_FOUND);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The permission table, through keys of every scope
// ---------------------------------------------------------------------------------------------

/// What a key of a scope gets: the domains it lists (`None`: 403), and the status of listing
/// the users of its own domain, of another reseller's, and of creating a user in each.
struct Row {
    scope: Scope,
    domains: Option<&'static [&'static str]>,
    list_own: u16,
    list_other: u16,
    create_own: u16,
    create_other: u16,
}

/// The permission table as keys see it. The actors are in acme.example (north-reseller, site
/// North); other.example is another reseller's; third.example is north-reseller's too.
#[rustfmt::skip]
const ROWS: [Row; 9] = [
    Row { scope: Scope::SuperUser, domains: Some(&[ACME, OTHER, THIRD]), list_own: 200, list_other: 200, create_own: 202, create_other: 202 },
    Row { scope: Scope::Reseller, domains: Some(&[ACME, THIRD]), list_own: 200, list_other: 404, create_own: 202, create_other: 404 },
    Row { scope: Scope::OfficeManager, domains: Some(&[ACME]), list_own: 200, list_other: 404, create_own: 202, create_other: 404 },
    Row { scope: Scope::SiteManager, domains: None, list_own: 200, list_other: 404, create_own: 202, create_other: 404 },
    Row { scope: Scope::CallCenterSupervisor, domains: None, list_own: 403, list_other: 404, create_own: 403, create_other: 404 },
    Row { scope: Scope::CallCenterAgent, domains: None, list_own: 403, list_other: 404, create_own: 403, create_other: 404 },
    Row { scope: Scope::AdvancedUser, domains: None, list_own: 403, list_other: 404, create_own: 403, create_other: 404 },
    Row { scope: Scope::SimpleUser, domains: None, list_own: 403, list_other: 404, create_own: 403, create_other: 404 },
    Row { scope: Scope::BasicUser, domains: None, list_own: 403, list_other: 404, create_own: 403, create_other: 404 },
];

/// Three domains with a user 110 each, and an API key for one person of every scope of
/// [`ROWS`] (the Super User's is `admin`'s, for all domains; the Reseller's is for all of its
/// reseller's domains; the others' for their own domain).
async fn keys_of_every_scope(db: &Db) -> (Client, HashMap<Scope, String>) {
    let mut admin = logged_in_super_user(db).await;
    for (domain, reseller) in [
        (ACME, NORTH_RESELLER),
        (OTHER, SOUTH_RESELLER),
        (THIRD, NORTH_RESELLER),
    ] {
        system_domain(db, domain, reseller).await;
        system_user(db, domain, "110", Scope::BasicUser, "North").await;
    }
    let (_, token) = make_key(
        &mut admin,
        json!({"description": "Super User's key", "domain": "*"}),
    )
    .await;
    let mut keys = HashMap::from([(Scope::SuperUser, token)]);
    for (i, row) in ROWS.iter().enumerate().skip(1) {
        let mut client = person(db, ACME, &format!("20{i}"), row.scope).await;
        let domain = if row.scope == Scope::Reseller {
            "*"
        } else {
            "~"
        };
        let (_, token) = make_key(
            &mut client,
            json!({"description": format!("{} key", row.scope), "domain": domain}),
        )
        .await;
        keys.insert(row.scope, token);
    }
    admin.cookie = None;
    (admin, keys)
}

on_both_backends! {
    async fn a_key_of_each_scope_lists_and_creates_as_the_permission_table_says(db: TestDb) {
        let (mut c, keys) = keys_of_every_scope(&db.db).await;
        for (i, row) in ROWS.iter().enumerate() {
            let key = &keys[&row.scope];
            let scope = row.scope;
            let domains = api(&mut c, Method::GET, "/domains", key, None).await;
            match row.domains {
                Some(expected) => {
                    assert_eq!(domains.status, StatusCode::OK, "{scope}: {}", domains.body);
                    let expected: BTreeSet<String> = expected.iter().map(|d| (*d).to_owned()).collect();
                    assert_eq!(domain_names(&domains), expected, "{scope}");
                    assert_eq!(domains.headers["x-total-count"], expected.len().to_string().as_str());
                }
                None => assert_problem(&domains, StatusCode::FORBIDDEN),
            }
            for (domain, status) in [(ACME, row.list_own), (OTHER, row.list_other)] {
                let list = api(&mut c, Method::GET, &format!("/domains/{domain}/users"), key, None).await;
                assert_eq!(list.status.as_u16(), status, "{scope} lists {domain}: {}", list.body);
            }
            for (domain, status) in [(ACME, row.create_own), (OTHER, row.create_other)] {
                let mut body = user_body(&format!("3{i}0"), "New", "Person");
                body["site"] = json!("North");
                let made = api(&mut c, Method::POST, &format!("/domains/{domain}/users"), key, Some(body)).await;
                assert_eq!(made.status.as_u16(), status, "{scope} creates in {domain}: {}", made.body);
            }
        }
    }

    async fn another_tenants_domain_and_user_answer_exactly_like_missing_ones(db: TestDb) {
        let (mut c, keys) = keys_of_every_scope(&db.db).await;
        for row in ROWS.iter().skip(1) {
            let key = &keys[&row.scope];
            for (theirs, missing) in [
                ("/domains/other.example", "/domains/missing.example"),
                ("/domains/other.example/users", "/domains/missing.example/users"),
                ("/domains/other.example/users/110", "/domains/missing.example/users/110"),
                ("/domains/other.example/users/count", "/domains/missing.example/users/count"),
            ] {
                let methods = if theirs.ends_with("users") || theirs.ends_with("count") {
                    vec![Method::GET]
                } else {
                    vec![Method::GET, Method::DELETE]
                };
                for method in methods {
                    let a = api(&mut c, method.clone(), theirs, key, None).await;
                    let b = api(&mut c, method.clone(), missing, key, None).await;
                    assert_problem(&a, StatusCode::NOT_FOUND);
                    assert_eq!((a.status, &a.body), (b.status, &b.body), "{} {method} {theirs}", row.scope);
                    assert_eq!(a.headers[header::CONTENT_TYPE], b.headers[header::CONTENT_TYPE]);
                }
            }
            let change = Some(json!({"name-last-name": "Changed"}));
            let a = api(&mut c, Method::PUT, "/domains/other.example/users/110", key, change.clone()).await;
            let b = api(&mut c, Method::PUT, "/domains/missing.example/users/110", key, change).await;
            assert_eq!((a.status, &a.body), (b.status, &b.body), "{} PUT", row.scope);
            let exists = api(&mut c, Method::GET, "/domains/other.example/count", key, None).await;
            assert_eq!(exists.json(), json!({"total": 0}), "{}", row.scope);
        }
        // Nothing of the other tenant changed.
        let su = &keys[&Scope::SuperUser];
        let user = api(&mut c, Method::GET, "/domains/other.example/users/110", su, None).await;
        assert_eq!(user.status, StatusCode::OK);
        assert_eq!(user.json()["name-last-name"], "Number110");
    }
}

// ---------------------------------------------------------------------------------------------
// API keys
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn a_key_needs_a_description_of_at_least_12_characters(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        for description in ["", "Short", "eleven char"] {
            let bad = api(&mut admin, Method::POST, "/apikeys", "",
                Some(json!({"description": description, "domain": "*"}))).await;
            assert_names(&bad, StatusCode::BAD_REQUEST, &["description"]);
        }
        make_key(&mut admin, json!({"description": "twelve chars", "domain": "*"})).await;
    }

    async fn a_key_reaches_no_further_than_its_maker(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        for (domain, reseller) in [(ACME, NORTH_RESELLER), (OTHER, SOUTH_RESELLER), (THIRD, NORTH_RESELLER)] {
            system_domain(&db.db, domain, reseller).await;
        }
        let mut om = person(&db.db, ACME, "202", Scope::OfficeManager).await;
        let mut basic = person(&db.db, ACME, "205", Scope::BasicUser).await;
        let refused = |answer: &Answer, field: &str| assert_names(answer, StatusCode::BAD_REQUEST, &[field]);
        let key = |extra: Value| {
            let mut body = json!({"description": "Integration with the CRM"});
            for (k, v) in extra.as_object().unwrap() { body[k] = v.clone(); }
            Some(body)
        };
        // A scope above the maker's.
        for scope in ["Reseller", "Super User"] {
            let a = api(&mut om, Method::POST, "/apikeys", "", key(json!({"user-scope": scope}))).await;
            refused(&a, "user-scope");
        }
        let a = api(&mut basic, Method::POST, "/apikeys", "", key(json!({"user-scope": "Office Manager"}))).await;
        refused(&a, "user-scope");
        // Another domain, even of its own reseller.
        for domain in [OTHER, THIRD, "missing.example"] {
            let a = api(&mut om, Method::POST, "/apikeys", "", key(json!({"domain": domain}))).await;
            refused(&a, "domain");
        }
        // `*` only for Reseller and Super User keys.
        let a = api(&mut om, Method::POST, "/apikeys", "", key(json!({"domain": "*"}))).await;
        refused(&a, "domain");
        let a = api(&mut basic, Method::POST, "/apikeys", "", key(json!({"domain": "*"}))).await;
        refused(&a, "domain");
        let a = api(&mut admin, Method::POST, "/apikeys", "",
            key(json!({"domain": "*", "user-scope": "Office Manager"}))).await;
        refused(&a, "domain");
        // A Super User has no domain of its own: it names one, or `*`.
        let a = api(&mut admin, Method::POST, "/apikeys", "", key(json!({}))).await;
        refused(&a, "domain");
        // What they may make, they make.
        make_key(&mut om, json!({"description": "Office manager's key"})).await;
        make_key(&mut om, json!({"description": "Office manager's key", "domain": ACME, "user-scope": "Basic User"})).await;
        make_key(&mut basic, json!({"description": "Basic user's own key"})).await;
        make_key(&mut admin, json!({"description": "Super User's key", "domain": "*"})).await;
        make_key(&mut admin, json!({"description": "North reseller's key", "domain": "*",
            "user-scope": "Reseller", "reseller": NORTH_RESELLER})).await;
        make_key(&mut admin, json!({"description": "An acme manager key", "domain": ACME,
            "user-scope": "Office Manager"})).await;
    }

    async fn a_token_is_shown_once_and_only_its_hash_is_stored(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let (id, token) = make_key(&mut admin, json!({"description": "Shown only once", "domain": "*"})).await;
        let secret = token.rsplit('_').next().unwrap().to_owned();
        assert!(token.starts_with("rk_") && token.contains(&id) && secret.len() >= 32, "{token}");
        assert_eq!(id.len(), 12, "NetSapiens' length of a key-id: {id}");
        // The list and the key itself never show it again.
        let list = api(&mut admin, Method::GET, "/apikeys", "", None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.json()[0]["key-id"], id.as_str());
        let one = api(&mut admin, Method::GET, &format!("/apikeys/{id}"), "", None).await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.body);
        for answer in [&list, &one] {
            assert!(!answer.body.contains(&secret), "{}", answer.body);
            assert!(!answer.body.contains("\"key\""), "{}", answer.body);
        }
        assert_eq!(one.json()["description"], "Shown only once");
        // `~` is the key in use.
        let itself = api(&mut admin, Method::GET, "/apikeys/~", &token, None).await;
        assert_eq!(itself.json()["key-id"], id.as_str());
        // The database keeps a hash, not the secret.
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT key_id, secret_hash, description, allowed_addresses FROM api_keys")
            .fetch_all(db.db.pool()).await.unwrap();
        assert_eq!(rows.len(), 1);
        let (stored_id, hash, description, addresses) = &rows[0];
        assert_eq!(stored_id, &id);
        assert_eq!(hash.len(), 64, "a SHA-256 in hex");
        for column in [stored_id, hash, description, addresses] {
            assert!(!column.contains(&secret), "the secret is stored: {column}");
        }
    }

    async fn a_read_only_key_may_read_but_not_change(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        system_user(&db.db, ACME, "110", Scope::BasicUser, "North").await;
        let (_, key) = make_key(&mut admin, json!({"description": "Reporting only", "domain": "*", "readonly": "yes"})).await;
        for path in ["/domains", "/domains/acme.example", "/domains/acme.example/users", "/domains/acme.example/users/110", "/apikeys"] {
            let read = api(&mut admin, Method::GET, path, &key, None).await;
            assert_eq!(read.status, StatusCode::OK, "{path}: {}", read.body);
        }
        admin.cookie = None;
        for (method, path, body) in [
            (Method::POST, "/domains", Some(json!({"domain": "new.example"}))),
            (Method::PUT, "/domains/acme.example", Some(json!({"description": "Changed"}))),
            (Method::DELETE, "/domains/acme.example", None),
            (Method::POST, "/domains/acme.example/users", Some(user_body("111", "Ann", "Lee"))),
            (Method::PUT, "/domains/acme.example/users/110", Some(json!({"name-last-name": "Changed"}))),
            (Method::DELETE, "/domains/acme.example/users/110?deleteVoicemail=yes", None),
            (Method::POST, "/apikeys", Some(json!({"description": "A key from a key", "domain": "*"}))),
            (Method::PUT, "/apikeys/~", Some(json!({"description": "Reporting and more"}))),
            (Method::DELETE, "/apikeys/~", None),
        ] {
            let refused = api(&mut admin, method.clone(), path, &key, body).await;
            assert_problem(&refused, StatusCode::FORBIDDEN);
        }
        let read = api(&mut admin, Method::GET, "/domains/acme.example/users/110", &key, None).await;
        assert_eq!(read.json()["name-last-name"], "Number110");
        assert_eq!(api(&mut admin, Method::GET, "/domains/count", &key, None).await.json()["total"], 1);
    }

    async fn a_key_limited_to_some_addresses_works_only_from_them(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let (_, key) = make_key(&mut admin, json!({"description": "From the office only", "domain": "*",
            "ip-address": "198.51.100.0/24, 192.0.2.7"})).await;
        admin.cookie = None;
        for (address, status) in [
            ("198.51.100.20", StatusCode::OK),
            ("192.0.2.7", StatusCode::OK),
            ("192.0.2.8", StatusCode::FORBIDDEN),
            ("203.0.113.9", StatusCode::FORBIDDEN),
            ("2001:db8::1", StatusCode::FORBIDDEN),
            // A client behind the proxy writes its own X-Forwarded-For: the proxy appends the
            // address it really came from, and only that one counts.
            ("198.51.100.20, 203.0.113.9", StatusCode::FORBIDDEN),
            ("203.0.113.9, 198.51.100.20", StatusCode::OK),
        ] {
            // One router throughout: the answer kept for 192.0.2.7 (the first use wrote "last
            // used", so nothing was kept before it) must not be what 192.0.2.8 gets.
            admin.address = address.into();
            let answer = api(&mut admin, Method::GET, "/domains", &key, None).await;
            assert_eq!(answer.status, status, "from {address}: {}", answer.body);
            if status == StatusCode::FORBIDDEN {
                assert_problem(&answer, status);
            }
        }
        let bad = api(&mut admin, Method::GET, "/domains", "", None).await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_key_makes_keys_only_if_made_to_and_each_stays_within_it_and_dies_with_it(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let made = api(&mut admin, Method::POST, "/domains", "", Some(json!({"domain": ACME}))).await;
        assert!(made.status.is_success(), "{}", made.body);
        let (_, plain) = make_key(&mut admin, json!({"description": "A plain robot key", "domain": "*"})).await;
        let (parent_id, parent) = make_key(&mut admin, json!({"description": "Provisioning parent", "domain": ACME,
            "user-scope": "Office Manager", "can-create-keys": "yes", "ip-address": "198.51.100.0/24"})).await;
        let mut robot = Client::new(&db.db);
        robot.address = "198.51.100.20".into();
        let child = |body: Value| body;
        // A key made without can-create-keys makes none.
        let refused = api(&mut robot, Method::POST, "/apikeys", &plain, Some(child(json!({"description": "Child of a plain key", "domain": "*"})))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        // A child never reaches beyond its parent.
        for (body, field) in [
            (json!({"description": "Reaches other addresses", "ip-address": "203.0.113.0/24"}), "ip-address"),
            (json!({"description": "Reaches every domain", "domain": "*"}), "domain"),
            (json!({"description": "Reaches higher scope", "user-scope": "Super User"}), "user-scope"),
        ] {
            let refused = api(&mut robot, Method::POST, "/apikeys", &parent, Some(body)).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
            assert!(fields(&refused).contains(&field.to_owned()), "{field}: {}", refused.body);
        }
        let made = api(&mut robot, Method::POST, "/apikeys", &parent, Some(json!({"description": "Child of the parent"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let made = made.json();
        assert_eq!(made["ip-address"], "198.51.100.0/24", "it takes its parent's addresses");
        assert_eq!(made["parent-key-id"], parent_id.as_str());
        assert_eq!(made["can-create-keys"], "no");
        let child_token = made["key"].as_str().unwrap().to_owned();
        let child_id = made["key-id"].as_str().unwrap().to_owned();
        let works = api(&mut robot, Method::GET, &format!("/domains/{ACME}/users"), &child_token, None).await;
        assert_eq!(works.status, StatusCode::OK, "{}", works.body);
        // The audit log names the key that made it.
        let actor: String = sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'apikey.create' AND target = $1")
            .bind(&child_id).fetch_one(db.db.pool()).await.unwrap();
        assert_eq!(actor, format!("admin (API key {parent_id})"));
        // Revoking the parent revokes the child.
        let gone = api(&mut admin, Method::DELETE, &format!("/apikeys/{parent_id}"), "", None).await;
        assert!(gone.status.is_success(), "{}", gone.body);
        let refused = api(&mut robot, Method::GET, &format!("/domains/{ACME}/users"), &child_token, None).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    }

    async fn a_revoked_key_is_refused_at_once(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let (_, keeper) = make_key(&mut admin, json!({"description": "The one that stays", "domain": "*"})).await;
        let (id, doomed) = make_key(&mut admin, json!({"description": "The one that goes", "domain": "*"})).await;
        admin.cookie = None;
        assert_eq!(api(&mut admin, Method::GET, "/domains", &doomed, None).await.status, StatusCode::OK);
        let revoked = api(&mut admin, Method::DELETE, &format!("/apikeys/{id}"), &keeper, None).await;
        assert_eq!(revoked.status, StatusCode::ACCEPTED, "{}", revoked.body);
        let refused = api(&mut admin, Method::GET, "/domains", &doomed, None).await;
        assert_problem(&refused, StatusCode::UNAUTHORIZED);
        assert!(refused.headers[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
        assert_problem(&api(&mut admin, Method::GET, &format!("/apikeys/{id}"), &keeper, None).await,
            StatusCode::NOT_FOUND);
        assert_eq!(api(&mut admin, Method::GET, "/domains", &keeper, None).await.status, StatusCode::OK);
        // A key may revoke itself.
        let itself = api(&mut admin, Method::DELETE, "/apikeys/~", &keeper, None).await;
        assert_eq!(itself.status, StatusCode::ACCEPTED, "{}", itself.body);
        assert_problem(&api(&mut admin, Method::GET, "/domains", &keeper, None).await, StatusCode::UNAUTHORIZED);
    }

    async fn the_keys_of_a_disabled_maker_are_refused(db: TestDb) {
        let (mut c, su) = super_key(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        let mut om = person(&db.db, ACME, "202", Scope::OfficeManager).await;
        let (_, key) = make_key(&mut om, json!({"description": "Office manager's key"})).await;
        assert_eq!(api(&mut c, Method::GET, "/domains/acme.example/users", &key, None).await.status, StatusCode::OK);
        let disabled = api(&mut c, Method::PUT, "/domains/acme.example/users/202", &su,
            Some(json!({"status": "disabled"}))).await;
        assert_eq!(disabled.status, StatusCode::ACCEPTED, "{}", disabled.body);
        let refused = api(&mut c, Method::GET, "/domains/acme.example/users", &key, None).await;
        assert_problem(&refused, StatusCode::UNAUTHORIZED);
        // Enabled again, its keys work again.
        api(&mut c, Method::PUT, "/domains/acme.example/users/202", &su, Some(json!({"status": "enabled"}))).await;
        assert_eq!(api(&mut c, Method::GET, "/domains/acme.example/users", &key, None).await.status, StatusCode::OK);
        // Lowered to Basic User, its Office Manager key acts as a Basic User.
        api(&mut c, Method::PUT, "/domains/acme.example/users/202", &su, Some(json!({"user-scope": "Basic User"}))).await;
        assert_problem(&api(&mut c, Method::GET, "/domains/acme.example/users", &key, None).await, StatusCode::FORBIDDEN);
    }

    async fn a_key_records_when_it_was_last_used(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let (id, key) = make_key(&mut admin, json!({"description": "Used now and then", "domain": "*"})).await;
        let before = api(&mut admin, Method::GET, &format!("/apikeys/{id}"), "", None).await;
        assert!(before.json()["lastused-datetime"].is_null(), "{}", before.body);
        let created = before.json()["created-datetime"].as_str().unwrap().to_owned();
        assert!(created.ends_with('Z') && created.contains('T'), "{created}");
        let used = api(&mut admin, Method::GET, "/domains", &key, None).await;
        assert_eq!(used.status, StatusCode::OK);
        let after = api(&mut admin, Method::GET, &format!("/apikeys/{id}"), "", None).await;
        let last = after.json()["lastused-datetime"].as_str().map(str::to_owned);
        let last = last.unwrap_or_else(|| panic!("not recorded: {}", after.body));
        assert!(last.ends_with('Z') && last.contains('T'), "{last}");
    }

    async fn a_wrong_or_garbled_token_is_401_with_www_authenticate(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let (id, token) = make_key(&mut admin, json!({"description": "The genuine article", "domain": "*"})).await;
        admin.cookie = None;
        let wrong_secret = format!("rk_{id}_{}", "0".repeat(64));
        let mut bodies = BTreeSet::new();
        for authorization in [
            format!("Bearer {wrong_secret}"),
            format!("Bearer {}", &token[..token.len() - 1]),
            "Bearer rk_nosuchkey_0123456789".to_owned(),
            "Bearer garbage".to_owned(),
            "Bearer ".to_owned(),
            "Bearer rk_".to_owned(),
            format!("Basic {token}"),
            token.clone(),
        ] {
            let answer = send(&mut admin, Method::GET, "/domains", "",
                &[("authorization", authorization.as_str())], None).await;
            assert_problem(&answer, StatusCode::UNAUTHORIZED);
            let challenge = answer.headers[header::WWW_AUTHENTICATE].to_str().unwrap();
            assert!(challenge.starts_with("Bearer"), "{challenge}");
            bodies.insert(answer.body);
        }
        // None says more than another.
        assert_eq!(bodies.len(), 1, "{bodies:?}");
        // Nothing at all, likewise.
        let none = api(&mut admin, Method::GET, "/domains", "", None).await;
        assert_problem(&none, StatusCode::UNAUTHORIZED);
        assert!(none.headers.contains_key(header::WWW_AUTHENTICATE));
        assert_eq!(api(&mut admin, Method::GET, "/domains", &token, None).await.status, StatusCode::OK);
    }

    async fn a_resellers_key_acts_on_its_resellers_domains_only(db: TestDb) {
        let (mut c, su) = super_key(&db.db).await;
        for (domain, reseller) in [(ACME, NORTH_RESELLER), (OTHER, SOUTH_RESELLER), (THIRD, NORTH_RESELLER)] {
            system_domain(&db.db, domain, reseller).await;
        }
        let mut reseller = person(&db.db, ACME, "201", Scope::Reseller).await;
        let (_, key) = make_key(&mut reseller, json!({"description": "North reseller robot", "domain": "*"})).await;
        let listed = api(&mut c, Method::GET, "/domains", &key, None).await;
        assert_eq!(domain_names(&listed), BTreeSet::from([ACME.to_owned(), THIRD.to_owned()]));
        assert_eq!(api(&mut c, Method::GET, "/domains/count", &key, None).await.json()["total"], 2);
        assert_eq!(api(&mut c, Method::GET, "/domains/third.example", &key, None).await.status, StatusCode::OK);
        assert_problem(&api(&mut c, Method::GET, "/domains/other.example", &key, None).await, StatusCode::NOT_FOUND);
        add_user(&mut c, &key, THIRD, user_body("1001", "Ann", "Lee")).await;
        let other = api(&mut c, Method::POST, "/domains/other.example/users", &key,
            Some(user_body("1001", "Ann", "Lee"))).await;
        assert_problem(&other, StatusCode::NOT_FOUND);
        assert_eq!(user_count(&mut c, &su, OTHER).await, 0);
        // A domain it makes is its reseller's: naming another is refused.
        let refused = api(&mut c, Method::POST, "/domains", &key,
            Some(json!({"domain": "fourth.example", "reseller": SOUTH_RESELLER, "synchronous": "yes"}))).await;
        assert_names(&refused, StatusCode::BAD_REQUEST, &["reseller"]);
        let made = api(&mut c, Method::POST, "/domains", &key,
            Some(json!({"domain": "fourth.example", "synchronous": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["reseller"], NORTH_RESELLER);
        // NetSapiens' `~` names its own reseller too.
        let mine = api(&mut c, Method::POST, "/domains", &key,
            Some(json!({"domain": "fifth.example", "reseller": "~", "synchronous": "yes"}))).await;
        assert_eq!(mine.json()["reseller"], NORTH_RESELLER, "{}", mine.body);
        let listed = api(&mut c, Method::GET, "/domains", &key, None).await;
        assert_eq!(listed.headers["x-total-count"], "4");
        let deleted = api(&mut c, Method::DELETE, "/domains/other.example", &key, None).await;
        assert_problem(&deleted, StatusCode::NOT_FOUND);
        assert_eq!(api(&mut c, Method::GET, "/domains/other.example", &su, None).await.status, StatusCode::OK);
    }
}

// ---------------------------------------------------------------------------------------------
// API keys: NetSapiens' `key`, `user`, `allowed-models` and PUT
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn a_new_key_answers_200_with_its_token_as_key_once_and_old_16_character_ids_still_work(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let made = api(&mut admin, Method::POST, "/apikeys", "",
            Some(json!({"description": "NetSapiens-shaped key", "domain": "*"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let made = made.json();
        assert!(made.get("token").is_none(), "{made}");
        let id = made["key-id"].as_str().unwrap().to_owned();
        let token = made["key"].as_str().unwrap().to_owned();
        assert_eq!(id.len(), 12, "{id}");
        assert!(token.starts_with(&format!("rk_{id}_")), "{token}");
        assert_eq!(made["user"], "");
        assert_eq!(made["allowed-models"], "*");
        admin.cookie = None;
        assert_eq!(api(&mut admin, Method::GET, "/domains", &token, None).await.status, StatusCode::OK);
        let itself = api(&mut admin, Method::GET, "/apikeys/~", &token, None).await;
        assert!(itself.json().get("key").is_none(), "shown once: {}", itself.body);
        // A key made before ids had NetSapiens' 12 characters keeps its 16 and keeps working.
        let old_id = "0123456789abcdef";
        sqlx::query("UPDATE api_keys SET key_id = $1 WHERE key_id = $2")
            .bind(old_id).bind(&id).execute(db.db.writer()).await.unwrap();
        let secret = token.rsplit('_').next().unwrap();
        let old_token = format!("rk_{old_id}_{secret}");
        assert_eq!(api(&mut admin, Method::GET, "/domains", &old_token, None).await.status, StatusCode::OK);
        let read = api(&mut admin, Method::GET, "/apikeys/~", &old_token, None).await;
        assert_eq!(read.json()["key-id"], old_id);
        assert_problem(&api(&mut admin, Method::GET, "/domains", &token, None).await, StatusCode::UNAUTHORIZED);
    }

    async fn a_key_for_a_user_acts_as_that_user_and_never_above_it_or_its_maker(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        let (su_id, su) = make_key(&mut admin, json!({"description": "Provisioning robot", "domain": "*"})).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        system_domain(&db.db, OTHER, SOUTH_RESELLER).await;
        for ext in ["1001", "1002"] {
            system_user(&db.db, ACME, ext, Scope::BasicUser, "North").await;
        }
        system_user(&db.db, ACME, "1003", Scope::OfficeManager, "North").await;
        // Requests with a key send it rather than the session, which `admin` carries too.
        let (id, as_1001) = make_key(&mut admin, json!({"description": "Desk phone app of 1001",
            "domain": ACME, "user": 1001})).await;
        let listed = api(&mut admin, Method::GET, &format!("/apikeys/{id}"), "", None).await.json();
        assert_eq!(listed["user"], "1001");
        assert_eq!(listed["user-scope"], "Basic User", "at most the user's scope: {listed}");
        // It reads its own profile, as that user...
        for path in ["/domains/~/users/~", "/domains/acme.example/users/1001"] {
            let me = api(&mut admin, Method::GET, path, &as_1001, None).await;
            assert_eq!(me.status, StatusCode::OK, "{path}: {}", me.body);
            assert_eq!(me.json()["user"], "1001");
        }
        // ...and nothing a Basic User may not: another user, the users list.
        assert_problem(&api(&mut admin, Method::GET, "/domains/acme.example/users/1002", &as_1001, None).await,
            StatusCode::FORBIDDEN);
        assert_problem(&api(&mut admin, Method::GET, "/domains/acme.example/users", &as_1001, None).await,
            StatusCode::FORBIDDEN);
        // Of its maker's keys it sees and manages only those acting as the same user.
        let keys = api(&mut admin, Method::GET, "/apikeys", &as_1001, None).await;
        assert_eq!(keys.json().as_array().map(Vec::len), Some(1), "{}", keys.body);
        assert_eq!(keys.json()[0]["key-id"], id.as_str());
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let body = (method == Method::PUT).then(|| json!({"ip-address": "192.0.2.1"}));
            let theirs = api(&mut admin, method.clone(), &format!("/apikeys/{su_id}"), &as_1001, body).await;
            assert_problem(&theirs, StatusCode::NOT_FOUND);
        }
        // Acting as an Office Manager, a key lists the domain's users.
        let (_, as_1003) = make_key(&mut admin, json!({"description": "Office manager robot",
            "domain": ACME, "user": "1003"})).await;
        assert_eq!(api(&mut admin, Method::GET, "/domains/acme.example/users", &as_1003, None).await.status, StatusCode::OK);

        let key = |extra: Value| {
            let mut body = json!({"description": "Acting as somebody"});
            for (k, v) in extra.as_object().unwrap() { body[k] = v.clone(); }
            Some(body)
        };
        // Not for `*`, not a missing user, not another domain's, not above the user's scope.
        for (body, field) in [
            (json!({"domain": "*", "user": "1001"}), "user"),
            (json!({"domain": ACME, "user": "1999"}), "user"),
            (json!({"domain": OTHER, "user": "1001"}), "user"),
            (json!({"domain": ACME, "user": "1001", "user-scope": "Office Manager"}), "user-scope"),
        ] {
            let refused = api(&mut admin, Method::POST, "/apikeys", "", key(body.clone())).await;
            assert_names(&refused, StatusCode::BAD_REQUEST, &[field]);
            assert!(!fields(&refused).contains(&"domain".to_owned()), "{body}: {}", refused.body);
        }
        // Never above its maker: a Basic User names only itself.
        let mut basic = person(&db.db, ACME, "205", Scope::BasicUser).await;
        let refused = api(&mut basic, Method::POST, "/apikeys", "", key(json!({"user": "1002"}))).await;
        assert_names(&refused, StatusCode::BAD_REQUEST, &["user"]);
        let mut om = person(&db.db, ACME, "202", Scope::OfficeManager).await;
        let refused = api(&mut om, Method::POST, "/apikeys", "", key(json!({"domain": OTHER, "user": "1001"}))).await;
        assert_names(&refused, StatusCode::BAD_REQUEST, &["domain"]);
        make_key(&mut basic, json!({"description": "Basic user's own key", "user": "205"})).await;
        let (_, om_as_1002) = make_key(&mut om, json!({"description": "Manager's key for 1002", "user": "1002"})).await;
        let me = api(&mut admin, Method::GET, "/domains/~/users/~", &om_as_1002, None).await;
        assert_eq!(me.json()["user"], "1002", "{}", me.body);
        assert_problem(&api(&mut admin, Method::GET, "/domains/acme.example/users", &om_as_1002, None).await,
            StatusCode::FORBIDDEN);

        // A disabled user's key is refused; a deleted user's key is gone.
        let disabled = api(&mut admin, Method::PUT, "/domains/acme.example/users/1001", &su,
            Some(json!({"status": "disabled"}))).await;
        assert_eq!(disabled.status, StatusCode::ACCEPTED, "{}", disabled.body);
        assert_problem(&api(&mut admin, Method::GET, "/domains/~/users/~", &as_1001, None).await, StatusCode::UNAUTHORIZED);
        let deleted = api(&mut admin, Method::DELETE, "/domains/acme.example/users/1002?deleteVoicemail=yes", &su, None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        assert_problem(&api(&mut admin, Method::GET, "/domains/~/users/~", &om_as_1002, None).await, StatusCode::UNAUTHORIZED);
    }

    async fn a_key_uses_only_the_routes_of_its_allowed_models(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        system_user(&db.db, ACME, "110", Scope::BasicUser, "North").await;
        let made = api(&mut admin, Method::POST, "/apikeys", "", Some(json!({"description": "Users only robot",
            "domain": "*", "allowed-models": ["subscriber"], "can-create-keys": "yes"}))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["allowed-models"], json!(["subscriber"]));
        let users_only = made.json()["key"].as_str().unwrap().to_owned();
        let (_, parent) = make_key(&mut admin, json!({"description": "Users and keys robot",
            "domain": "*", "allowed-models": ["subscriber", "apikey"], "can-create-keys": "yes"})).await;
        // A comma-separated string is a list too; blank is every model.
        let made = api(&mut admin, Method::POST, "/apikeys", "", Some(json!({"description": "Users and sites robot",
            "domain": "*", "allowed-models": "subscriber, site"}))).await;
        assert_eq!(made.json()["allowed-models"], json!(["site", "subscriber"]), "{}", made.body);
        let users_and_sites = made.json()["key"].as_str().unwrap().to_owned();
        let made = api(&mut admin, Method::POST, "/apikeys", "", Some(json!({"description": "Everything robot",
            "domain": "*", "allowed-models": ""}))).await;
        assert_eq!(made.json()["allowed-models"], "*", "{}", made.body);
        // Names outside NetSapiens' list are refused by name.
        for models in [json!(["subscriber", "users"]), json!("sites"), json!([1])] {
            let refused = api(&mut admin, Method::POST, "/apikeys", "", Some(json!({"description": "Unknown models robot",
                "domain": "*", "allowed-models": models}))).await;
            assert_names(&refused, StatusCode::BAD_REQUEST, &["allowed-models"]);
        }
        admin.cookie = None;
        for path in ["/domains/acme.example/users", "/domains/acme.example/users/110", "/domains/acme.example/users/count"] {
            let read = api(&mut admin, Method::GET, path, &users_only, None).await;
            assert_eq!(read.status, StatusCode::OK, "{path}: {}", read.body);
        }
        for path in ["/domains/acme.example/sites", "/domains", "/domains/acme.example", "/apikeys",
            "/domains/acme.example/users/110/devices", "/domains/acme.example/phonenumbers"] {
            let refused = api(&mut admin, Method::GET, path, &users_only, None).await;
            assert_problem(&refused, StatusCode::FORBIDDEN);
        }
        let sites = api(&mut admin, Method::GET, "/domains/acme.example/sites", &users_and_sites, None).await;
        assert_eq!(sites.status, StatusCode::OK, "{}", sites.body);
        // A key made by a limited key stays within its models (with none given: its parent's);
        // it may not even make keys (`apikey` is not among them).
        let refused = api(&mut admin, Method::POST, "/apikeys", &users_only,
            Some(json!({"description": "Child of the users robot", "domain": "*"}))).await;
        assert_problem(&refused, StatusCode::FORBIDDEN);
        let refused = api(&mut admin, Method::POST, "/apikeys", &parent,
            Some(json!({"description": "Child reaching sites", "domain": "*", "allowed-models": ["site"]}))).await;
        assert_names(&refused, StatusCode::BAD_REQUEST, &["allowed-models"]);
        let child = api(&mut admin, Method::POST, "/apikeys", &parent,
            Some(json!({"description": "Child of the users robot", "domain": "*"}))).await;
        assert_eq!(child.status, StatusCode::OK, "{}", child.body);
        assert_eq!(child.json()["allowed-models"], json!(["apikey", "subscriber"]));
    }

    async fn a_key_change_takes_description_addresses_and_models_and_refuses_the_rest(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        let (id, token) = make_key(&mut admin, json!({"description": "Robot before the change", "domain": "*"})).await;
        let path = format!("/apikeys/{id}");
        let changed = api(&mut admin, Method::PUT, &path, "", Some(json!({"description": "Robot after the change",
            "ip-address": "198.51.100.0/24", "allowed-models": ["subscriber", "domain"]}))).await;
        assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
        assert_eq!(changed.json(), json!({"code": 202, "message": "Accepted"}));
        let read = api(&mut admin, Method::GET, &path, "", None).await.json();
        assert_eq!(read["description"], "Robot after the change");
        assert_eq!(read["ip-address"], "198.51.100.0/24");
        assert_eq!(read["allowed-models"], json!(["domain", "subscriber"]));
        assert_eq!(read["user-scope"], "Super User", "nothing else changed: {read}");
        // synchronous: yes answers 200 with the key; what is not sent stays.
        let changed = api(&mut admin, Method::PUT, &path, "", Some(json!({"allowed-models": "*", "synchronous": "yes"}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let body = changed.json();
        assert_eq!((&body["key-id"], &body["allowed-models"]), (&json!(id), &json!("*")));
        assert_eq!(body["ip-address"], "198.51.100.0/24");
        assert!(body.get("key").is_none(), "{body}");
        // Its scope, reach and permissions are not the change's: each is named, as is an unknown field.
        let refused = api(&mut admin, Method::PUT, &path, "", Some(json!({"user-scope": "Basic User"}))).await;
        assert_names(&refused, StatusCode::BAD_REQUEST, &["user-scope"]);
        let refused = api(&mut admin, Method::PUT, &path, "", Some(json!({"description": "Robot and more",
            "domain": ACME, "readonly": "yes", "can-create-keys": "yes", "user": "1001", "key-id": "x",
            "allowed-models": ["nothing"]}))).await;
        assert_names(&refused, StatusCode::BAD_REQUEST,
            &["domain", "readonly", "can-create-keys", "user", "key-id", "allowed-models"]);
        assert_eq!(api(&mut admin, Method::GET, &path, "", None).await.json()["description"], "Robot after the change");
        // Each change is in the audit log (a change that changes nothing is not).
        let unchanged = api(&mut admin, Method::PUT, &path, "", Some(json!({"description": "Robot after the change"}))).await;
        assert_eq!(unchanged.status, StatusCode::ACCEPTED, "{}", unchanged.body);
        let logged: Vec<String> = sqlx::query_scalar("SELECT changes FROM audit_log WHERE action = 'apikey.update' AND target = $1 ORDER BY id")
            .bind(&id).fetch_all(db.db.pool()).await.unwrap();
        assert_eq!(logged.len(), 2, "{logged:?}");
        assert!(logged[0].contains("Robot after the change") && logged[0].contains("198.51.100.0/24"), "{}", logged[0]);
        // Only keys the caller may revoke: not another account's.
        let mut om = person(&db.db, ACME, "202", Scope::OfficeManager).await;
        let theirs = api(&mut om, Method::PUT, &path, "", Some(json!({"description": "Someone else's now"}))).await;
        assert_problem(&theirs, StatusCode::NOT_FOUND);
        // A key narrows itself, never widens itself.
        admin.cookie = None;
        admin.address = "198.51.100.20".into();
        let widened = api(&mut admin, Method::PUT, "/apikeys/~", &token, Some(json!({"ip-address": ""}))).await;
        assert_names(&widened, StatusCode::BAD_REQUEST, &["ip-address"]);
        let narrowed = api(&mut admin, Method::PUT, "/apikeys/~", &token, Some(json!({"allowed-models": ["apikey"]}))).await;
        assert_eq!(narrowed.status, StatusCode::ACCEPTED, "{}", narrowed.body);
        assert_problem(&api(&mut admin, Method::GET, "/domains", &token, None).await, StatusCode::FORBIDDEN);
        let widened = api(&mut admin, Method::PUT, "/apikeys/~", &token, Some(json!({"allowed-models": "*"}))).await;
        assert_names(&widened, StatusCode::BAD_REQUEST, &["allowed-models"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Idempotency-Key
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn a_retry_with_the_same_idempotency_key_gets_the_first_answer(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let mut body = user_body("1001", "Ann", "Lee");
        body["synchronous"] = json!("yes");
        let bytes = body.to_string().into_bytes();
        let retry = [("idempotency-key", "create-ann-0001")];
        let json = Some("application/json");
        let first = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bytes.clone()))).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert!(!first.headers.contains_key("idempotent-replayed"));
        let second = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bytes))).await;
        assert_eq!(second.status, first.status);
        assert_eq!(second.body, first.body);
        assert_eq!(second.headers[header::CONTENT_TYPE], first.headers[header::CONTENT_TYPE]);
        assert_eq!(second.headers["idempotent-replayed"], "true");
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
        // A refusal is kept too: the retry of a bad request gets the same problem.
        let bad = json!({"user": "x y"}).to_string().into_bytes();
        let retry = [("idempotency-key", "bad-one")];
        let first = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bad.clone()))).await;
        let second = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bad))).await;
        assert_eq!((first.status, &first.body), (second.status, &second.body));
        assert_eq!(second.headers[header::CONTENT_TYPE], "application/problem+json");
        // Domains and keys too.
        let domain = json!({"domain": "new.example"}).to_string().into_bytes();
        let retry = [("idempotency-key", "domain-1")];
        for _ in 0..2 {
            let made = send(&mut c, Method::POST, "/domains", &key, &retry, Some((json, domain.clone()))).await;
            assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        }
        let key_body = json!({"description": "Made once only", "domain": "*"}).to_string().into_bytes();
        let retry = [("idempotency-key", "key-1")];
        let first = send(&mut c, Method::POST, "/apikeys", &key, &retry, Some((json, key_body.clone()))).await;
        let second = send(&mut c, Method::POST, "/apikeys", &key, &retry, Some((json, key_body))).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(second.body, first.body);
        assert_eq!(api(&mut c, Method::GET, "/apikeys", &key, None).await.json().as_array().unwrap().len(), 2);
    }

    async fn a_remembered_answer_keeps_no_secret_or_key_readable_and_expires(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let mut body = user_body("1001", "Ann", "Lee");
        body["synchronous"] = json!("yes");
        body["user-scope"] = json!("Office Manager");
        let bytes = body.to_string().into_bytes();
        let retry = [("idempotency-key", "create-ann-secret")];
        let json = Some("application/json");
        let first = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bytes.clone()))).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let answer = first.json();
        let link = answer["invitation-link"].as_str().unwrap_or_else(|| panic!("{answer}")).to_owned();
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let sip: String = sqlx::query_scalar("SELECT sip_password FROM devices").fetch_one(db.db.pool()).await.unwrap();
        assert!(first.body.contains(&sip), "the answer shows the generated SIP password");
        let made_key = send(&mut c, Method::POST, "/apikeys", &key, &[("idempotency-key", "key-secret")],
            Some((json, json!({"description": "Made once only", "domain": "*"}).to_string().into_bytes()))).await;
        let new_token = made_key.json()["key"].as_str().unwrap().to_owned();

        let stored: Vec<(String, String)> = sqlx::query_as("SELECT key, body FROM idempotency_keys")
            .fetch_all(db.db.pool()).await.unwrap();
        assert_eq!(stored.len(), 2);
        for (stored_key, stored_body) in &stored {
            assert!(!stored_key.contains("secret"), "the key is stored hashed: {stored_key}");
            for secret in [&token, &sip, &new_token, &"Ann".to_owned()] {
                assert!(!stored_body.contains(secret.as_str()), "{secret} is stored readable");
            }
        }
        // A retry still gets the whole first answer, secrets and all.
        let second = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bytes))).await;
        assert_eq!((second.status, &second.body), (first.status, &first.body));

        // Answers older than a day are swept.
        sqlx::query("UPDATE idempotency_keys SET created_at = created_at - 90000000")
            .execute(db.db.writer()).await.unwrap();
        assert_eq!(app::ssr::idempotency::sweep(&db.db).await.unwrap(), 2);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys").fetch_one(db.db.pool()).await.unwrap();
        assert_eq!(left, 0);
    }

    async fn the_same_idempotency_key_with_another_request_is_refused(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let retry = [("idempotency-key", "create-0001")];
        let json = Some("application/json");
        let ann = user_body("1001", "Ann", "Lee").to_string().into_bytes();
        let bo = user_body("1002", "Bo", "Kerr").to_string().into_bytes();
        let first = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, ann))).await;
        assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
        let other = send(&mut c, Method::POST, "/domains/acme.example/users", &key, &retry, Some((json, bo))).await;
        assert_names(&other, StatusCode::UNPROCESSABLE_ENTITY, &["Idempotency-Key"]);
        assert_eq!(user_count(&mut c, &key, ACME).await, 1);
        let bad = send(&mut c, Method::POST, "/domains/acme.example/users", &key,
            &[("idempotency-key", "")], Some((json, b"{}".to_vec()))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["Idempotency-Key"]);
    }

    async fn idempotency_keys_of_different_callers_do_not_collide(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        let (_, one) = make_key(&mut admin, json!({"description": "The first robot", "domain": "*"})).await;
        let (_, two) = make_key(&mut admin, json!({"description": "The second robot", "domain": "*"})).await;
        let retry = [("idempotency-key", "same-key")];
        let json = Some("application/json");
        for (token, ext) in [(one.as_str(), "1001"), (two.as_str(), "1002"), ("", "1003")] {
            let body = user_body(ext, "Ann", "Lee").to_string().into_bytes();
            let made = send(&mut admin, Method::POST, "/domains/acme.example/users", token, &retry, Some((json, body))).await;
            assert_eq!(made.status, StatusCode::ACCEPTED, "{ext}: {}", made.body);
            assert!(!made.headers.contains_key("idempotent-replayed"));
        }
        assert_eq!(user_count(&mut admin, &one, ACME).await, 3);
    }
}

// ---------------------------------------------------------------------------------------------
// The portal's session
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn the_portal_session_cookie_authenticates_api_calls(db: TestDb) {
        let mut admin = logged_in_super_user(&db.db).await;
        system_domain(&db.db, ACME, NORTH_RESELLER).await;
        let listed = api(&mut admin, Method::GET, "/domains", "", None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        assert_eq!(domain_names(&listed), BTreeSet::from([ACME.to_owned()]));
        let mut om = person(&db.db, ACME, "202", Scope::OfficeManager).await;
        let mine = api(&mut om, Method::GET, "/domains/~/users/~", "", None).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.json()["user"], "202");
        admin.cookie = None;
        assert_problem(&api(&mut admin, Method::GET, "/domains", "", None).await, StatusCode::UNAUTHORIZED);
        admin.cookie = Some("roster_session=forged".into());
        assert_problem(&api(&mut admin, Method::GET, "/domains", "", None).await, StatusCode::UNAUTHORIZED);
    }
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document and the documentation page
// ---------------------------------------------------------------------------------------------

/// The routes the API promises (NetSapiens' v2 paths that Roster serves).
const EXPECTED_ROUTES: &[(&str, &str)] = &[
    ("GET", "/domains"),
    ("GET", "/domains/count"),
    ("POST", "/domains"),
    ("GET", "/domains/{domain}"),
    ("PUT", "/domains/{domain}"),
    ("DELETE", "/domains/{domain}"),
    ("GET", "/domains/{domain}/count"),
    ("GET", "/domains/{domain}/users"),
    ("GET", "/domains/{domain}/users/count"),
    ("POST", "/domains/{domain}/users"),
    ("GET", "/domains/{domain}/users/{user}"),
    ("PUT", "/domains/{domain}/users/{user}"),
    ("DELETE", "/domains/{domain}/users/{user}"),
    ("GET", "/apikeys"),
    ("POST", "/apikeys"),
    ("GET", "/apikeys/{key_id}"),
    ("PUT", "/apikeys/{key_id}"),
    ("DELETE", "/apikeys/{key_id}"),
    ("GET", "/domains/{domain}/sites"),
    ("GET", "/domains/{domain}/sites/count"),
    ("POST", "/domains/{domain}/sites"),
    ("GET", "/domains/{domain}/sites/{site}"),
    ("PUT", "/domains/{domain}/sites/{site}"),
    ("DELETE", "/domains/{domain}/sites/{site}"),
    ("GET", "/domains/{domain}/departments/list"),
    ("GET", "/domains/{domain}/phonenumbers"),
    ("GET", "/domains/{domain}/phonenumbers/count"),
    ("POST", "/domains/{domain}/phonenumbers"),
    ("GET", "/domains/{domain}/phonenumbers/{phonenumber}"),
    ("PUT", "/domains/{domain}/phonenumbers/{phonenumber}"),
    ("DELETE", "/domains/{domain}/phonenumbers/{phonenumber}"),
    ("GET", "/domains/{domain}/devices"),
    ("GET", "/domains/{domain}/users/{user}/devices"),
    ("POST", "/domains/{domain}/users/{user}/devices"),
    ("GET", "/domains/{domain}/users/{user}/devices/{device}"),
    ("PUT", "/domains/{domain}/users/{user}/devices/{device}"),
    ("DELETE", "/domains/{domain}/users/{user}/devices/{device}"),
    ("GET", "/domains/{domain}/users/{user}/answerrules"),
    ("GET", "/domains/{domain}/users/{user}/answerrules/count"),
    ("POST", "/domains/{domain}/users/{user}/answerrules"),
    (
        "GET",
        "/domains/{domain}/users/{user}/answerrules/{timeframe}",
    ),
    (
        "PUT",
        "/domains/{domain}/users/{user}/answerrules/{timeframe}",
    ),
    ("GET", "/resellers"),
    ("GET", "/resellers/count"),
    ("POST", "/resellers"),
    ("GET", "/resellers/{reseller}"),
    ("PUT", "/resellers/{reseller}"),
    ("DELETE", "/resellers/{reseller}"),
    ("GET", "/domains/{domain}/users/list"),
    ("GET", "/domains/{domain}/sites/list"),
    ("GET", "/domains/{domain}/devices/count"),
    ("GET", "/domains/{domain}/devices/{device}/count"),
    ("GET", "/domains/{domain}/users/{user}/devices/count"),
    ("PUT", "/domains/{domain}/phonenumbers"),
    ("GET", "/phonenumbers"),
    ("GET", "/phonenumbers/count"),
    ("PUT", "/domains/{domain}/users/{user}/answerrules/reorder"),
    (
        "DELETE",
        "/domains/{domain}/users/{user}/answerrules/{timeframe}",
    ),
];

on_both_backends! {
    async fn the_openapi_document_is_json_for_openapi_3_1(db: TestDb) {
        let mut c = common::Client::new(&db.db);
        let answer = api(&mut c, Method::GET, "/openapi.json", "", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
        let doc = answer.json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        assert!(doc["info"]["title"].is_string());
        assert_eq!(doc["servers"][0]["url"], API);
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        // The same document as the server's own function gives.
        assert_eq!(doc, serde_json::to_value(server::ns_api::openapi()).unwrap());
        // Every reference resolves.
        let text = answer.body.clone();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let pointer = reference.split('"').next().unwrap();
            let pointer = pointer.strip_prefix('#').expect("a local reference");
            assert!(doc.pointer(pointer).is_some(), "{pointer} does not resolve");
        }
    }

    async fn every_operation_in_the_document_is_routed(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("1001", "Ann", "Lee")).await;
        let doc = document(&mut c).await;
        let all = operations(&doc);
        assert!(all.len() >= EXPECTED_ROUTES.len());
        // Deletes last, so that what the others act on is still there.
        let (deletes, others): (Vec<_>, Vec<_>) = all.into_iter().partition(|(m, _)| m == "DELETE");
        for (method, template) in others.into_iter().chain(deletes) {
            let mut path = String::new();
            for segment in template.split('/').skip(1) {
                path.push('/');
                path.push_str(match segment {
                    "{domain}" => ACME,
                    "{user}" => "1001",
                    s if s.starts_with('{') => "1",
                    s => s,
                });
            }
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let body = matches!(method, Method::POST | Method::PUT | Method::PATCH).then(|| json!({}));
            let answer = api(&mut c, method.clone(), &path, &key, body).await;
            assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(!answer.body.contains(NO_SUCH_ROUTE), "{method} {path}: {}", answer.body);
            assert!(!answer.status.is_server_error(), "{method} {path}: {}", answer.body);
        }
        // The fallback itself is a problem.
        let missing = api(&mut c, Method::GET, "/no-such-thing", &key, None).await;
        assert_problem(&missing, StatusCode::NOT_FOUND);
        assert!(missing.body.contains(NO_SUCH_ROUTE));
    }

    async fn the_document_has_every_route_the_api_promises(db: TestDb) {
        let mut c = common::Client::new(&db.db);
        let all = operations(&document(&mut c).await);
        for (method, path) in EXPECTED_ROUTES {
            assert!(all.contains(&((*method).to_owned(), (*path).to_owned())), "{method} {path} in {all:?}");
        }
        // Each operation says what it answers, problems included, and has an id.
        let doc = document(&mut c).await;
        for (method, path) in EXPECTED_ROUTES {
            let op = &doc["paths"][path][method.to_lowercase()];
            assert!(op["operationId"].is_string(), "{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.values().all(|r| r["description"].is_string()), "{method} {path}");
            for status in ["400", "401", "403", "404", "422", "500"] {
                assert!(responses.contains_key(status), "{method} {path} {status}");
            }
        }
    }

    async fn the_documentation_page_lists_every_path(db: TestDb) {
        let mut c = common::Client::new(&db.db);
        let doc = document(&mut c).await;
        let page = api(&mut c, Method::GET, "/docs", "", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        assert!(page.body.starts_with("<!DOCTYPE html>"));
        for (method, path) in operations(&doc) {
            let shown = format!("{method} {}", path.replace('&', "&amp;"));
            assert!(page.body.contains(&shown), "{shown} is not on the page");
        }
        assert!(page.body.contains("openapi.json"));
    }
}

// ---------------------------------------------------------------------------------------------
// Reads see every change at once; ETags let a client skip what it has
// ---------------------------------------------------------------------------------------------

/// A user as read through the API.
async fn first_name(c: &mut Client, key: &str, domain: &str, user: &str) -> Answer {
    api(
        c,
        Method::GET,
        &format!("/domains/{domain}/users/{user}"),
        key,
        None,
    )
    .await
}

on_both_backends! {
    async fn a_repeated_read_sees_every_change_at_once(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("100", "Ada", "Lovelace")).await;
        let list = format!("/domains/{ACME}/users");
        let first = first_name(&mut c, &key, ACME, "100").await;
        assert_eq!(first.json()["name-first-name"], "Ada", "{}", first.body);
        let again = first_name(&mut c, &key, ACME, "100").await;
        assert_eq!((again.status, again.body.clone()), (first.status, first.body.clone()));
        let listed = api(&mut c, Method::GET, &list, &key, None).await;
        assert_eq!(listed.headers["x-total-count"], "1");

        // Through the API: seen by the very next read.
        let changed = api(&mut c, Method::PUT, &format!("/domains/{ACME}/users/100"), &key,
            Some(json!({"name-first-name": "Augusta"}))).await;
        assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
        assert_eq!(first_name(&mut c, &key, ACME, "100").await.json()["name-first-name"], "Augusta");
        add_user(&mut c, &key, ACME, user_body("101", "Charles", "Babbage")).await;
        let listed = api(&mut c, Method::GET, &list, &key, None).await;
        assert_eq!(listed.headers["x-total-count"], "2");

        // Through the app's own functions, as the portal's server functions write; and around
        // Roster altogether.
        let (admin, acme) = (Caller::system(), DomainName::parse(ACME).unwrap());
        let patch = app::model::fields::Patch::one("name-first-name", "Ada");
        app::ssr::users::update_user(&db.db, &admin, &acme, "100", &patch).await.unwrap();
        assert_eq!(first_name(&mut c, &key, ACME, "100").await.json()["name-first-name"], "Ada");
        sqlx::query("UPDATE users SET first_name = 'Grace' WHERE extension = '100'")
            .execute(db.db.writer()).await.unwrap();
        assert_eq!(first_name(&mut c, &key, ACME, "100").await.json()["name-first-name"], "Grace");
    }

    async fn a_read_carries_an_etag_and_if_none_match_answers_304_to_those_who_may_see_it(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        add_user(&mut c, &key, ACME, user_body("100", "Ada", "Lovelace")).await;
        let path = format!("{API}/domains/{ACME}/users/100");
        let first = first_name(&mut c, &key, ACME, "100").await;
        let tag = first.headers.get(header::ETAG).expect("an ETag").to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        assert_eq!(first_name(&mut c, &key, ACME, "100").await.headers[header::ETAG], tag.as_str(), "the same answer, the same tag");

        let conditional = |tag: &str, token: &str| {
            Request::get(&path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::IF_NONE_MATCH, tag)
                .body(Body::empty())
                .unwrap()
        };
        let unchanged = c.send(conditional(&tag, &key)).await;
        assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
        assert!(unchanged.body.is_empty());
        assert_eq!(unchanged.headers[header::ETAG], tag.as_str());
        let weak = c.send(conditional(&format!("\"x\", W/{tag}"), &key)).await;
        assert_eq!(weak.status, StatusCode::NOT_MODIFIED, "a list and a weak tag match too");

        // Changed: the full answer again, with another tag.
        api(&mut c, Method::PUT, &format!("/domains/{ACME}/users/100"), &key,
            Some(json!({"status-message": "Away"}))).await;
        let changed = c.send(conditional(&tag, &key)).await;
        assert_eq!(changed.status, StatusCode::OK);
        assert_ne!(changed.headers[header::ETAG], tag.as_str());
        assert_eq!(changed.json()["status-message"], "Away");

        // Whoever may not see the user gets what it would get without the tag, never a 304.
        let other_key = office_manager_key(&db.db, OTHER).await;
        let current = changed.headers[header::ETAG].to_str().unwrap().to_owned();
        let hidden = c.send(conditional(&current, &other_key)).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
        let mut anonymous = Client::new(&db.db);
        let nobody = anonymous.send(Request::get(&path).header(header::IF_NONE_MATCH, current.as_str())
            .body(Body::empty()).unwrap()).await;
        assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_user_read_through_the_api_says_which_settings_follow_the_domain(db: TestDb) {
        let (mut c, key) = super_key_and_acme(&db.db).await;
        let mut body = user_body("100", "Ada", "Lovelace");
        body["caller-id-name"] = json!("Analytical");
        add_user(&mut c, &key, ACME, body).await;
        let read = first_name(&mut c, &key, ACME, "100").await.json();
        let inherited: Vec<&str> = read["inherited"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(inherited.contains(&"time-zone") && !inherited.contains(&"caller-id-name"), "{inherited:?}");
        assert_eq!(read["caller-id-name"], "Analytical");
        assert_eq!(read["time-zone"], "America/New_York", "the domain's, as NetSapiens' flat field");

        // Cleared: back to the domain's, and it stays so through unrelated changes.
        let user = format!("/domains/{ACME}/users/100");
        let cleared = api(&mut c, Method::PUT, &user, &key, Some(json!({"caller-id-name": "", "synchronous": "yes"}))).await;
        assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
        assert!(cleared.json()["inherited"].as_array().unwrap().contains(&json!("caller-id-name")));
        api(&mut c, Method::PUT, &user, &key, Some(json!({"status-message": "Back soon"}))).await;
        let read = first_name(&mut c, &key, ACME, "100").await.json();
        assert!(read["inherited"].as_array().unwrap().contains(&json!("caller-id-name")), "{read}");
        let domain = api(&mut c, Method::PUT, &format!("/domains/{ACME}"), &key,
            Some(json!({"caller-id-name": "Acme HQ"}))).await;
        assert_eq!(domain.status, StatusCode::ACCEPTED, "{}", domain.body);
        assert_eq!(first_name(&mut c, &key, ACME, "100").await.json()["caller-id-name"], "Acme HQ");
    }
}

/// Two Roster servers on one Postgres database: what one writes, the other's next read sees, and
/// a key revoked on one is refused by the other at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_servers_writes_are_seen_at_once() {
    let db = TestDb::postgres().await;
    let (mut here, key) = super_key_and_acme(&db.db).await;
    add_user(&mut here, &key, ACME, user_body("100", "Ada", "Lovelace")).await;
    let other_db = Db::connect(&db.url).await.unwrap();
    let mut there = Client::new(&other_db);
    assert_eq!(
        first_name(&mut here, &key, ACME, "100").await.json()["name-first-name"],
        "Ada"
    );
    let changed = api(
        &mut there,
        Method::PUT,
        &format!("/domains/{ACME}/users/100"),
        &key,
        Some(json!({"name-first-name": "Augusta"})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
    assert_eq!(
        first_name(&mut here, &key, ACME, "100").await.json()["name-first-name"],
        "Augusta"
    );
    let revoked = api(&mut there, Method::DELETE, "/apikeys/~", &key, None).await;
    assert_eq!(revoked.status, StatusCode::ACCEPTED, "{}", revoked.body);
    assert_eq!(
        first_name(&mut here, &key, ACME, "100").await.status,
        StatusCode::UNAUTHORIZED
    );
    other_db.close().await;
}
