//! The Create User wizard: NetSapiens' "Create User in Domain" form in six steps and a review.
//!
//! It is one `<ActionForm>` holding every field of [`USER_FIELDS`] (named `input[<field>]`), one
//! `<fieldset>` per [`Step`], each drawn from the table by its own module. As server HTML, with
//! no JavaScript, every fieldset shows and the page is one long form that the server checks.
//! Once hydrated it shows one step at a time: Next runs each field's `check` (the parser the
//! server runs) and stays put while one fails; the review shows what [`UserForm::parse`] makes of
//! the values with the domain's settings, before anything is sent. Errors the server sends back
//! are put next to their fields and the wizard turns to the first step that has one.

mod caller_id;
mod conflicts;
mod devices;
mod edit;
mod identity;
mod layout;
mod login;
mod organization;
mod review;
mod voicemail;

pub use edit::EditUserPage;

use crate::api::users::{new_user_context, CreateUser};
use crate::components::{
    focus_soon, use_hydrated, CheckList, ErrorNotice, Field, FieldKind, Page, RequiredNote,
    SelectField, SwitchField,
};
use crate::error::AppError;
use crate::model::fields::Control;
use crate::model::user::{Step, UserField, UserForm, WizardStart, USER_FIELDS};
use crate::model::FieldErrors;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

/// The position of the review, after the last step.
const REVIEW: usize = Step::ALL.len();

/// The wizard's state, shared by its steps. Every part is a reactive handle, so it is `Copy`.
#[derive(Clone, Copy)]
pub(crate) struct Wizard {
    /// The domain's settings, the field context and the suggestions the page started with.
    start: StoredValue<WizardStart>,
    /// The values the form started with (the domain's defaults, or a submission sent back).
    initial: StoredValue<UserForm>,
    /// Every field's current value, by field name, kept up to date as it is typed.
    values: RwSignal<BTreeMap<&'static str, String>>,
    /// What is wrong with a field (from Next or the server), by field name; an entry goes when
    /// its field is edited.
    errors: RwSignal<BTreeMap<String, String>>,
    /// What the form collides with in the domain (a taken extension, login, device or number),
    /// by field name: the live check's last answer, replaced by each new one.
    conflicts: RwSignal<BTreeMap<String, String>>,
    /// The extension of the user being edited (blank for a new user): its own extension,
    /// login, device and numbers are no conflict.
    editing: StoredValue<String>,
    /// The step shown: an index into [`Step::ALL`], or [`REVIEW`].
    step: RwSignal<usize>,
    /// The line read out (role="alert") when the wizard stops or the server refuses.
    notice: RwSignal<Option<String>>,
    /// Whether the WASM runs the page; until then every step shows.
    hydrated: Signal<bool>,
}

fn index_of(step: Step) -> usize {
    Step::ALL.iter().position(|s| *s == step).unwrap_or(0)
}

fn fieldset_id(step: Step) -> String {
    format!("step-{}", step.slug())
}

/// The field of a path such as `phone-numbers[1]`.
fn base_field(path: &str) -> &str {
    path.split('[').next().unwrap_or(path)
}

/// The server's field errors by field (several about one list are read one after the other).
fn errors_by_field(error: &AppError) -> BTreeMap<String, String> {
    error.field_errors().map(by_field).unwrap_or_default()
}

/// Field errors by field, those about the items of one list joined.
fn by_field(errors: &FieldErrors) -> BTreeMap<String, String> {
    let mut by_field = BTreeMap::<String, String>::new();
    for e in errors.iter() {
        by_field
            .entry(base_field(&e.field).to_owned())
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&e.message);
            })
            .or_insert_with(|| e.message.clone());
    }
    by_field
}

fn fields_need_attention(n: usize) -> String {
    format!(
        "{}.",
        crate::model::counted(n, "field needs attention", "fields need attention")
    )
}

/// What the summary line says about an error from the server.
fn notice_for(error: &AppError) -> String {
    match error.field_errors() {
        Some(_) => fields_need_attention(errors_by_field(error).len()),
        None => error.to_string(),
    }
}

