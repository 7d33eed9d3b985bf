//! Roster's API against NetSapiens' published v2 description, field for field, on both
//! databases. `netsapiens/request-bodies.json` holds every property of the spec's request bodies
//! for the operations Roster implements (made from the spec by `scripts/netsapiens-bodies.py`).
//! For each operation:
//! - Roster's own OpenAPI document lists every property the spec's body has;
//! - on the resource's PUT, every property the spec lets a client set is accepted alone (each
//!   value of an enum, in turn), and a read afterwards answers it (secrets aside, which Roster
//!   keeps and never answers, and write-only ones); the few enum values Roster refuses by design
//!   are listed here and must be refused on their field;

mod common;

use app::model::fields::{find, Field};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{logged_in_super_user, Answer, Client};
use serde_json::{json, Map, Value};

const API: &str = "/ns-api/v2";

/// The spec's request bodies, by `METHOD path`.
fn bodies() -> Map<String, Value> {
    let text = include_str!("netsapiens/request-bodies.json");
    serde_json::from_str(text).expect("the fixture is JSON")
}

async fn api(c: &mut Client, method: Method, path: &str, key: &str, body: Option<Value>) -> Answer {
    let req = Request::builder()
        .method(method)
        .uri(format!("{API}{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let req = match body {
        Some(body) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => req.body(Body::empty()),
    };
    c.send(req.unwrap()).await
}

/// Fields Roster keeps and never answers.
const SECRETS: &[&str] = &[
    "voicemail-login-pin",
    "device-sip-registration-password",
    "device-provisioning-password",
    "email-send-smtp-password",
];

/// Values for the properties whose resource has no field table to give an example of its own.
const VALUES: &[(&str, &str)] = &[
    ("dial-rule-description", "Main line"),
    ("dial-rule-parameter", "<NULL>"),
    ("ip-address", "127.0.0.1"),
    ("allowed-models", "*"),
    ("device-models-model", "Yealink T54W"),
    ("device-provisioning-mac-address", "00:15:65:1a:2b:3c"),
];

/// Values of the spec's enums that Roster refuses by design, each to be refused on its field:
/// the dial rules that ring what Roster does not have (call queues, voicemail, connections,
/// devices alone), as Roster declares them.
const REFUSED: &[(&str, &[&str])] = &[(
    "dial-rule-application",
    app::model::dids::UNSUPPORTED_APPLICATIONS,
)];

/// What a value needs beside it: (field, value, the other field and its value).
const COMPANIONS: &[(&str, &str, &str, &str)] = &[
    (
        "dial-rule-application",
        "to-user",
        "dial-rule-translation-destination-user",
        "1001",
    ),
    (
        "dial-rule-application",
        "to-callqueue",
        "dial-rule-translation-destination-user",
        "600",
    ),
];

/// A valid value of the Roster field called `name` (or one of its other names) in `table`: its
/// first example.
fn example<F, S>(table: &[Field<F, S>], name: &str) -> Option<Value> {
    find(table, name)
        .filter(|f| f.name == name || f.alias == Some(name))
        .and_then(|f| f.examples.first())
        .map(|e| json!(e))
}

/// A Super User key, and acme.example (of the reseller North) with user 1001, its device, a
/// number ringing it, the call queue 600 with 1001 its agent, and a spare key to change.
async fn world(db: &app::ssr::db::Db) -> (Client, String, String) {
    let mut c = logged_in_super_user(db).await;
    let made = c
        .send(
            Request::post(format!("{API}/apikeys"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"description": "Conformance robot", "domain": "*", "can-create-keys": "yes"})
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert!(made.status.is_success(), "{}", made.body);
    let key = made.json()["key"].as_str().unwrap().to_owned();
    c.cookie = None;
    for (path, body) in [
        ("/resellers", json!({"reseller": "North"})),
        (
            "/domains",
            json!({"domain": "acme.example", "reseller": "North"}),
        ),
        (
            "/domains/acme.example/sites",
            json!({"site": "Head office"}),
        ),
        (
            "/domains/acme.example/users",
            json!({"user": "1001", "name-first-name": "Ann", "name-last-name": "Lee",
                   "email": "ann@acme.example", "phone-numbers": ["+16125550100"]}),
        ),
        (
            "/domains/acme.example/callqueues",
            json!({"callqueue": "600", "description": "Sales"}),
        ),
        (
            "/domains/acme.example/callqueues/600/agents",
            json!({"callqueue-agent-id": "1001"}),
        ),
    ] {
        let answer = api(&mut c, Method::POST, path, &key, Some(body)).await;
        assert!(answer.status.is_success(), "{path}: {}", answer.body);
    }
    let spare = api(&mut c, Method::POST, "/apikeys", &key,
        Some(json!({"description": "A key to change", "domain": "acme.example", "user-scope": "Office Manager"}))).await;
    assert!(spare.status.is_success(), "{}", spare.body);
    let spare = spare.json()["key-id"].as_str().unwrap().to_owned();
    (c, key, spare)
}

/// Each operation of the fixture with the address of its resource in [`world`], and the field
/// table whose examples give valid values (if the resource has one).
fn resources(spare: &str) -> Vec<(&'static str, String, Option<fn(&str) -> Option<Value>>)> {
    use app::model::call_queue::{AGENT_FIELDS, CALL_QUEUE_FIELDS};
    use app::model::{domain::DOMAIN_FIELDS, reseller::RESELLER_FIELDS, DEVICE_FIELDS};
    use app::model::{site::SITE_FIELDS, user::USER_FIELDS};
    vec![
        (
            "PUT /domains/{domain}",
            "/domains/acme.example".into(),
            Some(|n| example(DOMAIN_FIELDS, n)),
        ),
        (
            "PUT /resellers/{reseller}",
            "/resellers/North".into(),
            Some(|n| example(RESELLER_FIELDS, n)),
        ),
        (
            "PUT /domains/{domain}/sites/{site}",
            "/domains/acme.example/sites/Head%20office".into(),
            Some(|n| example(SITE_FIELDS, n)),
        ),
        (
            "PUT /domains/{domain}/users/{user}",
            "/domains/acme.example/users/1001".into(),
            Some(|n| example(USER_FIELDS, n)),
        ),
        (
            "PUT /domains/{domain}/users/{user}/devices/{device}",
            "/domains/acme.example/users/1001/devices/1001".into(),
            Some(|n| example(DEVICE_FIELDS, n)),
        ),
        (
            "PUT /domains/{domain}/phonenumbers/{phonenumber}",
            "/domains/acme.example/phonenumbers/16125550100".into(),
            None,
        ),
        (
            "PUT /domains/{domain}/users/{user}/answerrules/{timeframe}",
            "/domains/acme.example/users/1001/answerrules/*".into(),
            None,
        ),
        ("PUT /apikeys/{key_id}", format!("/apikeys/{spare}"), None),
        (
            "PUT /domains/{domain}/callqueues/{callqueue}",
            "/domains/acme.example/callqueues/600".into(),
            Some(|n| example(CALL_QUEUE_FIELDS, n)),
        ),
        (
            "PUT /domains/{domain}/callqueues/{callqueue}/agents/{callqueue-agent-id}",
            "/domains/acme.example/callqueues/600/agents/1001".into(),
            Some(|n| example(AGENT_FIELDS, n)),
        ),
    ]
}

/// The values to try for `name`: every value of the spec's enum, else the spec's default, else
/// what the resource answers now, else Roster's own example, else [`VALUES`].
fn values_for(
    name: &str,
    spec: &Value,
    read: &Value,
    roster: Option<fn(&str) -> Option<Value>>,
) -> Vec<Value> {
    if let Some(all) = spec["enum"].as_array() {
        return all.clone();
    }
    let found = spec
        .get("default")
        .cloned()
        .or_else(|| read.get(name).filter(|v| !v.is_null()).cloned())
        .or_else(|| roster.and_then(|f| f(name)))
        .or_else(|| {
            VALUES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| json!(v))
        });
    found.into_iter().collect()
}

on_both_backends! {
    async fn every_property_of_the_specs_bodies_is_documented_by_roster(db: TestDb) {
        let mut c = Client::new(&db.db);
        let doc = c.get(&format!("{API}/openapi.json")).await.json();
        let resolve = |schema: &Value| -> Value {
            match schema["$ref"].as_str() {
                Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
                None => schema.clone(),
            }
        };
        let mut missing = Vec::new();
        for (operation, body) in bodies() {
            let (method, path) = operation.split_once(' ').unwrap();
            let op = &doc["paths"][path][method.to_lowercase()];
            assert!(op.is_object(), "{operation} is in Roster's document");
            let schema = resolve(&op["requestBody"]["content"]["application/json"]["schema"]);
            for name in body["properties"].as_object().unwrap().keys() {
                let documented = schema["properties"].get(name).is_some()
                    || app::model::json_form::READ_ONLY.contains(&name.as_str());
                if !documented {
                    missing.push(format!("{operation}: {name}"));
                }
            }
        }
        assert!(missing.is_empty(), "not in Roster's OpenAPI document:\n{}", missing.join("\n"));
    }

    async fn every_property_the_spec_lets_a_client_set_is_accepted_stored_and_answered(db: TestDb) {
        let (mut c, key, spare) = world(&db.db).await;
        let all = bodies();
        let mut refused = Vec::new();
        for (operation, address, roster) in resources(&spare) {
            let body = &all[operation];
            for (name, spec) in body["properties"].as_object().unwrap() {
                if spec["read-only"] == true || name == "synchronous" {
                    continue;
                }
                let read = api(&mut c, Method::GET, &address, &key, None).await.json();
                let values = values_for(name, spec, &read, roster);
                assert!(!values.is_empty(), "{operation}: no value to try for {name}");
                for value in values {
                    let mut sent = json!({name.as_str(): value});
                    for (field, wanted, other, with) in COMPANIONS {
                        if name == field && value == json!(wanted) {
                            sent[*other] = json!(with);
                        }
                    }
                    let answer = api(&mut c, Method::PUT, &address, &key, Some(sent)).await;
                    let by_design = REFUSED.iter().any(|(field, all)| {
                        name == field && value.as_str().is_some_and(|v| all.contains(&v))
                    });
                    if by_design {
                        let named = answer.status == StatusCode::BAD_REQUEST
                            && answer.json()["errors"][0]["field"] == json!(name);
                        if !named {
                            refused.push(format!("{operation}: {name} = {value} should be refused on its field: {}", answer.body));
                        }
                        continue;
                    }
                    if !answer.status.is_success() {
                        refused.push(format!("{operation}: {name} = {value}: {} {}", answer.status, answer.body));
                        continue;
                    }
                    let blank = value.is_null() || value == json!("") || value == json!([]);
                    if SECRETS.contains(&name.as_str()) || spec["write-only"] == true || blank {
                        continue;
                    }
                    let after = api(&mut c, Method::GET, &address, &key, None).await.json();
                    // NetSapiens' document spells one member of the call queue with a trailing
                    // space; Roster reads both spellings and answers the plain one.
                    let answered = after.get(name).or_else(|| after.get(name.trim()));
                    if answered.is_none_or(Value::is_null) {
                        refused.push(format!("{operation}: {name} = {value} is not answered"));
                    }
                }
            }
        }
        assert!(refused.is_empty(), "{}", refused.join("\n"));
    }

}
