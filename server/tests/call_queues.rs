//! Call queues and their agents through the real router, on both databases: queues created,
//! read, listed, changed and deleted (their agents with them); unknown and bad fields refused,
//! each by name, with nothing written; one extension for one user or one queue of a domain;
//! agents added and removed from the queue's side and through their users' own forms; agents
//! logging themselves in, out, for one call and paused, and nothing else; the permission table
//! per scope (Super User, Reseller, Office Manager of its own and of another domain, Basic User);
//! and the migration that turned groups into queues.
//!
//! The world (see [`world`]): `acme.example` and `third.example` of the reseller
//! `north-reseller`, `other.example` of `south-reseller`; users 101 and 102 of acme (Basic
//! Users, who log in), its Office Manager 190 and a Reseller user 191; and a logged-in Super User.

mod common;

use axum::http::{Method, StatusCode};
use common::{logged_in_super_user, person, send_api, system_domain, system_user, Answer, Client};
use serde_json::{json, Value};

const ACME: &str = "acme.example";
const OTHER: &str = "other.example";
const THIRD: &str = "third.example";

/// A request to the API with the client's session.
async fn api(client: &mut Client, method: Method, path: &str, body: Option<Value>) -> Answer {
    send_api(client, method, &format!("/ns-api/v2{path}"), "", &[], body).await
}

/// Asserts `answer` has `status` and names exactly `fields` (in any order).
fn names(answer: &Answer, status: StatusCode, fields: &[&str]) {
    assert_eq!(answer.status, status, "{}", answer.body);
    let mut named: Vec<String> = answer.json()["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors listed: {}", answer.body))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    named.sort();
    let mut wanted: Vec<&str> = fields.to_vec();
    wanted.sort_unstable();
    assert_eq!(named, wanted, "{}", answer.body);
}

