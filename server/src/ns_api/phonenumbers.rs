//! `/domains/{domain}/phonenumbers`: the domain's phone numbers (DIDs): list, count, create,
//! read, change (move to another user or back to available, enable or disable, describe),
//! delete; and `/phonenumbers`: the numbers of every domain the caller manages.
//!
//! Roster routes a number to a user (`to-user`) or a call queue (`to-callqueue`) of its domain,
//! or keeps it as available (`available-number`); NetSapiens' other dial-rule applications are
//! refused (400) as not supported by Roster. A
//! disabled number (`enabled: no`) does not ring. The rest of the dial rule (parameter,
//! translation host and caller's name, description) is kept and shown; the host can only be the
//! number's own domain.

use super::extract::{ApiCaller, JsonObject, Params};
use super::idempotency::{self, Retry};
use super::problem::{ApiResult, Problem};
use super::users::{descending, window};
use super::{changed, domain_name, listed, Count};
use app::model::dids::{NumberOrder, NumberQuery, PhoneNumberForm};
use app::model::json_form::{text_of_value, Shape};
use app::model::{DomainName, Parse, PhoneNumber};
use app::ssr::{phone_numbers, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_numbers, create_number, update_number_in_body))
        .routes(routes!(count_numbers))
        .routes(routes!(get_number, update_number, delete_number))
        .routes(routes!(list_all_numbers))
        .routes(routes!(count_all_numbers))
}

/// `domain` is checked against the path (see [`own_domain`]), `synchronous` read apart.
const SHAPE: Shape = Shape {
    lists: &[],
    aliases: &[],
    skip: &["synchronous", DOMAIN],
};

const DOMAIN: &str = "domain";

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
    /// yes or no: a disabled number does not ring.
    enabled: String,
    domain: String,
    /// to-user, to-callqueue or available-number.
    dial_rule_application: String,
    /// Kept and shown (blank by default).
    dial_rule_parameter: String,
    /// The extension the number rings (to-user: a user's; to-callqueue: a call queue's); `[*]`
    /// when available.
    dial_rule_translation_destination_user: String,
    /// `[*]` (the default), `<OwnDomain>` or the domain's own name: kept and shown.
    dial_rule_translation_destination_host: String,
    /// `[*]` (the default: the caller's own name) or a caller ID name: kept and shown.
    dial_rule_translation_source_name: String,
    /// 0 to 255 characters: kept and shown.
    dial_rule_description: String,
    /// When it was added (RFC 3339, UTC).
    #[schema(format = DateTime)]
    created_datetime: String,
}

/// What `POST /phonenumbers` and `PUT /phonenumbers[/{phonenumber}]` take. Unknown members are
/// refused.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schema(as = PhoneNumberInput)]
#[allow(dead_code)]
struct NumberInputDoc {
    /// The number, E.164 (`+16125550100`) or NetSapiens' digits (`16125550100`). Required on
    /// create and on `PUT /phonenumbers` (the number to change); on `PUT
    /// /phonenumbers/{phonenumber}`, the number itself if given.
    phonenumber: String,
    /// yes (the default) or no: a disabled number does not ring.
    enabled: Option<String>,
    /// The domain of the path, if given (a number read and sent back); another is refused.
    domain: Option<String>,
    /// to-user, to-callqueue or available-number (NetSapiens' other applications: 400). Without
    /// it, a number
    /// with a destination user rings that user, one without (or with `[*]`) is available.
    dial_rule_application: Option<String>,
    /// Up to 255 characters, kept (`<NULL>`: blank).
    dial_rule_parameter: Option<String>,
    /// The extension of a user of this domain, for to-user; of a call queue of this domain, for
    /// to-callqueue (ignored for available-number, where NetSapiens sends `[*]`).
    dial_rule_translation_destination_user: Option<String>,
    /// `[*]` (the default), `<OwnDomain>` or this domain's name: Roster routes numbers only
    /// inside their domain.
    dial_rule_translation_destination_host: Option<String>,
    /// `[*]` (the default) or a caller ID name (1 to 35 characters), kept.
    dial_rule_translation_source_name: Option<String>,
    /// Up to 255 characters, kept.
    dial_rule_description: Option<String>,
    /// `yes`: answer 200 with the number; otherwise 202.
    synchronous: Option<String>,
}

/// Refuses a body whose `domain` is not the domain of the path (a number read from one domain
/// and sent to another's path).
fn own_domain(body: &JsonObject, name: &DomainName) -> Result<(), Problem> {
    let Some(value) = body.map.get(DOMAIN) else {
        return Ok(());
    };
    match text_of_value(value, false).map(|text| DomainName::parse(&text)) {
        Ok(Ok(sent)) if &sent == name => Ok(()),
        _ => Err(Problem::field(
            StatusCode::BAD_REQUEST,
            DOMAIN,
            &format!("The domain of the path: {name}."),
        )),
    }
}

