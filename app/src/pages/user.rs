//! One user with everything attached, grouped as the Create User wizard asks for it and labelled
//! with the same field table; and deleting the user.

use crate::api::answer_rules::rules_page;
use crate::api::users::{
    get_user, take_invitation, user_mail, DeleteUser, EndUserSessions, InvitationMade, InviteUser,
};
use crate::components::{
    registration_marker, use_hydrated, Confirm, CopyButton, ErrorNotice, Page, SecretText,
};
use crate::error::AppError;
use crate::model::mail::{MailEntry, MailStatus};
use crate::model::user::{Device, Step, UserDetail, UserField, USER_FIELDS};
use crate::model::Scope;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let domain = move || params.read().get("name").unwrap_or_default();
    let extension = move || params.read().get("user").unwrap_or_default();
    let detail = Resource::new(move || (domain(), extension()), |(d, u)| get_user(d, u));
    // Made here, beside the page's other data, and not inside the detail once it has loaded: a
    // resource made inside a suspended view would be numbered by whichever data arrived first,
    // which can differ between the server and the browser, and hydration would then fail.
    // A new invitation comes back to this page with `?invited=...`: look again then.
    let query = use_query_map();
    let invitation = Resource::new(
        move || (domain(), extension(), query.read().get("invited")),
        |(d, u, _)| take_invitation(d, u),
    );
    let mail = Resource::new(
        move || (domain(), extension(), query.read().get("invited")),
        |(d, u, _)| user_mail(d, u),
    );
    view! {
        <Page title=format!("User {} in {}", extension(), domain())>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        // Only the refusal: no actions on a user the caller cannot see.
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(d) => view! {
                            <p class="actions">
                                <A href=format!("/domains/{}/users", domain())>{format!("← Users of {}", domain())}</A>
                            </p>
                            <UserDetailView detail=d invitation mail/>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// One field of the user as the page shows it: its value in effect, and whether the user follows
/// its domain for it. The PIN never reaches the browser, only whether there is one.
fn shown_field(detail: &UserDetail, form: &crate::model::user::UserForm, f: &UserField) -> String {
    if f.is_secret() {
        return if f.name == "voicemail-login-pin" && detail.voicemail_pin_set {
            "Set".to_owned()
        } else {
            "Not set".to_owned()
        };
    }
    let value = f.control.shown((f.get)(form));
    if detail.inherits(f.name) {
        format!("{value} (from the domain)")
    } else {
        value
    }
}

/// Unix milliseconds as a UTC date and time (the same text on the server and in the browser).
pub(crate) fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let time = secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        time / 3600,
        time % 3600 / 60
    )
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Fields shown apart from the table (the device has its own block).
const SHOWN_APART: &[&str] = &["device", "device-sip-registration-password"];

/// The invitation just made, if any (see [`UserPage`]).
type JustInvited = Resource<Result<Option<InvitationMade>, AppError>>;
/// The newest messages to the user.
type UserMail = Resource<Result<Vec<MailEntry>, AppError>>;

#[component]
fn UserDetailView(detail: UserDetail, invitation: JustInvited, mail: UserMail) -> impl IntoView {
    let form = detail.values.to_form();
    let domain = detail.domain.to_string();
    let extension = detail.extension().to_string();
    let mailbox = detail.voicemail_box.as_ref().map(ToString::to_string);
    let devices = detail.devices.clone();
    let sections = Step::ALL
        .into_iter()
        .map(|step| {
            let rows = USER_FIELDS
                .iter()
                .filter(|f| f.step == step && !SHOWN_APART.contains(&f.name))
                .map(|f| {
                    view! {
                        <dt>{f.label}</dt>
                        <dd>{shown_field(&detail, &form, f)}</dd>
                    }
                })
                .collect_view();
            let heading_id = format!("section-{}", step.slug());
            let edit = format!("/domains/{domain}/users/{extension}/edit/{}", step.slug());
            let extra = match step {
                Step::Voicemail => Some(
                    view! {
                        <dt>"Voicemail box"</dt>
                        <dd>{mailbox.clone().unwrap_or_else(|| "None".to_owned())}</dd>
                    }
                    .into_any(),
                ),
                Step::Devices => Some(
                    view! {
                        <dt>"SIP devices"</dt>
                        <dd><DeviceList devices=devices.clone() domain=domain.clone()/></dd>
                        <dt>"Answer rules"</dt>
                        <dd>
                            <A href=rules_page(&domain, &extension)>"By time frame"</A>
                            " (the forwards below are the default rule, *)"
                        </dd>
                    }
                    .into_any(),
                ),
                _ => None,
            };
            view! {
                <section class="detail" aria-labelledby=heading_id.clone()>
                    <div class="section-head">
                        <h2 id=heading_id.clone()>{step.title()}</h2>
                        <A href=edit attr:class="button secondary"
                            attr:aria-label=format!("Edit {}", step.title())>"Edit"</A>
                    </div>
                    <dl>{extra}{rows}</dl>
                </section>
            }
        })
        .collect_view();
    let created = utc(detail.created_at);
    let updated = utc(detail.updated_at);
    let v = &detail.values;
    view! {
        <p class="lead">
            {format!("{} {}", v.name_first_name, v.name_last_name)}
            " · " {v.login().to_owned()}
        </p>
        <InvitationNotice invitation/>
        {sections}
        <section class="detail" aria-labelledby="section-record">
            <h2 id="section-record">"Record"</h2>
            <dl>
                <dt>"Created"</dt><dd>{created}</dd>
                <dt>"Updated"</dt><dd>{updated}</dd>
            </dl>
        </section>
        <PortalAccess domain=domain.clone() extension=extension.clone()
            portal=detail.values.user_scope != Scope::NoPortal mail/>
        <DeleteUserForm domain extension has_mailbox=mailbox.is_some()/>
    }
}

/// The invitation just made, at the top of the page, once: its link with a Copy button, unless
/// it went out by mail through a relay.
#[component]
fn InvitationNotice(invitation: JustInvited) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                invitation.await.ok().flatten().map(|made| {
                    let mailed = made.mailed_to.clone().map(|to| {
                        let how = if made.relay {
                            "It is on its way."
                        } else {
                            "No mail relay is set, so it waits in the outbox: pass the link on yourself."
                        };
                        view! { <p>"An invitation was e-mailed to " <strong>{to}</strong> ". " {how}</p> }
                    });
                    let link = made.link.map(|link| view! {
                        <p>"Invitation link (shown only now; it works once, for 72 hours, and ends any earlier one). Send it to the user to set a password:"</p>
                        <p class="copyable">
                            <code class="invitation-link">{link.clone()}</code>
                            " " <CopyButton text=link label="Copy the invitation link"/>
                        </p>
                    });
                    view! { <div class="notice ok invitation" role="status">{mailed}{link}</div> }
                })
            })}
        </Suspense>
    }
}

