//! A domain's phone numbers, for the portal's numbers page: the inventory (available or ringing
//! whom), ranges added, numbers sent to a user or made available, and numbers released.

use crate::error::AppError;
use crate::model::dids::{NumberList, NumberRangeForm};
#[cfg(feature = "ssr")]
use crate::{model::done::Done, ssr::request::act_on_domain};
use leptos::prelude::*;

/// The numbers page, under its domain's address.
#[cfg(feature = "ssr")]
const PAGE: &str = "phonenumbers";

/// Numbers shown per page.
pub const NUMBERS_PER_PAGE: u32 = 100;

/// One page of the numbers of a domain the caller may see, matching `search` (part of a number
/// or of an extension), from the `start`-th.
#[server(endpoint = "list-numbers")]
pub async fn list_numbers(
    domain: String,
    search: String,
    start: u32,
) -> Result<NumberList, AppError> {
    use crate::model::dids::NumberQuery;
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let query = NumberQuery {
                search,
                start,
                limit: NUMBERS_PER_PAGE,
                ..NumberQuery::default()
            };
            crate::ssr::phone_numbers::list_numbers(&state.db, &caller, &name, &query).await
        }
        .await,
    )
}

/// Adds a run of consecutive numbers to the domain: all of them or none.
#[server(endpoint = "add-numbers")]
pub async fn add_numbers(domain: String, input: NumberRangeForm) -> Result<(), AppError> {
    act_on_domain(
        &domain,
        PAGE,
        Done::NumbersAdded,
        |state, caller, name| async move {
            crate::ssr::phone_numbers::create_range(&state.db, &caller, &name, &input)
                .await
                .map_err(|e| e.with_input(&input))
        },
    )
    .await
}

/// Sends the number `number` to the user or call queue with the extension `user`, or makes it
/// available when `user` is blank; the rest of its dial rule stays as it is.
#[server(endpoint = "route-number")]
pub async fn route_number(domain: String, number: String, user: String) -> Result<(), AppError> {
    use crate::model::dids::PhoneNumberForm;
    use crate::ssr::phone_numbers::{application_for, get_number, update_number};
    act_on_domain(
        &domain,
        PAGE,
        Done::NumberRouted,
        |state, caller, name| async move {
            let current = get_number(&state.db, &caller, &name, &number).await?;
            let application = application_for(&state.db, &name, &user).await?;
            let form = PhoneNumberForm {
                dial_rule_application: application.as_str().to_owned(),
                dial_rule_translation_destination_user: user,
                ..PhoneNumberForm::from(&current)
            };
            update_number(&state.db, &caller, &name, &number, &form).await
        },
    )
    .await
}

/// Releases the number `number`: the domain no longer has it.
#[server(endpoint = "release-number")]
pub async fn release_number(domain: String, number: String) -> Result<(), AppError> {
    act_on_domain(
        &domain,
        PAGE,
        Done::NumberReleased,
        |state, caller, name| async move {
            crate::ssr::phone_numbers::delete_number(&state.db, &caller, &name, &number).await
        },
    )
    .await
}
