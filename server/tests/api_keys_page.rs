//! The API keys page's server functions, through the real router, on both databases: a key made
//! in the portal shows its token once (from the session), works as a bearer token, is listed
//! without its secret, and stops working when revoked; bad fields are named, with what was typed.

mod common;

use app::api::api_keys::{CreateApiKey, DeleteApiKey, ListApiKeys, TakeApiKeyToken};
use app::error::AppError;
use app::model::api_key::ApiKeyForm;
use axum::body::Body;
use axum::http::{header, Request};
use common::{logged_in_super_user, path, Client};

/// `GET /ns-api/v2/domains` with a bearer token: its status.
async fn domains_with(client: &mut Client, token: &str) -> u16 {
    let request = Request::get("/ns-api/v2/domains")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    client.send(request).await.status.as_u16()
}

on_both_backends! {
    async fn a_key_made_in_the_portal_shows_its_token_once_works_and_is_revoked(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let made = client.call(path::<CreateApiKey>(), &[
            ("input[description]", "Provisioning from the CRM"), ("input[user-scope]", "Super User"),
            ("input[domain]", "*"), ("input[readonly]", "no"), ("input[ip-address]", ""),
        ]).await;
        assert_eq!(made.status, 200, "{}", made.body);
        let key_id = made.json()["key-id"].as_str().unwrap().to_owned();
        assert!(!made.body.contains("rk_"), "the answer itself carries no token");
        assert_eq!(made.location(), Some(format!("/api-keys?created={key_id}").as_str()));

        let other = client.call(path::<TakeApiKeyToken>(), &[("key_id", "0123456789abcdef")]).await;
        assert_eq!(other.json(), serde_json::Value::Null, "only the key just made");
        let token = client.call(path::<TakeApiKeyToken>(), &[("key_id", &key_id)]).await.json();
        let token = token.as_str().expect("the token, once").to_owned();
        assert!(token.starts_with("rk_"), "{token}");
        let again = client.call(path::<TakeApiKeyToken>(), &[("key_id", &key_id)]).await;
        assert_eq!(again.json(), serde_json::Value::Null, "shown once");

        assert_eq!(domains_with(&mut client, &token).await, 200);
        let listed = client.call(path::<ListApiKeys>(), &[]).await;
        assert_eq!(listed.json()[0]["description"], "Provisioning from the CRM");
        assert!(!listed.body.contains(&token[3..]), "the list never shows a secret");

        let revoked = client.call(path::<DeleteApiKey>(), &[("key_id", &key_id)]).await;
        assert_eq!(revoked.status, 200, "{}", revoked.body);
        assert_eq!(domains_with(&mut client, &token).await, 401, "a revoked key stops working");
        assert_eq!(client.call(path::<ListApiKeys>(), &[]).await.json(), serde_json::json!([]));
        assert_eq!(client.call(path::<DeleteApiKey>(), &[("key_id", &key_id)]).await.status, 404);
    }

    async fn a_refused_key_names_its_fields_and_echoes_what_was_typed(t: TestDb) {
        let mut client = logged_in_super_user(&t.db).await;
        let refused = client.call(path::<CreateApiKey>(), &[
            ("input[description]", "short"), ("input[user-scope]", "Super User"),
            ("input[domain]", "~"), ("input[ip-address]", "300.1.1.1"),
        ]).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        let error: AppError = serde_json::from_str(&refused.body).unwrap();
        for field in ["description", "ip-address"] {
            assert!(error.message_for(field).is_some(), "{field}: {}", refused.body);
        }
        assert_eq!(error.input::<ApiKeyForm>().unwrap().ip_address, "300.1.1.1");
        let anonymous = Client::new(&t.db).call(path::<ListApiKeys>(), &[]).await;
        assert_eq!(anonymous.status, 401);
    }
}