/// The user's portal login: new invitations (by mail or as a link), ending the user's sessions,
/// and the mail sent to the user (failures shown).
#[component]
fn PortalAccess(domain: String, extension: String, portal: bool, mail: UserMail) -> impl IntoView {
    let query = use_query_map();
    let invite = ServerAction::<InviteUser>::new();
    let end = ServerAction::<EndUserSessions>::new();
    let ended = move || {
        query
            .read()
            .get("sessions-ended")
            .map(|n| format!("Sessions ended: {n}. The user must log in again."))
    };
    let problem = move || {
        invite
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| end.value().get().and_then(Result::err))
            .map(|e| e.to_string())
    };
    let (d2, u2) = (domain.clone(), extension.clone());
    let invite_form = move |send: &'static str, label: &'static str| {
        let (d, u) = (domain.clone(), extension.clone());
        view! {
            <ActionForm action=invite>
                <input type="hidden" name="domain" value=d/>
                <input type="hidden" name="user" value=u/>
                <input type="hidden" name="send" value=send/>
                <button type="submit" disabled=move || invite.pending().get()>{label}</button>
            </ActionForm>
        }
    };
    let invites = portal.then(|| {
        view! {
            {invite_form("send", "E-mail a new invitation")}
            {invite_form("link", "New invitation link")}
        }
    });
    view! {
        <section class="detail" aria-labelledby="section-portal">
            <h2 id="section-portal">"Portal login"</h2>
            {move || ended().map(|text| view! { <p class="notice ok" role="status">{text}</p> })}
            <p class="form-error" role="alert">{problem}</p>
            <div class="buttons">
                {invites}
                <ActionForm action=end>
                    <input type="hidden" name="domain" value=d2/>
                    <input type="hidden" name="user" value=u2/>
                    <button type="submit" disabled=move || end.pending().get()>"End the user's sessions"</button>
                </ActionForm>
            </div>
            <MailList mail/>
        </section>
    }
}

