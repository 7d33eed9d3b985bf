//! A domain's shared time frames, for the portal's time-frames page: list them (each told in
//! words, with its week grid filled in where the grid can show it), add one from the grid, save
//! one from it, delete one (refused while an answer rule names it). The plain functions behind
//! the API check the permission table; the grid is read by the API's own reader
//! ([`WeekForm::parse`]), so both refuse the same things in the same words.

use crate::error::AppError;
use crate::model::time_frame::{FrameSummary, WeekForm};
#[cfg(feature = "ssr")]
use crate::model::{done::Done, time_frame::TimeFrame};
use leptos::prelude::*;

/// The time frames page, under its domain's address.
#[cfg(feature = "ssr")]
const PAGE: &str = "timeframes";

#[cfg(feature = "ssr")]
use crate::ssr::time_frames::FrameOwner;

#[cfg(feature = "ssr")]
fn summary(frame: &TimeFrame) -> FrameSummary {
    FrameSummary::of(frame.id, frame.name.as_str(), &frame.definition)
}

/// The domain's shared frames, by name.
#[server(endpoint = "list-time-frames")]
pub async fn list_time_frames(domain: String) -> Result<Vec<FrameSummary>, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let frames = crate::ssr::time_frames::list_time_frames(
                &state.db,
                &caller,
                &name,
                FrameOwner::Domain,
            )
            .await?;
            Ok(frames.iter().map(summary).collect())
        }
        .await,
    )
}

/// One shared frame of the domain, for its page.
#[server(endpoint = "open-time-frame")]
pub async fn open_time_frame(domain: String, id: String) -> Result<FrameSummary, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let frame = crate::ssr::time_frames::get_time_frame(
                &state.db,
                &caller,
                &name,
                FrameOwner::Domain,
                &id,
            )
            .await?;
            Ok(summary(&frame))
        }
        .await,
    )
}

/// The address of the shared frame `id`'s page in `domain`.
pub fn frame_page(domain: &str, id: i64) -> String {
    format!("/domains/{domain}/timeframes/{id}")
}

/// Adds the frame the grid describes to the domain's shared frames.
#[server(endpoint = "create-time-frame")]
pub async fn create_time_frame(domain: String, input: WeekForm) -> Result<(), AppError> {
    crate::ssr::request::act_on_domain(
        &domain,
        PAGE,
        Done::TimeFrameCreated,
        |state, caller, name| async move {
            let new = input
                .parse()
                .map_err(|e| AppError::invalid(e).with_input(&input))?;
            crate::ssr::time_frames::create_time_frame(
                &state.db,
                &caller,
                &name,
                FrameOwner::Domain,
                &new,
            )
            .await
            .map_err(|e| e.with_input(&input))
        },
    )
    .await
}

/// Makes the shared frame `id` what the grid shows: its name, its kind and its days.
#[server(endpoint = "save-time-frame")]
pub async fn save_time_frame(domain: String, id: String, input: WeekForm) -> Result<(), AppError> {
    crate::ssr::request::act_on_domain(
        &domain,
        PAGE,
        Done::TimeFrameSaved,
        |state, caller, name| async move {
            let change = input
                .change()
                .map_err(|e| AppError::invalid(e).with_input(&input))?;
            crate::ssr::time_frames::update_time_frame(
                &state.db,
                &caller,
                &name,
                FrameOwner::Domain,
                &id,
                &change,
            )
            .await
            .map_err(|e| e.with_input(&input))
        },
    )
    .await
}

/// Deletes the shared frame `id`, unless an answer rule names it.
#[server(endpoint = "delete-time-frame")]
pub async fn delete_time_frame(domain: String, id: String) -> Result<(), AppError> {
    crate::ssr::request::act_on_domain(
        &domain,
        PAGE,
        Done::TimeFrameDeleted,
        |state, caller, name| async move {
            crate::ssr::time_frames::delete_time_frame(
                &state.db,
                &caller,
                &name,
                FrameOwner::Domain,
                &id,
            )
            .await
        },
    )
    .await
}
