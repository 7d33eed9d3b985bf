//! What every API handler takes from the request: who is calling, a JSON body, list parameters.

use super::problem::Problem;
use app::ssr::api_keys::{self, Refused};
use app::ssr::caller::{self, Caller, ClientAddress};
use app::ssr::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::{header, request::Parts, Method, StatusCode};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The caller of an API request: the account behind a `Bearer` API key, or the portal session's
/// (the portal's own pages call the API with their cookie).
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub caller: Caller,
    /// Who owns what this caller sends with an Idempotency-Key (`key:<id>` or `account:<id>`).
    pub owner: String,
}

impl std::ops::Deref for ApiCaller {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

fn unauthorized() -> Problem {
    Problem::from(app::error::AppError::Unauthenticated)
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let address = parts.extensions.get::<ClientAddress>().map(|a| a.0);
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .ok_or_else(unauthorized)?;
            return match api_keys::bearer(&state.db, token, address).await? {
                Err(Refused::Unknown) => Err(unauthorized()),
                Err(Refused::Address) => Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "This API key may not be used from your address.",
                )),
                Ok(key) if key.read_only && !is_read(&parts.method) => Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "This API key is read-only: it may only read (GET).",
                )),
                // The route's model, by the path it is declared with: a key limited to some
                // models uses only their routes.
                Ok(key) if !key.models.allows(route_model(parts)) => Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    format!(
                        "This API key may not use this route: its allowed-models do not include {}.",
                        route_model(parts).unwrap_or("its model")
                    ),
                )),
                Ok(key) => Ok(Self {
                    owner: format!(
                        "key:{}",
                        key.caller.key.as_ref().map_or("", |k| k.key_id.as_str())
                    ),
                    caller: key.caller,
                }),
            };
        }
        let session = tower_sessions::Session::from_request_parts(parts, state)
            .await
            .map_err(|_| unauthorized())?;
        let address = address.map(|a| a.to_string()).unwrap_or_default();
        let caller = caller::from_session(&state.db, &session, &state.sessions, address)
            .await?
            .ok_or_else(unauthorized)?;
        Ok(Self {
            owner: format!("account:{}", caller.account_id),
            caller,
        })
    }
}

/// The caller of a vendor's API (Wazo, XiVO, Servetel): authenticated as [`ApiCaller`] is, its
/// refusals answered in that vendor's error shape `E`.
pub struct VendorCaller<E>(pub ApiCaller, std::marker::PhantomData<fn() -> E>);

impl<E> FromRequestParts<AppState> for VendorCaller<E>
where
    E: From<Problem> + axum::response::IntoResponse,
{
    type Rejection = E;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, E> {
        ApiCaller::from_request_parts(parts, state)
            .await
            .map(|caller| Self(caller, std::marker::PhantomData))
            .map_err(E::from)
    }
}

/// The header naming the domain a request to XiVO's or Servetel's API acts in, for a caller that
/// may manage several (neither API has tenants of its own; Wazo's names it `Wazo-Tenant`).
pub const DOMAIN_HEADER: &str = "x-roster-domain";

/// The domain a vendor's API request acts in, by the rule all of them follow: the one `header`
/// names, else the caller's own; `None` when there is neither (a Super User or Reseller must
/// name one). Whether the caller may act in it is the core's question, asked with the domain.
pub fn domain_named<'a>(
    caller: &'a Caller,
    headers: &'a axum::http::HeaderMap,
    header: &str,
) -> Option<&'a str> {
    headers
        .get(header)
        .map(|v| v.to_str().map(str::trim).unwrap_or_default())
        .filter(|v| !v.is_empty())
        .or(caller.domain.as_deref())
}

/// The model (`allowed-models`) of the route a request matched.
fn route_model(parts: &Parts) -> Option<&'static str> {
    parts
        .extensions
        .get::<MatchedPath>()
        .and_then(|path| super::keys::route_model(path.as_str()))
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request's `Content-Type` is `essence` (parameters such as `charset` aside).
pub fn content_type_is(headers: &axum::http::HeaderMap, essence: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case(essence)
                || (essence == "application/json"
                    && v.len() > 5
                    && v.to_ascii_lowercase().starts_with("application/")
                    && v.to_ascii_lowercase().ends_with("+json"))
        })
}

pub fn unsupported(expected: &str) -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("Send the body as {expected}."),
    )
}

/// A JSON value in which no object gives one key twice: serde_json would keep the last silently,
/// so that what a proxy or a log reads of a body and what Roster acts on could differ.
struct Unique(Value);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "\"{key}\" is given twice"
                )));
            }
            let Unique(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A JSON object body. Not JSON: 415; malformed (a key given twice included): 400; not an
/// object: 400. The raw bytes are kept for the Idempotency-Key check.
#[derive(Debug, Clone)]
pub struct JsonObject {
    pub map: Map<String, Value>,
    pub raw: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !content_type_is(req.headers(), "application/json") {
            return Err(unsupported("application/json"));
        }
        let raw = Bytes::from_request(req, state).await.map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            )
        })?;
        Self::parse(raw)
    }
}

