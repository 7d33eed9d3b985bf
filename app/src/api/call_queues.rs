//! Call queues of a domain and their agents, for the portal's queue pages: list, create, change
//! and delete queues, add and remove agents, and log them in, out or pause them (as the
//! permission table's `ManageCallQueues` allows; the plain functions check it).

use crate::error::AppError;
use crate::model::call_queue::{AgentList, CallQueue, CallQueueForm, CallQueueList};
#[cfg(feature = "ssr")]
use crate::model::{
    call_queue::{AgentForm, AgentStatus, QueueChoice, QueueQuery, CALL_QUEUE_FIELDS},
    done::Done,
    fields::Patch,
    Parse,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The queues list, under its domain's address.
#[cfg(feature = "ssr")]
const PAGE: &str = "callqueues";

/// The most queues the page lists (a domain has a handful; NetSapiens' own portal pages none).
pub const QUEUES_SHOWN: u32 = 500;

/// The most agents a queue's page lists.
pub const AGENTS_SHOWN: u32 = 1000;

/// One queue for its page: its fields and counts, and its agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedQueue {
    pub queue: CallQueue,
    pub agents: AgentList,
}

/// The address of the queue `callqueue`'s page in `domain`.
pub fn queue_page(domain: &str, callqueue: &str) -> String {
    format!("/domains/{domain}/{}/{callqueue}", "callqueues")
}

/// The queues of a domain, by extension.
#[server(endpoint = "list-call-queues")]
pub async fn list_call_queues(domain: String) -> Result<CallQueueList, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let query = QueueQuery {
                limit: QUEUES_SHOWN,
                ..QueueQuery::default()
            };
            crate::ssr::call_queues::list_queues(&state.db, &caller, &name, &query).await
        }
        .await,
    )
}

/// One queue of a domain with its agents.
#[server(endpoint = "open-call-queue")]
pub async fn open_call_queue(domain: String, callqueue: String) -> Result<OpenedQueue, AppError> {
    crate::ssr::request::answer(
        async move {
            let (state, caller) = crate::ssr::request::current().await?;
            let name = crate::ssr::access::parse_name(&domain)?;
            let queue =
                crate::ssr::call_queues::get_queue(&state.db, &caller, &name, &callqueue).await?;
            let agents = crate::ssr::call_queues::list_agents(
                &state.db,
                &caller,
                &name,
                Some(&callqueue),
                0,
                AGENTS_SHOWN,
            )
            .await?;
            Ok(OpenedQueue { queue, agents })
        }
        .await,
    )
}

/// Adds a queue to the domain, then opens its page (where its agents are added).
#[server(endpoint = "create-call-queue")]
pub async fn create_call_queue(domain: String, input: CallQueueForm) -> Result<(), AppError> {
    let at = queue_page(&domain, input.callqueue.trim());
    crate::ssr::request::act_then_go(&at, Done::QueueCreated, |state, caller| async move {
        let name = crate::ssr::access::parse_name(&domain)?;
        crate::ssr::call_queues::create_queue(&state.db, &caller, &name, &input).await
    })
    .await
}

/// Saves every field of the queue `callqueue` as its page shows them (its extension aside, which
/// does not change), then goes back to the queues.
#[server(endpoint = "save-call-queue")]
pub async fn save_call_queue(
    domain: String,
    callqueue: String,
    input: CallQueueForm,
) -> Result<(), AppError> {
    crate::ssr::request::act_on_domain(
        &domain,
        PAGE,
        Done::QueueSaved,
        |state, caller, name| async move {
            let mut form = input.clone();
            form.callqueue = callqueue.clone();
            let patch = Patch::whole(CALL_QUEUE_FIELDS, &form);
            crate::ssr::call_queues::update_queue(&state.db, &caller, &name, &callqueue, &patch)
                .await
                .map_err(|e| e.with_input(&input))
        },
    )
    .await
}

/// Deletes the queue `callqueue` with its agents (their users stay).
#[server(endpoint = "delete-call-queue")]
pub async fn delete_call_queue(domain: String, callqueue: String) -> Result<(), AppError> {
    crate::ssr::request::act_on_domain(
        &domain,
        PAGE,
        Done::QueueDeleted,
        |state, caller, name| async move {
            crate::ssr::call_queues::delete_queue(&state.db, &caller, &name, &callqueue).await
        },
    )
    .await
}

/// Makes the user `agent` (its extension) an agent of the queue `callqueue`, logged in, with
/// every other agent setting's default.
#[server(endpoint = "add-call-queue-agent")]
pub async fn add_call_queue_agent(
    domain: String,
    callqueue: String,
    agent: String,
) -> Result<(), AppError> {
    let at = queue_page(&domain, &callqueue);
    crate::ssr::request::act_then_go(&at, Done::AgentAdded, |state, caller| async move {
        let name = crate::ssr::access::parse_name(&domain)?;
        let form = AgentForm::new_agent(agent.trim());
        crate::ssr::call_queues::add_agent(&state.db, &caller, &name, &callqueue, &form).await
    })
    .await
}

/// Takes the agent `agent` out of the queue `callqueue` (its user stays).
#[server(endpoint = "remove-call-queue-agent")]
pub async fn remove_call_queue_agent(
    domain: String,
    callqueue: String,
    agent: String,
) -> Result<(), AppError> {
    let at = queue_page(&domain, &callqueue);
    crate::ssr::request::act_then_go(&at, Done::AgentRemoved, |state, caller| async move {
        let name = crate::ssr::access::parse_name(&domain)?;
        crate::ssr::call_queues::remove_agent(&state.db, &caller, &name, &callqueue, &agent).await
    })
    .await
}

/// Logs the agent `agent` in or out of the queue `callqueue`, or pauses it (`status` as
/// NetSapiens spells it: `logged-in`, `logged-out`, `paused`, `onecall`).
#[server(endpoint = "set-call-queue-agent-status")]
pub async fn set_call_queue_agent_status(
    domain: String,
    callqueue: String,
    agent: String,
    status: String,
) -> Result<(), AppError> {
    let at = queue_page(&domain, &callqueue);
    crate::ssr::request::act_then_go(&at, Done::AgentStatusSet, |state, caller| async move {
        let name = crate::ssr::access::parse_name(&domain)?;
        let status = AgentStatus::parse(&status)
            .map_err(|e| AppError::invalid(crate::model::FieldErrors::one("status", e.0)))?;
        let queue = QueueChoice::One(callqueue);
        crate::ssr::call_queues::set_agent_status(&state.db, &caller, &name, &queue, &agent, status)
            .await
    })
    .await
}
