//! XiVO's users API 1.0 under `/1.0`, through the real router, on both databases: the seed's
//! example requests and answers, every property mapped, stored as-is or refused by name, created
//! rows counted, nothing left behind by a failure, the 412 on a user with a voicemail box, tenant
//! scoping (another domain's user is a 404 with an empty body), the permission table, keys
//! limited to other models, and each user read back through the NetSapiens API.

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
const VOICEMAIL_EXISTS: &str =
    "Cannot remove a user with a voicemail. Delete the voicemail or dissociate it from the user.";

/// A XiVO request in `ACME` with an acme key (no domain header needed).
async fn xivo(
    c: &mut Client,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> Answer {
    send_api(c, method, &format!("/1.0{path}"), key, &[], body).await
}

/// A NetSapiens request.
async fn ns(c: &mut Client, method: Method, path: &str, key: &str, body: Option<Value>) -> Answer {
    send_api(c, method, &format!("/ns-api/v2{path}"), key, &[], body).await
}

/// The two domains, a Super User's all-domains key, and a key of ACME's Office Manager (bound to
/// ACME, so XiVO's requests need no domain header).
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
        json!({"description": "ACME's XiVO connector", "domain": "~"}),
    )
    .await;
    (admin, super_key, acme_key)
}

/// What a XiVO create needs in Roster: names, e-mail and the line's number.
fn minimal(ext: &str, first: &str, last: &str) -> Value {
    json!({"firstname": first, "lastname": last, "email": format!("u{ext}@people.example"),
           "line": {"number": ext}})
}

/// Creates a user through XiVO's API (201, no body) and returns its id, from `Location`.
async fn create(c: &mut Client, key: &str, body: Value) -> i64 {
    let made = xivo(c, Method::POST, "/users/", key, Some(body)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body, "");
    made.location()
        .and_then(|l| l.strip_prefix("/1.0/users/"))
        .and_then(|id| id.parse().ok())
        .expect("a Location naming the user")
}

