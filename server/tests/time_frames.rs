//! Time frames through the real router, on both databases: a domain's shared frames and a
//! user's own, every route (list, create in each shape, read, change, add and delete entries,
//! delete); each shape read back as it was written; bad bodies refused with every bad field named
//! and nothing written; who may do what, scope by scope; a frame an answer rule names kept; and
//! the time zone each frame is evaluated in.

mod common;

use app::model::Scope;
use axum::http::{header, Method, StatusCode};
use common::{logged_in_super_user, person, send_api, system_domain, system_user, Answer, Client};
use serde_json::{json, Map, Value};

const API: &str = "/ns-api/v2";

async fn api(c: &mut Client, method: Method, path: &str, body: Option<Value>) -> Answer {
    send_api(c, method, &format!("{API}{path}"), "", &[], body).await
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

async fn count(db: &app::ssr::db::Db, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn frames_stored(db: &app::ssr::db::Db) -> i64 {
    count(db, "SELECT COUNT(*) FROM time_frames").await
}

async fn audited(db: &app::ssr::db::Db, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action.to_owned())
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// acme.example (New York, of the reseller north) with the users 1001 (Basic), 1002 (Advanced)
/// and 1003 (Basic), made by Roster itself; a Super User's session.
async fn acme(db: &app::ssr::db::Db) -> Client {
    let c = logged_in_super_user(db).await;
    system_domain(db, "acme.example", "north").await;
    for (ext, scope) in [
        ("1001", Scope::BasicUser),
        ("1002", Scope::AdvancedUser),
        ("1003", Scope::BasicUser),
    ] {
        system_user(db, "acme.example", ext, scope).await;
    }
    c
}

// --- the five shapes, as NetSapiens' bodies write them -----------------------------------------

fn always(name: &str) -> Value {
    json!({"timeframe-name": name, "timeframe-type": "always"})
}

/// The spec's own example of a Specific Dates create.
fn specific_dates(name: &str) -> Value {
    json!({
        "timeframe-name": name,
        "timeframe-type": "specific-dates",
        "timeframe-specific-dates-array": [{
            "timeframe-specific-dates-begin-date": "20290101",
            "timeframe-specific-dates-begin-time": "0000",
            "timeframe-specific-dates-end-date": "20290102",
            "timeframe-specific-dates-end-time": "2359",
            "timeframe-recurrence-type": "doesNotRecur",
            "timeframe-recurrence-custom-interval": "",
            "timeframe-recurrence-custom-interval-count": "",
            "timeframe-recurrence-custom-interval-option": "",
            "timeframe-recurrence-end-option": "",
            "timeframe-recurrence-end-date": ""
        }]
    })
}

fn week_entry() -> Value {
    let mut entry = Map::new();
    for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
        entry.insert(
            format!("timeframe-weekly-{day}-begin-time-1"),
            json!("0900"),
        );
        entry.insert(format!("timeframe-weekly-{day}-end-time-1"), json!("1200"));
        entry.insert(
            format!("timeframe-weekly-{day}-begin-time-2"),
            json!("1300"),
        );
        entry.insert(format!("timeframe-weekly-{day}-end-time-2"), json!("1700"));
    }
    entry.insert("timeframe-recurrence-type".into(), json!("weekly"));
    Value::Object(entry)
}

fn days_of_week(name: &str) -> Value {
    json!({"timeframe-name": name, "timeframe-type": "days-of-week",
           "timeframe-days-of-week-array": [week_entry()]})
}

fn holiday_entry(date: &str) -> Value {
    json!({
        "timeframe-holiday-uuid": "c7ceeccbead419df7dbd82f7f213162d",
        "timeframe-holiday-name": "New Year's Day",
        "timeframe-holiday-begin-date": date,
        "country-abbreviation": "US",
        "state-province-abbreviation": "",
        "holiday-api-location-hint": "All",
        "timeframe-holiday-begin-time-1": "", "timeframe-holiday-end-time-1": "",
        "timeframe-holiday-begin-time-2": "", "timeframe-holiday-end-time-2": "",
        "timeframe-weekly-saturday-observance-option": "observe-on-prior-workday",
        "timeframe-weekly-sunday-observance-option": "observe-on-next-workday",
        "timeframe-workweek-list": "M,T,W,Th,F",
        "timeframe-recurrence-type": "yearlyOnHoliday",
        "timeframe-recurrence-end-option": "never",
        "timeframe-recurrence-end-date": ""
    })
}

fn holidays(name: &str) -> Value {
    json!({"timeframe-name": name, "timeframe-type": "holiday",
           "timeframe-holiday-array": [holiday_entry("20300101")]})
}

fn custom(name: &str) -> Value {
    json!({"timeframe-name": name, "timeframe-type": "custom",
           "timeframe-days-of-week-array": [week_entry()],
           "timeframe-holiday-array": [holiday_entry("20301225")],
           "timeframe-specific-dates-array": specific_dates("x")["timeframe-specific-dates-array"]})
}

fn with_sync(mut body: Value) -> Value {
    body["synchronous"] = json!("yes");
    body
}

/// Creates a frame at `path` (synchronously) and returns it as answered.
async fn create(c: &mut Client, path: &str, body: Value) -> Value {
    let made = api(c, Method::POST, path, Some(with_sync(body))).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    made.json()
}

/// The entry ids of the list `list` of a frame as answered.
fn entry_ids(frame: &Value, list: &str) -> Vec<String> {
    frame[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["timeframe-id"].as_str().unwrap().to_owned())
        .collect()
}

/// Inserts an answer rule of the user `ext` of acme.example for the time frame `frame`, as the
/// answer rules' own code will (the API keeps only `*` for now).
async fn rule_naming(db: &app::ssr::db::Db, ext: &str, frame: &str) {
    let mut tx = db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO answer_rules (user_id, time_frame, enabled, do_not_disturb, simultaneous_ring, position) \
         SELECT u.id, $2, 1, 0, '', 2 FROM users u JOIN domains d ON d.id = u.domain_id \
         WHERE d.name = 'acme.example' AND u.extension = $1",
    )
    .bind(ext.to_owned())
    .bind(frame.to_owned())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

on_both_backends! {
    async fn a_domains_frames_are_created_in_each_shape_listed_read_changed_and_deleted(db: TestDb) {
        let mut c = acme(&db.db).await;
        let base = "/domains/acme.example/timeframes";
        let made = api(&mut c, Method::POST, base, Some(always("Always"))).await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        assert_eq!(made.json()["code"], 202);
        let week = create(&mut c, base, days_of_week("Office hours")).await;
        assert_eq!(week["timeframe-type"], "days-of-week");
        assert_eq!(week["domain"], "acme.example");
        assert_eq!(week["user"], "*");
        assert_eq!(week["timeframe-days-of-week-array"][0]["timeframe-weekly-monday-end-time-2"], "1700");
        assert_eq!(week["timeframe-days-of-week-array"][0]["timeframe-parent-id"], week["timeframe-id"]);
        let dates = create(&mut c, base, specific_dates("New year 2029")).await;
        assert_eq!(dates["timeframe-specific-dates-array"][0]["timeframe-specific-dates-end-time"], "2359");
        let holidays = create(&mut c, base, holidays("Holidays")).await;
        let mixed = create(&mut c, base, custom("Closed")).await;
        assert_eq!(mixed["timeframe-holiday-array"].as_array().unwrap().len(), 1);

        let list = api(&mut c, Method::GET, base, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.headers["x-total-count"], "5");
        let names: Vec<String> = list.json().as_array().unwrap().iter()
            .map(|f| f["timeframe-name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(names, ["Always", "Closed", "Holidays", "New year 2029", "Office hours"]);
        let id = week["timeframe-id"].as_str().unwrap();
        let one = api(&mut c, Method::GET, &format!("{base}/{id}"), None).await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.json(), week);
        let etag = one.headers[header::ETAG].to_str().unwrap().to_owned();
        let same = send_api(&mut c, Method::GET, &format!("{API}{base}/{id}"), "", &[("if-none-match", &etag)], None).await;
        assert_eq!(same.status, StatusCode::NOT_MODIFIED);

        // Rename and change the one days-of-week entry in place.
        let mut evenings = week_entry();
        evenings["timeframe-weekly-monday-end-time-2"] = json!("1900");
        let changed = api(&mut c, Method::PUT, &format!("{base}/{id}"), Some(json!({
            "timeframe-name": "Opening hours", "update-only": "yes", "synchronous": "yes",
            "timeframe-days-of-week-array": [evenings]}))).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let changed = changed.json();
        assert_eq!(changed["timeframe-name"], "Opening hours");
        assert_eq!(changed["timeframe-days-of-week-array"][0]["timeframe-weekly-monday-end-time-2"], "1900");
        assert_eq!(entry_ids(&changed, "timeframe-days-of-week-array"), entry_ids(&week, "timeframe-days-of-week-array"));

        // Add a date range, change it by id, delete the first by id.
        let dates_id = dates["timeframe-id"].as_str().unwrap();
        let added = api(&mut c, Method::POST, &format!("{base}/{dates_id}"), Some(json!({
            "timeframe-specific-dates-array": specific_dates("x")["timeframe-specific-dates-array"]}))).await;
        assert_eq!(added.status, StatusCode::ACCEPTED, "{}", added.body);
        let now = api(&mut c, Method::GET, &format!("{base}/{dates_id}"), None).await.json();
        let ids = entry_ids(&now, "timeframe-specific-dates-array");
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1]);
        let mut moved = specific_dates("x")["timeframe-specific-dates-array"][0].clone();
        moved["timeframe-id"] = json!(ids[1]);
        moved["timeframe-specific-dates-begin-date"] = json!("20290102");
        let updated = api(&mut c, Method::PUT, &format!("{base}/{dates_id}"), Some(json!({
            "update_only": "yes", "synchronous": "yes", "timeframe-specific-dates-array": [moved]}))).await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
        assert_eq!(updated.json()["timeframe-specific-dates-array"][1]["timeframe-specific-dates-begin-date"], "20290102");
        let child = api(&mut c, Method::DELETE, &format!("{base}/{dates_id}"), Some(json!({"child_id": ids[0]}))).await;
        assert_eq!(child.status, StatusCode::ACCEPTED, "{}", child.body);
        let now = api(&mut c, Method::GET, &format!("{base}/{dates_id}"), None).await.json();
        assert_eq!(entry_ids(&now, "timeframe-specific-dates-array"), [ids[1].clone()]);
        let gone = api(&mut c, Method::DELETE, &format!("{base}/{dates_id}"), Some(json!({"child_id": ids[0]}))).await;
        assert_names(&gone, StatusCode::BAD_REQUEST, &["child_id"]);

        // Convert: holidays to custom keeps them; custom to anything else is refused.
        let hid = holidays["timeframe-id"].as_str().unwrap();
        let converted = api(&mut c, Method::PUT, &format!("{base}/{hid}"), Some(json!({"type": "custom", "synchronous": "yes"}))).await;
        assert_eq!(converted.status, StatusCode::OK, "{}", converted.body);
        assert_eq!(converted.json()["timeframe-type"], "custom");
        assert_eq!(converted.json()["timeframe-holiday-array"], holidays["timeframe-holiday-array"]);
        let back = api(&mut c, Method::PUT, &format!("{base}/{hid}"), Some(json!({"timeframe-type": "holiday"}))).await;
        assert_names(&back, StatusCode::BAD_REQUEST, &["timeframe-type"]);
        // Without update-only, the lists sent replace every entry.
        let replaced = api(&mut c, Method::PUT, &format!("{base}/{hid}"), Some(json!({"synchronous": "yes",
            "timeframe-specific-dates-array": specific_dates("x")["timeframe-specific-dates-array"]}))).await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
        assert_eq!(replaced.json()["timeframe-holiday-array"], json!([]));
        assert_eq!(replaced.json()["timeframe-specific-dates-array"].as_array().unwrap().len(), 1);

        let deleted = api(&mut c, Method::DELETE, &format!("{base}/{id}"), None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED, "{}", deleted.body);
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/{id}"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(api(&mut c, Method::DELETE, &format!("{base}/{id}"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/not-an-id"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(api(&mut c, Method::GET, base, None).await.headers["x-total-count"], "4");

        assert_eq!(audited(&db.db, "time-frame.create").await, 5);
        assert_eq!(audited(&db.db, "time-frame.update").await, 6);
        assert_eq!(audited(&db.db, "time-frame.delete").await, 1);
    }

    async fn a_users_own_frames_have_their_own_routes_and_names(db: TestDb) {
        let mut c = acme(&db.db).await;
        let base = "/domains/acme.example/users/1001/timeframes";
        let lunch = create(&mut c, base, days_of_week("Lunch")).await;
        assert_eq!(lunch["user"], "1001");
        // The same name is another user's, or the domain's, too.
        create(&mut c, "/domains/acme.example/users/1002/timeframes", days_of_week("Lunch")).await;
        create(&mut c, "/domains/acme.example/timeframes", days_of_week("Lunch")).await;
        let again = api(&mut c, Method::POST, base, Some(always("Lunch"))).await;
        assert_names(&again, StatusCode::CONFLICT, &["timeframe-name"]);
        let again = api(&mut c, Method::POST, "/domains/acme.example/timeframes", Some(always("Lunch"))).await;
        assert_names(&again, StatusCode::CONFLICT, &["timeframe-name"]);
        assert_eq!(frames_stored(&db.db).await, 3);

        let list = api(&mut c, Method::GET, base, None).await;
        assert_eq!(list.headers["x-total-count"], "1");
        let id = lunch["timeframe-id"].as_str().unwrap();
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/{id}"), None).await.json(), lunch);
        // A user's frame is not another user's, nor the domain's.
        let elsewhere = api(&mut c, Method::GET, &format!("/domains/acme.example/users/1002/timeframes/{id}"), None).await;
        assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
        let elsewhere = api(&mut c, Method::GET, &format!("/domains/acme.example/timeframes/{id}"), None).await;
        assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
        let renamed = api(&mut c, Method::PUT, &format!("{base}/{id}"), Some(json!({"timeframe-name": "Break"}))).await;
        assert_eq!(renamed.status, StatusCode::ACCEPTED, "{}", renamed.body);
        let added = api(&mut c, Method::POST, &format!("{base}/{id}"), Some(json!({
            "timeframe-days-of-week-array": [week_entry()]}))).await;
        assert_names(&added, StatusCode::BAD_REQUEST, &["timeframe-days-of-week-array"]);
        let deleted = api(&mut c, Method::DELETE, &format!("{base}/{id}"), None).await;
        assert_eq!(deleted.status, StatusCode::ACCEPTED);
        assert_eq!(api(&mut c, Method::GET, base, None).await.headers["x-total-count"], "0");
        let nobody = api(&mut c, Method::GET, "/domains/acme.example/users/4040/timeframes", None).await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
        // A user's frames go with the user.
        let user = api(&mut c, Method::DELETE, "/domains/acme.example/users/1002", None).await;
        assert!(user.status.is_success(), "{}", user.body);
        assert_eq!(frames_stored(&db.db).await, 1);
    }

    async fn each_shape_reads_back_as_written_and_a_read_sent_back_changes_nothing(db: TestDb) {
        let mut c = acme(&db.db).await;
        for (i, body) in [always("A"), days_of_week("B"), specific_dates("C"), holidays("D"), custom("E")]
            .into_iter().enumerate()
        {
            let path = if i % 2 == 0 { "/domains/acme.example/timeframes" } else { "/domains/acme.example/users/1001/timeframes" };
            let made = create(&mut c, path, body.clone()).await;
            // Every member sent is answered as sent (NetSapiens' blanks for "never" aside).
            for list in ["timeframe-specific-dates-array", "timeframe-holiday-array", "timeframe-days-of-week-array"] {
                let sent = body[list].as_array().cloned().unwrap_or_default();
                let shown = made[list].as_array().unwrap();
                assert_eq!(sent.len(), shown.len(), "{list}");
                for (s, a) in sent.iter().zip(shown) {
                    for (member, value) in s.as_object().unwrap() {
                        if value != "" {
                            assert_eq!(&a[member], value, "{list}.{member}");
                        }
                    }
                }
            }
            let id = made["timeframe-id"].as_str().unwrap();
            let before = audited(&db.db, "time-frame.update").await;
            let back = api(&mut c, Method::PUT, &format!("{path}/{id}"), Some(made.clone())).await;
            assert_eq!(back.status, StatusCode::ACCEPTED, "{}", back.body);
            assert_eq!(api(&mut c, Method::GET, &format!("{path}/{id}"), None).await.json(), made);
            assert_eq!(audited(&db.db, "time-frame.update").await, before, "nothing changed");
            // Sent back as a create under another name, the same frame.
            let mut copy = made.clone();
            copy["timeframe-name"] = json!(format!("{} copy", made["timeframe-name"].as_str().unwrap()));
            let twin = create(&mut c, path, copy).await;
            for list in ["timeframe-specific-dates-array", "timeframe-holiday-array", "timeframe-days-of-week-array"] {
                assert_eq!(twin[list].as_array().unwrap().len(), made[list].as_array().unwrap().len());
                for (t, m) in twin[list].as_array().unwrap().iter().zip(made[list].as_array().unwrap()) {
                    let strip = |v: &Value| {
                        let mut o = v.as_object().unwrap().clone();
                        o.remove("timeframe-parent-id");
                        o
                    };
                    assert_eq!(strip(t), strip(m));
                }
            }
        }
    }

    async fn a_bad_body_names_every_bad_field_and_writes_nothing(db: TestDb) {
        let mut c = acme(&db.db).await;
        let base = "/domains/acme.example/timeframes";
        let audit_before = count(&db.db, "SELECT COUNT(*) FROM audit_log").await;
        let mut week = week_entry();
        week["timeframe-weekly-monday-end-time-2"] = json!("1230");
        week["timeframe-weekly-tuesday-begin-time-1"] = json!("9am");
        week["timeframe-weekly-sunday-begin-time-1"] = json!("0900");
        week["colour"] = json!("red");
        let bad = api(&mut c, Method::POST, base, Some(json!({
            "timeframe-name": "*", "timeframe-type": "days-of-week", "synchronous": "maybe", "extra": 1,
            "timeframe-days-of-week-array": [week],
            "timeframe-holiday-array": [{"timeframe-holiday-begin-date": "20300230"}]}))).await;
        let p = "timeframe-days-of-week-array[0]";
        assert_names(&bad, StatusCode::BAD_REQUEST, &[
            "synchronous", "extra", "timeframe-name",
            &format!("{p}.timeframe-weekly-monday-end-time-2"),
            &format!("{p}.timeframe-weekly-tuesday-begin-time-1"),
            &format!("{p}.timeframe-weekly-sunday-end-time-1"),
            &format!("{p}.colour"),
            "timeframe-holiday-array[0].timeframe-holiday-begin-date",
        ]);
        let no_type = api(&mut c, Method::POST, base, Some(json!({"timeframe-name": "X",
            "timeframe-specific-dates-array": "soon"}))).await;
        assert_names(&no_type, StatusCode::BAD_REQUEST, &["timeframe-type", "timeframe-specific-dates-array"]);
        let wrong_kind = api(&mut c, Method::POST, base, Some(json!({"timeframe-name": "X",
            "timeframe-type": "holiday", "timeframe-days-of-week-array": [week_entry()]}))).await;
        assert_names(&wrong_kind, StatusCode::BAD_REQUEST, &["timeframe-days-of-week-array"]);
        let not_json = send_api(&mut c, Method::POST, &format!("{API}{base}"), "",
            &[("content-type", "text/plain")], None).await;
        assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(frames_stored(&db.db).await, 0);
        assert_eq!(count(&db.db, "SELECT COUNT(*) FROM audit_log").await, audit_before);

        // A bad change leaves the frame as it was.
        let week = create(&mut c, base, days_of_week("Week")).await;
        let id = week["timeframe-id"].as_str().unwrap();
        let bad = api(&mut c, Method::PUT, &format!("{base}/{id}"), Some(json!({
            "timeframe-name": "Renamed", "update-only": "perhaps", "timeframe-type": "weekly"}))).await;
        assert_names(&bad, StatusCode::BAD_REQUEST, &["update-only", "timeframe-type"]);
        let mut orphan = week_entry();
        orphan["timeframe-id"] = json!("nope");
        let unknown = api(&mut c, Method::PUT, &format!("{base}/{id}"), Some(json!({
            "timeframe-name": "Renamed", "update-only": "yes", "timeframe-days-of-week-array": [orphan]}))).await;
        assert_names(&unknown, StatusCode::BAD_REQUEST, &["timeframe-days-of-week-array[0].timeframe-id"]);
        let child = api(&mut c, Method::DELETE, &format!("{base}/{id}"), Some(json!({"child": "x"}))).await;
        assert_names(&child, StatusCode::BAD_REQUEST, &["child", "child_id"]);
        assert_eq!(api(&mut c, Method::GET, &format!("{base}/{id}"), None).await.json(), week);
        assert_eq!(audited(&db.db, "time-frame.update").await, 0);
    }

    async fn who_may_read_and_change_frames_follows_the_permission_table(db: TestDb) {
        let mut admin = acme(&db.db).await;
        system_domain(&db.db, "b.example", "north").await;
        system_domain(&db.db, "c.example", "south").await;
        let shared = "/domains/acme.example/timeframes";
        let own = |ext: &str| format!("/domains/acme.example/users/{ext}/timeframes");
        let frame = create(&mut admin, shared, days_of_week("Shared")).await;
        let shared_one = format!("{shared}/{}", frame["timeframe-id"].as_str().unwrap());
        let ones = create(&mut admin, &own("1001"), days_of_week("Mine")).await;
        let own_one = format!("{}/{}", own("1001"), ones["timeframe-id"].as_str().unwrap());

        // Managers of the domain: everything in it.
        for (ext, scope) in [("1100", Scope::OfficeManager), ("1101", Scope::Reseller)] {
            let mut m = person(&db.db, "acme.example", ext, scope).await;
            let name = format!("By {ext}");
            assert_eq!(api(&mut m, Method::POST, shared, Some(always(&name))).await.status, StatusCode::ACCEPTED);
            assert_eq!(api(&mut m, Method::POST, &own("1001"), Some(always(&name))).await.status, StatusCode::ACCEPTED);
            assert_eq!(api(&mut m, Method::GET, &own_one, None).await.status, StatusCode::OK);
            assert_eq!(api(&mut m, Method::PUT, &shared_one, Some(json!({"timeframe-name": "Shared"}))).await.status, StatusCode::ACCEPTED);
        }
        // Another domain's Office Manager, another reseller's: not found, as if there were none.
        for (domain, ext, scope) in [("b.example", "2100", Scope::OfficeManager), ("c.example", "3100", Scope::Reseller)] {
            let mut other = person(&db.db, domain, ext, scope).await;
            for (method, path, body) in [
                (Method::GET, shared.to_owned(), None),
                (Method::POST, shared.to_owned(), Some(always("Theirs"))),
                (Method::GET, shared_one.clone(), None),
                (Method::DELETE, shared_one.clone(), None),
                (Method::GET, own("1001"), None),
                (Method::PUT, own_one.clone(), Some(json!({"timeframe-name": "Theirs"}))),
            ] {
                let refused = api(&mut other, method.clone(), &path, body).await;
                assert_eq!(refused.status, StatusCode::NOT_FOUND, "{scope:?} {method} {path}: {}", refused.body);
            }
        }
        // An Advanced User: its own frames, and reads the domain's; changes no one else's.
        let mut advanced = person(&db.db, "acme.example", "1200", Scope::AdvancedUser).await;
        let made = api(&mut advanced, Method::POST, "/domains/~/users/~/timeframes", Some(with_sync(always("Mine")))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert_eq!(made.json()["user"], "1200");
        assert_eq!(api(&mut advanced, Method::GET, shared, None).await.status, StatusCode::OK);
        assert_eq!(api(&mut advanced, Method::GET, &shared_one, None).await.status, StatusCode::OK);
        assert_eq!(api(&mut advanced, Method::POST, shared, Some(always("Nope"))).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api(&mut advanced, Method::DELETE, &shared_one, None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api(&mut advanced, Method::GET, &own("1001"), None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api(&mut advanced, Method::PUT, &own_one, Some(json!({"timeframe-name": "Nope"}))).await.status, StatusCode::FORBIDDEN);
        // A Basic User: reads its own frames only.
        let mut basic = person(&db.db, "acme.example", "1300", Scope::BasicUser).await;
        create(&mut admin, &own("1300"), always("Given")).await;
        let list = api(&mut basic, Method::GET, "/domains/~/users/~/timeframes", None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.headers["x-total-count"], "1");
        assert_eq!(api(&mut basic, Method::POST, &own("1300"), Some(always("Mine"))).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api(&mut basic, Method::GET, shared, None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api(&mut basic, Method::GET, &own("1001"), None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(api(&mut basic, Method::GET, "/domains/b.example/timeframes", None).await.status, StatusCode::NOT_FOUND);

        // The refusals wrote nothing.
        assert_eq!(audited(&db.db, "time-frame.create").await, 2 + 4 + 1 + 1);
        assert_eq!(audited(&db.db, "time-frame.delete").await, 0);
    }

    async fn a_frame_an_answer_rule_names_is_neither_deleted_nor_renamed(db: TestDb) {
        let mut c = acme(&db.db).await;
        let shared = create(&mut c, "/domains/acme.example/timeframes", days_of_week("Lunch")).await;
        let shared_one = format!("/domains/acme.example/timeframes/{}", shared["timeframe-id"].as_str().unwrap());
        rule_naming(&db.db, "1001", "Lunch").await;
        rule_naming(&db.db, "1003", "Lunch").await;
        let refused = api(&mut c, Method::DELETE, &shared_one, None).await;
        assert_names(&refused, StatusCode::CONFLICT, &["timeframe-name"]);
        let message = refused.json()["errors"][0]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("1001, 1003") && message.contains("Lunch"), "{message}");
        let renamed = api(&mut c, Method::PUT, &shared_one, Some(json!({"timeframe-name": "Break"}))).await;
        assert_names(&renamed, StatusCode::CONFLICT, &["timeframe-name"]);
        // Its entries may change: the rule still names a frame.
        let entries = api(&mut c, Method::PUT, &shared_one, Some(json!({"update-only": "yes",
            "timeframe-days-of-week-array": [week_entry()]}))).await;
        assert_eq!(entries.status, StatusCode::ACCEPTED, "{}", entries.body);

        // A user's own frame of that name comes first for its rules: it is the one kept.
        let own = create(&mut c, "/domains/acme.example/users/1001/timeframes", always("Lunch")).await;
        let own_one = format!("/domains/acme.example/users/1001/timeframes/{}", own["timeframe-id"].as_str().unwrap());
        let refused = api(&mut c, Method::DELETE, &own_one, None).await;
        assert_names(&refused, StatusCode::CONFLICT, &["timeframe-name"]);
        let message = refused.json()["errors"][0]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("This user's answer rule"), "{message}");
        let refused = api(&mut c, Method::DELETE, &shared_one, None).await;
        let message = refused.json()["errors"][0]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("1003") && !message.contains("1001"), "{message}");
        assert_eq!(frames_stored(&db.db).await, 2);
        assert_eq!(audited(&db.db, "time-frame.delete").await, 0);

        // What the answer rules' code asks: does the user's rule name a frame?
        let found = app::ssr::db::domains::get(db.db.pool(), &common::domain_name("acme.example")).await.unwrap().unwrap();
        let user_id = |ext: &'static str| {
            let pool = db.db.pool().clone();
            let domain_id = found.id;
            async move {
                app::ssr::db::users::locate(&pool, domain_id, ext).await.unwrap().unwrap().id
            }
        };
        let mut conn = db.db.pool().acquire().await.unwrap();
        use app::ssr::db::time_frames::{find_for_user, frame_exists_for_user};
        assert!(frame_exists_for_user(&mut conn, found.id, user_id("1003").await, "Lunch").await.unwrap());
        assert!(!frame_exists_for_user(&mut conn, found.id, user_id("1003").await, "Dinner").await.unwrap());
        let mine = find_for_user(&mut conn, found.name(), found.id, user_id("1001").await, "Lunch").await.unwrap().unwrap();
        assert_eq!(mine.user.as_deref(), Some("1001"), "the user's own first");
        let theirs = find_for_user(&mut conn, found.name(), found.id, user_id("1003").await, "Lunch").await.unwrap().unwrap();
        assert_eq!(theirs.user, None, "then the domain's");
    }

    async fn a_frame_is_evaluated_in_its_domains_or_its_users_time_zone(db: TestDb) {
        let mut c = acme(&db.db).await;
        let changed = api(&mut c, Method::PUT, "/domains/acme.example/users/1001", Some(json!({"time-zone": "Europe/London"}))).await;
        assert!(changed.status.is_success(), "{}", changed.body);
        let shared = create(&mut c, "/domains/acme.example/timeframes", days_of_week("Office")).await;
        let own = create(&mut c, "/domains/acme.example/users/1001/timeframes", days_of_week("Office")).await;
        let own2 = create(&mut c, "/domains/acme.example/users/1002/timeframes", days_of_week("Office")).await;
        let frame = |v: &Value| app::model::time_frame::TimeFrame::from_json(v).unwrap();
        // The zone each frame's stored spans (what the SIP side reads) were worked out in.
        let zone = |f: app::model::time_frame::TimeFrame| {
            let db = db.db.clone();
            async move {
                let mut conn = db.pool().acquire().await.unwrap();
                let placed = app::ssr::db::time_frames::placed(&mut conn, Some(f.id)).await.unwrap().pop().unwrap();
                assert_eq!(placed.spans_zone, placed.zone(), "worked out in the zone it is in");
                placed.spans_zone
            }
        };
        assert_eq!(zone(frame(&shared)).await, "America/New_York");
        assert_eq!(zone(frame(&own)).await, "Europe/London");
        assert_eq!(zone(frame(&own2)).await, "America/New_York", "a user without its own follows its domain");
        // A user that changes time zone has its frames' spans renewed by the next sweep, and
        // only those: the others are current.
        let changed = api(&mut c, Method::PUT, "/domains/acme.example/users/1002", Some(json!({"time-zone": "Asia/Tokyo"}))).await;
        assert!(changed.status.is_success(), "{}", changed.body);
        let now = app::ssr::now_ms();
        assert_eq!(app::ssr::time_frames::renew_due_spans(&db.db, now).await.unwrap(), 1);
        assert_eq!(zone(frame(&own2)).await, "Asia/Tokyo");
        assert_eq!(app::ssr::time_frames::renew_due_spans(&db.db, now).await.unwrap(), 0);
        // Spans running out within a fortnight are renewed.
        assert_eq!(app::ssr::time_frames::renew_due_spans(&db.db, now + 30 * 86_400_000).await.unwrap(), 3);
        // Monday 2026-11-23 09:30 in London is 04:30 in New York.
        let london_morning = 1_795_392_000_000i64 + (9 * 60 + 30) * 60_000;
        let definition = frame(&own).definition;
        assert!(app::ssr::time_frames::is_active(&definition, "Europe/London", london_morning));
        assert!(!app::ssr::time_frames::is_active(&definition, "America/New_York", london_morning));
    }

    async fn the_time_frame_routes_are_documented(db: TestDb) {
        let mut c = Client::new(&db.db);
        let doc = c.get(&format!("{API}/openapi.json")).await.json();
        for (path, methods) in [
            ("/domains/{domain}/timeframes", &["get", "post"][..]),
            ("/domains/{domain}/timeframes/{id}", &["get", "put", "post", "delete"][..]),
            ("/domains/{domain}/users/{user}/timeframes", &["get", "post"][..]),
            ("/domains/{domain}/users/{user}/timeframes/{id}", &["get", "put", "post", "delete"][..]),
        ] {
            for method in methods {
                assert!(doc["paths"][path][method].is_object(), "{method} {path}");
            }
        }
        assert!(doc["components"]["schemas"]["TimeFrame"].is_object());
    }
}
