//! Roster's users on a real SIP server, on both databases: each test starts Roster's Kamailio
//! configuration on a free port over its own database, makes users through the API, and plays
//! the phones and the carrier with sipp. Registration (and refusals), calls between users, DIDs
//! from the carrier, call queues, do-not-disturb and forwards, tenants kept apart, identities
//! checked, dial policies, changes taking effect at the next request, and registrations shown by
//! the API.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::sip::{finished, Phone, Ringing, SipServer};
use common::{logged_in_super_user, Answer, Client, TestDb};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const A: &str = "a.example";
const B: &str = "b.example";

/// A device password strong enough for Roster's rule, different for every device.
fn password(domain: &str, device: &str) -> String {
    format!("Kx7#mQ2v-{device}-{}-Lp9wZr4t", &domain[..1])
}

async fn api(client: &mut Client, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("/ns-api/v2{path}"));
    let body = match body {
        Some(body) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    client.send(req.body(body).unwrap()).await
}

/// A Super User's client, the domains a.example and b.example (US & Canada dialling), and the
/// SIP server over the same database.
async fn world(db: &TestDb) -> (Client, SipServer) {
    let mut admin = logged_in_super_user(&db.db).await;
    for domain in [A, B] {
        let made = api(
            &mut admin,
            Method::POST,
            "/domains",
            Some(json!({"domain": domain, "dial-policy": "US & Canada"})),
        )
        .await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
    }
    (admin, SipServer::start(db).await)
}

/// Makes the user `extension` of `domain` through the API, with `extra` fields, and answers its
/// phone (its device is named as its extension).
async fn user(admin: &mut Client, domain: &str, extension: &str, extra: Value) -> Phone {
    let made = make_user(admin, domain, extension, extra).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
    Phone::new(extension, domain, &password(domain, extension))
}

/// Asks the API for the user `extension` of `domain`, its device's password [`password`], with
/// `extra` fields; the answer.
async fn make_user(admin: &mut Client, domain: &str, extension: &str, extra: Value) -> Answer {
    let mut body = json!({
        "user": extension,
        "name-first-name": "User",
        "name-last-name": format!("Number {extension}"),
        "email": format!("u{extension}@{domain}"),
        "device-sip-registration-password": password(domain, extension),
    });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    api(
        admin,
        Method::POST,
        &format!("/domains/{domain}/users"),
        Some(body),
    )
    .await
}

/// Changes the user `extension` of `domain` through the API.
async fn change(admin: &mut Client, domain: &str, extension: &str, patch: Value) {
    let changed = api(
        admin,
        Method::PUT,
        &format!("/domains/{domain}/users/{extension}"),
        Some(patch),
    )
    .await;
    assert!(
        changed.status.is_success(),
        "{} {}",
        changed.status,
        changed.body
    );
}

