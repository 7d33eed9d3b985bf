//! Servetel's user API under `/servetel/v1`, through the real router, on both databases: the
//! seed's sample request and its mandatory fields, every field mapped or refused by name, created
//! rows counted, nothing left behind by a failure, Servetel's `{success, message, error}`
//! envelope, PATCH, the cursor list and its filters, tenant scoping (another domain's user answers
//! as missing), the permission table, keys limited to other models, and each user read back
//! through the NetSapiens API.

mod common;

use app::model::Scope;
use app::ssr::db::Db;
use axum::http::{Method, StatusCode};
use common::{
    domain_name, logged_in_super_user, make_api_key, person, row_counts, send_api, system_domain,
    Answer, Client, PERSON_PASSWORD,
};
use serde_json::{json, Value};

const ACME: &str = "acme.example";
const OTHER: &str = "other.example";

/// A Servetel request in `ACME` with an acme key (no domain header needed).
async fn servetel(
    c: &mut Client,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> Answer {
    send_api(c, method, &format!("/servetel/v1{path}"), key, &[], body).await
}

/// A NetSapiens request.
async fn ns(c: &mut Client, method: Method, path: &str, key: &str, body: Option<Value>) -> Answer {
    send_api(c, method, &format!("/ns-api/v2{path}"), key, &[], body).await
}

/// The two domains, a Super User's all-domains key, and a key of ACME's Office Manager (bound to
/// ACME, so Servetel's requests need no domain header).
async fn setup(db: &Db) -> (Client, String, String) {
    system_domain(db, ACME, "north-reseller").await;
    system_domain(db, OTHER, "north-reseller").await;
    let mut admin = logged_in_super_user(db).await;
    let super_key = make_api_key(
        &mut admin,
        json!({"description": "Provisioning robot", "domain": "*"}),
    )
    .await;
    admin.cookie = None;
    let mut manager = person(db, ACME, "300", Scope::OfficeManager).await;
    let acme_key = make_api_key(
        &mut manager,
        json!({"description": "ACME's Servetel connector", "domain": "~"}),
    )
    .await;
    (admin, super_key, acme_key)
}

/// Adds the available number `number` to `domain` (through the NetSapiens API) and returns its
/// id, the one Servetel's `caller_id` names.
async fn add_number(c: &mut Client, super_key: &str, db: &Db, domain: &str, number: &str) -> i64 {
    let made = ns(
        c,
        Method::POST,
        &format!("/domains/{domain}/phonenumbers"),
        super_key,
        Some(json!({
        "phonenumber": number, "dial-rule-application": "available-number",
        "dial-rule-translation-destination-user": ""})),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
    let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
    sqlx::query_scalar("SELECT id FROM phone_numbers WHERE number = $1")
        .bind(format!("+{digits}"))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The row id of the domain `domain`.
async fn domain_id(db: &Db, domain: &str) -> i64 {
    app::ssr::db::domains::get(db.pool(), &domain_name(domain))
        .await
        .unwrap()
        .expect("the domain")
        .id
}

/// A create with every mandatory field (the seed's sample, completed).
fn full(first: &str, login: &str, caller_id: &[i64]) -> Value {
    json!({
        "name": format!("{first} Rao"), "number": "+1 612 555 0177", "create_agent": true,
        "create_web_login": true, "email": format!("{login}@people.example"), "login_id": login,
        "user_role": 2, "password": "saffron kettle drum isle", "status": true,
        "caller_id": caller_id
    })
}

/// Creates a user (200, Servetel's success) and returns its id, from `Location`.
async fn create(c: &mut Client, key: &str, body: Value) -> i64 {
    let made = servetel(c, Method::POST, "/user", key, Some(body)).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(
        made.json(),
        json!({"success": true, "message": "User created successfully."})
    );
    made.location()
        .and_then(|l| l.strip_prefix("/servetel/v1/user/"))
        .and_then(|id| id.parse().ok())
        .expect("a Location naming the user")
}

/// The fields a Servetel failure names in `error`, sorted; checks the envelope.
fn errors(answer: &Answer, status: StatusCode) -> Vec<String> {
    assert_eq!(answer.status, status, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["success"], false, "{}", answer.body);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let mut names: Vec<String> = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("no error object: {}", answer.body))
        .iter()
        .map(|(k, v)| {
            assert!(
                v.as_str().is_some_and(|m| !m.is_empty()),
                "{k} has no reason"
            );
            k.clone()
        })
        .collect();
    names.sort();
    names
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    names.sort();
    names
}

/// The count of rows of `table` in `counts`.
fn count(counts: &[(&str, i64)], table: &str) -> i64 {
    counts.iter().find(|(t, _)| *t == table).unwrap().1
}

on_both_backends! {
    async fn the_seeds_create_with_every_field_answers_success_and_reads_back_the_same_everywhere(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        let first = add_number(&mut c, &super_key, &db.db, ACME, "+1 612 555 0101").await;
        let second = add_number(&mut c, &super_key, &db.db, ACME, "+1 612 555 0102").await;
        common::add_queue(&db.db, domain_id(&db.db, ACME).await, "600", "Sales").await;
        let before = row_counts(&db.db).await;
        let mut body = full("Asha", "asha", &[first, second]);
        for (field, value) in [
            ("block_web_login", json!(false)), ("login_based_calling", json!(true)),
            ("agent_group", json!(["600"])), ("department", json!(["Support"])),
            ("time_group", json!("")), ("create_extension", json!(true)),
            ("enable_calling", json!(true)), ("user_for_cdr", json!(null)),
        ] {
            body[field] = value;
        }
        let id = create(&mut c, &key, body).await;
        let after = row_counts(&db.db).await;
        for (table, more) in [("users", 1), ("accounts", 1), ("devices", 1), ("call_queue_agents", 1), ("audit_log", 1)] {
            assert_eq!(count(&after, table), count(&before, table) + more, "{table}");
        }
        let read = servetel(&mut c, Method::GET, &format!("/user/{id}"), &key, None).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        let user = read.json();
        assert_eq!(user["id"], id);
        assert_eq!(user["name"], "Asha Rao");
        assert_eq!(user["team_member"]["email"], "asha@people.example");
        assert_eq!(user["team_member"]["login_id"], "asha@acme.example");
        assert_eq!(user["team_member"]["status"], true);
        assert_eq!(user["team_member"]["role"], 2);
        assert_eq!(user["team_member"]["role_name"], "Basic User");
        assert_eq!(user["team_member"]["block_web_login"], false);
        assert_eq!(user["team_member"]["department"], json!(["Support"]));
        assert_eq!(user["agent"]["number"], "+16125550177");
        assert_eq!(user["agent"]["caller_id"], json!([first, second]));
        assert_eq!(user["agent"]["agent_group"], json!(["600"]));
        assert_eq!(user["agent"]["login_based_calling"], true);
        assert!(user.get("password").is_none() && user["team_member"].get("password").is_none());
        let extension = user["agent"]["intercom"].as_str().unwrap().to_owned();
        assert_eq!(user["agent"]["extension"]["username"], extension.as_str());
        // The same user through the NetSapiens API.
        let ns_user = ns(&mut c, Method::GET, &format!("/domains/{ACME}/users/{extension}"), &super_key, None).await;
        assert_eq!(ns_user.status, StatusCode::OK, "{}", ns_user.body);
        let ns_user = ns_user.json();
        assert_eq!((&ns_user["name-first-name"], &ns_user["name-last-name"]), (&json!("Asha"), &json!("Rao")));
        assert_eq!(ns_user["simultaneous-ring"], json!(["+16125550177"]));
        assert_eq!(ns_user["phone-numbers"], json!(["+16125550101", "+16125550102"]));
        assert_eq!(ns_user["caller-id-number"], "+16125550101");
        assert_eq!(ns_user["login-username"], "asha@acme.example");
        assert_eq!(ns_user["user-scope"], "Basic User");
        assert_eq!(ns_user["status"], "enabled");
        assert_eq!(ns_user["login-based-calling"], "yes");
        assert_eq!(ns_user["block-web-login"], "no");
        assert_eq!(ns_user["groups"], json!(["600"]));
        assert_eq!(ns_user["department"], "Support");
        // The password is the portal's.
        let mut asha = Client::new(&db.db);
        common::log_in(&mut asha, "asha@acme.example", "saffron kettle drum isle").await;
    }

    async fn the_seeds_sample_request_alone_names_every_missing_mandatory_field_and_writes_nothing(db: TestDb) {
        let (mut c, _, key) = setup(&db.db).await;
        let before = row_counts(&db.db).await;
        // The sample body of the seed: {"create_agent": true, "create_web_login": true, "status": true, ...}
        let sample = servetel(&mut c, Method::POST, "/user", &key,
            Some(json!({"create_agent": true, "create_web_login": true, "status": true}))).await;
        assert_eq!(
            errors(&sample, StatusCode::BAD_REQUEST),
            sorted(&["name", "number", "email", "login_id", "user_role", "password", "caller_id"])
        );
        let empty = servetel(&mut c, Method::POST, "/user", &key, Some(json!({}))).await;
        assert_eq!(
            errors(&empty, StatusCode::BAD_REQUEST),
            sorted(&["name", "number", "create_agent", "email", "login_id", "user_role", "password", "status", "caller_id"])
        );
        assert_eq!(row_counts(&db.db).await, before);
    }

    async fn fields_roster_cannot_honour_are_refused_by_name_and_a_failure_leaves_nothing_behind(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        let other_number = add_number(&mut c, &super_key, &db.db, OTHER, "+1 612 555 0199").await;
        let before = row_counts(&db.db).await;
        let mut body = full("Mononym", "mono", &[other_number, 424242]);
        body["name"] = json!("Mononym");
        for (field, value) in [
            ("user_for_cdr", json!({"type": "agent", "value": [1]})), ("time_group", json!("Evening Shift")),
            ("create_extension", json!(false)), ("enable_calling", json!(false)),
            ("department", json!(["Sales", "Finance"])), ("create_agent", json!(false)),
            ("user_role", json!(99)), ("status", json!("maybe")), ("unknown_thing", json!(1)),
            ("email", json!("not-an-address")), ("password", json!("short")),
        ] {
            body[field] = value;
        }
        let refused = servetel(&mut c, Method::POST, "/user", &key, Some(body)).await;
        assert_eq!(
            errors(&refused, StatusCode::BAD_REQUEST),
            sorted(&["name", "caller_id", "user_for_cdr", "time_group", "create_extension", "enable_calling",
                     "department", "create_agent", "user_role", "status", "unknown_thing", "email", "password"])
        );
        assert_eq!(row_counts(&db.db).await, before);
        // A taken login is a conflict, and writes nothing either.
        create(&mut c, &key, full("Asha", "asha", &[])).await;
        let before = row_counts(&db.db).await;
        let taken = servetel(&mut c, Method::POST, "/user", &key, Some(full("Ravi", "asha", &[]))).await;
        assert_eq!(errors(&taken, StatusCode::CONFLICT), ["login_id"]);
        assert_eq!(row_counts(&db.db).await, before);
    }

    async fn patch_changes_only_what_it_sends(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        let first = add_number(&mut c, &super_key, &db.db, ACME, "+1 612 555 0101").await;
        let second = add_number(&mut c, &super_key, &db.db, ACME, "+1 612 555 0102").await;
        let id = create(&mut c, &key, full("Asha", "asha", &[first])).await;
        let patched = servetel(&mut c, Method::PATCH, &format!("/user/{id}"), &key, Some(json!({
            "name": "Asha Devi Rao", "block_agent": true, "caller_id": [second],
            "login_based_calling": true, "designation": null
        }))).await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
        assert_eq!(patched.json(), json!({"success": true, "message": "User updated successfully."}));
        let user = servetel(&mut c, Method::GET, &format!("/user/{id}"), &key, None).await.json();
        assert_eq!(user["name"], "Asha Devi Rao");
        assert_eq!(user["team_member"]["status"], false);
        assert_eq!(user["agent"]["extension"]["outbound_block"], true);
        assert_eq!(user["agent"]["caller_id"], json!([second]));
        assert_eq!(user["agent"]["login_based_calling"], true);
        assert_eq!(user["team_member"]["email"], "asha@people.example");
        let extension = user["agent"]["intercom"].as_str().unwrap().to_owned();
        let ns_user = ns(&mut c, Method::GET, &format!("/domains/{ACME}/users/{extension}"), &super_key, None).await.json();
        assert_eq!((&ns_user["name-first-name"], &ns_user["name-last-name"]), (&json!("Asha Devi"), &json!("Rao")));
        assert_eq!(ns_user["status"], "disabled");
        assert_eq!(ns_user["phone-numbers"], json!(["+16125550102"]));
        // Bad fields are each named; nothing changes.
        let before = row_counts(&db.db).await;
        let refused = servetel(&mut c, Method::PATCH, &format!("/user/{id}"), &key, Some(json!({
            "international_outbound": true, "designation": "Lead", "user_role": "Emperor",
            "caller_id": "all", "email": ""
        }))).await;
        assert_eq!(
            errors(&refused, StatusCode::BAD_REQUEST),
            sorted(&["international_outbound", "designation", "user_role", "caller_id", "email"])
        );
        assert_eq!(row_counts(&db.db).await, before);
        let unchanged = servetel(&mut c, Method::GET, &format!("/user/{id}"), &key, None).await.json();
        assert_eq!(unchanged, user);
        // A new password is checked and stored.
        let patched = servetel(&mut c, Method::PATCH, &format!("/user/{id}"), &key,
            Some(json!({"password": "copper lantern willow bay", "block_agent": false}))).await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
        let mut asha = Client::new(&db.db);
        common::log_in(&mut asha, "asha@acme.example", "copper lantern willow bay").await;
    }

    async fn the_list_pages_by_cursor_and_filters(db: TestDb) {
        let (mut c, _, key) = setup(&db.db).await;
        let a = create(&mut c, &key, full("Asha", "asha", &[])).await;
        let b = create(&mut c, &key, full("Bala", "bala", &[])).await;
        let mut disabled = full("Chitra", "chitra", &[]);
        disabled["status"] = json!(false);
        let d = create(&mut c, &key, disabled).await;
        // The Office Manager who made the key is a user too, with the lowest id.
        let page = servetel(&mut c, Method::GET, "/users?limit=2", &key, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let page = page.json();
        assert_eq!((&page["has_more"], &page["count"]), (&json!(true), &json!(2)));
        let last = page["last_seen_id"].as_i64().unwrap();
        assert_eq!(page["data"][1]["id"], last);
        assert_eq!(last, a);
        let next = servetel(&mut c, Method::GET, &format!("/users?limit=2&last_seen_id={last}"), &key, None).await.json();
        let ids: Vec<i64> = next["data"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [b, d]);
        assert_eq!(next["has_more"], false);
        let off = servetel(&mut c, Method::GET, "/user?user_status=false", &key, None).await.json();
        let ids: Vec<i64> = off["data"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [d]);
        let refused = servetel(&mut c, Method::GET, "/users?is_international_calling=true&limit=0", &key, None).await;
        assert_eq!(errors(&refused, StatusCode::BAD_REQUEST), sorted(&["is_international_calling", "limit"]));
    }

    async fn another_domains_user_answers_as_missing(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        let made = send_api(&mut c, Method::POST, "/servetel/v1/user", &super_key, &[("X-Roster-Domain", OTHER)],
            Some(full("Olga", "olga", &[]))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let id: i64 = made.location().unwrap().rsplit('/').next().unwrap().parse().unwrap();
        let before = row_counts(&db.db).await;
        let missing = json!({"success": false, "message": "User not found."});
        let read = servetel(&mut c, Method::GET, &format!("/user/{id}"), &key, None).await;
        assert_eq!((read.status, read.json()), (StatusCode::NOT_FOUND, missing.clone()));
        let patch = servetel(&mut c, Method::PATCH, &format!("/user/{id}"), &key, Some(json!({"name": "Taken Over"}))).await;
        assert_eq!((patch.status, patch.json()), (StatusCode::NOT_FOUND, missing.clone()));
        let named = send_api(&mut c, Method::GET, &format!("/servetel/v1/user/{id}"), &key, &[("X-Roster-Domain", OTHER)], None).await;
        assert_eq!(named.status, StatusCode::NOT_FOUND);
        let listed = servetel(&mut c, Method::GET, "/users", &key, None).await.json();
        assert!(listed["data"].as_array().unwrap().iter().all(|u| u["id"] != id));
        // A number of another domain is no caller ID here.
        let theirs = add_number(&mut c, &super_key, &db.db, OTHER, "+1 612 555 0199").await;
        let refused = servetel(&mut c, Method::POST, "/user", &key, Some(full("Ravi", "ravi", &[theirs]))).await;
        assert_eq!(errors(&refused, StatusCode::BAD_REQUEST), ["caller_id"]);
        assert_eq!(count(&row_counts(&db.db).await, "users"), count(&before, "users"));
    }

    async fn callers_are_held_to_the_permission_table_and_their_keys_models(db: TestDb) {
        let (mut c, super_key, _) = setup(&db.db).await;
        let unnamed = servetel(&mut c, Method::GET, "/users", &super_key, None).await;
        assert_eq!(errors(&unnamed, StatusCode::BAD_REQUEST), ["X-Roster-Domain"]);
        let anonymous = servetel(&mut c, Method::GET, "/users", "", None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(anonymous.json()["success"], false);
        let mut basic = person(&db.db, ACME, "400", Scope::BasicUser).await;
        let before = row_counts(&db.db).await;
        let refused = send_api(&mut basic, Method::POST, "/servetel/v1/user", "", &[], Some(full("Asha", "asha", &[]))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert_eq!(refused.json()["success"], false);
        let listed = send_api(&mut basic, Method::GET, "/servetel/v1/users", "", &[], None).await;
        assert_eq!(listed.status, StatusCode::FORBIDDEN, "{}", listed.body);
        // (A refusal may be audited; nothing else is written.)
        let without_audit = |counts: Vec<(&'static str, i64)>| {
            counts.into_iter().filter(|(t, _)| *t != "audit_log").collect::<Vec<_>>()
        };
        assert_eq!(without_audit(row_counts(&db.db).await), without_audit(before.clone()));
        // An Office Manager may not give a scope above its own.
        let mut manager = Client::new(&db.db);
        common::log_in(&mut manager, "300@acme.example", PERSON_PASSWORD).await;
        let mut above = full("Asha", "asha", &[]);
        above["user_role"] = json!("Super User");
        let refused = send_api(&mut manager, Method::POST, "/servetel/v1/user", "", &[], Some(above)).await;
        assert!(refused.status.is_client_error(), "{}", refused.body);
        assert_eq!(without_audit(row_counts(&db.db).await), without_audit(before));
        let made = send_api(&mut manager, Method::POST, "/servetel/v1/user", "", &[], Some(full("Asha", "asha", &[]))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        // A key limited to the domain model may not use the user routes.
        let mut admin = Client::new(&db.db);
        common::log_in(&mut admin, "admin", common::ADMIN_PASSWORD).await;
        let limited = make_api_key(&mut admin, json!({"description": "Domains only robot", "domain": "*", "allowed-models": ["domain"]})).await;
        for (method, path) in [(Method::GET, "/servetel/v1/users"), (Method::GET, "/servetel/v1/user"),
                               (Method::GET, "/servetel/v1/user/1"), (Method::PATCH, "/servetel/v1/user/1"),
                               (Method::POST, "/servetel/v1/user")] {
            let answer = send_api(&mut c, method, path, &limited, &[("X-Roster-Domain", ACME)], Some(json!({}))).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}: {}", answer.body);
        }
        let subscriber = make_api_key(&mut admin, json!({"description": "Users only robot", "domain": "*", "allowed-models": ["subscriber"]})).await;
        let answer = send_api(&mut c, Method::GET, "/servetel/v1/user", &subscriber, &[("X-Roster-Domain", ACME)], None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }

    async fn the_openapi_document_describes_every_route(db: TestDb) {
        let mut c = Client::new(&db.db);
        let doc = send_api(&mut c, Method::GET, "/servetel/v1/openapi.json", "", &[], None).await;
        assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
        let doc = doc.json();
        assert_eq!(doc["servers"][0]["url"], "/servetel/v1");
        for (path, methods) in [("/user", &["post"][..]), ("/users", &["get"][..]), ("/user/{id}", &["get", "patch"][..])] {
            for method in methods {
                assert!(doc["paths"][path][method].is_object(), "{method} {path}");
            }
        }
        let create = &doc["components"]["schemas"]["UserCreate"];
        for field in ["name", "number", "create_agent", "email", "login_id", "user_role", "password", "status",
                      "caller_id", "block_web_login", "user_for_cdr", "login_based_calling", "agent_group",
                      "department", "time_group", "create_extension", "enable_calling"] {
            assert!(create["properties"][field].is_object(), "{field}");
        }
    }
}
