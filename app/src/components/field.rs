//! One labelled form field that checks itself as it is typed, with the parser the server runs.

use crate::error::AppError;
use crate::model::fields::{Control, Field as DeclaredField, TIME_ZONE_LIST};
use crate::model::{Invalid, TimeZone};
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

/// The box a form that destroys or replaces something asks to be ticked first; `text` says what
/// will happen (led by a space, which parts it from the box).
#[component]
pub fn Confirm(#[prop(into)] text: String) -> impl IntoView {
    view! {
        <label class="confirm">
            <input type="checkbox" required/>
            {text}
        </label>
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

/// A list field as tick-boxes, one per choice (value, label): each ticked box sends
/// `ticked[]=<field>:<value>`, and a hidden `ticked[]=<field>:` says the list was shown, so that
/// nothing ticked is an empty list (see [`crate::model::fields::ticked_lists`]). Works with and
/// without JavaScript; `on_value` is told the list (comma-separated) as boxes are ticked.
#[component]
pub fn CheckList(
    /// The list field's name.
    field: &'static str,
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: String,
    /// The values ticked at first, comma-separated.
    #[prop(into)]
    initial: String,
    /// (value, label) of each box.
    options: Vec<(String, String)>,
    /// Shown instead of the boxes when there is none to tick.
    #[prop(into)]
    empty: String,
    #[prop(into)] server_error: Signal<Option<String>>,
    #[prop(optional)] on_value: Option<Callback<String>>,
) -> impl IntoView {
    let Described {
        hint_id,
        error_id,
        described_by,
    } = Described::new(&id, &hint);
    let ticked = RwSignal::new(
        crate::model::fields::split_list(&initial)
            .map(str::to_owned)
            .collect::<Vec<String>>(),
    );
    let boxes = if options.is_empty() {
        view! { <p class="hint">{empty}</p> }.into_any()
    } else {
        options
            .into_iter()
            .enumerate()
            .map(|(i, (value, text))| {
                let box_id = format!("{id}-{i}");
                let label_for = box_id.clone();
                let on = ticked.with_untracked(|t| t.contains(&value));
                let item = value.clone();
                view! {
                    <label class="check" for=label_for>
                        <input type="checkbox" id=box_id name="ticked[]"
                            value=crate::model::fields::ticked_value(field, &value) checked=on
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ticked.update(|t| {
                                    t.retain(|v| *v != item);
                                    if on {
                                        t.push(item.clone());
                                    }
                                });
                                if let Some(on_value) = on_value {
                                    on_value.run(ticked.with_untracked(|t| t.join(", ")));
                                }
                            }/>
                        {format!("{value} {text}")}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <fieldset class="field checklist" id=id class:invalid=move || server_error.get().is_some()
            aria-describedby=described_by>
            <legend>{label}</legend>
            <input type="hidden" name="ticked[]" value=crate::model::fields::ticked_value(field, "")/>
            {boxes}
            {below(hint, hint_id, error_id, server_error)}
        </fieldset>
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

/// The control of one row of a declared field table (a domain's or a site's settings), named
/// `input[<field>]` for the server function: a drop-down for a yes/no or a choice, otherwise a
/// text field checked as it is typed by the parser the server runs. `follows` is the value a
/// blank takes from elsewhere (the domain's, for a site's setting): a blank choice offering it,
/// or the empty text field showing it.
pub fn declared_field<F: 'static, S: 'static>(
    field: &'static DeclaredField<F, S>,
    initial: String,
    rejected: Signal<Option<AppError>>,
    follows: Option<String>,
    readonly: bool,
) -> AnyView {
    let name = format!("input[{}]", field.name);
    let id = field.name.to_owned();
    let server_error = refusal_of(rejected, field.name);
    let options = match field.control {
        Control::YesNo => Some(choices(&[("yes", "Yes"), ("no", "No")])),
        Control::Choice(options) => Some(choices(options)),
        _ => None,
    };
    if let Some(mut options) = options {
        if let Some(value) = &follows {
            let shown = field.control.shown(value);
            options.insert(0, (String::new(), format!("As the domain ({shown})")));
        } else if !field.required && field.default.is_none() {
            // Blank is a value of its own here: none.
            options.insert(0, (String::new(), "Not set".to_owned()));
        }
        return view! {
            <SelectField name id label=field.label hint=field.hint initial options server_error/>
        }
        .into_any();
    }
    let parse = field.check;
    let check = Callback::new(move |raw: String| parse(&raw, &Default::default()));
    let list = field.control.suggestions().map(str::to_owned);
    let placeholder = follows
        .filter(|v| !v.is_empty())
        .map(|v| format!("The domain's: {v}"));
    let kind = if field.is_secret() {
        FieldKind::Password
    } else {
        FieldKind::Text
    };
    view! {
        <Field name id label=field.label hint=field.hint initial check server_error readonly
            required=field.required list=list placeholder=placeholder kind/>
    }
    .into_any()
}

/// What the last refused submission (`rejected`) said of the field `field`, if anything.
pub fn refusal_of(
    rejected: Signal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || rejected.get().and_then(|e| e.message_for(field)))
}

/// The time zones a time-zone field suggests, once per page that has one.
#[component]
pub fn TimeZoneList() -> impl IntoView {
    view! {
        <datalist id=TIME_ZONE_LIST>
            {TimeZone::all().iter().map(|z| view! { <option value=*z></option> }).collect_view()}
        </datalist>
    }
}

/// The values of a declared field table's form, in words, a section at a time (`sections`: each
/// with its title), for one who may read but not change them. Secrets are left out.
pub fn settings_read<F: 'static, S: PartialEq + Copy + 'static>(
    table: &'static [DeclaredField<F, S>],
    form: &F,
    sections: impl IntoIterator<Item = (S, &'static str)>,
) -> impl IntoView {
    sections
        .into_iter()
        .map(|(section, title)| {
            let rows = table
                .iter()
                .filter(|f| f.step == section && !f.is_secret())
                .map(|f| view! { <dt>{f.label}</dt><dd>{f.control.shown((f.get)(form))}</dd> })
                .collect_view();
            view! {
                <section class="detail">
                    <h2>{title}</h2>
                    <dl>{rows}</dl>
                </section>
            }
        })
        .collect_view()
}