async fn count(db: &app::ssr::db::Db, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn audited(db: &app::ssr::db::Db, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The people of a test.
struct World {
    admin: Client,
}

/// The domains and users every test starts from (see the module's documentation).
async fn world(db: &app::ssr::db::Db) -> World {
    system_domain(db, ACME, "north-reseller").await;
    system_domain(db, THIRD, "north-reseller").await;
    system_domain(db, OTHER, "south-reseller").await;
    for ext in ["101", "102"] {
        system_user(db, ACME, ext, app::model::Scope::BasicUser).await;
    }
    system_user(db, OTHER, "101", app::model::Scope::BasicUser).await;
    World {
        admin: logged_in_super_user(db).await,
    }
}

/// Makes the queue `callqueue` of `domain` with `extra` fields as `client`: the answer.
async fn make_queue(client: &mut Client, domain: &str, callqueue: &str, extra: Value) -> Answer {
    let mut body = json!({"callqueue": callqueue});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    api(
        client,
        Method::POST,
        &format!("/domains/{domain}/callqueues"),
        Some(body),
    )
    .await
}

/// The status of the agent `agent` of the queue `callqueue` of acme, as the Super User reads it.
async fn status(w: &mut World, callqueue: &str, agent: &str) -> String {
    let read = agent_of(w, callqueue, agent).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    read.json()["callqueue-agent-availability-for-dispatch"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The agent `agent` of the queue `callqueue` of acme, as the Super User reads it.
async fn agent_of(w: &mut World, callqueue: &str, agent: &str) -> Answer {
    api(
        &mut w.admin,
        Method::GET,
        &format!("/domains/{ACME}/callqueues/{callqueue}/agents/{agent}"),
        None,
    )
    .await
}

on_both_backends! {
    async fn a_queue_is_created_read_listed_changed_and_deleted_with_its_agents(db: TestDb) {
        let mut w = world(&db.db).await;
        let made = make_queue(&mut w.admin, ACME, "600", json!({
            "synchronous": "yes", "description": "Sales", "callqueue-dispatch-type": "Ring All",
            "callqueue-agent-dispatch-timeout-seconds": 20, "callqueue-sms-enable": true,
            "callqueue-sms-phrase-initiation-fail ": "Send START", "forward-no-answer": "101",
            "domain": ACME, "callqueue-count-agents-total": 7,
        })).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let queue = made.json();
        assert_eq!(queue["callqueue"], "600");
        assert_eq!(queue["domain"], ACME);
        assert_eq!(queue["description"], "Sales");
        assert_eq!(queue["callqueue-dispatch-type"], "Ring All");
        assert_eq!(queue["callqueue-agent-dispatch-timeout-seconds"], 20);
        assert_eq!(queue["callqueue-sms-enable"], "yes");
        assert_eq!(queue["callqueue-sms-phrase-initiation-fail"], "Send START", "the spec's spelling with a space is read");
        assert_eq!(queue["callqueue-sim-ring-increment"], 1, "a default");
        assert_eq!(queue["forward-no-answer"], "101");
        assert_eq!(queue["callqueue-count-agents-total"], 0, "counted, not taken from the body");
        assert_eq!(audited(&db.db, "callqueue.create").await, 1);

        let second = make_queue(&mut w.admin, ACME, "601", json!({})).await;
        assert_eq!(second.status, StatusCode::ACCEPTED, "{}", second.body);
        assert_eq!(second.json(), json!({"code": 202, "message": "Accepted"}));
        let listed = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues"), None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        assert_eq!(listed.headers["x-total-count"], "2");
        let listed = listed.json();
        let extensions: Vec<&str> = listed.as_array().unwrap().iter().map(|q| q["callqueue"].as_str().unwrap()).collect();
        assert_eq!(extensions, ["600", "601"]);
        let by_list = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues/list?limit=1&search=sal"), None).await;
        assert_eq!(by_list.headers["x-total-count"], "1");
        assert_eq!(by_list.json()[0]["callqueue"], "600");
        let read = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues/601"), None).await;
        assert_eq!(read.json()["callqueue-dispatch-type"], "Round-robin", "the default");

        let changed = api(&mut w.admin, Method::PUT, &format!("/domains/{ACME}/callqueues/600"), Some(json!({
            "synchronous": "yes", "description": "Sales team", "callqueue-dispatch-type": "Linear Hunt",
            "callqueue": "600", "forward-no-answer": "",
        }))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let changed = changed.json();
        assert_eq!((changed["description"].as_str(), changed["callqueue-dispatch-type"].as_str()), (Some("Sales team"), Some("Linear Hunt")));
        assert!(changed.get("forward-no-answer").is_none(), "cleared: {changed}");
        assert_eq!(changed["callqueue-sms-enable"], "yes", "what is not sent stays");
        assert_eq!(audited(&db.db, "callqueue.update").await, 1);
        let renumbered = api(&mut w.admin, Method::PUT, &format!("/domains/{ACME}/callqueues/600"), Some(json!({"callqueue": "602"}))).await;
        names(&renumbered, StatusCode::BAD_REQUEST, &["callqueue"]);

        // Agents from the queue's side: by extension or extension@domain.
        for agent in ["101", &format!("102@{ACME}")] {
            let added = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/600/agents"),
                Some(json!({"callqueue-agent-id": agent, "callqueue": "600"}))).await;
            assert_eq!(added.status, StatusCode::ACCEPTED, "{}", added.body);
        }
        let again = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/600/agents"),
            Some(json!({"callqueue-agent-id": "101"}))).await;
        names(&again, StatusCode::CONFLICT, &["callqueue-agent-id"]);
        let agent = agent_of(&mut w, "600", &format!("101@{ACME}")).await;
        assert_eq!(agent.status, StatusCode::OK, "{}", agent.body);
        let agent = agent.json();
        assert_eq!(agent["callqueue-agent-id"], format!("101@{ACME}"));
        assert_eq!(agent["callqueue"], "600");
        assert_eq!(agent["callqueue-agent-availability-for-dispatch"], "logged-in");
        assert_eq!(agent["callqueue-agent-availability-type"], "automatic");
        assert_eq!(agent["agent-name-last-name"], "Number101");
        assert_eq!(agent["login-username"], format!("101@{ACME}"));
        assert_eq!(agent["callqueue-agent-has-registered-devices"], "no");
        let updated = api(&mut w.admin, Method::PUT, &format!("/domains/{ACME}/callqueues/600/agents/101"), Some(json!({
            "synchronous": "yes", "callqueue-agent-dispatch-order-ordinal": 5, "auto-answer-enabled": "yes",
            "callqueue-agent-availability-for-dispatch": "logged-out",
        }))).await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
        let updated = updated.json();
        assert_eq!(updated["callqueue-agent-dispatch-order-ordinal"], 5);
        assert_eq!(updated["auto-answer-enabled"], "yes");
        assert_eq!(updated["callqueue-agent-availability-for-dispatch"], "logged-in", "the status changes with the agent actions only");
        let agents = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues/600/agents"), None).await;
        assert_eq!(agents.headers["x-total-count"], "2");
        let agents = agents.json();
        let order: Vec<&str> = agents.as_array().unwrap().iter().map(|a| a["callqueue-agent-id"].as_str().unwrap()).collect();
        assert_eq!(order, [format!("102@{ACME}"), format!("101@{ACME}")], "by dispatch order: 101's is 5 now");
        let counted = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues/600/agents/count"), None).await;
        assert_eq!(counted.json(), json!({"total": 2}));
        let queue = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues/600"), None).await.json();
        assert_eq!((queue["callqueue-count-agents-total"].as_i64(), queue["callqueue-count-agents-available"].as_i64()), (Some(2), Some(2)));
        // The domain's agents, of every queue.
        api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/601/agents"), Some(json!({"callqueue-agent-id": "101"}))).await;
        let everywhere = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/agents"), None).await;
        assert_eq!(everywhere.headers["x-total-count"], "3", "{}", everywhere.body);
        // The user's own record names the queues it is an agent of.
        let user = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/users/101"), None).await.json();
        assert_eq!(user["groups"], json!(["600", "601"]));

        let removed = api(&mut w.admin, Method::DELETE, &format!("/domains/{ACME}/callqueues/600/agents/102"), None).await;
        assert_eq!(removed.status, StatusCode::ACCEPTED, "{}", removed.body);
        assert_eq!(agent_of(&mut w, "600", "102").await.status, StatusCode::NOT_FOUND);
        assert_eq!(audited(&db.db, "callqueue.agent.remove").await, 1);

        // Deleting a queue deletes its agents, not their users.
        let deleted = api(&mut w.admin, Method::DELETE, &format!("/domains/{ACME}/callqueues/600"), None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        assert_eq!(api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/callqueues/600"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(count(&db.db, "call_queue_agents").await, 1, "601's agent stays");
        assert_eq!(count(&db.db, "call_queues").await, 1);
        assert_eq!(audited(&db.db, "callqueue.delete").await, 1);
        let user = api(&mut w.admin, Method::GET, &format!("/domains/{ACME}/users/101"), None).await.json();
        assert_eq!(user["groups"], json!(["601"]));
    }

    async fn unknown_and_bad_fields_are_each_named_and_nothing_is_written(db: TestDb) {
        let mut w = world(&db.db).await;
        let before = (count(&db.db, "call_queues").await, count(&db.db, "audit_log").await);
        let unknown = make_queue(&mut w.admin, ACME, "600", json!({"callqueue-colour": "blue", "music": {"a": 1}})).await;
        names(&unknown, StatusCode::BAD_REQUEST, &["callqueue-colour", "music"]);
        let bad = make_queue(&mut w.admin, ACME, "6x0", json!({
            "callqueue-dispatch-type": "SRing", "callqueue-agent-dispatch-timeout-seconds": 0,
            "callqueue-max-callback-queueing-hours": 7, "recording-configuration": "sometimes",
            "forward-no-answer": "voicemail",
        })).await;
        names(&bad, StatusCode::BAD_REQUEST, &["callqueue", "callqueue-dispatch-type",
            "callqueue-agent-dispatch-timeout-seconds", "callqueue-max-callback-queueing-hours",
            "recording-configuration", "forward-no-answer"]);
        let missing = make_queue(&mut w.admin, ACME, "", json!({})).await;
        names(&missing, StatusCode::BAD_REQUEST, &["callqueue"]);
        let nowhere = make_queue(&mut w.admin, ACME, "600", json!({"forward-no-answer": "555"})).await;
        names(&nowhere, StatusCode::BAD_REQUEST, &["forward-no-answer"]);
        let itself = make_queue(&mut w.admin, ACME, "600", json!({"forward-no-answer": "600"})).await;
        names(&itself, StatusCode::BAD_REQUEST, &["forward-no-answer"]);
        // acme's dial policy (the default, Internal) reaches no outside number.
        let abroad = make_queue(&mut w.admin, ACME, "600", json!({"forward-no-answer": "+44 20 7946 0958"})).await;
        names(&abroad, StatusCode::BAD_REQUEST, &["forward-no-answer"]);
        assert_eq!((count(&db.db, "call_queues").await, count(&db.db, "audit_log").await), before);

        assert_eq!(make_queue(&mut w.admin, ACME, "600", json!({})).await.status, StatusCode::ACCEPTED);
        let before = (count(&db.db, "call_queue_agents").await, count(&db.db, "audit_log").await);
        let agents = format!("/domains/{ACME}/callqueues/600/agents");
        let unknown = api(&mut w.admin, Method::POST, &agents, Some(json!({"callqueue-agent-id": "101", "favourite": 1}))).await;
        names(&unknown, StatusCode::BAD_REQUEST, &["favourite"]);
        let bad = api(&mut w.admin, Method::POST, &agents, Some(json!({
            "callqueue-agent-id": "sip:101wp@acme.example", "callqueue-agent-availability-type": "sometimes",
            "callqueue-agent-wrap-up-allowance-seconds": 4000,
        }))).await;
        names(&bad, StatusCode::BAD_REQUEST, &["callqueue-agent-id", "callqueue-agent-availability-type",
            "callqueue-agent-wrap-up-allowance-seconds"]);
        for stranger in ["109", "101@other.example"] {
            let refused = api(&mut w.admin, Method::POST, &agents, Some(json!({"callqueue-agent-id": stranger}))).await;
            names(&refused, StatusCode::BAD_REQUEST, &["callqueue-agent-id"]);
        }
        let no_queue = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/699/agents"), Some(json!({"callqueue-agent-id": "101"}))).await;
        assert_eq!(no_queue.status, StatusCode::NOT_FOUND, "{}", no_queue.body);
        assert_eq!((count(&db.db, "call_queue_agents").await, count(&db.db, "audit_log").await), before);
    }

    async fn one_extension_rings_one_user_or_one_queue_of_a_domain(db: TestDb) {
        let mut w = world(&db.db).await;
        assert_eq!(make_queue(&mut w.admin, ACME, "600", json!({})).await.status, StatusCode::ACCEPTED);
        let twice = make_queue(&mut w.admin, ACME, "600", json!({"description": "Again"})).await;
        names(&twice, StatusCode::CONFLICT, &["callqueue"]);
        let a_users = make_queue(&mut w.admin, ACME, "101", json!({})).await;
        names(&a_users, StatusCode::CONFLICT, &["callqueue"]);
        let user = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/users"), Some(json!({
            "user": "600", "name-first-name": "Q", "name-last-name": "Clash", "email": "q@acme.example",
        }))).await;
        assert_eq!(user.status, StatusCode::CONFLICT, "{}", user.body);
        assert!(user.body.contains("\"user\""), "{}", user.body);
        assert_eq!(count(&db.db, "call_queues").await, 1);
        // Another domain has extensions of its own.
        assert_eq!(make_queue(&mut w.admin, OTHER, "600", json!({})).await.status, StatusCode::ACCEPTED);
    }

    async fn a_user_joins_and_leaves_queues_through_its_own_form_all_or_nothing(db: TestDb) {
        let mut w = world(&db.db).await;
        for queue in ["600", "601"] {
            assert_eq!(make_queue(&mut w.admin, ACME, queue, json!({})).await.status, StatusCode::ACCEPTED);
        }
        let made = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/users"), Some(json!({
            "user": "103", "name-first-name": "Ann", "name-last-name": "Lee", "email": "ann@acme.example",
            "groups": ["600", "601"], "synchronous": "yes",
        }))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["groups"], json!(["600", "601"]));
        assert_eq!(agent_of(&mut w, "601", "103").await.json()["callqueue-agent-availability-for-dispatch"], "logged-in");

        // A queue that does not exist: a field error, and nothing of the user is written.
        let before = (count(&db.db, "users").await, count(&db.db, "call_queue_agents").await, count(&db.db, "audit_log").await);
        let refused = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/users"), Some(json!({
            "user": "104", "name-first-name": "Bo", "name-last-name": "Chan", "email": "bo@acme.example",
            "groups": ["600", "699"],
        }))).await;
        names(&refused, StatusCode::BAD_REQUEST, &["groups[1]"]);
        assert_eq!((count(&db.db, "users").await, count(&db.db, "call_queue_agents").await, count(&db.db, "audit_log").await), before);

        // A change keeps the agents it names as they are (their status too), drops the others.
        let out = api(&mut w.admin, Method::PATCH, &format!("/domains/{ACME}/callqueues/600/agents/103/logout"), None).await;
        assert_eq!(out.status, StatusCode::ACCEPTED, "{}", out.body);
        let changed = api(&mut w.admin, Method::PUT, &format!("/domains/{ACME}/users/103"), Some(json!({"groups": "600"}))).await;
        assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
        assert_eq!(agent_of(&mut w, "600", "103").await.json()["callqueue-agent-availability-for-dispatch"], "logged-out");
        assert_eq!(agent_of(&mut w, "601", "103").await.status, StatusCode::NOT_FOUND);
        let cleared = api(&mut w.admin, Method::PUT, &format!("/domains/{ACME}/users/103"), Some(json!({"groups": []}))).await;
        assert_eq!(cleared.status, StatusCode::ACCEPTED, "{}", cleared.body);
        assert_eq!(count(&db.db, "call_queue_agents").await, 0);
        // Deleting a user ends its agents.
        api(&mut w.admin, Method::PUT, &format!("/domains/{ACME}/users/103"), Some(json!({"groups": "600, 601"}))).await;
        assert_eq!(count(&db.db, "call_queue_agents").await, 2);
        let gone = api(&mut w.admin, Method::DELETE, &format!("/domains/{ACME}/users/103?deleteVoicemail=yes"), None).await;
        assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.body);
        assert_eq!(count(&db.db, "call_queue_agents").await, 0);
    }

    async fn an_agent_logs_itself_in_and_out_and_pauses_and_may_do_nothing_else(db: TestDb) {
        let mut w = world(&db.db).await;
        for queue in ["600", "601"] {
            make_queue(&mut w.admin, ACME, queue, json!({})).await;
            for agent in ["101", "102"] {
                let added = api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/{queue}/agents"),
                    Some(json!({"callqueue-agent-id": agent}))).await;
                assert_eq!(added.status, StatusCode::ACCEPTED, "{}", added.body);
            }
        }
        // Ann, user 103 of acme, a Basic User who logs in to the portal.
        let mut ann = person(&db.db, ACME, "103", app::model::Scope::BasicUser).await;
        api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/600/agents"), Some(json!({"callqueue-agent-id": "103"}))).await;
        api(&mut w.admin, Method::POST, &format!("/domains/{ACME}/callqueues/601/agents"), Some(json!({"callqueue-agent-id": "103"}))).await;
        let out = api(&mut ann, Method::PATCH, &format!("/domains/{ACME}/callqueues/600/agents/~/logout"), None).await;
        assert_eq!(out.status, StatusCode::ACCEPTED, "{}", out.body);
        assert_eq!((status(&mut w, "600", "103").await, status(&mut w, "601", "103").await), ("logged-out".to_owned(), "logged-in".to_owned()));
        let paused = api(&mut ann, Method::PATCH, &format!("/domains/{ACME}/callqueues/all/agents/103@{ACME}/cust1"), None).await;
        assert_eq!(paused.status, StatusCode::ACCEPTED, "{}", paused.body);
        assert_eq!((status(&mut w, "600", "103").await, status(&mut w, "601", "103").await), ("paused".to_owned(), "paused".to_owned()));
        let one = api(&mut ann, Method::PATCH, &format!("/domains/{ACME}/callqueues/601/agents/103/onecall"), None).await;
        assert_eq!(one.status, StatusCode::ACCEPTED, "{}", one.body);
        let back = api(&mut ann, Method::PATCH, "/domains/~/callqueues/all/agents/~/login", None).await;
        assert_eq!(back.status, StatusCode::ACCEPTED, "{}", back.body);
        assert_eq!((status(&mut w, "600", "103").await, status(&mut w, "601", "103").await), ("logged-in".to_owned(), "logged-in".to_owned()));
        assert_eq!(audited(&db.db, "callqueue.agent.status").await, 6, "one entry per queue whose status changed");

        // Another user's agent record: not for a Basic User (visible domain: 403).
        for path in ["600/agents/101/logout", "all/agents/102/cust2", "600/agents/101/login"] {
            let refused = api(&mut ann, Method::PATCH, &format!("/domains/{ACME}/callqueues/{path}"), None).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}: {}", refused.body);
        }
        assert_eq!(status(&mut w, "600", "101").await, "logged-in");
        // Nor anything else: reading, changing or leaving its queues, or making one.
        for (method, path, body) in [
            (Method::GET, format!("/domains/{ACME}/callqueues"), None),
            (Method::GET, format!("/domains/{ACME}/callqueues/600/agents/103"), None),
            (Method::PUT, format!("/domains/{ACME}/callqueues/600/agents/103"), Some(json!({"auto-answer-enabled": "yes"}))),
            (Method::DELETE, format!("/domains/{ACME}/callqueues/600/agents/103"), None),
            (Method::POST, format!("/domains/{ACME}/callqueues"), Some(json!({"callqueue": "650"}))),
        ] {
            let refused = api(&mut ann, method.clone(), &path, body).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{method} {path}: {}", refused.body);
        }
        // Another domain is not there for it.
        let elsewhere = api(&mut ann, Method::PATCH, &format!("/domains/{OTHER}/callqueues/all/agents/101/logout"), None).await;
        assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "{}", elsewhere.body);
        // A queue it is not an agent of: not found.
        make_queue(&mut w.admin, ACME, "602", json!({})).await;
        let not_mine = api(&mut ann, Method::PATCH, &format!("/domains/{ACME}/callqueues/602/agents/~/login"), None).await;
        assert_eq!(not_mine.status, StatusCode::NOT_FOUND, "{}", not_mine.body);
        let unknown = api(&mut ann, Method::PATCH, &format!("/domains/{ACME}/callqueues/all/agents/~/a%20b"), None).await;
        names(&unknown, StatusCode::BAD_REQUEST, &["status"]);
    }

    async fn office_managers_manage_their_own_domains_queues_and_resellers_and_super_users_theirs(db: TestDb) {
        let mut w = world(&db.db).await;
        let mut om = person(&db.db, ACME, "190", app::model::Scope::OfficeManager).await;
        let mut reseller = person(&db.db, ACME, "191", app::model::Scope::Reseller).await;
        let mut other_om = person(&db.db, OTHER, "190", app::model::Scope::OfficeManager).await;

        let own = make_queue(&mut om, ACME, "600", json!({})).await;
        assert_eq!(own.status, StatusCode::ACCEPTED, "{}", own.body);
        let added = api(&mut om, Method::POST, &format!("/domains/{ACME}/callqueues/600/agents"), Some(json!({"callqueue-agent-id": "101"}))).await;
        assert_eq!(added.status, StatusCode::ACCEPTED, "{}", added.body);
        let logged_out = api(&mut om, Method::PATCH, &format!("/domains/{ACME}/callqueues/600/agents/101/logout"), None).await;
        assert_eq!(logged_out.status, StatusCode::ACCEPTED, "a manager sets any agent's status: {}", logged_out.body);
        let abroad = make_queue(&mut om, OTHER, "600", json!({})).await;
        assert_eq!(abroad.status, StatusCode::NOT_FOUND, "{}", abroad.body);
        let third = make_queue(&mut om, THIRD, "600", json!({})).await;
        assert_eq!(third.status, StatusCode::NOT_FOUND, "not even its reseller's other domain: {}", third.body);

        // The Office Manager of another domain finds nothing of acme's, as if it did not exist.
        for (method, path) in [
            (Method::GET, format!("/domains/{ACME}/callqueues")),
            (Method::GET, format!("/domains/{ACME}/callqueues/600")),
            (Method::GET, format!("/domains/{ACME}/callqueues/600/agents")),
            (Method::GET, format!("/domains/{ACME}/agents")),
            (Method::DELETE, format!("/domains/{ACME}/callqueues/600")),
            (Method::PATCH, format!("/domains/{ACME}/callqueues/600/agents/101/login")),
        ] {
            let refused = api(&mut other_om, method.clone(), &path, None).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{method} {path}: {}", refused.body);
        }

        // A Reseller manages the queues of its reseller's domains, not another reseller's.
        assert_eq!(make_queue(&mut reseller, THIRD, "600", json!({})).await.status, StatusCode::ACCEPTED);
        let changed = api(&mut reseller, Method::PUT, &format!("/domains/{ACME}/callqueues/600"), Some(json!({"description": "By the reseller"}))).await;
        assert_eq!(changed.status, StatusCode::ACCEPTED, "{}", changed.body);
        assert_eq!(make_queue(&mut reseller, OTHER, "600", json!({})).await.status, StatusCode::NOT_FOUND);

        // A Super User manages every domain's.
        assert_eq!(make_queue(&mut w.admin, OTHER, "600", json!({})).await.status, StatusCode::ACCEPTED);
        let deleted = api(&mut w.admin, Method::DELETE, &format!("/domains/{THIRD}/callqueues/600"), None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        let listed = api(&mut other_om, Method::GET, &format!("/domains/{OTHER}/callqueues"), None).await;
        assert_eq!(listed.headers["x-total-count"], "1", "{}", listed.body);
    }

    async fn an_api_key_limited_to_other_models_reaches_no_queue(db: TestDb) {
        let mut w = world(&db.db).await;
        let key = common::make_api_key(&mut w.admin, json!({"description": "Sites robot, nothing else", "domain": "*", "allowed-models": ["site"]})).await;
        let refused = send_api(&mut w.admin, Method::GET, &format!("/ns-api/v2/domains/{ACME}/callqueues"), &key, &[], None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let key = common::make_api_key(&mut w.admin, json!({"description": "Call queue robot", "domain": "*", "allowed-models": ["callqueue", "agent"]})).await;
        let allowed = send_api(&mut w.admin, Method::GET, &format!("/ns-api/v2/domains/{ACME}/agents"), &key, &[], None).await;
        assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
    }
}

/// The migration that turned groups into queues, on a database that had groups: each group is
/// a queue with its row id (a ring group "Ring All", an agent group "Round-robin"), one without
/// an extension gets the lowest free one from 8000, each member is a logged-in agent, and the
/// SIP server's view rings them.
mod groups_became_queues {
    use super::common::{postgres_admin_url, TestDb};
    use sqlx::migrate::Migrator;
    use sqlx::AnyPool;

    /// The version of the migration under test.
    const VERSION: i64 = 20261202000001;

    /// What the database held before: two domains, users (one holds 8000), and groups.
    const SEED: &[&str] = &[
        "INSERT INTO domains (name, created_at, updated_at) VALUES ('a.example', 1, 1), ('b.example', 1, 1)",
        "INSERT INTO users (domain_id, extension, extension_sort, first_name, last_name, email, status, search_text, settings, created_at, updated_at) \
         SELECT d.id, x.ext, x.ext, 'A', 'B', 'a@x.example', 'enabled', '', '{}', 1, 1 \
         FROM domains d, (SELECT '8000' AS ext UNION ALL SELECT '101') x WHERE d.name = 'a.example'",
        "INSERT INTO users (domain_id, extension, extension_sort, first_name, last_name, email, status, search_text, settings, created_at, updated_at) \
         SELECT d.id, '101', '101', 'A', 'B', 'a@x.example', 'enabled', '', '{}', 1, 1 FROM domains d WHERE d.name = 'b.example'",
        "INSERT INTO groups (domain_id, name, kind, created_at, extension) \
         SELECT d.id, x.name, x.kind, 7, x.ext FROM domains d, \
         (SELECT 'Sales' AS name, 'ring' AS kind, '600' AS ext UNION ALL SELECT 'Support', 'agent', NULL \
          UNION ALL SELECT 'Billing', 'ring', '8001' UNION ALL SELECT 'Night', 'agent', NULL) x \
         WHERE d.name = 'a.example'",
        "INSERT INTO groups (domain_id, name, kind, created_at, extension) \
         SELECT d.id, 'Other', 'ring', 7, NULL FROM domains d WHERE d.name = 'b.example'",
        "INSERT INTO group_members (group_id, user_id) \
         SELECT g.id, u.id FROM groups g JOIN users u ON u.domain_id = g.domain_id \
         WHERE g.name IN ('Sales', 'Other') OR (g.name = 'Support' AND u.extension = '101')",
    ];

    /// Migrates the database at `url` up to just before [`VERSION`], as it was before queues,
    /// fills it with [`SEED`], and answers its groups' (name, row id), by name.
    async fn before_queues(url: &str, backend: &str) -> Vec<(String, i64)> {
        sqlx::any::install_default_drivers();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(backend);
        let migrator = Migrator::new(dir).await.unwrap();
        let pool = AnyPool::connect(url).await.unwrap();
        migrator.run_to(VERSION - 1, &pool).await.unwrap();
        for statement in SEED {
            sqlx::query(sqlx::AssertSqlSafe(*statement))
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        let groups = sqlx::query_as("SELECT name, id FROM groups ORDER BY name")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        groups
    }

    /// Checks what the migration made of [`SEED`], whose groups had the ids `groups`.
    async fn check(db: &TestDb, groups: Vec<(String, i64)>) {
        let pool = db.db.pool();
        let queues: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT d.name, q.callqueue, q.description, q.dispatch_type, q.agent_timeout_seconds \
             FROM call_queues q JOIN domains d ON d.id = q.domain_id ORDER BY d.name, q.callqueue",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let shape: Vec<(&str, &str, &str, &str, i64)> = queues
            .iter()
            .map(|(d, q, n, t, s)| (d.as_str(), q.as_str(), n.as_str(), t.as_str(), *s))
            .collect();
        assert_eq!(
            shape,
            [
                ("a.example", "600", "Sales", "Ring All", 30),
                ("a.example", "8001", "Billing", "Ring All", 30),
                // 8000 is a user's and 8001 a group's: the extension-less groups, by id, take
                // the next free numbers.
                ("a.example", "8002", "Support", "Round-robin", 30),
                ("a.example", "8003", "Night", "Round-robin", 30),
                ("b.example", "8000", "Other", "Ring All", 30),
            ]
        );
        let ids: Vec<(String, i64)> =
            sqlx::query_as("SELECT description, id FROM call_queues ORDER BY description")
                .fetch_all(pool)
                .await
                .unwrap();
        assert_eq!(
            ids, groups,
            "each queue keeps its group's id (Wazo's API names groups by it)"
        );
        let agents: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT q.description, u.extension, a.status FROM call_queue_agents a \
             JOIN call_queues q ON q.id = a.queue_id JOIN users u ON u.id = a.user_id \
             ORDER BY q.description, u.extension",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let agents: Vec<(&str, &str, &str)> = agents
            .iter()
            .map(|(q, u, s)| (q.as_str(), u.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            agents,
            [
                ("Other", "101", "logged-in"),
                ("Sales", "101", "logged-in"),
                ("Sales", "8000", "logged-in"),
                ("Support", "101", "logged-in"),
            ]
        );
        // The queues are what the SIP server rings now (these users have no device: one row
        // each, with nobody to ring).
        let targets: Vec<(String, String)> = sqlx::query_as(
            "SELECT extension, kind FROM sip_targets WHERE domain = 'a.example' ORDER BY extension",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let targets: Vec<(&str, &str)> = targets
            .iter()
            .map(|(e, k)| (e.as_str(), k.as_str()))
            .collect();
        assert_eq!(
            targets,
            [
                ("101", "user"),
                ("600", "queue"),
                ("8000", "user"),
                ("8001", "queue"),
                ("8002", "queue"),
                ("8003", "queue")
            ]
        );
        // The groups are gone; a new queue takes a fresh id.
        assert!(sqlx::query("SELECT 1 FROM groups")
            .fetch_all(pool)
            .await
            .is_err());
        let values = app::model::call_queue::CallQueueForm {
            callqueue: "700".into(),
            ..app::model::call_queue::CallQueueForm::new_queue()
        }
        .parse_queue(&Default::default())
        .unwrap();
        let mut tx = db.db.begin().await.unwrap();
        let domain: i64 = sqlx::query_scalar("SELECT id FROM domains WHERE name = 'b.example'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let highest = groups.iter().map(|(_, id)| *id).max().unwrap();
        let id = app::ssr::db::call_queues::insert(&mut tx, domain, &values, 1)
            .await
            .unwrap();
        assert!(id > highest, "{id} after {highest}");
        tx.commit().await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let path = std::env::temp_dir().join(format!(
            "roster_test_groups_{}_{:016x}.db",
            std::process::id(),
            rand::random::<u64>()
        ));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let groups = before_queues(&url, "sqlite").await;
        let db = TestDb::adopt_sqlite(path).await;
        check(&db, groups).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        use sqlx::Connection;
        let admin_url = postgres_admin_url();
        let name = format!("roster_test_groups_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let url = format!("{}/{name}", TestDb::postgres_base(&admin_url));
        let groups = before_queues(&url, "postgres").await;
        let db = TestDb::adopt_postgres(&name).await;
        check(&db, groups).await;
    }
}
