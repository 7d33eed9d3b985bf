//! Wazo confd's user API under `/wazo/1.1`, through the real router, on both databases: the
//! one-request create of the seed document ("the new way") and the full body of Wazo's own
//! integration test, all or nothing with every problem listed on Wazo's paths; `{total, items}`
//! lists; reads by id or uuid; PUT (with `recursive`), DELETE (refused with a voicemail box
//! unless `recursive`); `/forwards` and `/services`; the tenant from `Wazo-Tenant`; the
//! permission table; and each user read back through NetSapiens' API with the same values.

#![recursion_limit = "256"]

mod common;

use app::model::Scope;
use app::ssr::db::Db;
use axum::http::{Method, StatusCode};
use common::{
    logged_in_super_user, make_api_key, path, person, row_counts, send_api, system_domain, Answer,
    Client,
};
use serde_json::{json, Value};

const WAZO: &str = "/wazo/1.1";
const ACME: &str = "acme.example";
const OTHER: &str = "other.example";
const RESELLER: &str = "north-reseller";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Sends a request with a bearer token (or the client's session when `token` is empty), the
/// tenant header when `tenant` is not empty, and a JSON body if any.
async fn call(
    client: &mut Client,
    method: Method,
    path: &str,
    token: &str,
    tenant: &str,
    body: Option<Value>,
) -> Answer {
    let tenant_header = [("Wazo-Tenant", tenant)];
    let headers: &[(&str, &str)] = if tenant.is_empty() {
        &[]
    } else {
        &tenant_header
    };
    send_api(client, method, path, token, headers, body).await
}

/// A Wazo request as the Super User's key, in acme.example.
async fn wazo(
    c: &mut Client,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    call(c, method, &format!("{WAZO}{path}"), key, ACME, body).await
}

/// The Super User's client (without its session) and an all-domains key, with acme.example and
/// its call queues 600, "Sales" (a group, to Wazo), and 610, "Support".
async fn setup(db: &Db) -> (Client, String) {
    let mut client = logged_in_super_user(db).await;
    let key = make_api_key(
        &mut client,
        json!({"description": "Wazo provisioning robot", "domain": "*"}),
    )
    .await;
    client.cookie = None;
    system_domain(db, ACME, RESELLER).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM domains WHERE name = $1")
        .bind(ACME)
        .fetch_one(db.pool())
        .await
        .unwrap();
    common::add_queue(db, id, "600", "Sales").await;
    common::add_queue(db, id, "610", "Support").await;
    (client, key)
}

/// The uuid Wazo's API gives the group (the call queue described as) `group` of acme.example.
async fn group_uuid(db: &Db, group: &str) -> String {
    server::wazo::group_uuid(queue_id(db, group).await)
}

/// The row id of the call queue described as `group` (Wazo's queue and group id).
async fn queue_id(db: &Db, group: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM call_queues WHERE description = $1")
        .bind(group)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The messages of a Wazo error answer, checking its status and shape (a JSON list of text).
fn messages(answer: &Answer, status: StatusCode) -> Vec<String> {
    assert_eq!(answer.status, status, "{}", answer.body);
    answer
        .json()
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {}", answer.body))
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

/// Checks that a 400 answer names each of `paths` as a field (`... field '<path>': ...`).
fn assert_fields(answer: &Answer, paths: &[&str]) {
    let listed = messages(answer, StatusCode::BAD_REQUEST);
    for path in paths {
        assert!(
            listed
                .iter()
                .any(|m| m.contains(&format!("field '{path}':"))),
            "{path} is not listed in {listed:#?}"
        );
    }
}

/// A new user with one line, the least Wazo's "new way" needs in Roster.
fn small_user(exten: &str, first: &str, last: &str) -> Value {
    json!({
        "firstname": first, "lastname": last, "email": format!("{first}.{last}@people.example").to_lowercase(),
        "lines": [{"context": "default", "extensions": [{"context": "default", "exten": exten}]}],
    })
}

/// Creates a user through Wazo's API, which must succeed; returns its answer.
async fn create(c: &mut Client, key: &str, body: Value) -> Value {
    let made = wazo(c, key, Method::POST, "/users", Some(body)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    made.json()
}

/// The full body of Wazo's own integration test (`test_post_update_delete_full_user_no_error`,
/// one-shot-create.md B.2), with what is a placeholder there filled in: every part Roster
/// cannot honour (the agent, the switchboards, the function key template, the device, ...) is
/// still in it.
fn full_wazo_body(group_uuid: &str) -> Value {
    json!({
        "firstname": "Jôhn", "lastname": "Smêth", "username": "jsmeth", "password": "password",
        "email": "jsmeth@smeth.com", "mobile_phone_number": "+4185551234*2", "mobile_fallback_enabled": true,
        "caller_id": "\"Jôhnny Smith\" <4185551234>", "outgoing_caller_id": "\"Johnny\" <123>",
        "music_on_hold": "default", "language": "fr_FR", "timezone": "America/Montreal",
        "ring_seconds": 60, "simultaneous_calls": 10, "subscription_type": 1, "enabled": false,
        "call_record_outgoing_external_enabled": true, "online_call_record_enabled": true,
        "call_permission_password": "1234", "func_key_template_id": 1,
        "auth":   {"username": "john", "password": "secret"},
        "lines":  [{"context": "default", "extensions": [{"context": "default", "exten": "1001"}],
                    "endpoint_sip": {"name": "abcde"}, "device_id": "a1b2c3d4e5f6"}],
        "incalls":[{"extensions": [{"context": "from-extern", "exten": "+14185550100"}]}],
        "groups": [{"uuid": group_uuid}],
        "switchboards": [{"uuid": "2b6e8c4e-0d6f-4b59-9a8e-6e0b7d2f9a11"}],
        "agent":  {"queues": [{"id": 5, "penalty": 1, "priority": 2}]},
        "voicemail": {"number": "1001", "context": "default", "email": "test@example.com", "pager": "test@example.com",
                      "language": "en_US", "timezone": "eu-fr", "password": "1234", "max_messages": 10,
                      "attach_audio": true, "ask_password": false, "delete_messages": true, "enabled": true,
                      "options": [["saycid", "yes"], ["emailbody", "You have a message"]]},
        "forwards":  {"busy": {"enabled": true, "destination": "123"},
                      "noanswer": {"enabled": false, "destination": "456"},
                      "unconditional": {"enabled": true, "destination": "789"}},
        "fallbacks": {"noanswer_destination": {"type": "user", "user_id": 7},
                      "busy_destination": {"type": "none"},
                      "congestion_destination": {"type": "hangup"},
                      "fail_destination": {"type": "sound", "filename": "bye"}}
    })
}

/// The same user as far as Roster can honour it: the refused parts left out, the placeholders
/// made real (a caller ID the user owns, an e-mail for the box that is the user's, a portal
/// password long enough, a forward to an existing extension, a fallback to an existing user).
fn honourable_body(group_uuid: &str, queue_id: i64, fallback_user: i64) -> Value {
    json!({
        "firstname": "Jôhn", "lastname": "Smêth", "username": "jsmeth",
        "email": "jsmeth@smeth.com", "mobile_phone_number": "+14185551234", "mobile_fallback_enabled": true,
        "caller_id": "\"Jôhnny Smith\" <+14185550100>", "outgoing_caller_id": "default",
        "music_on_hold": "default", "language": "fr_FR", "timezone": "America/Montreal",
        "ring_seconds": 60, "simultaneous_calls": 10, "subscription_type": 0, "enabled": false,
        "call_record_outgoing_external_enabled": false, "online_call_record_enabled": false,
        "userfield": "cost-center-42",
        "call_transfer_enabled": true, "supervision_enabled": true, "dtmf_hangup_enabled": false,
        "auth":   {"username": "john", "password": "maple thunder kayak quill"},
        "lines":  [{"context": "default", "extensions": [{"context": "default", "exten": "1001"}],
                    "endpoint_sip": {"name": "abcde", "auth_section_options": [["password", "Sip-Secret-0123456789"]]}},
                   {"context": "default", "extensions": [{"context": "default", "exten": "1001"}],
                    "endpoint_sip": {"name": "abcde-desk"}}],
        "incalls":[{"extensions": [{"context": "from-extern", "exten": "+14185550100"}]}],
        "groups": [{"uuid": group_uuid}],
        "agent":  {"firstname": "Jôhn", "number": "1001", "queues": [{"id": queue_id, "penalty": 0, "priority": 0}]},
        "voicemail": {"number": "1001", "context": "default", "email": "jsmeth@smeth.com",
                      "password": "4826", "attach_audio": true, "ask_password": true,
                      "delete_messages": false, "enabled": true, "options": []},
        "forwards":  {"busy": {"enabled": true, "destination": "1002"},
                      "noanswer": {"enabled": false, "destination": ""},
                      "unconditional": {"enabled": false, "destination": ""}},
        "fallbacks": {"noanswer_destination": {"type": "user", "user_id": fallback_user},
                      "congestion_destination": null},
        "services": {"dnd": {"enabled": false}, "incallfilter": {"enabled": true}}
    })
}

/// The user `ext` of acme.example through NetSapiens' API.
async fn netsapiens_user(c: &mut Client, key: &str, ext: &str) -> Value {
    let read = call(
        c,
        Method::GET,
        &format!("/ns-api/v2/domains/{ACME}/users/{ext}"),
        key,
        "",
        None,
    )
    .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    read.json()
}

/// Text of a NetSapiens member that may be a list (`phone-numbers`, `groups`).
fn listed(value: &Value) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(","),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

on_both_backends! {
    async fn the_full_wazo_body_is_refused_whole_with_every_part_roster_cannot_honour_named(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        let group = group_uuid(&db.db, "Sales").await;
        let before = row_counts(&db.db).await;
        let refused = wazo(&mut c, &key, Method::POST, "/users", Some(full_wazo_body(&group))).await;
        assert_fields(&refused, &[
            // Refused by name: Roster cannot honour them.
            "agent.queues[0].penalty", "agent.queues[0].priority", "func_key_template_id", "switchboards", "subscription_type",
            "call_record_outgoing_external_enabled", "online_call_record_enabled",
            "call_permission_password", "lines[0].device_id", "voicemail.max_messages",
            "voicemail.pager", "voicemail.options", "voicemail.delete_messages",
            "voicemail.ask_password", "fallbacks.congestion_destination", "fallbacks.fail_destination",
            // Parts that disagree with each other in Roster's one-value fields.
            "voicemail.email", "voicemail.language", "voicemail.timezone", "outgoing_caller_id",
            // Referenced resources that do not exist in this tenant.
            "fallbacks.noanswer_destination.user_id", "agent.queues[0].id",
            // Values Roster's parsers refuse.
            "auth.password", "mobile_phone_number",
        ]);
        assert_eq!(row_counts(&db.db).await, before, "nothing is written");
    }

    async fn the_full_wazo_body_as_roster_can_honour_it_creates_everything_in_one_request(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        let group = group_uuid(&db.db, "Sales").await;
        let other = create(&mut c, &key, small_user("1002", "Ada", "Byron")).await;
        let before = row_counts(&db.db).await;
        let support = queue_id(&db.db, "Support").await;
        let made = wazo(&mut c, &key, Method::POST, "/users", Some(honourable_body(&group, support, other["id"].as_i64().unwrap()))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let user = made.json();
        let id = user["id"].as_i64().unwrap();
        assert_eq!(made.location(), Some(format!("/wazo/1.1/users/{id}").as_str()));
        // The answer: the user with its nested results, in Wazo's shape.
        assert_eq!(user["uuid"], server::wazo::user_uuid(id));
        assert_eq!(user["tenant_uuid"], ACME);
        assert_eq!(user["firstname"], "Jôhn");
        assert_eq!(user["lastname"], "Smêth");
        assert_eq!(user["enabled"], false);
        assert_eq!(user["username"], "john@acme.example");
        assert_eq!(user["caller_id"], "\"Jôhnny Smith\" <+14185550100>");
        assert_eq!(user["ring_seconds"], 60);
        assert_eq!(user["simultaneous_calls"], 10);
        assert_eq!(user["userfield"], "cost-center-42");
        assert_eq!(user["lines"].as_array().unwrap().len(), 2);
        assert_eq!(user["lines"][0]["endpoint_sip"]["name"], "abcde");
        assert_eq!(user["lines"][0]["endpoint_sip"]["auth_section_options"][1], json!(["password", "Sip-Secret-0123456789"]));
        assert_eq!(user["lines"][1]["extensions"][0]["exten"], "1001");
        assert_eq!(user["incalls"][0]["extensions"][0]["exten"], "+14185550100");
        assert_eq!(user["incalls"][0]["destination"], json!({"type": "user", "user_id": id}));
        assert_eq!(user["groups"][0]["uuid"], group);
        assert_eq!(user["voicemail"]["number"], "1001");
        assert_eq!(user["voicemail"]["email"], "jsmeth@smeth.com");
        assert_eq!(user["voicemail"]["attach_audio"], true);
        assert_eq!(user["forwards"]["busy"], json!({"enabled": true, "destination": "1002"}));
        assert_eq!(user["forwards"]["noanswer"], json!({"enabled": true, "destination": "1002"}), "the fallback to a user");
        assert_eq!(user["services"], json!({"dnd": {"enabled": false}, "incallfilter": {"enabled": true}}));
        assert_eq!(user["mobile_phone_number"], "+14185551234");
        // The rows: one user, its account, two devices, its box, its number, its membership,
        // its answer rule and one audit entry; nothing else.
        let after = row_counts(&db.db).await;
        let grown: Vec<(&str, i64)> = after.iter().zip(&before).map(|((t, a), (_, b))| (*t, a - b)).collect();
        assert_eq!(grown, vec![("sites", 0), ("users", 1), ("accounts", 1), ("devices", 2), ("voicemail_boxes", 1),
            ("phone_numbers", 1), ("answer_rules", 1), ("call_queues", 0), ("call_queue_agents", 2), ("audit_log", 1)]);
        // The same user through NetSapiens' API, with the same values.
        let ns = netsapiens_user(&mut c, &key, "1001").await;
        assert_eq!(ns["name-first-name"], "Jôhn");
        assert_eq!(ns["name-last-name"], "Smêth");
        assert_eq!(ns["email"], "jsmeth@smeth.com");
        assert_eq!(ns["login-username"], "john@acme.example");
        assert_eq!(ns["status"], "disabled");
        assert_eq!(ns["language-token"], "fr_FR");
        assert_eq!(ns["time-zone"], "America/Montreal");
        assert_eq!(ns["caller-id-name"], "Jôhnny Smith");
        assert_eq!(ns["caller-id-number"], "+14185550100");
        assert_eq!(listed(&ns["ring-no-answer-timeout-seconds"]), "60");
        assert_eq!(listed(&ns["limits-max-active-calls-total"]), "10");
        assert_eq!(ns["service-code"], "cost-center-42");
        assert_eq!(listed(&ns["phone-numbers"]), "+14185550100");
        assert_eq!(listed(&ns["groups"]), "600,610", "its group, and its agent's queue");
        assert_eq!(ns["voicemail-box"], "1001");
        assert_eq!(ns["email-send-alert-new-voicemail-enabled"], "yes");
        assert_eq!(ns["email-send-alert-new-voicemail-behavior"], "attnew");
        assert_eq!(ns["forward-on-busy"], "1002");
        assert_eq!(ns["forward-no-answer"], "1002");
        assert_eq!(ns["forward-when-unregistered"], "+14185551234");
        assert_eq!(ns["do-not-disturb"], "no");
        assert_eq!(ns["call-screening-enabled"], "yes");
        let devices: Vec<&str> = ns["devices"].as_array().unwrap().iter().map(|d| d["device"].as_str().unwrap()).collect();
        assert_eq!(devices, vec!["abcde", "abcde-desk"]);
        assert_eq!(ns["devices"][0]["device-sip-registration-password"], "Sip-Secret-0123456789");
        // The portal password given in auth is the login's: it logs in, no invitation needed.
        let mut john = Client::new(&db.db);
        let login = john.call(path::<app::api::auth::Login>(), &[("login", "john@acme.example"), ("password", "maple thunder kayak quill")]).await;
        // A disabled user may not log in: enabled false is honoured too.
        assert!(!login.status.is_success(), "{}", login.body);
        let enabled = wazo(&mut c, &key, Method::PUT, &format!("/users/{id}"), Some(json!({"enabled": true}))).await;
        assert_eq!(enabled.status, StatusCode::NO_CONTENT, "{}", enabled.body);
        let login = john.call(path::<app::api::auth::Login>(), &[("login", "john@acme.example"), ("password", "maple thunder kayak quill")]).await;
        assert!(login.status.is_success(), "{}", login.body);
    }

    async fn a_failure_in_any_nested_part_leaves_nothing_behind(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        create(&mut c, &key, small_user("1002", "Ada", "Byron")).await;
        let group = group_uuid(&db.db, "Sales").await;
        let good = || {
            let mut body = small_user("1001", "Grace", "Hopper");
            body["groups"] = json!([{"uuid": group}]);
            body["incalls"] = json!([{"extensions": [{"exten": "+14185550100"}]}]);
            body["voicemail"] = json!({"password": "4826"});
            body["forwards"] = json!({"busy": {"enabled": true, "destination": "1002"}});
            body
        };
        let cases: Vec<(&str, Value, &str)> = vec![
            ("an unknown group", json!([{"uuid": "00000000-0000-8000-8000-000000000001"}]), "groups[0].uuid"),
            ("a line on the extension of another user", json!([{"extensions": [{"exten": "1002"}]}]), "lines[0].extensions[0].exten"),
            ("an SCCP line", json!([{"extensions": [{"exten": "1001"}], "endpoint_sccp": {"options": []}}]), "lines[0].endpoint_sccp"),
            ("a voicemail on another number", json!({"number": "2001", "password": "4826"}), "voicemail.number"),
            ("a bad voicemail PIN", json!({"number": "1001", "password": "12a"}), "voicemail.password"),
            ("a bad DID", json!([{"extensions": [{"exten": "not a number"}]}]), "incalls[0].extensions[0].exten"),
            ("a forward to nowhere", json!({"busy": {"enabled": true, "destination": "not-a-destination"}}), "forwards.busy.destination"),
        ];
        for (what, part, path) in cases {
            let before = row_counts(&db.db).await;
            let mut body = good();
            let member = path.split(['.', '[']).next().unwrap();
            body[member] = part;
            let refused = wazo(&mut c, &key, Method::POST, "/users", Some(body)).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{what}: {}", refused.body);
            assert_fields(&refused, &[path]);
            assert_eq!(row_counts(&db.db).await, before, "{what}: nothing is written");
        }
        // And the good body, once, makes it all.
        let before = row_counts(&db.db).await;
        create(&mut c, &key, good()).await;
        assert_eq!(row_counts(&db.db).await[1].1, before[1].1 + 1);
    }

    async fn every_bad_field_is_listed_at_once_on_wazo_paths(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        let body = json!({
            "firstname": null, "lastname": "Smith", "email": "not an address", "language": "Klingon",
            "ring_seconds": 99999, "enabled": "yeah", "nickname": "Jo",
            "auth": {"username": "jo", "password": "short"},
            "lines": [{"extensions": [{"exten": "1001"}], "endpoint_sip": {"name": "jo phone"}},
                      {"extensions": [{"exten": "1003"}], "endpoint_custom": {"interface": "DAHDI/1"}}],
            "incalls": [{"extensions": [{"exten": "12"}]}],
            "voicemail": {"number": "1001", "password": "1001"},
            "services": {"dnd": {"enabled": 1}},
        });
        let refused = wazo(&mut c, &key, Method::POST, "/users", Some(body)).await;
        assert_fields(&refused, &[
            "firstname", "email", "language", "ring_seconds", "enabled", "nickname", "auth.password",
            "lines[0].endpoint_sip.name", "lines[1].extensions[0].exten", "lines[1].endpoint_custom",
            "incalls[0].extensions[0].exten", "services.dnd.enabled",
        ]);
        assert!(messages(&refused, StatusCode::BAD_REQUEST).iter().all(|m| m.starts_with("Input Error - field '")), "{}", refused.body);
        // A body that is no object, or no JSON, is one message.
        let refused = call(&mut c, Method::POST, &format!("{WAZO}/users"), &key, ACME, Some(json!([1]))).await;
        assert_eq!(messages(&refused, StatusCode::BAD_REQUEST).len(), 1);
    }

    async fn users_are_listed_with_total_and_items_searched_ordered_paged_and_in_views(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        for (ext, first, last) in [("1001", "Grace", "Hopper"), ("1002", "Ada", "Lovelace"), ("1003", "Alan", "Turing")] {
            create(&mut c, &key, small_user(ext, first, last)).await;
        }
        let all = wazo(&mut c, &key, Method::GET, "/users", None).await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        assert_eq!(all.json()["total"], 3);
        let firsts = |a: &Answer| -> Vec<String> { a.json()["items"].as_array().unwrap().iter().map(|u| u["firstname"].as_str().unwrap().to_owned()).collect() };
        assert_eq!(firsts(&all), ["Grace", "Ada", "Alan"]);
        let found = wazo(&mut c, &key, Method::GET, "/users?search=love", None).await;
        assert_eq!(found.json()["total"], 1);
        assert_eq!(firsts(&found), ["Ada"]);
        let ordered = wazo(&mut c, &key, Method::GET, "/users?order=lastname&direction=desc", None).await;
        assert_eq!(firsts(&ordered), ["Alan", "Ada", "Grace"]);
        let page = wazo(&mut c, &key, Method::GET, "/users?order=lastname&limit=1&offset=1", None).await;
        assert_eq!(page.json()["total"], 3);
        assert_eq!(firsts(&page), ["Ada"]);
        let directory = wazo(&mut c, &key, Method::GET, "/users?view=directory&search=hopper", None).await;
        let item = &directory.json()["items"][0];
        assert_eq!(item["exten"], "1001");
        assert!(item.get("lines").is_none());
        let summary = wazo(&mut c, &key, Method::GET, "/users?view=summary&search=turing", None).await;
        assert_eq!(summary.json()["items"][0]["extension"], "1003");
        assert_eq!(summary.json()["items"][0]["protocol"], "sip");
        for bad in ["order=shoe_size", "direction=up", "limit=0", "offset=-1", "view=fancy"] {
            let refused = wazo(&mut c, &key, Method::GET, &format!("/users?{bad}"), None).await;
            assert_eq!(messages(&refused, StatusCode::BAD_REQUEST).len(), 1, "{bad}");
        }
    }

    async fn a_user_is_read_by_id_or_uuid_and_another_tenants_user_answers_as_missing(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        system_domain(&db.db, OTHER, RESELLER).await;
        let made = create(&mut c, &key, small_user("1001", "Grace", "Hopper")).await;
        let id = made["id"].as_i64().unwrap();
        let uuid = made["uuid"].as_str().unwrap().to_owned();
        for by in [id.to_string(), uuid.clone()] {
            let read = wazo(&mut c, &key, Method::GET, &format!("/users/{by}"), None).await;
            assert_eq!(read.status, StatusCode::OK, "{}", read.body);
            assert_eq!(read.json(), made);
        }
        // Another tenant's user, by id or uuid, is missing: in Wazo's words.
        let elsewhere = call(&mut c, Method::POST, &format!("{WAZO}/users"), &key, OTHER, Some(small_user("2001", "Other", "Person"))).await;
        assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.body);
        let other_id = elsewhere.json()["id"].as_i64().unwrap();
        let missing = wazo(&mut c, &key, Method::GET, &format!("/users/{other_id}"), None).await;
        assert_eq!(messages(&missing, StatusCode::NOT_FOUND), [format!("Resource Not Found - User was not found ('id': {other_id})")]);
        let other_uuid = elsewhere.json()["uuid"].as_str().unwrap().to_owned();
        for (method, body) in [(Method::GET, None), (Method::PUT, Some(json!({"firstname": "X"}))), (Method::DELETE, None)] {
            let missing = wazo(&mut c, &key, method.clone(), &format!("/users/{other_uuid}"), body).await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND, "{method}: {}", missing.body);
        }
        let missing = wazo(&mut c, &key, Method::GET, "/users/00000000-0000-8000-8000-000000000001", None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(netsapiens_user(&mut c, &key, "1001").await["name-first-name"], "Grace");
    }

    async fn put_changes_the_user_core_and_recursive_replaces_the_nested_resources(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        let group = group_uuid(&db.db, "Sales").await;
        let made = create(&mut c, &key, small_user("1001", "Grace", "Hopper")).await;
        let path = format!("/users/{}", made["uuid"].as_str().unwrap());
        let changed = wazo(&mut c, &key, Method::PUT, &path, Some(json!({"firstname": "Amazing", "ring_seconds": 45,
            "groups": [{"uuid": group}]}))).await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
        let ns = netsapiens_user(&mut c, &key, "1001").await;
        assert_eq!(ns["name-first-name"], "Amazing");
        assert_eq!(ns["name-last-name"], "Hopper");
        assert_eq!(listed(&ns["ring-no-answer-timeout-seconds"]), "45");
        assert_eq!(listed(&ns["groups"]), "", "without recursive, nested resources stay as they are");
        let replaced = wazo(&mut c, &key, Method::PUT, &format!("{path}?recursive=true"), Some(json!({
            "lines": [{"extensions": [{"exten": "1005"}], "endpoint_sip": {"name": "grace-desk"}}],
            "incalls": [{"extensions": [{"exten": "+14185550100"}]}],
            "groups": [{"uuid": group}],
            "voicemail": {"number": "1005", "password": "4826"},
        }))).await;
        assert_eq!(replaced.status, StatusCode::NO_CONTENT, "{}", replaced.body);
        let ns = netsapiens_user(&mut c, &key, "1005").await;
        assert_eq!(ns["devices"][0]["device"], "grace-desk");
        assert_eq!(listed(&ns["phone-numbers"]), "+14185550100");
        assert_eq!(listed(&ns["groups"]), "600");
        assert_eq!(ns["voicemail-box"], "1005");
        let read = wazo(&mut c, &key, Method::GET, &path, None).await.json();
        assert_eq!(read["lines"][0]["extensions"][0]["exten"], "1005");
        assert_eq!(read["id"], made["id"], "the id (and uuid) stay with the user");
        // Emptied lists clear; a bad part changes nothing and is named.
        let cleared = wazo(&mut c, &key, Method::PUT, &format!("{path}?recursive=true"), Some(json!({"incalls": [], "groups": []}))).await;
        assert_eq!(cleared.status, StatusCode::NO_CONTENT, "{}", cleared.body);
        let ns = netsapiens_user(&mut c, &key, "1005").await;
        assert_eq!((listed(&ns["phone-numbers"]), listed(&ns["groups"])), (String::new(), String::new()));
        let before = row_counts(&db.db).await;
        let refused = wazo(&mut c, &key, Method::PUT, &format!("{path}?recursive=true"), Some(json!({"language": "Klingon",
            "lines": [{"extensions": [{"exten": "1005"}]}, {"extensions": [{"exten": "1005"}]}]}))).await;
        assert_fields(&refused, &["lines[1]"]);
        let refused = wazo(&mut c, &key, Method::PUT, &path, Some(json!({"language": "Klingon", "firstname": ""}))).await;
        assert_fields(&refused, &["language", "firstname"]);
        let mut after = row_counts(&db.db).await;
        after.retain(|(t, _)| *t != "audit_log");
        let mut before = before;
        before.retain(|(t, _)| *t != "audit_log");
        assert_eq!(after, before);
        assert_eq!(netsapiens_user(&mut c, &key, "1005").await["language-token"], ns["language-token"]);
    }

    async fn delete_refuses_a_user_with_a_voicemail_box_unless_recursive(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        let mut body = small_user("1001", "Grace", "Hopper");
        body["voicemail"] = json!({"number": "1001", "password": "4826"});
        body["incalls"] = json!([{"extensions": [{"exten": "+14185550100"}]}]);
        let with_box = create(&mut c, &key, body).await;
        let without = create(&mut c, &key, small_user("1002", "Ada", "Lovelace")).await;
        let refused = wazo(&mut c, &key, Method::DELETE, &format!("/users/{}", with_box["id"]), None).await;
        let listed = messages(&refused, StatusCode::BAD_REQUEST);
        assert!(listed[0].contains("Voicemail"), "{listed:?}");
        assert_eq!(row_counts(&db.db).await[1].1, 2);
        // A user without a box goes without recursive (its devices with it: see the README).
        let deleted = wazo(&mut c, &key, Method::DELETE, &format!("/users/{}", without["uuid"].as_str().unwrap()), None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
        let deleted = wazo(&mut c, &key, Method::DELETE, &format!("/users/{}?recursive=true", with_box["id"]), None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
        let counts = row_counts(&db.db).await;
        let count = |table: &str| counts.iter().find(|(t, _)| *t == table).unwrap().1;
        assert_eq!((count("users"), count("devices"), count("voicemail_boxes"), count("answer_rules")), (0, 0, 0, 0));
        let gone = wazo(&mut c, &key, Method::GET, &format!("/users/{}", with_box["id"]), None).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        let gone = call(&mut c, Method::GET, &format!("/ns-api/v2/domains/{ACME}/users/1001"), &key, "", None).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
    }

    async fn forwards_and_services_are_read_and_changed_together_or_one_by_one(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        create(&mut c, &key, small_user("1002", "Ada", "Lovelace")).await;
        let made = create(&mut c, &key, small_user("1001", "Grace", "Hopper")).await;
        let user = format!("/users/{}", made["id"]);
        let none = json!({"enabled": false, "destination": null});
        let read = wazo(&mut c, &key, Method::GET, &format!("{user}/forwards"), None).await;
        assert_eq!(read.json(), json!({"busy": none, "noanswer": none, "unconditional": none}));
        // The seed document's "PUT /users/<user_id>/forwards".
        let put = wazo(&mut c, &key, Method::PUT, &format!("{user}/forwards"), Some(json!({
            "busy": {"enabled": true, "destination": "1002"},
            "unconditional": {"enabled": true, "destination": "+14185559999"}}))).await;
        assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
        let ns = netsapiens_user(&mut c, &key, "1001").await;
        assert_eq!((ns["forward-on-busy"].clone(), ns["forward-always"].clone()), (json!("1002"), json!("+14185559999")));
        let put = wazo(&mut c, &key, Method::PUT, &format!("{user}/forwards/unconditional"), Some(json!({"enabled": false, "destination": "+14185559999"}))).await;
        assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
        let read = wazo(&mut c, &key, Method::GET, &format!("{user}/forwards/unconditional"), None).await;
        assert_eq!(read.json(), none);
        let read = wazo(&mut c, &key, Method::GET, &format!("{user}/forwards/busy"), None).await;
        assert_eq!(read.json(), json!({"enabled": true, "destination": "1002"}));
        let refused = wazo(&mut c, &key, Method::PUT, &format!("{user}/forwards/busy"), Some(json!({"enabled": true}))).await;
        assert_fields(&refused, &["destination"]);
        let refused = wazo(&mut c, &key, Method::PUT, &format!("{user}/forwards"), Some(json!({"noanswer": {"enabled": true, "destination": "9999"}}))).await;
        assert_fields(&refused, &["noanswer.destination"]);
        let missing = wazo(&mut c, &key, Method::GET, &format!("{user}/forwards/sometimes"), None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        // The seed document's "PUT /users/<user_id>/services": dnd and incallfilter.
        let put = wazo(&mut c, &key, Method::PUT, &format!("{user}/services"), Some(json!({"dnd": {"enabled": true}, "incallfilter": {"enabled": false}}))).await;
        assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
        let read = wazo(&mut c, &key, Method::GET, &format!("{user}/services"), None).await;
        assert_eq!(read.json(), json!({"dnd": {"enabled": true}, "incallfilter": {"enabled": false}}));
        let ns = netsapiens_user(&mut c, &key, "1001").await;
        assert_eq!((ns["do-not-disturb"].clone(), ns["call-screening-enabled"].clone()), (json!("yes"), json!("no")));
        let put = wazo(&mut c, &key, Method::PUT, &format!("{user}/services/dnd"), Some(json!({"enabled": false}))).await;
        assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
        let read = wazo(&mut c, &key, Method::GET, &format!("{user}/services/dnd"), None).await;
        assert_eq!(read.json(), json!({"enabled": false}));
        let refused = wazo(&mut c, &key, Method::PUT, &format!("{user}/services/dnd"), Some(json!({"enabled": "yes"}))).await;
        assert_fields(&refused, &["enabled"]);
    }

    async fn the_tenant_is_the_wazo_tenant_header_or_the_callers_own_domain(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        system_domain(&db.db, OTHER, RESELLER).await;
        // A Super User has no domain: it names one.
        let unnamed = call(&mut c, Method::GET, &format!("{WAZO}/users"), &key, "", None).await;
        let listed = messages(&unnamed, StatusCode::BAD_REQUEST);
        assert!(listed[0].contains("'Wazo-Tenant'"), "{listed:?}");
        let unknown = call(&mut c, Method::GET, &format!("{WAZO}/users"), &key, "nowhere.example", None).await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{}", unknown.body);
        // An Office Manager of other.example works in its own domain without the header...
        let mut manager = person(&db.db, OTHER, "300", Scope::OfficeManager).await;
        let manager_key = make_api_key(&mut manager, json!({"description": "Other tenant's robot", "domain": "~"})).await;
        manager.cookie = None;
        let made = call(&mut manager, Method::POST, &format!("{WAZO}/users"), &manager_key, "", Some(small_user("2001", "Own", "Tenant"))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!(made.json()["tenant_uuid"], OTHER);
        let own = call(&mut manager, Method::GET, &format!("{WAZO}/users"), &manager_key, "", None).await;
        assert_eq!(own.json()["total"], 2);
        // ...and may not reach acme.example's users, by the header or by id.
        let acme_user = create(&mut c, &key, small_user("1001", "Grace", "Hopper")).await;
        let before = row_counts(&db.db).await;
        for (method, path, body) in [
            (Method::GET, "/users".to_owned(), None),
            (Method::POST, "/users".to_owned(), Some(small_user("1009", "Sneaky", "Manager"))),
            (Method::GET, format!("/users/{}", acme_user["id"]), None),
            (Method::DELETE, format!("/users/{}?recursive=true", acme_user["id"]), None),
        ] {
            let refused = call(&mut manager, method.clone(), &format!("{WAZO}{path}"), &manager_key, ACME, body).await;
            assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{method} {path}: {}", refused.body);
        }
        let by_id = call(&mut manager, Method::GET, &format!("{WAZO}/users/{}", acme_user["id"]), &manager_key, "", None).await;
        assert_eq!(by_id.status, StatusCode::NOT_FOUND, "{}", by_id.body);
        assert_eq!(row_counts(&db.db).await, before);
    }

    async fn a_basic_user_and_a_key_limited_to_other_models_are_refused(db: TestDb) {
        let (mut c, key) = setup(&db.db).await;
        let made = create(&mut c, &key, small_user("1001", "Grace", "Hopper")).await;
        // A Basic User of acme.example, with its portal session.
        let mut basic = person(&db.db, ACME, "110", Scope::BasicUser).await;
        let before = row_counts(&db.db).await;
        for (method, path, body) in [
            (Method::GET, "/users".to_owned(), None),
            (Method::POST, "/users".to_owned(), Some(small_user("1009", "Basic", "Creator"))),
            (Method::GET, format!("/users/{}", made["id"]), None),
            (Method::PUT, format!("/users/{}/services/dnd", made["id"]), Some(json!({"enabled": true}))),
        ] {
            let refused = call(&mut basic, method.clone(), &format!("{WAZO}{path}"), "", "", body).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{method} {path}: {}", refused.body);
            assert!(refused.json().is_array(), "{}", refused.body);
        }
        assert_eq!(row_counts(&db.db).await, before);
        // A key that may use the domain model only is refused on the user routes.
        let mut admin = logged_in_super_user_again(&db.db).await;
        let domains_only = make_api_key(&mut admin, json!({"description": "Domains only robot", "domain": "*", "allowed-models": ["domain"]})).await;
        admin.cookie = None;
        for path in ["/users".to_owned(), format!("/users/{}", made["id"]), format!("/users/{}/forwards", made["id"])] {
            let refused = wazo(&mut admin, &domains_only, Method::GET, &path, None).await;
            let listed = messages(&refused, StatusCode::FORBIDDEN);
            assert!(listed[0].contains("allowed-models"), "{listed:?}");
        }
        let users_only = make_api_key(&mut c_with_session(&db.db).await, json!({"description": "Users only robot", "domain": "*", "allowed-models": ["subscriber"]})).await;
        let read = wazo(&mut admin, &users_only, Method::GET, "/users", None).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        // No credentials at all: 401.
        let anonymous = call(&mut admin, Method::GET, &format!("{WAZO}/users"), "", ACME, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }

    async fn the_openapi_document_describes_every_wazo_route(db: TestDb) {
        let mut c = Client::new(&db.db);
        let doc = c.get(&format!("{WAZO}/openapi.json")).await;
        assert_eq!(doc.status, StatusCode::OK);
        let doc = doc.json();
        assert_eq!(doc["servers"][0]["url"], WAZO);
        for (route, methods) in [
            ("/users", &["get", "post"][..]),
            ("/users/{id}", &["get", "put", "delete"][..]),
            ("/users/{id}/forwards", &["get", "put"][..]),
            ("/users/{id}/forwards/{forward}", &["get", "put"][..]),
            ("/users/{id}/services", &["get", "put"][..]),
            ("/users/{id}/services/{service}", &["get", "put"][..]),
        ] {
            for method in methods {
                assert!(doc["paths"][route][method].is_object(), "{method} {route}");
            }
        }
        assert!(doc["components"]["schemas"]["User"].is_object());
        // NetSapiens' document is served beside it, and does not list Wazo's routes.
        let ns = c.get("/ns-api/v2/openapi.json").await.json();
        assert!(ns["paths"].get("/users").is_none());
    }
}

/// The first Super User's client again (its password is set: log in).
async fn logged_in_super_user_again(db: &Db) -> Client {
    c_with_session(db).await
}

async fn c_with_session(db: &Db) -> Client {
    let mut client = Client::new(db);
    let login: String = sqlx::query_scalar(
        "SELECT login FROM accounts WHERE scope = 'Super User' ORDER BY id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    common::log_in(&mut client, &login, common::ADMIN_PASSWORD).await;
    client
}