impl JsonObject {
    /// A JSON object from a body already read (its `Content-Type` checked), with the same
    /// refusals as the extractor: for a route whose body is optional (a DELETE that may name
    /// what it deletes).
    pub fn parse(raw: Bytes) -> Result<Self, Problem> {
        let value = serde_json::from_slice::<Unique>(&raw)
            .map(|u| u.0)
            .map_err(|e| {
                Problem::field(
                    StatusCode::BAD_REQUEST,
                    "body",
                    &format!("Malformed JSON: {e}."),
                )
            })?;
        match value {
            Value::Object(map) => Ok(Self { map, raw }),
            _ => Err(Problem::field(
                StatusCode::BAD_REQUEST,
                "body",
                "Must be a JSON object.",
            )),
        }
    }
}

impl JsonObject {
    /// Takes the member `name` out of the body (a flag such as `synchronous`), as text.
    pub fn take_text(&mut self, name: &str) -> Result<Option<String>, Problem> {
        match self.map.remove(name) {
            None => Ok(None),
            Some(value) => app::model::json_form::text_of_value(&value, false)
                .map(Some)
                .map_err(|m| Problem::field(StatusCode::BAD_REQUEST, name, m)),
        }
    }
}

impl JsonObject {
    /// The body as the form `T` and its `synchronous` flag, or every problem with both at once
    /// (unknown members and wrongly typed values each named).
    pub fn form_and_sync<T>(
        &mut self,
        shape: app::model::json_form::Shape<'_>,
    ) -> Result<(T, bool), Problem>
    where
        T: Default + serde::Serialize + serde::de::DeserializeOwned,
    {
        let sync = self.take_text("synchronous").and_then(super::synchronous);
        let form = app::model::json_form::form_from_json::<T>(&self.map, shape);
        match (form, sync) {
            (Ok(form), Ok(sync)) => Ok((form, sync)),
            (form, sync) => {
                let mut errors = app::model::FieldErrors::default();
                if let Err(p) = sync {
                    for e in p.errors {
                        errors.add(e.field, e.message);
                    }
                }
                if let Err(e) = form {
                    errors.0.extend(e.0);
                }
                Err(Problem::from(errors))
            }
        }
    }
}

impl JsonObject {
    /// Writes the members this body sends over `form` (a partial update of a small form such as
    /// a device's or a site's), refusing unknown members and `synchronous` aside.
    pub fn overlay<T>(&self, form: &mut T) -> Result<(), Problem>
    where
        T: Default + serde::Serialize + serde::de::DeserializeOwned,
    {
        let shape = app::model::json_form::Shape {
            skip: &["synchronous"],
            ..Default::default()
        };
        let sent = app::model::json_form::form_from_json::<T>(&self.map, shape)?;
        let (Ok(Value::Object(mut merged)), Ok(Value::Object(sent))) =
            (serde_json::to_value(&*form), serde_json::to_value(sent))
        else {
            return Err(app::error::AppError::Internal.into());
        };
        for name in self.map.keys() {
            if let Some(value) = sent.get(name) {
                merged.insert(name.clone(), value.clone());
            }
        }
        *form = serde_json::from_value(Value::Object(merged))
            .map_err(|_| app::error::AppError::Internal)?;
        Ok(())
    }
}

/// The query string as name → value (the last one wins). Parameters a route does not know are
/// ignored, as NetSapiens does.
#[derive(Debug, Clone, Default)]
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded_pairs(query).map_err(|_| {
            Problem::field(StatusCode::BAD_REQUEST, "query", "Malformed query string.")
        })?;
        Ok(Self(pairs.into_iter().collect()))
    }
}

fn serde_urlencoded_pairs(query: &str) -> Result<Vec<(String, String)>, ()> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{query}").parse().map_err(|_| ())?,
    )
    .map(|q| q.0)
    .map_err(|_| ())
}

impl Params {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A whole number in `min..=max`, or `default` when absent; a problem naming `name` otherwise.
    pub fn number(&self, name: &str, default: u32, min: u32, max: u32) -> Result<u32, Problem> {
        match self.text(name) {
            None | Some("") => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    Problem::field(
                        StatusCode::BAD_REQUEST,
                        name,
                        &format!("A whole number from {min} to {max}."),
                    )
                }),
        }
    }

    /// `yes`/`no`/`true`/`false`/`1`/`0`, or present without a value (`?deleteVoicemail`).
    pub fn flag(&self, name: &str) -> Result<bool, Problem> {
        match self.text(name).map(str::trim) {
            None | Some("no" | "false" | "0") => Ok(false),
            Some("" | "yes" | "true" | "1") => Ok(true),
            Some(_) => Err(Problem::field(
                StatusCode::BAD_REQUEST,
                name,
                "Either yes or no.",
            )),
        }
    }
}