impl Wizard {
    fn new(
        start: WizardStart,
        initial: UserForm,
        refused: Option<AppError>,
        hydrated: Signal<bool>,
        editing: String,
    ) -> Self {
        let values = USER_FIELDS
            .iter()
            .map(|f| (f.name, (f.get)(&initial).to_owned()))
            .collect();
        Self {
            start: StoredValue::new(start),
            initial: StoredValue::new(initial),
            values: RwSignal::new(values),
            errors: RwSignal::new(refused.as_ref().map(errors_by_field).unwrap_or_default()),
            conflicts: RwSignal::new(BTreeMap::new()),
            editing: StoredValue::new(editing),
            step: RwSignal::new(0),
            notice: RwSignal::new(refused.as_ref().map(notice_for)),
            hydrated,
        }
    }

    fn domain_name(self) -> String {
        self.start.with_value(|s| s.domain.domain.to_string())
    }

    /// The current value of one field.
    fn value(self, name: &str) -> String {
        self.values
            .with(|v| v.get(name).cloned())
            .unwrap_or_default()
    }

    /// The form as it stands, for [`UserForm::parse`].
    fn form(self) -> UserForm {
        self.values.with(|v| {
            serde_json::to_value(v)
                .and_then(serde_json::from_value)
                .unwrap_or_default()
        })
    }

    /// What is wrong with a field: its own problem, else a conflict.
    fn problem(self, name: &str) -> Option<String> {
        self.errors
            .with(|e| e.get(name).cloned())
            .or_else(|| self.conflicts.with(|c| c.get(name).cloned()))
    }

    /// The message to show next to a field; changes only when that field's entry does.
    fn error_for(self, name: &'static str) -> Signal<Option<String>> {
        Memo::new(move |_| self.problem(name)).into()
    }

    /// Every problem known now (own problems and conflicts), as the review lists them.
    fn known_problems(self) -> FieldErrors {
        let mut all = FieldErrors::default();
        for f in USER_FIELDS {
            if let Some(message) = self.problem(f.name) {
                all.add(f.name, message);
            }
        }
        all
    }

    /// Whether a field of the step at `index` has a problem (marked in the step list).
    fn step_has_problems(self, index: usize) -> bool {
        Step::ALL.get(index).is_some_and(|step| {
            USER_FIELDS
                .iter()
                .any(|f| f.step == *step && self.problem(f.name).is_some())
        })
    }

    /// Records a new value of a field; what was said about the old one no longer holds.
    fn edited(self, name: &'static str, value: String) {
        self.values.update(|v| {
            v.insert(name, value);
        });
        self.errors.maybe_update(|e| e.remove(name).is_some());
    }

    /// Whether this step is hidden (only ever after hydration).
    fn hides(self, index: usize) -> bool {
        self.hydrated.get() && self.step.get() != index
    }

    /// Shows a step (or the review) and puts the keyboard focus on its first field.
    fn go_to(self, index: usize) {
        self.step.set(index.min(REVIEW));
        let target = Step::ALL
            .get(index)
            .and_then(|step| USER_FIELDS.iter().find(|f| f.step == *step))
            .map_or_else(|| "review-heading".to_owned(), |f| f.name.to_owned());
        focus_soon(target);
    }

    /// Checks every field of the step shown, as the server would. Problems are put next to
    /// their fields, the focus goes to the first, and `false` is returned.
    fn check_step(self) -> bool {
        let Some(step) = Step::ALL.get(self.step.get_untracked()).copied() else {
            return true;
        };
        let cx = self.start.with_value(|s| s.field_context);
        let values = self.values.get_untracked();
        let mut failing = Vec::new();
        self.errors.update(|errors| {
            for f in USER_FIELDS.iter().filter(|f| f.step == step) {
                let value = values.get(f.name).map_or("", String::as_str);
                if let Err(problem) = (f.check)(value, &cx) {
                    errors.insert(f.name.to_owned(), problem.0);
                }
                // A problem found earlier (the extension is taken, the server refused the
                // value) stands until the field is edited.
                if errors.contains_key(f.name)
                    || self.conflicts.with_untracked(|c| c.contains_key(f.name))
                {
                    failing.push(f.name);
                }
            }
        });
        match failing.first() {
            None => true,
            Some(first) => {
                self.notice.set(Some(fields_need_attention(failing.len())));
                focus_soon((*first).to_owned());
                false
            }
        }
    }