/// The names of a XiVO 400: `["Incorrect parameters sent: a, b"]`.
fn incorrect(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    let list = answer.json();
    let messages = list.as_array().expect("a list of messages");
    assert_eq!(messages.len(), 1, "{}", answer.body);
    let message = messages[0].as_str().unwrap();
    let names = message
        .strip_prefix("Incorrect parameters sent: ")
        .unwrap_or_else(|| panic!("not XiVO's message: {message}"));
    let mut names: Vec<String> = names.split(", ").map(str::to_owned).collect();
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
    async fn the_seed_examples_create_list_read_update_and_delete_a_user(db: TestDb) {
        let (mut c, _, key) = setup(&db.db).await;
        let before = row_counts(&db.db).await;
        // POST /1.0/users/ {"firstname": "John", "lastname": "Doe", ...} → 201 Created.
        let john = create(&mut c, &key, minimal("1001", "John", "Doe")).await;
        let after = row_counts(&db.db).await;
        for (table, more) in [("users", 1), ("accounts", 1), ("devices", 1), ("audit_log", 1)] {
            assert_eq!(count(&after, table), count(&before, table) + more, "{table}");
        }
        let alice = create(&mut c, &key, minimal("1002", "Alice", "Houet")).await;

        // GET /1.0/users/ → {"total": 2, "items": [{"id": .., "firstname": "John", "lastname": "Doe"}, ...]}
        // (the Office Manager who made the key is a user of the domain too).
        let list = xivo(&mut c, Method::GET, "/users/", &key, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let list = list.json();
        assert_eq!(list["total"], 3);
        let items = list["items"].as_array().unwrap();
        let shown: Vec<(i64, &str, &str)> = items
            .iter()
            .map(|u| (u["id"].as_i64().unwrap(), u["firstname"].as_str().unwrap(), u["lastname"].as_str().unwrap()))
            .collect();
        assert!(shown.contains(&(john, "John", "Doe")), "{shown:?}");
        assert!(shown.contains(&(alice, "Alice", "Houet")), "{shown:?}");
        // Without the trailing slash too.
        let again = xivo(&mut c, Method::GET, "/users", &key, None).await;
        assert_eq!(again.json()["total"], 3);

        // GET /1.0/users/1 → the user's properties; the password is never answered.
        let read = xivo(&mut c, Method::GET, &format!("/users/{john}"), &key, None).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.body);
        let user = read.json();
        assert_eq!(user["id"], john);
        assert_eq!((&user["firstname"], &user["lastname"]), (&json!("John"), &json!("Doe")));
        assert_eq!(user["callerid"], "John Doe");
        assert_eq!(user["username"], "1001@acme.example");
        assert_eq!(user["line"], json!({"number": "1001"}));
        assert_eq!(user["outcallerid"], "default");
        assert_eq!(user["enableclient"], 1);
        assert_eq!(user["musiconhold"], "default");
        assert!(user.get("password").is_none());
        for property in ["mobilephonenumber", "userfield", "timezone", "language", "description", "voicemailid"] {
            assert!(user.get(property).is_some(), "{property} missing: {user}");
        }
        assert_eq!(items.iter().find(|u| u["id"] == john).unwrap(), &user);

        // PUT /1.0/users/67 {"firstname": "John", "lastname": "Doe"} → 200 OK.
        let put = xivo(&mut c, Method::PUT, &format!("/users/{alice}"), &key,
            Some(json!({"firstname": "Alicia", "lastname": "Houet"}))).await;
        assert_eq!((put.status, put.body.as_str()), (StatusCode::OK, ""));
        // DELETE /1.0/users/67 → 200 OK (with its voicemail box, if it has one).
        let gone = xivo(&mut c, Method::DELETE, &format!("/users/{alice}?deleteVoicemail"), &key, None).await;
        assert_eq!((gone.status, gone.body.as_str()), (StatusCode::OK, ""));
        // A missing user: 404 with an empty body.
        let missing = xivo(&mut c, Method::GET, &format!("/users/{alice}"), &key, None).await;
        assert_eq!((missing.status, missing.body.as_str()), (StatusCode::NOT_FOUND, ""));
        let missing = xivo(&mut c, Method::GET, "/users/not-a-number", &key, None).await;
        assert_eq!((missing.status, missing.body.as_str()), (StatusCode::NOT_FOUND, ""));
    }

    async fn the_seeds_user_properties_as_sent_are_refused_naming_each_bad_one_and_nothing_is_written(db: TestDb) {
        let (mut c, _, key) = setup(&db.db).await;
        let before = row_counts(&db.db).await;
        // The "User properties" block of the seed, as printed (its "ctiprofileid" repaired).
        let seed = json!({
            "id": 1, "firstname": "Jean", "lastname": "Dupond", "callerid": "Jean Dupond",
            "username": "1234", "password": "1234", "enableclient": 1, "musiconhold": "my_music",
            "outcallerid": "1234", "mobilephonenumber": "0611111111", "userfield": "",
            "timezone": "Europe/Paris", "language": "fr_FR", "description": "une description",
            "ctiprofileid": 1, "voicemailid": 1, "agentid": 1, "entityid": 1,
            "line": {"number": "44500"}
        });
        let refused = xivo(&mut c, Method::POST, "/users/", &key, Some(seed)).await;
        assert_eq!(
            incorrect(&refused),
            sorted(&["id", "password", "musiconhold", "outcallerid", "mobilephonenumber",
                     "description", "ctiprofileid", "voicemailid", "agentid", "entityid", "email"])
        );
        assert_eq!(row_counts(&db.db).await, before);
        // The same user, with what Roster can honour, is made.
        let jean = create(&mut c, &key, json!({
            "firstname": "Jean", "lastname": "Dupond", "callerid": "\"Jean Dupond\"",
            "username": "jdupond", "password": "lavender tide quarry owl", "enableclient": 1,
            "musiconhold": "default", "outcallerid": "anonymous", "mobilephonenumber": "",
            "userfield": "", "timezone": "Europe/Paris", "language": "fr_FR", "description": "",
            "ctiprofileid": null, "voicemailid": null, "agentid": null, "entityid": null,
            "email": "jean@people.example", "line": {"number": "44500"}
        })).await;
        let user = xivo(&mut c, Method::GET, &format!("/users/{jean}"), &key, None).await.json();
        assert_eq!(user["callerid"], "Jean Dupond");
        assert_eq!(user["outcallerid"], "anonymous");
        assert_eq!(user["timezone"], "Europe/Paris");
        assert_eq!(user["language"], "fr_FR");
        assert_eq!(user["username"], "jdupond@acme.example");
        assert_eq!(user["line"], json!({"number": "44500"}));
    }

    async fn every_mapped_property_reads_back_the_same_through_the_netsapiens_api(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        // Made by the Super User (who may send any caller ID number), naming the domain.
        let made = send_api(&mut c, Method::POST, "/1.0/users/", &super_key, &[("X-Roster-Domain", ACME)], Some(json!({
            "firstname": "Jean", "lastname": "Dupond", "callerid": "Jean D.", "username": "jdupond",
            "password": "lavender tide quarry owl", "enableclient": 0, "outcallerid": "+33 1 23 45 67 89",
            "userfield": "billing-7", "timezone": "Europe/Paris", "language": "fr_FR",
            "email": "jean@people.example", "line": {"number": "2001"}
        }))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let id: i64 = made.location().unwrap().rsplit('/').next().unwrap().parse().unwrap();
        let xivo_user = xivo(&mut c, Method::GET, &format!("/users/{id}"), &key, None).await.json();
        let ns_user = ns(&mut c, Method::GET, &format!("/domains/{ACME}/users/2001"), &super_key, None).await;
        assert_eq!(ns_user.status, StatusCode::OK, "{}", ns_user.body);
        let ns_user = ns_user.json();
        for (xivo_name, ns_name) in [
            ("firstname", "name-first-name"), ("lastname", "name-last-name"),
            ("callerid", "caller-id-name"), ("outcallerid", "caller-id-number"),
            ("username", "login-username"), ("userfield", "service-code"),
            ("timezone", "time-zone"), ("language", "language-token"),
        ] {
            assert_eq!(xivo_user[xivo_name], ns_user[ns_name], "{xivo_name} / {ns_name}");
        }
        assert_eq!(xivo_user["enableclient"], 0);
        assert_eq!(ns_user["block-web-login"], "yes");
        assert_eq!(xivo_user["line"]["number"], ns_user["user"]);
        assert_eq!(ns_user["email"], "jean@people.example");
        // The password is the portal's: the user logs in with it (block-web-login aside).
        let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE login = $1")
            .bind("jdupond@acme.example")
            .fetch_one(db.db.pool())
            .await
            .unwrap();
        assert!(hash.is_some_and(|h| h.starts_with("$argon2id$")));
        // No invitation was made for a user whose password its creator chose.
        let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.login = $1")
            .bind("jdupond@acme.example")
            .fetch_one(db.db.pool())
            .await
            .unwrap();
        assert_eq!(links, 0);
    }

    async fn a_failing_create_names_every_bad_parameter_and_leaves_nothing_behind(db: TestDb) {
        let (mut c, _, key) = setup(&db.db).await;
        create(&mut c, &key, minimal("1001", "John", "Doe")).await;
        let before = row_counts(&db.db).await;
        // Unknown, wrongly typed and invalid parameters, a taken extension, a missing lastname.
        let refused = xivo(&mut c, Method::POST, "/users/", &key, Some(json!({
            "firstname": "Ann", "email": "ann@people.example", "line": {"number": "1001"},
            "timezone": "Mars/Olympus", "language": "??", "enableclient": 3,
            "unexisting_field": 1, "password": "short"
        }))).await;
        assert_eq!(
            incorrect(&refused),
            sorted(&["lastname", "timezone", "language", "enableclient", "unexisting_field", "password"])
        );
        assert_eq!(row_counts(&db.db).await, before);
        // Once every field is right, only the taken extension remains, named as XiVO's line.
        let taken = xivo(&mut c, Method::POST, "/users/", &key, Some(minimal("1001", "Ann", "Other"))).await;
        // (its default login, extension@domain, is the other user's too).
        assert_eq!(incorrect(&taken), ["line", "username"]);
        assert_eq!(row_counts(&db.db).await, before);
        // An empty body names what Roster needs.
        let empty = xivo(&mut c, Method::POST, "/users/", &key, Some(json!({}))).await;
        assert_eq!(incorrect(&empty), sorted(&["firstname", "lastname", "email", "line"]));
        let not_json = send_api(&mut c, Method::POST, "/1.0/users/", &key, &[], None).await;
        assert_eq!(incorrect(&not_json), sorted(&["firstname", "lastname", "email", "line"]));
        assert_eq!(row_counts(&db.db).await, before);
    }

    async fn put_changes_only_what_it_sends_and_new_names_are_the_voicemail_boxs_names(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        let id = create(&mut c, &key, json!({
            "firstname": "John", "lastname": "Doe", "email": "john@people.example",
            "line": {"number": "1001"}, "timezone": "Europe/Paris", "voicemailid": null
        })).await;
        let before = xivo(&mut c, Method::GET, &format!("/users/{id}"), &key, None).await.json();
        let box_id = before["voicemailid"].as_i64().expect("the domain gives a voicemail box");
        // A client may send back what it read: its id and voicemailid are its own.
        let mut echoed = before.clone();
        echoed["firstname"] = json!("Johnny");
        echoed["lastname"] = json!("Dough");
        // (callerid left out: sent back, it would become the user's own caller ID name.)
        echoed.as_object_mut().unwrap().remove("callerid");
        let put = xivo(&mut c, Method::PUT, &format!("/users/{id}"), &key, Some(echoed)).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.body);
        let after = xivo(&mut c, Method::GET, &format!("/users/{id}"), &key, None).await.json();
        assert_eq!((&after["firstname"], &after["lastname"]), (&json!("Johnny"), &json!("Dough")));
        // The box is the same; its name is its user's (Roster's box has no name of its own).
        assert_eq!(after["voicemailid"], box_id);
        assert_eq!(after["timezone"], "Europe/Paris");
        assert_eq!(after["callerid"], "Johnny Dough");
        let ns_user = ns(&mut c, Method::GET, &format!("/domains/{ACME}/users/1001"), &super_key, None).await.json();
        assert_eq!((&ns_user["name-first-name"], &ns_user["name-last-name"]), (&json!("Johnny"), &json!("Dough")));
        assert_eq!(ns_user["voicemail-box"], "1001");
        // outcallerid: anonymous hides the number, default follows the domain.
        let put = xivo(&mut c, Method::PUT, &format!("/users/{id}"), &key, Some(json!({"outcallerid": "anonymous"}))).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.body);
        let read = xivo(&mut c, Method::GET, &format!("/users/{id}"), &key, None).await.json();
        assert_eq!(read["outcallerid"], "anonymous");
        let ns_user = ns(&mut c, Method::GET, &format!("/domains/{ACME}/users/1001"), &super_key, None).await.json();
        assert_eq!(ns_user["privacy"], "yes");
        xivo(&mut c, Method::PUT, &format!("/users/{id}"), &key, Some(json!({"outcallerid": "default"}))).await;
        let read = xivo(&mut c, Method::GET, &format!("/users/{id}"), &key, None).await.json();
        assert_eq!(read["outcallerid"], "default");
        // Bad parameters are each named, and nothing changes.
        let counts = row_counts(&db.db).await;
        let refused = xivo(&mut c, Method::PUT, &format!("/users/{id}"), &key, Some(json!({
            "firstname": "", "voicemailid": box_id + 1, "id": id + 1, "musiconhold": "jazz", "line": null
        }))).await;
        assert_eq!(incorrect(&refused), sorted(&["firstname", "voicemailid", "id", "musiconhold", "line"]));
        assert_eq!(row_counts(&db.db).await, counts);
        // A password changed by PUT is checked and stored hashed, never answered.
        let weak = xivo(&mut c, Method::PUT, &format!("/users/{id}"), &key, Some(json!({"password": "johnny dough 1001 x"}))).await;
        assert_eq!(incorrect(&weak), ["password"]);
        let put = xivo(&mut c, Method::PUT, &format!("/users/{id}"), &key, Some(json!({"password": "saffron kettle drum isle"}))).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.body);
        let mut john = Client::new(&db.db);
        common::log_in(&mut john, "1001@acme.example", "saffron kettle drum isle").await;
    }

    async fn delete_refuses_a_user_with_a_voicemail_box_unless_delete_voicemail_is_present(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        common::add_queue(&db.db, domain_id(&db.db, ACME).await, "600", "Sales").await;
        let id = create(&mut c, &key, minimal("1001", "John", "Doe")).await;
        let put = ns(&mut c, Method::PUT, &format!("/domains/{ACME}/users/1001"), &super_key,
            Some(json!({"groups": "600"}))).await;
        assert_eq!(put.status, StatusCode::ACCEPTED, "{}", put.body);
        let before = row_counts(&db.db).await;
        let refused = xivo(&mut c, Method::DELETE, &format!("/users/{id}"), &key, None).await;
        assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED, "{}", refused.body);
        assert_eq!(refused.json(), json!([VOICEMAIL_EXISTS]));
        assert_eq!(row_counts(&db.db).await, before);
        let gone = xivo(&mut c, Method::DELETE, &format!("/users/{id}?deleteVoicemail"), &key, None).await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
        let after = row_counts(&db.db).await;
        for table in ["users", "accounts", "devices", "voicemail_boxes", "call_queue_agents"] {
            assert_eq!(count(&after, table), count(&before, table) - 1, "{table}");
        }
        assert_eq!(count(&after, "audit_log"), count(&before, "audit_log") + 1);
        let again = xivo(&mut c, Method::DELETE, &format!("/users/{id}?deleteVoicemail=1"), &key, None).await;
        assert_eq!((again.status, again.body.as_str()), (StatusCode::NOT_FOUND, ""));
        // A user without a box goes without the parameter.
        let plain = create(&mut c, &key, json!({
            "firstname": "No", "lastname": "Box", "email": "nobox@people.example", "line": {"number": "1002"}
        })).await;
        ns(&mut c, Method::PUT, &format!("/domains/{ACME}/users/1002"), &super_key,
            Some(json!({"voicemail-enabled": "no"}))).await;
        let read = xivo(&mut c, Method::GET, &format!("/users/{plain}"), &key, None).await.json();
        if read["voicemailid"].is_null() {
            let gone = xivo(&mut c, Method::DELETE, &format!("/users/{plain}"), &key, None).await;
            assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
        }
    }

    async fn another_domains_user_answers_as_missing(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        // A user of OTHER, made by the Super User naming OTHER in the header.
        let made = send_api(&mut c, Method::POST, "/1.0/users/", &super_key, &[("X-Roster-Domain", OTHER)],
            Some(minimal("1001", "Olga", "Other"))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let id: i64 = made.location().unwrap().rsplit('/').next().unwrap().parse().unwrap();
        let before = row_counts(&db.db).await;
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let body = (method == Method::PUT).then(|| json!({"firstname": "Taken"}));
            let answer = xivo(&mut c, method.clone(), &format!("/users/{id}?deleteVoicemail"), &key, body).await;
            assert_eq!((answer.status, answer.body.as_str()), (StatusCode::NOT_FOUND, ""), "{method}");
        }
        // Naming the other domain does not help a key of ACME's Office Manager.
        let named = send_api(&mut c, Method::GET, &format!("/1.0/users/{id}"), &key, &[("X-Roster-Domain", OTHER)], None).await;
        assert_eq!((named.status, named.body.as_str()), (StatusCode::NOT_FOUND, ""));
        let listed = send_api(&mut c, Method::GET, "/1.0/users/", &key, &[("X-Roster-Domain", OTHER)], None).await;
        assert_eq!(listed.status, StatusCode::NOT_FOUND);
        assert_eq!(row_counts(&db.db).await, before);
        // ACME's list does not show it.
        let list = xivo(&mut c, Method::GET, "/users/", &key, None).await.json();
        assert!(list["items"].as_array().unwrap().iter().all(|u| u["id"] != id));
    }

    async fn callers_are_held_to_the_permission_table_and_their_keys_models(db: TestDb) {
        let (mut c, super_key, key) = setup(&db.db).await;
        // A caller without a domain of its own names one.
        let unnamed = xivo(&mut c, Method::GET, "/users/", &super_key, None).await;
        assert_eq!(unnamed.status, StatusCode::BAD_REQUEST);
        assert_eq!(unnamed.json(), json!(["Missing parameters: X-Roster-Domain"]));
        // No credentials.
        let anonymous = xivo(&mut c, Method::GET, "/users/", "", None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        // A Basic User of the domain may not manage its users.
        let mut basic = person(&db.db, ACME, "400", Scope::BasicUser).await;
        let before = row_counts(&db.db).await;
        let refused = send_api(&mut basic, Method::POST, "/1.0/users/", "", &[], Some(minimal("1001", "John", "Doe"))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let listed = send_api(&mut basic, Method::GET, "/1.0/users/", "", &[], None).await;
        assert_eq!(listed.status, StatusCode::FORBIDDEN, "{}", listed.body);
        assert_eq!(row_counts(&db.db).await, before);
        // The Office Manager's portal session works as its key does.
        let mut manager = Client::new(&db.db);
        common::log_in(&mut manager, "300@acme.example", PERSON_PASSWORD).await;
        let made = send_api(&mut manager, Method::POST, "/1.0/users/", "", &[], Some(minimal("1001", "John", "Doe"))).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        // A key limited to the domain model may not use the user routes.
        let mut admin = logged_in_super_user_again(&db.db).await;
        let limited = make_api_key(&mut admin, json!({"description": "Domains only robot", "domain": "*", "allowed-models": ["domain"]})).await;
        for (method, path) in [(Method::GET, "/1.0/users/"), (Method::GET, "/1.0/users/1"), (Method::DELETE, "/1.0/users/1")] {
            let answer = send_api(&mut c, method, path, &limited, &[("X-Roster-Domain", ACME)], None).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}: {}", answer.body);
        }
        let subscriber = make_api_key(&mut admin, json!({"description": "Users only robot", "domain": "*", "allowed-models": ["subscriber"]})).await;
        let answer = send_api(&mut c, Method::GET, "/1.0/users/", &subscriber, &[("X-Roster-Domain", ACME)], None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let _ = key;
    }

    async fn the_openapi_document_describes_every_route(db: TestDb) {
        let mut c = Client::new(&db.db);
        let doc = send_api(&mut c, Method::GET, "/1.0/openapi.json", "", &[], None).await;
        assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
        let doc = doc.json();
        assert_eq!(doc["servers"][0]["url"], "/1.0");
        for (path, methods) in [("/users/", &["get", "post"][..]), ("/users/{id}", &["get", "put", "delete"][..])] {
            for method in methods {
                assert!(doc["paths"][path][method].is_object(), "{method} {path}");
            }
        }
        for property in ["firstname", "lastname", "callerid", "username", "enableclient", "musiconhold",
                         "outcallerid", "mobilephonenumber", "userfield", "timezone", "language",
                         "description", "voicemailid", "line"] {
            assert!(doc["components"]["schemas"]["User"]["properties"][property].is_object(), "{property}");
        }
        assert!(doc["components"]["schemas"]["User"]["properties"]["password"].is_null());
    }
}

/// The row id of the domain `domain`.
async fn domain_id(db: &Db, domain: &str) -> i64 {
    app::ssr::db::domains::get(db.pool(), &domain_name(domain))
        .await
        .unwrap()
        .expect("the domain")
        .id
}

/// The Super User, logged in again (its password is set already).
async fn logged_in_super_user_again(db: &Db) -> Client {
    let mut client = Client::new(db);
    common::log_in(&mut client, "admin", common::ADMIN_PASSWORD).await;
    client
}