fn query(params: &Params) -> Result<NumberQuery, Problem> {
    let (start, limit) = window(params)?;
    let order = match params.text("order").map(str::trim) {
        None | Some("" | "phonenumber") => NumberOrder::Number,
        Some(DESTINATION | "user") => NumberOrder::User,
        Some("created-datetime" | "created-at") => NumberOrder::CreatedAt,
        Some(_) => {
            return Err(Problem::field(
                StatusCode::BAD_REQUEST,
                "order",
                "phonenumber, user or created-datetime.",
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
        ("order" = Option<String>, Query, description = "phonenumber (the default), user or created-datetime."),
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
        own_domain(&body, &name)?;
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
/// available (`dial-rule-application: available-number`), enable or disable it, or change the
/// rest of its dial rule. Members left out keep their values; a destination user sent alone
/// means to-user (`[*]` alone: available).
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
    body: JsonObject,
) -> ApiResult<Response> {
    update(&state, &caller, &domain, &number, body).await
}

/// Change a phone number named in the body (`phonenumber`, required): as
/// `PUT /domains/{domain}/phonenumbers/{phonenumber}` does.
#[utoipa::path(put, path = "/domains/{domain}/phonenumbers", tag = "Phone numbers", operation_id = "UpdatePhoneNumberInBody",
    params(("domain" = String, Path, description = "The domain's name, or ~.")),
    request_body(content = NumberInputDoc, content_type = "application/json"),
    responses(
        (status = 200, description = "Updated (synchronous: yes).", body = NumberDoc),
        (status = 202, description = "Updated.", body = super::Accepted),
    ))]
async fn update_number_in_body(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(domain): Path<String>,
    body: JsonObject,
) -> ApiResult<Response> {
    let named = body.map.get("phonenumber").map(|v| text_of_value(v, false));
    let number = match named {
        Some(Ok(text)) if !text.trim().is_empty() => PhoneNumber::parse(&text)
            .map_err(|e| Problem::field(StatusCode::BAD_REQUEST, "phonenumber", &e.0))?,
        _ => {
            return Err(Problem::field(
                StatusCode::BAD_REQUEST,
                "phonenumber",
                "Required: the number to change.",
            ))
        }
    };
    update(&state, &caller, &domain, number.as_str(), body).await
}

/// The change of the number `number` (as written in a path) that `body` asks for: the members
/// it sends over the number's current values.
async fn update(
    state: &AppState,
    caller: &ApiCaller,
    domain: &str,
    number: &str,
    mut body: JsonObject,
) -> ApiResult<Response> {
    let name = domain_name(caller, domain)?;
    let (_, sync) = body.form_and_sync::<PhoneNumberForm>(SHAPE)?;
    own_domain(&body, &name)?;
    body.map.remove(DOMAIN);
    let current = phone_numbers::get_number(&state.db, caller, &name, number).await?;
    let mut form = PhoneNumberForm::from(&current);
    body.overlay(&mut form)?;
    let given = |field: &str| body.map.contains_key(field);
    if given(DESTINATION) && !given(APPLICATION) {
        // "Send Phonenumber to a User": a user alone means the number rings it; `[*]` alone
        // (nobody) makes it available.
        form.dial_rule_application = String::new();
    }
    let updated = phone_numbers::update_number(&state.db, caller, &name, number, &form).await?;
    Ok(changed(sync, updated))
}

/// List the phone numbers of every domain the caller manages: all of them for a Super User,
/// its reseller's for a Reseller, its own domain's for an Office Manager (a Site Manager: those
/// ringing its site's users). Each carries its `domain`.
#[utoipa::path(get, path = "/phonenumbers", tag = "Phone numbers", operation_id = "ListAllPhoneNumbers",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)."),
        ("start" = Option<u32>, Query, description = "How many to skip (NetSapiens)."),
        ("offset" = Option<u32>, Query, description = "How many to skip (XiVO)."),
        ("search" = Option<String>, Query, description = "Part of the number or of the destination user's extension."),
        ("order" = Option<String>, Query, description = "phonenumber (the default), user or created-datetime."),
        ("direction" = Option<String>, Query, description = "asc or desc."),
    ),
    responses((status = 200, description = "A page of numbers; the number matching in X-Total-Count.",
        body = Vec<NumberDoc>, headers(("x-total-count" = u64)))))]
async fn list_all_numbers(
    State(state): State<AppState>,
    caller: ApiCaller,
    params: Params,
) -> ApiResult<Response> {
    let list = phone_numbers::list_all_numbers(&state.db, &caller, &query(&params)?).await?;
    Ok(listed(list.total, list.items))
}

/// Count the phone numbers of every domain the caller manages (as `GET /phonenumbers` lists them).
#[utoipa::path(get, path = "/phonenumbers/count", tag = "Phone numbers", operation_id = "CountAllPhoneNumbers",
    params(("search" = Option<String>, Query, description = "Part of the number or of the destination user's extension.")),
    responses((status = 200, description = "How many numbers match.", body = Count)))]
async fn count_all_numbers(
    State(state): State<AppState>,
    caller: ApiCaller,
    params: Params,
) -> ApiResult<Json<Count>> {
    let query = NumberQuery {
        limit: 1,
        ..query(&params)?
    };
    let list = phone_numbers::list_all_numbers(&state.db, &caller, &query).await?;
    Ok(Json(Count { total: list.total }))
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