    fn next(self) {
        if self.check_step() {
            self.notice.set(None);
            self.go_to(self.step.get_untracked() + 1);
        }
    }

    fn back(self) {
        self.go_to(self.step.get_untracked().saturating_sub(1));
    }

    /// Puts the server's refusal next to the fields and turns to the first step concerned.
    fn refused(self, error: &AppError) {
        let by_field = errors_by_field(error);
        self.notice.set(Some(notice_for(error)));
        let first = by_field
            .keys()
            .map(|field| index_of(Step::of_field(field)))
            .min();
        let first_field = first.and_then(|i| {
            USER_FIELDS
                .iter()
                .find(|f| index_of(f.step) == i && by_field.contains_key(f.name))
        });
        self.errors.set(by_field);
        if let Some(i) = first {
            self.step.set(i);
        }
        if let Some(f) = first_field {
            focus_soon(f.name.to_owned());
        }
    }
}

/// The field of the call queues a user is an agent of, drawn as tick-boxes.
const QUEUES: &str = "groups";

/// One field of the table, drawn by its control and wired to the wizard. A setting that follows
/// the domain when blank says so, with the domain's value.
fn field_view(wizard: Wizard, field: &'static UserField, list: Option<&str>) -> AnyView {
    let name = format!("input[{}]", field.name);
    let id = field.name.to_owned();
    let initial = wizard
        .initial
        .with_value(|form| (field.get)(form).to_owned());
    let server_error = wizard.error_for(field.name);
    let on_value = Callback::new(move |value: String| {
        wizard.edited(field.name, value);
    });
    let inherited = wizard.start.with_value(|s| s.inherited_text(field));
    if field.name == QUEUES {
        // The domain's call queues, ticked to join (none typed by hand).
        let options = wizard.start.with_value(|s| {
            s.groups
                .iter()
                .map(|q| (q.callqueue.to_string(), q.description.clone()))
                .collect::<Vec<_>>()
        });
        return view! {
            <CheckList field=field.name id label=field.label hint=field.hint initial options
                empty="This domain has no call queues yet." server_error on_value/>
        }
        .into_any();
    }
    if field.control == Control::YesNo && inherited.is_none() {
        return view! {
            <SwitchField field=field.name name id label=field.label hint=field.hint initial server_error on_value/>
        }
        .into_any();
    }
    let choices: Option<&'static [(&'static str, &'static str)]> = match field.control {
        Control::YesNo => Some(&[("yes", "Yes"), ("no", "No")]),
        Control::Choice(options) => Some(options),
        _ => None,
    };
    if let Some(options) = choices {
        // Only the scopes the caller may give are offered (the server refuses the others).
        let grantable = wizard.start.with_value(|s| s.scopes.clone());
        let mut options: Vec<(String, String)> = options
            .iter()
            .filter(|(value, _)| {
                field.name != "user-scope" || grantable.iter().any(|s| s.as_str() == *value)
            })
            .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
            .collect();
        if let Some(domain) = &inherited {
            let shown = options
                .iter()
                .find(|(value, _)| value == domain)
                .map_or(domain.clone(), |(_, label)| label.clone());
            options.insert(0, (String::new(), format!("As the domain ({shown})")));
        }
        return view! {
            <SelectField name id label=field.label hint=field.hint initial options server_error on_value/>
        }
        .into_any();
    }
    let cx = wizard.start.with_value(|s| s.field_context);
    let check = Callback::new(move |raw: String| (field.check)(&raw, &cx));
    let (kind, autocomplete) = match field.control {
        Control::Secret => (FieldKind::Password, "new-password"),
        _ => (FieldKind::Text, "off"),
    };
    let list = field.control.suggestions().or(list).map(str::to_owned);
    let (hint, placeholder) = match inherited {
        Some(domain) if domain.is_empty() => (
            format!("{} Blank: as the domain (none).", field.hint)
                .trim()
                .to_owned(),
            None,
        ),
        Some(domain) => (
            format!("{} Blank: as the domain.", field.hint)
                .trim()
                .to_owned(),
            Some(domain),
        ),
        None => (field.hint.to_owned(), None),
    };
    view! {
        <Field name id label=field.label hint initial check server_error kind
            list autocomplete on_value placeholder required=field.required/>
    }
    .into_any()
}

