//! `/domains/{domain}/phonenumbers`: the domain's phone numbers (DIDs): list, count, create,
//! read, move (to another user or back to available), delete.
//!
//! Roster routes a number to a user (`to-user`) or keeps it as available (`available-number`);
//! NetSapiens' other dial-rule applications are refused (422) as not supported by Roster.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use super::users::{descending, window};
use super::{changed, domain_name, listed, Count};
use app::model::dids::{NumberOrder, NumberQuery, PhoneNumberForm};
use app::model::json_form::Shape;
use app::ssr::{phone_numbers, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_numbers, create_number))
        .routes(routes!(count_numbers))
        .routes(routes!(get_number, update_number, delete_number))
}

const SHAPE: Shape = Shape {
    lists: &[],
    aliases: &[],
    skip: &["synchronous"],
};

const APPLICATION: &str = "dial-rule-application";
const DESTINATION: &str = "dial-rule-translation-destination-user";

/// A phone number of a domain.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = PhoneNumber)]
#[allow(dead_code)]
struct NumberDoc {
    /// E.164: `+16125550100`.
    phonenumber: String,
    domain: String,
    /// to-user or available-number.
    dial_rule_application: String,
    /// The extension the number rings (to-user); null when available.
    dial_rule_translation_destination_user: Option<String>,
    /// Unix milliseconds.
    created_at: i64,
}

/// What `POST /phonenumbers` and `PUT /phonenumbers/{phonenumber}` take. Unknown members are
/// refused.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schema(as = PhoneNumberInput)]
#[allow(dead_code)]
struct NumberInputDoc {
    /// The number, E.164 (`+16125550100`) or NetSapiens' digits (`16125550100`). Required on
    /// create; on update, the number itself if given.
    phonenumber: String,
    /// to-user or available-number (NetSapiens' other applications: 422). Without it, a number
    /// with a destination user rings that user, one without is available.
    dial_rule_application: Option<String>,
    /// The extension of a user of this domain, for to-user (ignored for available-number).
    dial_rule_translation_destination_user: Option<String>,
    /// `yes`: answer 200 with the number; otherwise 202.
    synchronous: Option<String>,
}

fn query(params: &Params) -> Result<NumberQuery, Problem> {
    let (start, limit) = window(params)?;
    let order = match params.text("order").map(str::trim) {
        None | Some("" | "phonenumber") => NumberOrder::Number,
        Some(DESTINATION | "user") => NumberOrder::User,
        Some("created-at") => NumberOrder::CreatedAt,
        Some(_) => {
            return Err(Problem::field(
                StatusCode::BAD_REQUEST,
                "order",
                "phonenumber, user or created-at.",
            ))
        }
    };
    Ok(NumberQuery {
        search: params.text("search").unwrap_or_default().trim().to_owned(),
        order,
        descending: descending(params)?,
        start,
        limit,
    })
}

/// List the phone numbers of a domain.
#[utoipa::path(get, path = "/domains/{domain}/phonenumbers", tag = "Phone numbers", operation_id = "ListPhoneNumbers",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the number or of the destination user's extension."),
        ("order" = Option<String>, Query, description = "phonenumber (the default), user or created-at."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
    ),
    responses((status = 200, description = "A page of numbers; the number matching in X-Total-Count.",
        body = Vec<NumberDoc>, headers(("x-total-count" = u64)))))]
async fn list_numbers(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let list = phone_numbers::list_numbers(&state.db, &caller, &name, &query(&params)?).await?;
    Ok(listed(list.total, list.items))
}

/// Count the phone numbers of a domain.
#[utoipa::path(get, path = "/domains/{domain}/phonenumbers/count", tag = "Phone numbers", operation_id = "CountPhoneNumbers",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("search" = Option<String>, Query, description = "Part of the number or of the destination user's extension."),
    ),
    responses((status = 200, description = "How many numbers match.", body = Count)))]
