//! One labelled form field that checks itself as it is typed, with the parser the server runs.

use crate::model::Invalid;
use leptos::prelude::*;

/// What kind of `<input>` a [`Field`] is.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldKind {
    #[default]
    Text,
    Password,
}

/// The ids of a field's hint and error, and what its control is described by.
struct Described {
    hint_id: String,
    error_id: String,
    described_by: String,
}

impl Described {
    fn new(id: &str, hint: &str) -> Self {
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described_by = if hint.is_empty() {
            error_id.clone()
        } else {
            format!("{hint_id} {error_id}")
        };
        Self {
            hint_id,
            error_id,
            described_by,
        }
    }
}

/// What goes below a field's control: its hint, and its error (read out as it changes).
fn below(
    hint: String,
    hint_id: String,
    error_id: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id>{hint}</p> })}
        <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
    }
}

/// A labelled input. Before the page is hydrated it is a plain input; after, it runs `check` when
/// it is left after an edit (not on the first keystroke, and not when merely tabbed past), then as
/// it is typed until the problem is mended, as accessible form guidance asks. An error from the
/// server (`server_error`) is shown until the field is edited again. A required field's label is
/// marked (the mark is explained once, by the form: see [`RequiredNote`]).
#[component]
pub fn Field(
    /// The name the server function reads, e.g. `input[time-zone]`.
    #[prop(into)]
    name: String,
    /// The element id (also used for the hint and error ids).
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: String,
    /// The value shown at first.
    #[prop(into)]
    initial: String,
    /// The same check the server runs.
    check: Callback<String, Result<(), Invalid>>,
    /// What the server said about this field after the last submission.
    #[prop(into)]
    server_error: Signal<Option<String>>,
    #[prop(optional)] kind: FieldKind,
    #[prop(optional)] readonly: bool,
    #[prop(optional)] required: bool,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional_no_strip)]
    list: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    /// Shown in the empty field: what a blank means (the domain's value, for a setting that
    /// follows it).
    #[prop(optional_no_strip)]
    placeholder: Option<String>,
    /// Told every new value as it is typed (a form that needs all its values at once, such as
    /// the user wizard's review, keeps them this way).
    #[prop(optional)]
    on_value: Option<Callback<String>>,
) -> impl IntoView {
    let value = RwSignal::new(initial.clone());
    // Edited since the page was made, and whether its problem is shown: from leaving the field
    // after an edit until the value is valid again.
    let edited = RwSignal::new(false);
    let showing = RwSignal::new(false);
    // Whether the field was edited after the server's last word on it.
    let edited_since_server = RwSignal::new(false);
    Effect::new(move |_| {
        server_error.track();
        edited_since_server.set(false);
    });
    let message = move || {
        let local = showing
            .get()
            .then(|| check.run(value.get()).err())
            .flatten()
            .map(|e| e.0);
        if edited_since_server.get() {
            local
        } else {
            server_error.get().or(local)
        }
    };
    let Described {
        hint_id,
        error_id,
        described_by,
    } = Described::new(&id, &hint);
    let input_type = match kind {
        FieldKind::Text => "text",
        FieldKind::Password => "password",
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })}
            </label>
            <input
                id=id
                name=name
                type=input_type
                value=initial
                readonly=readonly
                required=required
                list=list
                autocomplete=autocomplete
                placeholder=placeholder
                aria-invalid=move || if message().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    if let Some(on_value) = on_value {
                        on_value.run(typed.clone());
                    }
                    // Once mended, the field is checked again only when it is next left.
                    if showing.get_untracked() && check.run(typed.clone()).is_ok() {
                        showing.set(false);
                    }
                    value.set(typed);
                    edited.set(true);
                    edited_since_server.set(true);
                }
                on:blur=move |_| {
                    if edited.get_untracked() {
                        showing.set(true);
                    }
                }
            />
            {below(hint, hint_id, error_id, Signal::derive(message))}
        </div>
    }
}

/// The line that explains the mark on required fields, once per form.
#[component]
pub fn RequiredNote() -> impl IntoView {
    view! {
        <p class="hint required-note">
            <span class="required-mark" aria-hidden="true">"*"</span>
            " marks a required field."
        </p>
    }
}

/// A yes/no setting as a switch: a checkbox that sends `yes` when on and nothing when off. The
/// hidden `switches[]` entry names it, so the server reads its absence as `no` (see
/// [`crate::model::fields::switched_off`]) rather than as a blank that takes the default.
#[component]
pub fn SwitchField(
    /// The field's name, as `switches[]` lists it.
    field: &'static str,
    #[prop(into)] name: String,
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: String,
    /// `yes` if it starts on.
    #[prop(into)]
    initial: String,
    #[prop(into)] server_error: Signal<Option<String>>,
    /// Told `yes` or `no` as it is switched.
    on_value: Callback<String>,
) -> impl IntoView {
    let Described {
        hint_id,
        error_id,
        described_by,
    } = Described::new(&id, &hint);
    view! {
        <div class="field switch" class:invalid=move || server_error.get().is_some()>
            <input type="hidden" name="switches[]" value=field/>
            <input type="checkbox" role="switch" id=id.clone() name=name value="yes"
                checked=initial == "yes"
                aria-describedby=described_by
                aria-invalid=move || if server_error.get().is_some() { "true" } else { "false" }
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    on_value.run(if on { "yes" } else { "no" }.to_owned());
                }/>
            <label for=id>{label}</label>
            {below(hint, hint_id, error_id, server_error)}
        </div>
    }
}

/// Fixed (value, label) choices as a [`SelectField`] takes them.
pub fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
        .collect()
}

/// A labelled `<select>` of fixed choices (value, label).
#[component]
pub fn SelectField(
    #[prop(into)] name: String,
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] initial: String,
    /// (value, label) pairs.
    #[prop(into)]
    options: Vec<(String, String)>,
    #[prop(into)] server_error: Signal<Option<String>>,
    #[prop(optional, into)] hint: String,
    /// Told every new choice (see [`Field`]'s `on_value`).
    #[prop(optional)]
    on_value: Option<Callback<String>>,
) -> impl IntoView {
    let Described {
        hint_id,
        error_id,
        described_by,
    } = Described::new(&id, &hint);
    view! {
        <div class="field" class:invalid=move || server_error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-describedby=described_by
                aria-invalid=move || if server_error.get().is_some() { "true" } else { "false" }
                on:change=move |ev| {
                    if let Some(on_value) = on_value {
                        on_value.run(event_target_value(&ev));
                    }
                }
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = value == initial;
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {below(hint, hint_id, error_id, server_error)}
        </div>
    }
}
