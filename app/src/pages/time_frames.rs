//! A domain's shared time frames: every frame with when it is active in words, a new one made
//! from a week grid (a name, always or days of the week, up to two ranges a day), one frame's
//! page with the same grid to change it, and delete (refused, with the users named, while an
//! answer rule names the frame). A frame the grid cannot show whole (dates, holidays, a custom
//! recurrence or an end date) is made and changed through the API; the page lists it. Plain forms: they work before (and without) the WebAssembly.

use crate::api::time_frames::{
    frame_page, list_time_frames, open_time_frame, CreateTimeFrame, DeleteTimeFrame, SaveTimeFrame,
};
use crate::components::{
    form_summary, refusal_of, row_refusal, Confirm, ErrorNotice, Field, Page, RequiredNote,
    SelectField,
};
use crate::error::AppError;
use crate::model::counted;
use crate::model::time_frame::{
    day_name, FrameSummary, TimeFrameName, WeekForm, Weekday, GRID_KINDS, NAME, TYPE,
};
use crate::model::Parse;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TimeFramesPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let create = ServerAction::<CreateTimeFrame>::new();
    let delete = ServerAction::<DeleteTimeFrame>::new();
    let frames = Resource::new(
        // A new frame lands back on this page: the list follows it too.
        move || (domain(), create.version().get() + delete.version().get()),
        |(domain, _)| list_time_frames(domain),
    );
    view! {
        <Page title=format!("Time frames of {}", domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match frames.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(frames) => {
                            let d = domain();
                            let hidden = d.clone();
                            let rejected = Signal::derive(move || create.value().get().and_then(Result::err));
                            // A submission made without JavaScript comes back with what was sent.
                            let initial = create
                                .value()
                                .get_untracked()
                                .and_then(Result::err)
                                .and_then(|e| e.input::<WeekForm>())
                                .unwrap_or_else(WeekForm::new_frame);
                            view! {
                                <p class="actions">
                                    <A href=format!("/domains/{d}/users")>{format!("← Users of {d}")}</A>
                                </p>
                                <section class="detail" aria-labelledby="new-frame-heading">
                                    <h2 id="new-frame-heading">"New time frame"</h2>
                                    <ActionForm action=create>
                                        <input type="hidden" name="domain" value=hidden/>
                                        <WeekFields initial rejected/>
                                        <div class="buttons">
                                            <button type="submit" disabled=move || create.pending().get()>"Add time frame"</button>
                                        </div>
                                    </ActionForm>
                                </section>
                                <FrameTable domain=d frames delete/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn FrameTable(
    domain: String,
    frames: Vec<FrameSummary>,
    delete: ServerAction<DeleteTimeFrame>,
) -> impl IntoView {
    let problem = Signal::derive(move || delete.value().get().and_then(Result::err));
    if frames.is_empty() {
        return view! {
            {row_refusal(problem)}
            <p class="empty">"No time frames yet. Add one above: a user's answer rules can then follow it (business hours, nights, weekends)."</p>
        }
        .into_any();
    }
    let caption = counted(frames.len() as i64, "time frame", "time frames");
    let rows = frames
        .into_iter()
        .map(|frame| frame_row(&domain, frame, delete))
        .collect_view();
    view! {
        {row_refusal(problem)}
        <table class="list timeframes">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Name"</th>
                <th scope="col">"Kind"</th>
                <th scope="col">"Active"</th>
                <th scope="col">"Delete"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn frame_row(
    domain: &str,
    frame: FrameSummary,
    delete: ServerAction<DeleteTimeFrame>,
) -> impl IntoView {
    let FrameSummary {
        id,
        name,
        kind,
        when,
        form,
    } = frame;
    let confirm = format!(" Delete time frame {name}.");
    // A frame the grid cannot show whole (dates, holidays, a custom recurrence or an end
    // date) is changed through the API.
    let shown = match form {
        Some(_) => view! { <A href=frame_page(domain, id)>{name.clone()}</A> }.into_any(),
        None => view! { <span>{name.clone()}</span> }.into_any(),
    };
    let when = when
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    let domain = domain.to_owned();
    view! {
        <tr>
            <th scope="row">{shown}</th>
            <td>{kind}</td>
            <td><ul class="plain">{when}</ul></td>
            <td>
                <ActionForm action=delete attr:class="inline">
                    <input type="hidden" name="domain" value=domain/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <Confirm text=confirm/>
                    <button type="submit" class="danger">"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn TimeFramePage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let id = move || params.read().get("id").unwrap_or_default();
    let save = ServerAction::<SaveTimeFrame>::new();
    let opened = Resource::new(
        move || (domain(), id()),
        |(domain, id)| open_time_frame(domain, id),
    );
    view! {
        <Page title=format!("Time frame of {}", domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match opened.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(frame) => frame_view(domain(), frame, save).into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

fn frame_view(
    domain: String,
    frame: FrameSummary,
    save: ServerAction<SaveTimeFrame>,
) -> impl IntoView {
    let back = format!("/domains/{domain}/timeframes");
    let back_text = format!("← Time frames of {domain}");
    let rejected = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = frame.form.clone();
    let through_api = format!(
        "The week grid cannot show all of this frame (its dates, holidays, recurrence or end \
         date): change it through the API, at \
         /ns-api/v2/domains/{domain}/timeframes/{}.",
        frame.id
    );
    let initial = save
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<WeekForm>())
        .or(saved);
    let body = match initial {
        Some(initial) => view! {
            <ActionForm action=save>
                <input type="hidden" name="domain" value=domain/>
                <input type="hidden" name="id" value=frame.id.to_string()/>
                <WeekFields initial rejected/>
                <div class="buttons">
                    <button type="submit" disabled=move || save.pending().get()>"Save time frame"</button>
                </div>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <p>{through_api}</p>
        }
        .into_any(),
    };
    view! {
        <p class="actions"><A href=back>{back_text}</A></p>
        <section class="detail" aria-labelledby="frame-heading">
            <h2 id="frame-heading">{format!("Time frame {}", frame.name)}</h2>
            {body}
        </section>
    }
}

/// The name, the kind and the week grid of a frame, named `input[...]` as [`WeekForm`] reads
/// them; each refused field is marked with what the server said of it.
#[component]
fn WeekFields(initial: WeekForm, rejected: Signal<Option<AppError>>) -> impl IntoView {
    let kinds = GRID_KINDS
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect::<Vec<_>>();
    let rows = WeekForm::grid()
        .map(|(day, ranges)| {
            let label = day_name(day);
            let cells = ranges
                .into_iter()
                .enumerate()
                .map(|(n, [begin, end])| {
                    let from = time_input(&initial, begin, cell_label(day, n, 0), rejected);
                    let to = time_input(&initial, end, cell_label(day, n, 1), rejected);
                    view! { <td>{from}" – "{to}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    let problems = move || {
        let errors = rejected.get().and_then(|e| e.field_errors().cloned())?;
        let lines = errors
            .0
            .into_iter()
            .filter(|e| e.field != NAME && e.field != TYPE)
            .map(|e| view! { <li>{grid_label(&e.field)}": "{e.message}</li> })
            .collect::<Vec<_>>();
        (!lines.is_empty()).then(|| view! { <ul class="form-error" role="alert">{lines}</ul> })
    };
    view! {
        {form_summary(rejected)}
        <RequiredNote/>
        <Field name="input[timeframe-name]" id="timeframe-name" label="Name" required=true
            hint="How answer rules name it, such as Business hours."
            initial=initial.name.clone()
            check=Callback::new(|raw: String| TimeFrameName::parse(&raw).map(drop))
            server_error=refusal_of(rejected, NAME)/>
        <SelectField name="input[timeframe-type]" id="timeframe-type" label="Active"
            initial=initial.kind.clone() options=kinds server_error=refusal_of(rejected, TYPE)
            hint="Always ignores the hours below."/>
        <table class="grid week">
            <caption>"Hours (a range ends on its own day: 23:59 is the end of the day)"</caption>
            <thead><tr>
                <th scope="col">"Day"</th>
                <th scope="col">"First range"</th>
                <th scope="col">"Second range"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {problems}
    }
}

/// One time of the grid: the field `name` (NetSapiens' `timeframe-weekly-monday-begin-time-1`).
fn time_input(
    initial: &WeekForm,
    name: String,
    label: String,
    rejected: Signal<Option<AppError>>,
) -> impl IntoView {
    let value = initial.times.get(&name).cloned().unwrap_or_default();
    let field = name.clone();
    let invalid = move || {
        if rejected.get().and_then(|e| e.message_for(&field)).is_some() {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <input type="time" id=name.clone() name=format!("input[times][{name}]") value=value
            aria-label=label aria-invalid=invalid/>
    }
}

/// How a time of the grid is named to its reader: `Monday, second range, to` for range `n` (0
/// or 1) and `edge` (0: its begin, 1: its end).
fn cell_label(day: Weekday, n: usize, edge: usize) -> String {
    let which = if n == 0 { "first" } else { "second" };
    let edge = if edge == 0 { "from" } else { "to" };
    format!("{}, {which} range, {edge}", day_name(day))
}

/// How the problems under the grid name its field `timeframe-weekly-monday-end-time-2`.
fn grid_label(field: &str) -> String {
    WeekForm::grid()
        .find_map(|(day, ranges)| {
            ranges.iter().enumerate().find_map(|(n, pair)| {
                let edge = pair.iter().position(|f| f == field)?;
                Some(cell_label(day, n, edge))
            })
        })
        .unwrap_or_else(|| field.to_owned())
}