/// The user `extension` of a.example once its first device's registration state is `state`
/// (within ten seconds, or the test fails).
async fn device_state_until(admin: &mut Client, extension: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let read = api(
            admin,
            Method::GET,
            &format!("/domains/{A}/users/{extension}"),
            None,
        )
        .await;
        let read = read.json();
        if read["devices"][0]["device-sip-registration-state"] == state {
            return read;
        }
        assert!(
            Instant::now() < deadline,
            "the device never showed {state}: {read}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Makes the user `extension` of a.example with `extra` fields through the API and logs it in to
/// the portal with its invitation link: its phone, and its portal session.
async fn user_logged_in(
    db: &TestDb,
    admin: &mut Client,
    extension: &str,
    extra: Value,
) -> (Phone, Client) {
    let mut extra = extra;
    extra["synchronous"] = json!("yes");
    let made = make_user(admin, A, extension, extra).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let link = made.json()["invitation-link"].as_str().unwrap().to_owned();
    let client = accept_invitation(db, &link, extension, &common::settings()).await;
    (Phone::new(extension, A, &password(A, extension)), client)
}

/// The user `extension` of a.example, at its invitation `link`: sets its password and logs in
/// (to a portal with `settings`); its portal session.
async fn accept_invitation(
    db: &TestDb,
    link: &str,
    extension: &str,
    settings: &server::Settings,
) -> Client {
    let token = link.split("token=").nth(1).expect("a token in the link");
    let own_password = "harbor violet quartz meadow";
    app::ssr::auth::set_password_with_link(
        &db.db,
        token,
        own_password,
        own_password,
        String::new(),
    )
    .await
    .unwrap();
    let mut client = Client::with_settings(&db.db, settings);
    common::log_in(&mut client, &format!("{extension}@{A}"), own_password).await;
    client
}

/// Registers `phone`, which must succeed.
async fn registered(sip: &SipServer, phone: &Phone) {
    assert_eq!(
        sip.register(phone, 600).await,
        200,
        "{} registers",
        phone.device
    );
}

/// The text of the first `<code>` after the label `label` on a page (Leptos' markers removed).
fn shown(html: &str, label: &str) -> String {
    let at = html
        .find(&format!("<dt>{label}</dt>"))
        .unwrap_or_else(|| panic!("the page shows no {label}"));
    let rest = &html[at..];
    let rest = &rest[rest.find("<code").expect("a <code>")..];
    let text = &rest[rest.find('>').unwrap() + 1..rest.find("</code>").unwrap()];
    text.replace("<!---->", "").replace("<!>", "")
}

on_both_backends! {
    async fn a_user_sets_up_its_phone_from_its_own_page_alone_and_calls(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let bob = user(&mut admin, A, "102", json!({})).await;
        registered(&sip, &bob).await;
        // Alice, made with the wizard's server function (her SIP password generated, so nobody
        // has told her it), then her invitation link as the wizard shows it once, her password.
        let made = admin
            .call(
                common::path::<app::api::users::CreateUser>(),
                &[
                    ("domain", A),
                    ("input[user]", "101"),
                    ("input[name-first-name]", "Alice"),
                    ("input[name-last-name]", "Lee"),
                    ("input[email]", "alice@a.example"),
                ],
            )
            .await;
        assert!(made.status.is_success() || made.status.is_redirection(), "{} {}", made.status, made.body);
        let invitation = admin
            .call(common::path::<app::api::users::TakeInvitation>(), &[("domain", A), ("user", "101")])
            .await;
        assert!(invitation.status.is_success(), "{} {}", invitation.status, invitation.body);
        let link = invitation.json()["link"].as_str().expect("the invitation link").to_owned();
        let settings = server::Settings {
            sip_server: Some(sip.address().to_string()),
            ..common::settings()
        };
        let mut alice = accept_invitation(&db, &link, "101", &settings).await;
        let page = alice.get("/me").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.body;
        let server = shown(&html, "SIP server (outbound proxy)");
        assert_eq!(server, sip.address().to_string());
        assert_eq!(shown(&html, "Domain (realm)"), A);
        assert!(html.contains("<figure class=\"qr\">") && html.contains("<svg"), "a QR code");
        let phone = Phone::new(&shown(&html, "Username"), &shown(&html, "Domain (realm)"), &shown(&html, "Password"));
        registered(&sip, &phone).await;
        let ringing = sip.ring(&bob, Ringing::Answers);
        assert_eq!(sip.call(Some(&phone), "102", A).await, 200);
        finished(ringing, "Bob's phone").await;
        // Her page shows her phone registered within seconds (Kamailio writes registrations
        // every second).
        let deadline = Instant::now() + Duration::from_secs(10);
        while !alice.get("/me").await.body.contains("Registered") {
            assert!(Instant::now() < deadline, "the page never showed the registration");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn phones_register_with_their_devices_credentials_and_nothing_else(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let alice = user(&mut admin, A, "101", json!({})).await;
        registered(&sip, &alice).await;

        let mut wrong = alice.clone();
        wrong.password = "Not-the-password-at-all-1".into();
        assert_eq!(sip.register(&wrong, 600).await, 401, "a wrong password is refused");
        let mut stranger = alice.clone();
        stranger.device = "999".into();
        assert_eq!(sip.register(&stranger, 600).await, 401, "an unknown device is refused");

        // A disabled user, and then a deleted device, are refused at the next REGISTER.
        let bob = user(&mut admin, A, "102", json!({})).await;
        registered(&sip, &bob).await;
        change(&mut admin, A, "102", json!({"status": "disabled"})).await;
        assert_eq!(sip.register(&bob, 600).await, 401, "a disabled user is refused");
        change(&mut admin, A, "102", json!({"status": "enabled"})).await;
        registered(&sip, &bob).await;
        // A second phone first (a user keeps at least one device), then the first one goes.
        let added = api(
            &mut admin,
            Method::POST,
            &format!("/domains/{A}/users/102/devices"),
            Some(json!({"device": "102b", "device-sip-registration-password": password(A, "102b")})),
        )
        .await;
        assert!(added.status.is_success(), "{} {}", added.status, added.body);
        registered(&sip, &Phone::new("102b", A, &password(A, "102b"))).await;
        let deleted = api(&mut admin, Method::DELETE, &format!("/domains/{A}/users/102/devices/102"), None).await;
        assert!(deleted.status.is_success(), "{} {}", deleted.status, deleted.body);
        assert_eq!(sip.register(&bob, 600).await, 401, "a deleted device is refused");

        // A new password through the API: the old one stops working, the new one works.
        let new_password = "Zq8!wN3x-brand-new-Secret-77";
        change(&mut admin, A, "101", json!({"device-sip-registration-password": new_password})).await;
        assert_eq!(sip.register(&alice, 600).await, 401, "the old password no longer works");
        let mut renewed = alice.clone();
        renewed.password = new_password.into();
        registered(&sip, &renewed).await;

        // Login-based calling: the phone works only while its user is logged in to the portal.
        let dave = user(&mut admin, A, "103", json!({"login-based-calling": "yes"})).await;
        assert_eq!(sip.register(&dave, 600).await, 401, "never logged in: refused");
        let (carol, mut carol_portal) =
            user_logged_in(&db, &mut admin, "104", json!({"login-based-calling": "yes"})).await;
        registered(&sip, &carol).await;
        let out = carol_portal.call(common::path::<app::api::auth::Logout>(), &[]).await;
        assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.status);
        assert_eq!(sip.register(&carol, 600).await, 401, "logged out: refused again");
    }

    async fn a_registration_shows_in_the_api_within_seconds_and_ends_with_an_unregister(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let alice = user(&mut admin, A, "101", json!({})).await;
        let before = api(&mut admin, Method::GET, &format!("/domains/{A}/users/101"), None).await.json();
        assert_eq!(before["devices"][0]["device-sip-registration-state"], "unregistered");

        registered(&sip, &alice).await;
        let start = Instant::now();
        let shown = device_state_until(&mut admin, "101", "registered").await;
        let device = &shown["devices"][0];
        assert_eq!(
            device["device-sip-registration-contact"],
            format!("sip:101@127.0.0.1:{}", alice.port)
        );
        assert_eq!(device["device-sip-registration-ip-address"], format!("127.0.0.1:{}", alice.port));
        assert_eq!(device["device-sip-registration-user-agent"], "sipp-phone-101");
        let expires = device["device-sip-registration-expires-datetime"].as_str().unwrap();
        let expires = time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339).unwrap();
        let left = expires - time::OffsetDateTime::now_utc();
        assert!(left > time::Duration::seconds(500) && left <= time::Duration::seconds(601), "{left}");
        eprintln!("registration shown {:?} after the REGISTER", start.elapsed());
        // The domain's devices list (what the devices page shows) says so too, and only of it.
        user(&mut admin, A, "102", json!({})).await;
        let listed = api(&mut admin, Method::GET, &format!("/domains/{A}/devices"), None).await.json();
        let states: Vec<(String, String)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["user"].as_str().unwrap().to_owned(), d["device-sip-registration-state"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(states, [("101".to_owned(), "registered".to_owned()), ("102".to_owned(), "unregistered".to_owned())]);
        // In the same shape as the user's own read: where and until when.
        for detail in ["contact", "ip-address", "user-agent", "expires-datetime"] {
            let name = format!("device-sip-registration-{detail}");
            assert_eq!(listed[0][&name], device[&name], "{name}");
        }

        assert_eq!(sip.register(&alice, 0).await, 200, "an unregister is accepted");
        device_state_until(&mut admin, "101", "unregistered").await;

    }

    async fn a_call_between_users_is_answered_and_ended(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let alice = user(&mut admin, A, "101", json!({})).await;
        let bob = user(&mut admin, A, "102", json!({})).await;
        registered(&sip, &bob).await;
        let ringing = sip.ring(&bob, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "102", A).await, 200);
        finished(ringing, "Bob's phone").await;
        // Nobody by that extension, and a user with no phone registered.
        assert_eq!(sip.call(Some(&alice), "555", A).await, 404);
        user(&mut admin, A, "103", json!({})).await;
        assert_eq!(sip.call(Some(&alice), "103", A).await, 480);
    }

    async fn a_did_from_the_carrier_rings_its_user_a_new_one_at_once_and_a_disabled_one_not(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let bob = user(&mut admin, A, "102", json!({"phone-numbers": ["+1 612 555 0102"]})).await;
        registered(&sip, &bob).await;
        let ringing = sip.ring(&bob, Ringing::Answers);
        assert_eq!(sip.call(None, "+16125550102", "127.0.0.1").await, 200);
        finished(ringing, "Bob's phone").await;
        // Without its +, as carriers often send it.
        let ringing = sip.ring(&bob, Ringing::Answers);
        assert_eq!(sip.call(None, "16125550102", "127.0.0.1").await, 200);
        finished(ringing, "Bob's phone").await;
        assert_eq!(sip.call(None, "+16125550999", "127.0.0.1").await, 404, "a number Roster does not have");
        // A number added through the API rings at the next call.
        change(&mut admin, A, "102", json!({"phone-numbers": ["+1 612 555 0102", "+1 612 555 0103"]})).await;
        let ringing = sip.ring(&bob, Ringing::Answers);
        assert_eq!(sip.call(None, "+16125550103", "127.0.0.1").await, 200);
        finished(ringing, "Bob's phone").await;
        // A disabled number rings nobody; enabled again, it rings at the next call.
        let number = format!("/domains/{A}/phonenumbers/16125550103");
        let off = api(&mut admin, Method::PUT, &number, Some(json!({"enabled": "no"}))).await;
        assert_eq!(off.status, StatusCode::ACCEPTED, "{}", off.body);
        assert_eq!(sip.call(None, "+16125550103", "127.0.0.1").await, 404, "a disabled number");
        let on = api(&mut admin, Method::PUT, &number, Some(json!({"enabled": "yes"}))).await;
        assert_eq!(on.status, StatusCode::ACCEPTED, "{}", on.body);
        let ringing = sip.ring(&bob, Ringing::Answers);
        assert_eq!(sip.call(None, "+16125550103", "127.0.0.1").await, 200);
        finished(ringing, "Bob's phone").await;
    }

    async fn a_call_queue_rings_its_logged_in_agents_at_once_and_else_its_no_answer_forward(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let caller = user(&mut admin, A, "100", json!({})).await;
        let fallback = user(&mut admin, A, "104", json!({})).await;
        registered(&sip, &fallback).await;
        let made = api(
            &mut admin,
            Method::POST,
            &format!("/domains/{A}/callqueues"),
            Some(json!({"callqueue": "600", "description": "Sales", "callqueue-dispatch-type": "Ring All",
                        "forward-no-answer": "104"})),
        )
        .await;
        assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        // The queue's extension is taken for users.
        let clash = api(
            &mut admin,
            Method::POST,
            &format!("/domains/{A}/users"),
            Some(json!({"user": "600", "name-first-name": "X", "name-last-name": "Y", "email": "x@a.example"})),
        )
        .await;
        assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.body);

        let mut agents = Vec::new();
        for ext in ["101", "102", "103"] {
            let phone = user(&mut admin, A, ext, json!({"groups": ["600"]})).await;
            registered(&sip, &phone).await;
            agents.push(phone);
        }
        // Every agent rings at once; the first to answer takes the call.
        let answering = sip.ring(&agents[0], Ringing::Answers);
        let others: Vec<_> = agents[1..]
            .iter()
            .map(|p| sip.ring(p, Ringing::RingsUntilCancelled))
            .collect();
        assert_eq!(sip.call(Some(&caller), "600", A).await, 200);
        finished(answering, "the answering agent").await;
        for other in others {
            // Each rang (it got the INVITE and sent 180) and was cancelled when one answered.
            finished(other, "an agent rung in parallel").await;
        }

        // Every agent logged out: nobody to ring, so the queue's no-answer forward.
        for ext in ["101", "102", "103"] {
            let out = api(&mut admin, Method::PATCH, &format!("/domains/{A}/callqueues/600/agents/{ext}/logout"), None).await;
            assert_eq!(out.status, StatusCode::ACCEPTED, "{}", out.body);
        }
        let ringing = sip.ring(&fallback, Ringing::Answers);
        assert_eq!(sip.call(Some(&caller), "600", A).await, 200);
        finished(ringing, "the queue's no-answer forward").await;

        // One logged in again (in all its queues): it alone rings, at the next call.
        let back = api(&mut admin, Method::PATCH, &format!("/domains/{A}/callqueues/all/agents/102@{A}/login"), None).await;
        assert_eq!(back.status, StatusCode::ACCEPTED, "{}", back.body);
        let ringing = sip.ring(&agents[1], Ringing::Answers);
        assert_eq!(sip.call(Some(&caller), "600", A).await, 200);
        finished(ringing, "the agent logged in again").await;

        // A number sent to the queue: a call from the carrier rings its agents too.
        let number = api(&mut admin, Method::POST, &format!("/domains/{A}/phonenumbers"), Some(json!({
            "phonenumber": "+16125550600", "dial-rule-application": "to-callqueue",
            "dial-rule-translation-destination-user": "600"}))).await;
        assert!(number.status.is_success(), "{}", number.body);
        let ringing = sip.ring(&agents[1], Ringing::Answers);
        assert_eq!(sip.call(None, "+16125550600", "127.0.0.1").await, 200);
        finished(ringing, "the agent, through the queue's number").await;
    }

    async fn a_linear_hunt_rings_its_agents_in_order_and_a_round_robin_starts_after_the_last(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let caller = user(&mut admin, A, "100", json!({})).await;
        let mut agents = Vec::new();
        for ext in ["101", "102"] {
            let phone = user(&mut admin, A, ext, json!({})).await;
            registered(&sip, &phone).await;
            agents.push(phone);
        }
        // Two queues with the same agents, 102 first by dispatch order, each offered a call for
        // two seconds.
        for (queue, dispatch) in [("610", "Linear Hunt"), ("620", "Round-robin")] {
            let made = api(&mut admin, Method::POST, &format!("/domains/{A}/callqueues"), Some(json!({
                "callqueue": queue, "callqueue-dispatch-type": dispatch,
                "callqueue-agent-dispatch-timeout-seconds": 2}))).await;
            assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
            for (agent, order) in [("101", 2), ("102", 1)] {
                let added = api(&mut admin, Method::POST, &format!("/domains/{A}/callqueues/{queue}/agents"),
                    Some(json!({"callqueue-agent-id": agent, "callqueue-agent-dispatch-order-ordinal": order}))).await;
                assert!(added.status.is_success(), "{}", added.body);
            }
        }

        // Linear Hunt: 102 first; it does not answer within the agent timeout, so 101.
        let first = sip.ring(&agents[1], Ringing::RingsUntilCancelled);
        let second = sip.ring(&agents[0], Ringing::Answers);
        let start = Instant::now();
        assert_eq!(sip.call(Some(&caller), "610", A).await, 200);
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(8), "{took:?}");
        finished(first, "the first agent by dispatch order, until its timeout").await;
        finished(second, "the next agent").await;

        // Round-robin: each call starts with the agent after the one the last call started
        // with. Only that agent answers; had another been rung first, the call would have waited
        // out its two seconds.
        for (turn, agent) in [(1, 1), (2, 0), (3, 1)] {
            let ringing = sip.ring(&agents[agent], Ringing::Answers);
            let start = Instant::now();
            assert_eq!(sip.call(Some(&caller), "620", A).await, 200, "call {turn}");
            assert!(start.elapsed() < Duration::from_secs(2), "call {turn} rang its agent first: {:?}", start.elapsed());
            finished(ringing, "the round's agent").await;
        }
    }

    async fn do_not_disturb_and_forwards_follow_the_users_answer_rule(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let alice = user(&mut admin, A, "101", json!({})).await;
        let carol = user(&mut admin, A, "103", json!({})).await;
        registered(&sip, &carol).await;

        // Do not disturb: busy at once.
        let dnd = user(&mut admin, A, "110", json!({"do-not-disturb": "yes"})).await;
        registered(&sip, &dnd).await;
        assert_eq!(sip.call(Some(&alice), "110", A).await, 486);

        // Forward always: Carol rings instead.
        user(&mut admin, A, "111", json!({"forward-always": "103"})).await;
        let ringing = sip.ring(&carol, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "111", A).await, 200);
        finished(ringing, "Carol's phone").await;

        // Busy: the phone answers 486, the call goes on to Carol.
        let busy = user(&mut admin, A, "112", json!({"forward-on-busy": "103"})).await;
        registered(&sip, &busy).await;
        let refusing = sip.ring(&busy, Ringing::Busy);
        let ringing = sip.ring(&carol, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "112", A).await, 200);
        finished(refusing, "the busy phone").await;
        finished(ringing, "Carol's phone").await;

        // No answer: after the user's own ring time (2 s), the call goes on to Carol.
        let slow = user(&mut admin, A, "113", json!({
            "forward-no-answer": "103", "ring-no-answer-timeout-seconds": "2"
        })).await;
        registered(&sip, &slow).await;
        let unanswered = sip.ring(&slow, Ringing::RingsUntilCancelled);
        let ringing = sip.ring(&carol, Ringing::Answers);
        let start = Instant::now();
        assert_eq!(sip.call(Some(&alice), "113", A).await, 200);
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(8), "{took:?}");
        finished(unanswered, "the unanswered phone").await;
        finished(ringing, "Carol's phone").await;

        // Unregistered: nothing to ring, so Carol.
        user(&mut admin, A, "114", json!({"forward-when-unregistered": "103"})).await;
        let ringing = sip.ring(&carol, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "114", A).await, 200);
        finished(ringing, "Carol's phone").await;

        // To a phone number: out through the carrier's gateway.
        user(&mut admin, A, "115", json!({"forward-always": "+1 612 555 0199"})).await;
        let gateway = sip.gateway_answers();
        assert_eq!(sip.call(Some(&alice), "115", A).await, 200);
        finished(gateway, "the carrier's gateway").await;

        // Turning do-not-disturb off through the API takes effect at the next call.
        change(&mut admin, A, "110", json!({"do-not-disturb": "no"})).await;
        let ringing = sip.ring(&dnd, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "110", A).await, 200);
        finished(ringing, "the phone no longer in do-not-disturb").await;
    }

    async fn the_answer_rule_whose_time_frame_holds_now_routes_the_call(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let alice = user(&mut admin, A, "101", json!({})).await;
        let carol = user(&mut admin, A, "103", json!({})).await;
        let dave = user(&mut admin, A, "104", json!({})).await;
        let erin = user(&mut admin, A, "120", json!({})).await;
        for phone in [&carol, &dave, &erin] {
            registered(&sip, phone).await;
        }
        // The domain's frame that holds at all times, and Erin's own that holds only in 2029.
        for (path, frame) in [
            (format!("/domains/{A}/timeframes"), json!({"timeframe-name": "Open", "timeframe-type": "always"})),
            (format!("/domains/{A}/users/120/timeframes"), json!({"timeframe-name": "Holiday",
                "timeframe-type": "specific-dates", "timeframe-specific-dates-array": [{
                    "timeframe-specific-dates-begin-date": "20290101", "timeframe-specific-dates-begin-time": "0000",
                    "timeframe-specific-dates-end-date": "20290102", "timeframe-specific-dates-end-time": "2359",
                    "timeframe-recurrence-type": "doesNotRecur"}]})),
        ] {
            let made = api(&mut admin, Method::POST, &path, Some(frame)).await;
            assert!(made.status.is_success(), "{}", made.body);
        }
        let rules = format!("/domains/{A}/users/120/answerrules");
        for (frame, to) in [("Holiday", "104"), ("Open", "103")] {
            let made = api(&mut admin, Method::POST, &rules, Some(json!({"time-frame": frame,
                "forward-always": {"enabled": "yes", "parameters": [to]}}))).await;
            assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.body);
        }
        // Holiday comes first but does not hold now: Open's rule sends the call to Carol.
        let ringing = sip.ring(&carol, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "120", A).await, 200);
        finished(ringing, "Carol's phone, by the rule of Open").await;

        // Open's rule disabled: the rule for * rings Erin's own phone.
        let off = api(&mut admin, Method::PUT, &format!("{rules}/Open"), Some(json!({"enabled": "no"}))).await;
        assert_eq!(off.status, StatusCode::ACCEPTED, "{}", off.body);
        let ringing = sip.ring(&erin, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "120", A).await, 200);
        finished(ringing, "Erin's phone, by the rule for *").await;

        // Holiday changed to hold at all times: its rule now applies, to Dave.
        let holiday: Value = api(&mut admin, Method::GET, &format!("/domains/{A}/users/120/timeframes"), None).await.json();
        let id = holiday[0]["timeframe-id"].as_str().unwrap().to_owned();
        let always = api(&mut admin, Method::PUT, &format!("/domains/{A}/users/120/timeframes/{id}"),
            Some(json!({"timeframe-type": "always"}))).await;
        assert!(always.status.is_success(), "{}", always.body);
        let ringing = sip.ring(&dave, Ringing::Answers);
        assert_eq!(sip.call(Some(&alice), "120", A).await, 200);
        finished(ringing, "Dave's phone, by the rule of Holiday").await;
    }

    async fn tenants_are_kept_apart_and_a_phone_calls_only_as_itself(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        // 101 in both domains, each with its own password and phone.
        let a101 = user(&mut admin, A, "101", json!({})).await;
        let b101 = user(&mut admin, B, "101", json!({})).await;
        let a102 = user(&mut admin, A, "102", json!({})).await;
        let b102 = user(&mut admin, B, "102", json!({})).await;
        registered(&sip, &a101).await;
        registered(&sip, &b101).await;
        let mut crossed = a101.clone();
        crossed.domain = B.into();
        assert_eq!(sip.register(&crossed, 600).await, 401, "a's password is not b's");

        let ringing = sip.ring(&a101, Ringing::Answers);
        assert_eq!(sip.call(Some(&a102), "101", A).await, 200);
        finished(ringing, "a's 101").await;
        let ringing = sip.ring(&b101, Ringing::Answers);
        assert_eq!(sip.call(Some(&b102), "101", B).await, 200);
        finished(ringing, "b's 101").await;

        // Another tenant's extension is out of reach.
        assert_eq!(sip.call(Some(&a102), "101", B).await, 403);
        // Authenticating as 102 while claiming to be 101 (a forged From) is refused.
        assert_eq!(sip.call_as("101", &a102, "102", A).await, 403, "a forged From");
    }

    async fn phone_numbers_leave_through_the_gateway_where_the_dial_policy_allows(db: TestDb) {
        let (mut admin, sip) = world(&db).await;
        let alice = user(&mut admin, A, "101", json!({})).await;
        let gateway = sip.gateway_answers();
        assert_eq!(sip.call(Some(&alice), "+16125550150", A).await, 200);
        finished(gateway, "the carrier's gateway").await;
        // Ten digits are a North American number.
        let gateway = sip.gateway_answers();
        assert_eq!(sip.call(Some(&alice), "6125550151", A).await, 200);
        finished(gateway, "the carrier's gateway").await;
        // US & Canada: not abroad, not premium.
        assert_eq!(sip.call(Some(&alice), "+442079460958", A).await, 403);
        assert_eq!(sip.call(Some(&alice), "+19005550100", A).await, 403);
        // Internal: no numbers at all, from the next call.
        change(&mut admin, A, "101", json!({"dial-policy": "Internal"})).await;
        assert_eq!(sip.call(Some(&alice), "+16125550150", A).await, 403);
        change(&mut admin, A, "101", json!({"dial-policy": "International"})).await;
        let gateway = sip.gateway_answers();
        assert_eq!(sip.call(Some(&alice), "+442079460958", A).await, 200);
        finished(gateway, "the carrier's gateway").await;
    }
}

