//! A user's own profile: its line (extension, numbers, devices), and what it may change itself:
//! status message and voicemail PIN, answer rules (for the scopes allowed), and its password.
//! The fields are those of the user form, checked by the same parsers.

use crate::api::profile::{
    my_profile, AnswerRulesForm, ChangePassword, Profile, ProfileForm, UpdateMyAnswerRules,
    UpdateMyProfile,
};
use crate::components::{
    choices, form_summary, registration_marker, use_hydrated, ErrorNotice, Field, FieldKind, Page,
    SecretText, SelectField,
};
use crate::error::AppError;
use crate::model::fields::{Control, FieldContext};
use crate::model::phone_setup::PhoneSetup;
use crate::model::user::{Device, UserForm, USER_FIELDS};
use crate::model::{Invalid, Password};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// One field of the user form by its name, for a form of this page: `initial` shown first, the
/// server's complaint about it from `rejected`.
fn user_field(name: &'static str, initial: String, rejected: Signal<Option<AppError>>) -> AnyView {
    let Some(field) = USER_FIELDS.iter().find(|f| f.name == name) else {
        return ().into_any();
    };
    let input = format!("input[{name}]");
    let server_error = Signal::derive(move || rejected.get().and_then(|e| e.message_for(name)));
    if field.control == Control::YesNo {
        return view! {
            <SelectField name=input id=name label=field.label hint=field.hint initial
                options=choices(&[("yes", "Yes"), ("no", "No")]) server_error/>
        }
        .into_any();
    }
    let check = Callback::new(move |raw: String| (field.check)(&raw, &FieldContext::default()));
    let kind = if field.control == Control::Secret {
        FieldKind::Password
    } else {
        FieldKind::Text
    };
    view! {
        <Field name=input id=name label=field.label hint=field.hint initial check server_error kind/>
    }
    .into_any()
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    // Saving comes back to this page with `?saved=...`: read the profile again then.
    let query = use_query_map();
    let saved = Memo::new(move |_| query.read().get("saved"));
    let profile = Resource::new(move || saved.get(), |_| my_profile());
    let notice = move || {
        saved.get().map(|what| match what.as_str() {
            "password" => "Your password is changed. Your other sessions have ended.",
            "answer-rules" => "Your answer rules are saved.",
            _ => "Your profile is saved.",
        })
    };
    view! {
        <Page title="My profile">
            {move || notice().map(|text| view! { <p class="notice ok" role="status">{text}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(p) => view! { <ProfileView profile=p/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let d = &profile.detail;
    let form = d.form();
    let u = &d.values;
    let numbers = if u.phone_numbers.is_empty() {
        "None".to_owned()
    } else {
        u.phone_numbers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let devices = if d.devices.is_empty() {
        "None".to_owned()
    } else {
        d.devices
            .iter()
            .map(|dev| format!("sip:{}@{}", dev.device, d.domain))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = [
        ("Extension", u.user.to_string()),
        ("Domain", d.domain.to_string()),
        (
            "Name",
            format!("{} {}", u.name_first_name, u.name_last_name),
        ),
        ("Login", u.login().to_owned()),
        ("Scope", u.user_scope.as_str().to_owned()),
        (
            "Site",
            u.site
                .as_ref()
                .map_or("None".to_owned(), ToString::to_string),
        ),
        (
            "Department",
            u.department
                .as_ref()
                .map_or("None".to_owned(), ToString::to_string),
        ),
        ("Phone numbers", numbers),
        ("Devices", devices),
        (
            "Voicemail box",
            d.voicemail_box
                .as_ref()
                .map_or("None".to_owned(), ToString::to_string),
        ),
        (
            "Voicemail PIN",
            if d.voicemail_pin_set {
                "Set"
            } else {
                "Not set"
            }
            .to_owned(),
        ),
    ];
    view! {
        <section aria-labelledby="line-heading">
            <h2 id="line-heading">"Your line"</h2>
            <dl class="detail">
                {rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
        </section>
        <PhoneSection phones=profile.phones.clone() devices=d.devices.clone()/>
        <StatusForm form=form.clone()/>
        {profile.may_edit_answer_rules.then(|| view! { <AnswerRulesSection form=form.clone()/> })}
        <PasswordForm/>
    }
}

/// How to set up the user's phones: for each device, the SIP server, domain, username and
/// password to type in, its registration now, and the same account as a QR code.
#[component]
fn PhoneSection(phones: Vec<PhoneSetup>, devices: Vec<Device>) -> impl IntoView {
    let hydrated = use_hydrated();
    let items = phones
        .into_iter()
        .enumerate()
        .map(|(i, phone)| {
            let registered = devices
                .iter()
                .find(|d| d.device.as_str() == phone.username)
                .is_some_and(|d| d.registration.is_registered());
            let server = phone
                .server
                .clone()
                .unwrap_or_else(|| "This portal runs no SIP server.".to_owned());
            let qr = (!phone.qr_svg.is_empty() && phone.server.is_some()).then(|| {
                view! {
                    <figure class="qr">
                        <div inner_html=phone.qr_svg.clone()></div>
                        <figcaption>"Scan with Grandstream Wave (Settings, Account settings, Add account, Scan QR code)."</figcaption>
                    </figure>
                }
            });
            let id = format!("my-sip-password-{i}");
            view! {
                <div class="phone-setup">
                    <dl class="detail">
                        <dt>"Phone"</dt><dd>{registration_marker(registered)}</dd>
                        <dt>"SIP server (outbound proxy)"</dt><dd><code>{server}</code>" (UDP)"</dd>
                        <dt>"Domain (realm)"</dt><dd><code>{phone.domain.to_string()}</code></dd>
                        <dt>"Username"</dt><dd><code>{phone.username.clone()}</code></dd>
                        <dt>"Password"</dt><dd><SecretText id text=phone.password.clone() hydrated/></dd>
                    </dl>
                    {qr}
                </div>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="phone-heading">
            <h2 id="phone-heading">"Your phone"</h2>
            <p class="hint">"Any SIP phone or softphone: these settings, or the QR code where the app reads one."</p>
            {items}
        </section>
    }
}

#[component]
fn StatusForm(form: UserForm) -> impl IntoView {
    let action = ServerAction::<UpdateMyProfile>::new();
    let rejected = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent_back = action
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<ProfileForm>());
    let status = sent_back.map_or(form.status_message, |f| f.status_message);
    view! {
        <section aria-labelledby="status-heading">
            <h2 id="status-heading">"Status message and voicemail PIN"</h2>
            <ActionForm action=action>
                {form_summary(rejected)}
                {user_field("status-message", status, rejected)}
                {user_field("voicemail-login-pin", String::new(), rejected)}
                <p class="hint">"Leave the PIN blank to keep the one you have."</p>
                <div class="buttons">
                    <button type="submit" disabled=move || action.pending().get()>"Save"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn AnswerRulesSection(form: UserForm) -> impl IntoView {
    let action = ServerAction::<UpdateMyAnswerRules>::new();
    let rejected = Signal::derive(move || action.value().get().and_then(Result::err));
    let mut form = form;
    if let Some(sent) = action
        .value()
        .get_untracked()
        .and_then(Result::err)
        .and_then(|e| e.input::<AnswerRulesForm>())
    {
        form.forward_always = sent.forward_always;
        form.forward_on_busy = sent.forward_on_busy;
        form.forward_no_answer = sent.forward_no_answer;
        form.forward_when_unregistered = sent.forward_when_unregistered;
        form.do_not_disturb = sent.do_not_disturb;
        form.simultaneous_ring = sent.simultaneous_ring;
    }
    view! {
        <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">"Answer rules"</h2>
            <ActionForm action=action>
                {form_summary(rejected)}
                {user_field("do-not-disturb", form.do_not_disturb, rejected)}
                {user_field("forward-always", form.forward_always, rejected)}
                {user_field("forward-on-busy", form.forward_on_busy, rejected)}
                {user_field("forward-no-answer", form.forward_no_answer, rejected)}
                {user_field("forward-when-unregistered", form.forward_when_unregistered, rejected)}
                {user_field("simultaneous-ring", form.simultaneous_ring, rejected)}
                <div class="buttons">
                    <button type="submit" disabled=move || action.pending().get()>"Save answer rules"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let rejected = Signal::derive(move || action.value().get().and_then(Result::err));
    let error_on = move |field: &'static str| {
        Signal::derive(move || rejected.get().and_then(|e| e.message_for(field)))
    };
    let anything = Callback::new(|_: String| Ok::<(), Invalid>(()));
    // The length rule is checked as it is typed; the rules about the user's own words, on
    // the server (which knows them).
    let new_password = Callback::new(|raw: String| Password::parse(&raw, &[]).map(drop));
    view! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">"Change password"</h2>
            <ActionForm action=action>
                {form_summary(rejected)}
                <Field name="current" id="current" label="Current password" initial="" check=anything
                    server_error=error_on("current") kind=FieldKind::Password autocomplete="current-password"/>
                <Field name="password" id="password" label="New password"
                    hint="15 characters or more; a few unrelated words make a good one."
                    initial="" check=new_password server_error=error_on("password")
                    kind=FieldKind::Password autocomplete="new-password"/>
                <Field name="confirm" id="confirm" label="New password again" initial="" check=anything
                    server_error=error_on("confirm") kind=FieldKind::Password autocomplete="new-password"/>
                <div class="buttons">
                    <button type="submit" disabled=move || action.pending().get()>"Change password"</button>
                </div>
            </ActionForm>
        </section>
    }
}
