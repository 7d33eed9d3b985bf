//! A domain's SIP devices: every device with its user, whether its phone is registered now, the
//! phone it is provisioned on, its settings, and its SIP password for those who may see it; a
//! device added to a user, renamed, moved to another user, given a new password, or deleted.
//! Search and page live in the address (`q`, `start`); every change is a plain form, so the page
//! works before (and without) the WebAssembly.

use crate::api::devices::{
    list_devices, AddDevice, DeleteDevice, MoveDevice, RenameDevice, ResetDevicePassword,
    DEVICES_PER_PAGE,
};
use crate::components::{
    domain_list_page, form_summary, refusal_of, registration_marker, row_refusal, use_hydrated,
    Confirm, Field, FieldKind, ListPage, RequiredNote, SearchForm, SecretText,
};
use crate::model::fields::with_defaults;
use crate::model::user::Device;
use crate::model::{
    optional, DeviceList, DeviceModel, DeviceName, DeviceSettings, EmergencyCallerId, Extension,
    MacAddress, Parse, SipPassword, DEVICE_FIELDS,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// Every action a row of the list offers.
#[derive(Clone, Copy)]
struct RowActions {
    rename: ServerAction<RenameDevice>,
    moving: ServerAction<MoveDevice>,
    reset: ServerAction<ResetDevicePassword>,
    delete: ServerAction<DeleteDevice>,
}

#[component]
pub fn DevicesPage() -> impl IntoView {
    let add = ServerAction::<AddDevice>::new();
    let actions = RowActions {
        rename: ServerAction::new(),
        moving: ServerAction::new(),
        reset: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let changes = move || {
        add.version().get()
            + actions.rename.version().get()
            + actions.moving.version().get()
            + actions.reset.version().get()
            + actions.delete.version().get()
    };
    domain_list_page(
        "Devices",
        changes,
        list_devices,
        move |d, list, search, start| {
            view! {
                <NewDevice domain=d.clone() add/>
                <SearchForm action=format!("/domains/{d}/devices") id="device-search"
                    label="Search devices" placeholder="Part of a device name or an extension"
                    search=search.clone()/>
                <DeviceTable domain=d list search start actions/>
            }
        },
    )
}

#[component]
fn NewDevice(domain: String, add: ServerAction<AddDevice>) -> impl IntoView {
    let rejected = Signal::derive(move || add.value().get().and_then(Result::err));
    let error = move |field: &'static str| refusal_of(rejected, field);
    view! {
        <section class="detail" aria-labelledby="new-device-heading">
            <h2 id="new-device-heading">"Add a device"</h2>
            <ActionForm action=add>
                <input type="hidden" name="domain" value=domain/>
                {form_summary(rejected)}
                <RequiredNote/>
                <Field name="device" id="new-device-name" label="Device name" initial=String::new()
                    required=true
                    hint="What the phone registers as: sip:<name>@<domain>. Letters, digits, . _ -"
                    check=Callback::new(|raw: String| DeviceName::parse(&raw).map(drop))
                    server_error=error("device")/>
                <Field name="user" id="new-device-user" label="User" initial=String::new()
                    required=true hint="The extension of the user the device rings."
                    check=Callback::new(|raw: String| Extension::parse_alphanumeric(&raw).map(drop))
                    server_error=error("user")/>
                <Field name="password" id="new-device-password" label="SIP password"
                    initial=String::new() kind=FieldKind::Password autocomplete="new-password"
                    hint="Leave blank for a generated one."
                    check=Callback::new(|raw: String| optional::<SipPassword>(&raw).map(drop))
                    server_error=error("device-sip-registration-password")/>
                <Field name="mac" id="new-device-mac" label="Phone's MAC address" initial=String::new()
                    hint="To provision a phone: the address on its label, such as 00:15:65:1a:2b:3c. Optional."
                    check=Callback::new(|raw: String| optional::<MacAddress>(&raw).map(drop))
                    server_error=error("device-provisioning-mac-address")/>
                <Field name="model" id="new-device-model" label="Phone's model" initial=String::new()
                    hint="Such as Yealink T54W. Needed with a MAC address."
                    check=Callback::new(|raw: String| optional::<DeviceModel>(&raw).map(drop))
                    server_error=error("device-models-model")/>
                <div class="buttons">
                    <button type="submit" disabled=move || add.pending().get()>"Add device"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeviceTable(
    domain: String,
    list: DeviceList,
    search: String,
    start: u32,
    actions: RowActions,
) -> impl IntoView {
    let problem = Signal::derive(move || {
        let refused = |v: Option<Result<(), crate::error::AppError>>| v.and_then(Result::err);
        refused(actions.rename.value().get())
            .or_else(|| refused(actions.moving.value().get()))
            .or_else(|| refused(actions.reset.value().get()))
            .or_else(|| refused(actions.delete.value().get()))
    });
    if list.total == 0 {
        let empty = if search.is_empty() {
            "No devices yet. Add one above, or create a user: it comes with its first device."
                .to_owned()
        } else {
            format!("No devices match “{search}”.")
        };
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let registered = list
        .items
        .iter()
        .filter(|d| d.registration.is_registered())
        .count();
    let base = format!("/domains/{domain}/devices");
    let page = ListPage {
        base: &base,
        search: &search,
        start,
        shown: list.items.len(),
        total: list.total,
        per_page: DEVICES_PER_PAGE,
    };
    let caption = format!(
        "{}; {registered} of these registered now",
        page.caption("device", "devices")
    );
    let pager = page.pager();
    let rows = list
        .items
        .into_iter()
        .enumerate()
        .map(|(i, device)| device_row(&domain, i, device, actions))
        .collect_view();
    view! {
        {row_refusal(problem)}
        <table class="list devices">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">"Device"</th>
                <th scope="col">"User"</th>
                <th scope="col">"Phone"</th>
                <th scope="col">"Provisioned on"</th>
                <th scope="col">"Settings"</th>
                <th scope="col">"SIP password"</th>
                <th scope="col">"Rename"</th>
                <th scope="col">"Move to user"</th>
                <th scope="col">"New password"</th>
                <th scope="col">"Delete"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {pager}
    }
    .into_any()
}

/// The hidden fields that name a row's device to each of its forms.
fn which(domain: &str, user: &str, device: &str) -> impl IntoView {
    view! {
        <input type="hidden" name="domain" value=domain.to_owned()/>
        <input type="hidden" name="user" value=user.to_owned()/>
        <input type="hidden" name="device" value=device.to_owned()/>
    }
}

/// A device's settings, compact: how many differ from a new device's, opening on every one
/// (its secrets aside, which are never shown).
fn settings_details(settings: &DeviceSettings) -> impl IntoView {
    let form = settings.to_form();
    let defaults = with_defaults(DEVICE_FIELDS);
    let shown: Vec<_> = DEVICE_FIELDS.iter().filter(|f| !f.is_secret()).collect();
    let changed = shown
        .iter()
        .filter(|f| (f.get)(&form) != (f.get)(&defaults))
        .count();
    let summary = match changed {
        0 => "Defaults".to_owned(),
        1 => "1 changed".to_owned(),
        n => format!("{n} changed"),
    };
    let rows = shown
        .into_iter()
        .map(|f| {
            let value = match (f.get)(&form) {
                // NetSapiens' spelling of "the user's", not for people.
                EmergencyCallerId::USERS => "The user's".to_owned(),
                text => f.control.shown(text),
            };
            view! { <dt>{f.label}</dt><dd>{value}</dd> }
        })
        .collect_view();
    view! {
        <details class="device-settings">
            <summary>{summary}</summary>
            <dl>{rows}</dl>
        </details>
    }
}

fn device_row(domain: &str, index: usize, d: Device, actions: RowActions) -> impl IntoView {
    let hydrated = use_hydrated();
    let name = d.device.to_string();
    let user = d.user.to_string();
    let password = match d.device_sip_registration_password.clone() {
        Some(text) => {
            view! { <SecretText id=format!("device-password-{index}") text hydrated/> }.into_any()
        }
        None => view! { <span class="muted">"Not yours to see"</span> }.into_any(),
    };
    let provisioned = match (&d.device_models_model, &d.device_provisioning_mac_address) {
        (Some(model), Some(mac)) => format!("{model}, {}", mac.shown()),
        (Some(model), None) => model.to_string(),
        (None, Some(mac)) => mac.shown(),
        (None, None) => "Not linked".to_owned(),
    };
    let settings = settings_details(&d.settings);
    let rename_id = format!("rename-device-{index}");
    let move_id = format!("move-device-{index}");
    let is_registered = d.registration.is_registered();
    let registered = if is_registered {
        format!(" Its phone is registered now and stops working until set up again.")
    } else {
        String::new()
    };
    let confirm_reset = format!(" New password for {name}.{registered}");
    let confirm_delete = format!(" Delete {name}.{registered}");
    let named = || which(domain, &user, &name);
    let (for_rename, for_move, for_reset, for_delete) = (named(), named(), named(), named());
    let user_href = format!("/domains/{domain}/users/{user}");
    let rename_label = format!("New name for {name}");
    let move_label = format!("Extension to move {name} to");
    let current = name.clone();
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td><A href=user_href>{user.clone()}</A></td>
            <td>{registration_marker(is_registered)}</td>
            <td>{provisioned}</td>
            <td>{settings}</td>
            <td>{password}</td>
            <td>
                <ActionForm action=actions.rename attr:class="inline">
                    {for_rename}
                    <label for=rename_id.clone() class="visually-hidden">{rename_label}</label>
                    <input id=rename_id name="to" type="text" value=current required size="12"/>
                    <button type="submit" class="secondary">"Rename"</button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=actions.moving attr:class="inline">
                    {for_move}
                    <label for=move_id.clone() class="visually-hidden">{move_label}</label>
                    <input id=move_id name="to" type="text" required size="8" inputmode="numeric"/>
                    <button type="submit" class="secondary">"Move"</button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=actions.reset attr:class="inline">
                    {for_reset}
                    <Confirm text=confirm_reset/>
                    <button type="submit" class="secondary">"New password"</button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=actions.delete attr:class="inline">
                    {for_delete}
                    <Confirm text=confirm_delete/>
                    <button type="submit" class="danger">"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
