//! The security headers of every kind of answer: pages (a Content-Security-Policy whose nonce is
//! the one on the page's inline scripts), server functions, the API and its docs page.

mod common;

use axum::http::header;
use common::{logged_in_super_user, path, Client};

fn header<'a>(answer: &'a common::Answer, name: header::HeaderName) -> &'a str {
    answer
        .headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn common_headers(answer: &common::Answer) {
    assert_eq!(header(answer, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(answer, header::X_FRAME_OPTIONS), "DENY");
    assert_eq!(header(answer, header::REFERRER_POLICY), "same-origin");
    assert!(header(answer, header::CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'"));
    assert_eq!(header(answer, header::CACHE_CONTROL), "no-store");
}

on_both_backends! {
    async fn every_answer_carries_the_security_headers(t: TestDb) {
        let mut admin = logged_in_super_user(&t.db).await;
        // A page: its policy allows inline scripts only with this answer's nonce, and every
        // inline script of the page carries it.
        for page in ["/login", "/domains", "/set-password?token=abc"] {
            let answer = admin.get(page).await;
            common_headers(&answer);
            let policy = header(&answer, header::CONTENT_SECURITY_POLICY);
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap_or_else(|| panic!("{page}: no nonce in {policy}"));
            assert!(nonce.len() >= 16, "{nonce}");
            assert!(!policy.contains("unsafe-inline"), "{policy}");
            let scripts = answer.body.matches("<script").count();
            assert!(scripts > 0, "{page} has its hydration scripts");
            assert_eq!(answer.body.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "{page}: {}", answer.body);
            // A fresh nonce each time.
            let again = admin.get(page).await;
            assert!(!header(&again, header::CONTENT_SECURITY_POLICY).contains(nonce));
        }
        // A server function, and the API.
        let me = admin.call(path::<app::api::auth::Me>(), &[]).await;
        common_headers(&me);
        assert!(header(&me, header::CONTENT_SECURITY_POLICY).starts_with("default-src 'none'"));
        let mut anyone = Client::new(&t.db);
        let api = anyone.get("/ns-api/v2/domains").await;
        assert_eq!(api.status, 401);
        common_headers(&api);
        let docs = anyone.get("/ns-api/v2/docs").await;
        common_headers(&docs);
        assert!(header(&docs, header::CONTENT_SECURITY_POLICY).contains("style-src 'unsafe-inline'"));
        assert!(!header(&docs, header::CONTENT_SECURITY_POLICY).contains("script-src"));
    }
}