/// The fieldset of one step: its fields from the table, grouped as [`layout::layout`] says,
/// the less used ones folded under "More" (opened by itself when one of them has a problem).
/// `lists` names the `<datalist>` of suggestions for a field; `children` adds to the step (its
/// datalists).
#[component]
fn StepFieldset(
    wizard: Wizard,
    step: Step,
    #[prop(optional)] lists: &'static [(&'static str, &'static str)],
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let index = index_of(step);
    let group_view = move |group: &'static layout::Group| {
        let fields = group
            .fields
            .iter()
            .filter_map(|name| USER_FIELDS.iter().find(|f| f.name == *name))
            .map(|f| {
                let list = lists
                    .iter()
                    .find(|(name, _)| *name == f.name)
                    .map(|(_, id)| *id);
                field_view(wizard, f, list)
            })
            .collect_view();
        let heading = (!group.heading.is_empty()).then(|| view! { <h3>{group.heading}</h3> });
        view! { <div class="group">{heading}{fields}</div> }
    };
    let layout = layout::layout(step);
    let common = layout.common.iter().map(group_view).collect_view();
    let more = (!layout.more.is_empty()).then(|| {
        let names: Vec<&'static str> = layout
            .more
            .iter()
            .flat_map(|g| g.fields.iter().copied())
            .collect();
        let needs_opening = move || names.iter().any(|name| wizard.problem(name).is_some());
        // Open as sent when a field inside has a problem already; opened when one comes up.
        let open = untrack(&needs_opening);
        let details = NodeRef::<leptos::html::Details>::new();
        Effect::new(move |_| {
            if let (true, Some(element)) = (needs_opening(), details.get()) {
                let _ = element.set_attribute("open", "");
            }
        });
        let groups = layout.more.iter().map(group_view).collect_view();
        view! {
            <details class="more" open=open node_ref=details>
                <summary>{format!("More {} settings", step.title().to_lowercase())}</summary>
                {groups}
            </details>
        }
    });
    view! {
        <fieldset class="step" id=fieldset_id(step) hidden=move || wizard.hides(index)>
            <legend>{format!("{}. {}", index + 1, step.title())}</legend>
            {common}
            {more}
            {children.map(|c| c())}
        </fieldset>
    }
}

/// The list of steps. Links to the fieldsets in the long form; after hydration, a click shows
/// the step instead.
fn step_list(wizard: Wizard) -> impl IntoView {
    let item = move |index: usize, title: &'static str, target: String| {
        let current =
            move || (wizard.hydrated.get() && wizard.step.get() == index).then_some("step");
        let troubled = move || wizard.step_has_problems(index);
        view! {
            <li class:current=move || current().is_some() class:troubled=troubled>
                <a href=format!("#{target}") aria-current=current
                    on:click=move |ev| {
                        ev.prevent_default();
                        wizard.go_to(index);
                    }>
                    {format!("{}. {title}", index + 1)}
                    {move || troubled().then(|| view! {
                        <span class="step-flag" aria-hidden="true">" !"</span>
                        <span class="visually-hidden">" (needs attention)"</span>
                    })}
                </a>
            </li>
        }
    };
    let steps = Step::ALL
        .into_iter()
        .enumerate()
        .map(|(i, step)| item(i, step.title(), fieldset_id(step)))
        .collect_view();
    view! {
        <nav class="steps" aria-label="Steps">
            <ol>
                {steps}
                {item(REVIEW, "Review", "review".to_owned())}
            </ol>
        </nav>
    }
}

/// One step's fieldset (the editor shows one section of the user).
#[component]
fn OneStep(wizard: Wizard, step: Step) -> impl IntoView {
    match step {
        Step::Identity => view! { <identity::IdentityStep wizard/> }.into_any(),
        Step::Login => view! { <login::LoginStep wizard/> }.into_any(),
        Step::Organization => view! { <organization::OrganizationStep wizard/> }.into_any(),
        Step::Voicemail => view! { <voicemail::VoicemailStep wizard/> }.into_any(),
        Step::CallerId => view! { <caller_id::CallerIdStep wizard/> }.into_any(),
        Step::Devices => view! { <devices::DevicesStep wizard/> }.into_any(),
    }
}