async fn count_numbers(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    params: Params,
) -> ApiResult<Json<Count>> {
    let name = domain_name(&caller, &domain)?;
    let query = NumberQuery {
        limit: 1,
        ..query(&params)?
    };
    let list = phone_numbers::list_numbers(&state.db, &caller, &name, &query).await?;
    Ok(Json(Count { total: list.total }))
}

/// Add a phone number to a domain, ringing a user or available. A number that exists anywhere
/// is a conflict (409 "Phone number already exists").
#[utoipa::path(post, path = "/domains/{domain}/phonenumbers", tag = "Phone numbers", operation_id = "CreatePhoneNumber",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer."),
    ),
    request_body(content = NumberInputDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Created (synchronous: yes).", body = NumberDoc),
        (status = 202, description = "Created.", body = super::Accepted),
    ))]
async fn create_number(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    retry: Retry,
    mut body: JsonObject,
) -> Response {
    let raw = body.raw.clone();
    idempotency::once(&state, &caller, &retry, &raw, || async {
        let name = domain_name(&caller, &domain)?;
        let (form, sync) = body.form_and_sync::<PhoneNumberForm>(SHAPE)?;
        let created = phone_numbers::create_number(&state.db, &caller, &name, &form).await?;
        Ok::<_, Problem>(changed(sync, created))
    })
    .await
}

/// Read a phone number.
#[utoipa::path(get, path = "/domains/{domain}/phonenumbers/{phonenumber}", tag = "Phone numbers", operation_id = "GetPhoneNumber",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("phonenumber" = String, Path, description = "The number: +16125550100 or 16125550100."),
    ),
    responses((status = 200, description = "The number.", body = NumberDoc)))]
async fn get_number(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    Path((domain, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let number = phone_numbers::get_number(&state.db, &caller, &name, &number).await?;
    Ok(super::fresh(&headers, &number))
}

/// Send a phone number to another user (`dial-rule-translation-destination-user`), or back to
/// available (`dial-rule-application: available-number`). Members left out keep their values;
/// a destination user sent alone means to-user.
#[utoipa::path(put, path = "/domains/{domain}/phonenumbers/{phonenumber}", tag = "Phone numbers", operation_id = "UpdatePhoneNumber",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("phonenumber" = String, Path, description = "The number: +16125550100 or 16125550100."),
    ),
    request_body(content = NumberInputDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = NumberDoc),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_number(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, number)): Path<(String, String)>,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    let (sent, sync) = body.form_and_sync::<PhoneNumberForm>(SHAPE)?;
    let current = phone_numbers::get_number(&state.db, &caller, &name, &number).await?;
    let mut form = PhoneNumberForm::from(&current);
    let given = |field: &str| body.map.contains_key(field);
    if given("phonenumber") {
        form.phonenumber = sent.phonenumber;
    }
    if given(DESTINATION) {
        form.dial_rule_translation_destination_user = sent.dial_rule_translation_destination_user;
        // "Send Phonenumber to a User": a user alone means the number rings it.
        if !given(APPLICATION) {
            form.dial_rule_application = "to-user".to_owned();
        }
    }
    if given(APPLICATION) {
        form.dial_rule_application = sent.dial_rule_application;
    }
    let updated = phone_numbers::update_number(&state.db, &caller, &name, &number, &form).await?;
    Ok(changed(sync, updated))
}

/// Delete a phone number (from the user it rings, if any).
#[utoipa::path(delete, path = "/domains/{domain}/phonenumbers/{phonenumber}", tag = "Phone numbers", operation_id = "DeletePhoneNumber",
    params(
        ("domain" = String, Path, description = "The domain's name, or ~."),
        ("phonenumber" = String, Path, description = "The number: +16125550100 or 16125550100."),
    ),
    responses((status = 202, description = "Deleted.", body = super::Accepted)))]
async fn delete_number(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((domain, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    let name = domain_name(&caller, &domain)?;
    phone_numbers::delete_number(&state.db, &caller, &name, &number).await?;
    Ok(super::accepted())
}