/// On Postgres, Kamailio's role reads the SIP views and keeps its registrations, and nothing
/// else: not the devices' clear passwords, not the accounts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kamailios_postgres_role_reads_only_the_sip_views() {
    use sqlx::Connection;
    let db = TestDb::postgres().await;
    let (mut admin, _sip) = world(&db).await;
    user(&mut admin, A, "101", json!({})).await;
    let (url, _) = server::sip::kamailio_database_url(&db.url, "roster_sip").unwrap();
    let mut kamailio = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect as roster_sip");
    let (ha1,): (String,) = sqlx::query_as(
        "SELECT ha1 FROM sip_subscribers WHERE username = '101' AND domain = 'a.example'",
    )
    .fetch_one(&mut kamailio)
    .await
    .unwrap();
    assert_eq!(ha1.len(), 32, "the digest hash is there");
    let (through_function,): (String,) =
        sqlx::query_as("SELECT ha1 FROM sip_credentials('101', 'a.example')")
            .fetch_one(&mut kamailio)
            .await
            .unwrap();
    assert_eq!(
        through_function, ha1,
        "the function Kamailio asks reads the view"
    );
    let nobody: Option<(String,)> =
        sqlx::query_as("SELECT ha1 FROM sip_credentials('101', 'b.example')")
            .fetch_optional(&mut kamailio)
            .await
            .unwrap();
    assert!(nobody.is_none(), "another domain's device is not this one");
    for forbidden in [
        "SELECT sip_password FROM devices",
        "SELECT login FROM accounts",
        "SELECT id FROM users",
    ] {
        let refused = sqlx::query(forbidden).fetch_all(&mut kamailio).await;
        let message = refused.expect_err(forbidden).to_string();
        assert!(
            message.contains("permission denied"),
            "{forbidden}: {message}"
        );
    }
    let written = sqlx::query("DELETE FROM sip_location WHERE username = 'nobody'")
        .execute(&mut kamailio)
        .await;
    assert!(written.is_ok(), "it keeps its registrations: {written:?}");
}