/// The newest messages to the user, with where each is.
#[component]
fn MailList(mail: UserMail) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let entries = mail.await.unwrap_or_default();
                (!entries.is_empty()).then(|| view! {
                    <h3>"Mail to this user"</h3>
                    <table class="mail">
                        <thead><tr><th>"Queued"</th><th>"Message"</th><th>"To"</th><th>"Status"</th></tr></thead>
                        <tbody>
                            {entries.into_iter().map(|m| {
                                let failed = m.status == MailStatus::Failed;
                                let status = mail_status(&m);
                                view! {
                                    <tr class:failed=failed>
                                        <td>{utc(m.created_at)}</td>
                                        <td>{m.subject}</td>
                                        <td>{m.to.replace(';', "; ")}</td>
                                        <td>{status}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            })}
        </Suspense>
    }
}

/// Where a message is, in words: when it went, or why it has not.
pub fn mail_status(m: &MailEntry) -> String {
    let error = m.last_error.as_deref().unwrap_or("unknown error");
    match m.status {
        MailStatus::Sent => format!("Sent {}", m.sent_at.map(utc).unwrap_or_default()),
        MailStatus::Kept => "Kept in the outbox (no mail relay is set)".to_owned(),
        MailStatus::Failed => format!("Failed after {} attempts: {error}", m.attempts),
        MailStatus::Queued if m.attempts > 0 => format!(
            "Not sent yet ({} attempts; last: {error}); next attempt {}",
            m.attempts,
            m.next_attempt_at.map(utc).unwrap_or_default()
        ),
        MailStatus::Queued => "Waiting to be sent".to_owned(),
    }
}

/// The user's SIP devices, each with its registration password behind a Show button (a
/// `<details>` until the page is hydrated, so it can be read without JavaScript too).
#[component]
fn DeviceList(devices: Vec<Device>, domain: String) -> impl IntoView {
    let hydrated = use_hydrated();
    devices
        .into_iter()
        .enumerate()
        .map(|(i, device)| {
            let address = format!("sip:{}@{domain}", device.device);
            let password = device.device_sip_registration_password.map(|password| {
                let id = format!("sip-password-{i}");
                view! { <SecretText id text=password hydrated/> }
            });
            let registration = device.registration;
            let registered = registration.is_registered();
            let place = registered.then(|| {
                let from = registration
                    .device_sip_registration_ip_address
                    .unwrap_or_default();
                let agent = registration
                    .device_sip_registration_user_agent
                    .unwrap_or_default();
                let until = registration
                    .device_sip_registration_expires_datetime
                    .unwrap_or_default()
                    .replace('T', " ")
                    .replace('Z', " UTC");
                view! {
                    <span class="where">{format!("from {from} ({agent}), until {until}")}</span>
                }
            });
            view! {
                <div class="device">
                    <code>{address}</code>
                    {registration_marker(registered)}
                    {place}
                    {password}
                </div>
            }
        })
        .collect_view()
}

/// Deleting the user. The server refuses (412) to delete a user who owns a voicemail box unless
/// the box goes too; its message is shown here.
#[component]
fn DeleteUserForm(domain: String, extension: String, has_mailbox: bool) -> impl IntoView {
    let delete = ServerAction::<DeleteUser>::new();
    let problem = move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let confirm_text = format!(" Yes, delete user {extension}");
    view! {
        <section class="danger" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete this user"</h2>
            <p>
                "Its devices, answer rule, portal login and call queue agents go with it; its phone numbers stay in the domain, unassigned."
                {has_mailbox.then_some(" It owns a voicemail box: a user is deleted only together with its box, so tick “Also delete the voicemail box”, and its messages and greetings go too.")}
            </p>
            <ActionForm action=delete>
                <input type="hidden" name="domain" value=domain/>
                <input type="hidden" name="user" value=extension/>
                {has_mailbox.then(|| view! {
                    <label class="check">
                        <input type="checkbox" name="delete_voicemail" value="yes"/>
                        " Also delete the voicemail box"
                    </label>
                })}
                <Confirm text=confirm_text/>
                <p class="form-error" role="alert">{problem}</p>
                <div class="buttons">
                    <button type="submit" class="danger" disabled=move || delete.pending().get()>"Delete user"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::Control;

    #[test]
    fn times_are_shown_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_735_689_599_000), "2024-12-31 23:59 UTC");
    }

    #[test]
    fn stored_values_read_as_the_form_shows_them() {
        let status = USER_FIELDS.iter().find(|f| f.name == "status").unwrap();
        assert_eq!(status.control.shown("enabled"), "Enabled");
        assert_eq!(Control::Text.shown(""), "None");
        assert_eq!(Control::YesNo.shown("yes"), "Yes");
        assert_eq!(Control::Text.shown("+16125550101"), "+16125550101");
    }
}
