//! A domain's call queues: every queue with its dispatch type, agents and no-answer forward,
//! added here (then opened, to add its agents) and deleted (the page says its agents go with
//! it); one queue's page with every NetSapiens setting by section, and its agents, added,
//! logged in and out, paused and taken out. Plain forms: they work before (and without) the
//! WebAssembly.

use crate::api::call_queues::{
    list_call_queues, open_call_queue, queue_page, AddCallQueueAgent, CreateCallQueue,
    DeleteCallQueue, OpenedQueue, RemoveCallQueueAgent, SaveCallQueue, SetCallQueueAgentStatus,
};
use crate::components::{
    declared_field, form_summary, refusal_of, row_refusal, Confirm, ErrorNotice, Field, Page,
    RequiredNote,
};
use crate::model::call_queue::{
    Agent, AgentStatus, AgentUser, CallQueue, CallQueueForm, CallQueueList, QueueSection,
    CALL_QUEUE_FIELDS,
};
use crate::model::counted;
use crate::model::fields::FieldContext;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// What the list and the new-queue form show of a queue: what a manager sets first.
const FIRST_FIELDS: &[&str] = &[
    "callqueue",
    "description",
    "callqueue-dispatch-type",
    "forward-no-answer",
];

#[component]
pub fn CallQueuesPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let create = ServerAction::<CreateCallQueue>::new();
    let delete = ServerAction::<DeleteCallQueue>::new();
    let queues = Resource::new(
        move || (domain(), delete.version().get()),
        |(domain, _)| list_call_queues(domain),
    );
    view! {
        <Page title=format!("Call queues of {}", domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match queues.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(queues) => {
                            let d = domain();
                            view! {
                                <p class="actions">
                                    <A href=format!("/domains/{d}/users")>{format!("← Users of {d}")}</A>
                                </p>
                                <NewQueue domain=d.clone() create/>
                                <QueueTable domain=d queues delete/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn NewQueue(domain: String, create: ServerAction<CreateCallQueue>) -> impl IntoView {
    let rejected = Signal::derive(move || create.value().get().and_then(Result::err));
    // A submission made without JavaScript comes back with what was sent.
    let initial = create
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<CallQueueForm>())
        .unwrap_or_else(CallQueueForm::new_queue);
    let fields = CALL_QUEUE_FIELDS
        .iter()
        .filter(|f| FIRST_FIELDS.contains(&f.name))
        .map(|f| declared_field(f, (f.get)(&initial).to_owned(), rejected, None, false))
        .collect_view();
    view! {
        <section class="detail" aria-labelledby="new-queue-heading">
            <h2 id="new-queue-heading">"New call queue"</h2>
            <ActionForm action=create>
                <input type="hidden" name="domain" value=domain/>
                {form_summary(rejected)}
                <RequiredNote/>
                {fields}
                <p class="hint">"Its other settings take NetSapiens' defaults; change them on its page, where its agents are added."</p>
                <div class="buttons">
                    <button type="submit" disabled=move || create.pending().get()>"Add call queue"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn QueueTable(
    domain: String,
    queues: CallQueueList,
    delete: ServerAction<DeleteCallQueue>,
) -> impl IntoView {
    let problem = Signal::derive(move || delete.value().get().and_then(Result::err));
    if queues.items.is_empty() {
        return view! {
            <p class="empty">"No call queues yet. Add one above: its extension rings its logged-in agents."</p>
        }
        .into_any();
    }
    let shown = queues.items.len();
    let caption = match counted(queues.total, "call queue", "call queues") {
        all if queues.total > shown as u64 => format!("{all}, the first {shown} by extension"),
        all => all,
    };
    let rows = queues
        .items
        .into_iter()
        .map(|queue| queue_row(&domain, queue, delete))
        .collect_view();
    view! {
        {row_refusal(problem)}
        <table class="list callqueues">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Extension"</th>
                <th scope="col">"Description"</th>
                <th scope="col">"Dispatch"</th>
                <th scope="col">"Agents"</th>
                <th scope="col">"When not answered"</th>
                <th scope="col">"Delete"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn queue_row(
    domain: &str,
    queue: CallQueue,
    delete: ServerAction<DeleteCallQueue>,
) -> impl IntoView {
    let extension = queue.values.callqueue.to_string();
    let agents = format!(
        "{} available of {}",
        queue.agents_available, queue.agents_total
    );
    let confirm = match queue.agents_total {
        0 => format!(" Delete queue {extension}."),
        n => format!(
            " Delete queue {extension} and its {}; their users stay.",
            counted(n, "agent", "agents")
        ),
    };
    let forward = queue
        .values
        .forward_no_answer
        .as_ref()
        .map_or_else(|| "Nobody is available".to_owned(), ToString::to_string);
    let href = queue_page(domain, &extension);
    let domain = domain.to_owned();
    let shown = extension.clone();
    view! {
        <tr>
            <th scope="row"><A href=href>{shown}</A></th>
            <td>{queue.values.description.to_string()}</td>
            <td>{queue.values.callqueue_dispatch_type.as_str()}</td>
            <td>{agents}</td>
            <td>{forward}</td>
            <td>
                <ActionForm action=delete attr:class="inline">
                    <input type="hidden" name="domain" value=domain/>
                    <input type="hidden" name="callqueue" value=extension/>
                    <Confirm text=confirm/>
                    <button type="submit" class="danger">"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn CallQueuePage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let callqueue = move || params.read().get("queue").unwrap_or_default();
    let save = ServerAction::<SaveCallQueue>::new();
    let add = ServerAction::<AddCallQueueAgent>::new();
    let remove = ServerAction::<RemoveCallQueueAgent>::new();
    let status = ServerAction::<SetCallQueueAgentStatus>::new();
    let opened = Resource::new(
        move || {
            (
                domain(),
                callqueue(),
                save.version().get()
                    + add.version().get()
                    + remove.version().get()
                    + status.version().get(),
            )
        },
        |(domain, callqueue, _)| open_call_queue(domain, callqueue),
    );
    let actions = AgentActions {
        add,
        remove,
        status,
    };
    view! {
        <Page title=format!("Call queue {}", callqueue())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match opened.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(opened) => queue_view(domain(), opened, save, actions).into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The agent actions of a queue's page.
#[derive(Clone, Copy)]
struct AgentActions {
    add: ServerAction<AddCallQueueAgent>,
    remove: ServerAction<RemoveCallQueueAgent>,
    status: ServerAction<SetCallQueueAgentStatus>,
}

fn queue_view(
    domain: String,
    opened: OpenedQueue,
    save: ServerAction<SaveCallQueue>,
    actions: AgentActions,
) -> impl IntoView {
    let OpenedQueue { queue, agents } = opened;
    let extension = queue.values.callqueue.to_string();
    let back = format!("/domains/{domain}/callqueues");
    let back_text = format!("← Call queues of {domain}");
    let rejected = Signal::derive(move || save.value().get().and_then(Result::err));
    let initial = save
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<CallQueueForm>())
        .unwrap_or_else(|| queue.values.to_form());
    let fieldsets = QueueSection::ALL
        .into_iter()
        .map(|section| {
            let fields = CALL_QUEUE_FIELDS
                .iter()
                .filter(|f| f.step == section)
                .map(|f| {
                    // Its extension is its key: shown, not changed.
                    let readonly = f.name == "callqueue";
                    declared_field(f, (f.get)(&initial).to_owned(), rejected, None, readonly)
                })
                .collect_view();
            view! { <fieldset><legend>{section.title()}</legend>{fields}</fieldset> }
        })
        .collect_view();
    let summary = format!(
        "{} of {} available now (logged in, not paused).",
        counted(queue.agents_available, "agent", "agents"),
        queue.agents_total
    );
    view! {
        <p class="actions">
            <A href=back>{back_text}</A>
        </p>
        <p>{summary}</p>
        <Agents domain=domain.clone() callqueue=extension.clone() agents=agents.items total=agents.total actions/>
        <section class="detail" aria-labelledby="queue-settings-heading">
            <h2 id="queue-settings-heading">"Settings"</h2>
            <ActionForm action=save>
                <input type="hidden" name="domain" value=domain/>
                <input type="hidden" name="callqueue" value=extension/>
                {form_summary(rejected)}
                <RequiredNote/>
                {fieldsets}
                <div class="buttons">
                    <button type="submit" disabled=move || save.pending().get()>"Save call queue"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Agents(
    domain: String,
    callqueue: String,
    agents: Vec<Agent>,
    total: u64,
    actions: AgentActions,
) -> impl IntoView {
    let AgentActions {
        add,
        remove,
        status,
    } = actions;
    let problem = Signal::derive(move || {
        remove
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| status.value().get().and_then(Result::err))
    });
    let added = Signal::derive(move || add.value().get().and_then(Result::err));
    let table = if agents.is_empty() {
        view! { <p class="empty">"No agents yet: callers hear that nobody is available, or go to the no-answer forward."</p> }
            .into_any()
    } else {
        let rows = agents
            .into_iter()
            .enumerate()
            .map(|(i, agent)| agent_row(&domain, &callqueue, i, agent, actions))
            .collect_view();
        view! {
            {row_refusal(problem)}
            <table class="list agents">
                <caption>{counted(total, "agent", "agents")}</caption>
                <thead><tr>
                    <th scope="col">"Extension"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Phone"</th>
                    <th scope="col">"Order"</th>
                    <th scope="col">"Take out"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let check =
        Callback::new(|raw: String| AgentUser::read_in(&raw, &FieldContext::default()).map(drop));
    view! {
        <section class="detail" aria-labelledby="agents-heading">
            <h2 id="agents-heading">"Agents"</h2>
            {table}
            <ActionForm action=add>
                <input type="hidden" name="domain" value=domain/>
                <input type="hidden" name="callqueue" value=callqueue/>
                <Field name="agent" id="new-agent" label="Add the user" initial="" required=true
                    hint="Its extension. It joins logged in: its phones ring for the queue's calls."
                    check server_error=refusal_of(added, "callqueue-agent-id")/>
                {move || added.get().filter(|e| e.field_errors().is_none()).map(|e| view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                })}
                <div class="buttons">
                    <button type="submit" disabled=move || add.pending().get()>"Add agent"</button>
                </div>
            </ActionForm>
        </section>
    }
}

fn agent_row(
    domain: &str,
    callqueue: &str,
    index: usize,
    agent: Agent,
    actions: AgentActions,
) -> impl IntoView {
    let extension = agent.values.callqueue_agent_id.extension.to_string();
    let status_id = format!("agent-status-{index}");
    let status_label = format!("Status of {extension}");
    let options = AgentStatus::ALL
        .iter()
        .map(|s| {
            let selected = *s == agent.status;
            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
        })
        .collect_view();
    let phone = if agent.registered == crate::model::YesNo::Yes {
        "Registered"
    } else {
        "Not registered"
    };
    let user_href = format!("/domains/{domain}/users/{extension}");
    let confirm = format!(" Take {extension} out of the queue.");
    let (d1, d2) = (domain.to_owned(), domain.to_owned());
    let (q1, q2) = (callqueue.to_owned(), callqueue.to_owned());
    let (e1, e2) = (extension.clone(), extension.clone());
    view! {
        <tr>
            <th scope="row"><A href=user_href>{extension}</A></th>
            <td>{agent.full_name}</td>
            <td>
                <ActionForm action=actions.status attr:class="inline">
                    <input type="hidden" name="domain" value=d1/>
                    <input type="hidden" name="callqueue" value=q1/>
                    <input type="hidden" name="agent" value=e1/>
                    <label for=status_id.clone() class="visually-hidden">{status_label}</label>
                    <select id=status_id name="status">{options}</select>
                    <button type="submit" class="secondary">"Set"</button>
                </ActionForm>
            </td>
            <td>{phone}</td>
            <td>{agent.values.callqueue_agent_dispatch_order_ordinal.get()}</td>
            <td>
                <ActionForm action=actions.remove attr:class="inline">
                    <input type="hidden" name="domain" value=d2/>
                    <input type="hidden" name="callqueue" value=q2/>
                    <input type="hidden" name="agent" value=e2/>
                    <Confirm text=confirm/>
                    <button type="submit" class="danger">"Take out"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