/// Every step's fieldset, in order (the wizard shows one at a time).
#[component]
fn AllSteps(wizard: Wizard) -> impl IntoView {
    Step::ALL
        .into_iter()
        .map(|step| view! { <OneStep wizard step/> })
        .collect_view()
}

/// The form's starting values: what was submitted, if the server sent it back with an error (a
/// submission made without JavaScript), otherwise the domain's defaults.
fn starting_values(
    last: Option<Result<crate::model::user::UserDetail, AppError>>,
    fallback: UserForm,
) -> UserForm {
    last.and_then(Result::err)
        .and_then(|e| e.input::<UserForm>())
        .unwrap_or(fallback)
}

#[component]
fn UserWizard(start: WizardStart, action: ServerAction<CreateUser>) -> impl IntoView {
    let hydrated = use_hydrated();
    let last = action.value().get_untracked();
    let initial = starting_values(last.clone(), start.form.clone());
    let refused = last.and_then(Result::err);
    let wizard = Wizard::new(start, initial, refused, hydrated, String::new());
    let domain = wizard.domain_name();
    let cancel = format!("/domains/{domain}/users");
    conflicts::watch(wizard);

    // A refusal that arrives while the page runs (and one sent back to a page that was posted
    // before its WASM loaded) turns the wizard to the step concerned.
    Effect::new(move |_| {
        if let Some(Err(error)) = action.value().get() {
            wizard.refused(&error);
        }
    });

    // Enter in a field moves on to the next step rather than sending the whole form.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        use wasm_bindgen::JsCast;
        let in_input = ev
            .target()
            .is_some_and(|t| t.dyn_ref::<leptos::web_sys::HtmlInputElement>().is_some());
        if in_input && ev.key() == "Enter" && wizard.step.get_untracked() < REVIEW {
            ev.prevent_default();
            wizard.next();
        }
    };

    view! {
        {step_list(wizard)}
        <ActionForm action=action attr:class="wizard">
            <input type="hidden" name="domain" value=domain/>
            <p class="form-error" role="alert">{move || wizard.notice.get()}</p>
            <RequiredNote/>
            <div class="wizard-steps" on:keydown=on_keydown>
                <AllSteps wizard/>
            </div>
            <review::ReviewStep wizard/>
            <div class="buttons">
                <button type="button" class="secondary" hidden=move || !hydrated.get()
                    disabled=move || wizard.step.get() == 0
                    on:click=move |_| wizard.back()>"Back"</button>
                <button type="button" hidden=move || !hydrated.get() || wizard.step.get() == REVIEW
                    on:click=move |_| wizard.next()>"Next"</button>
                <button type="submit" hidden=move || wizard.hides(REVIEW)
                    disabled=move || action.pending().get() || review::blocked(wizard)>"Create user"</button>
                <A href=cancel>"Cancel"</A>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let start = Resource::new(domain, new_user_context);
    let action = ServerAction::<CreateUser>::new();
    view! {
        <Page title=format!("New user in {}", domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match start.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(start) => view! { <UserWizard start action/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FieldErrors;

    #[test]
    fn a_problem_with_one_item_of_a_list_is_shown_on_the_list_field() {
        let mut errors = FieldErrors::default();
        errors.add("login-username", "The login a@b.example is already taken.");
        errors.add(
            "phone-numbers[1]",
            "+16125550150 is already routed to another user.",
        );
        errors.add("phone-numbers[2]", "12: Too short.");
        let by_field = errors_by_field(&AppError::Conflict {
            errors,
            input: None,
        });
        assert_eq!(by_field.len(), 2);
        assert_eq!(
            by_field["phone-numbers"],
            "+16125550150 is already routed to another user. 12: Too short."
        );
        assert_eq!(
            notice_for(&AppError::invalid(FieldErrors::one("user", "Required."))),
            "1 field needs attention."
        );
    }

    #[test]
    fn every_step_has_a_field_to_focus_and_a_position() {
        for (i, step) in Step::ALL.into_iter().enumerate() {
            assert_eq!(index_of(step), i);
            assert!(USER_FIELDS.iter().any(|f| f.step == step), "{step:?}");
        }
    }
}
