//! The caller's API keys (every key, for a Super User): the list with a Revoke button each, and
//! the form that makes a new one, whose token is shown once, right after. Works without
//! JavaScript: both forms post, and the server sends the page back.

use crate::api::api_keys::{list_api_keys, take_api_key_token, CreateApiKey, DeleteApiKey};
use crate::components::{
    choices, form_summary, use_me, CopyButton, ErrorNotice, Field, Page, RequiredNote, SelectField,
};
use crate::error::AppError;
use crate::model::api_key::{
    key_user, AllowedAddresses, AllowedModels, ApiKey, ApiKeyForm, KeyDescription, KeyDomain,
};
use crate::model::{counted, optional, Parse, Reseller, Scope};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// An RFC 3339 time (`2026-11-23T14:05:09Z`) as the pages show times: `2026-11-23 14:05 UTC`.
fn shown_time(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(minutes) if rfc3339.ends_with('Z') => format!("{} UTC", minutes.replace('T', " ")),
        _ => rfc3339.to_owned(),
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let query = use_query_map();
    let created = move || query.read().get("created").unwrap_or_default();
    let revoked = move || query.read().get("revoked");
    let keys = Resource::new(move || (created(), revoked()), |_| list_api_keys());
    // Made beside the page's other data (see the user page's invitation): the token of a key just
    // made, taken from the session once.
    let token = Resource::new(created, |id| async move {
        if id.is_empty() {
            Ok(None)
        } else {
            take_api_key_token(id).await
        }
    });
    let revoke = ServerAction::<DeleteApiKey>::new();
    let revoke_error = move || {
        revoke
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    view! {
        <Page title="API keys">
            <p class="lead">
                "A key lets a program use Roster's HTTP API (" <code>"/ns-api/v2"</code>
                ") as you, within the key's limits: a scope no higher than yours, one domain or all, reads only if you wish, from the addresses you allow. What each route takes and answers is in the "
                // Not a page of the app: the browser fetches it (the router would look for a route).
                <a href="/ns-api/v2/docs" target="_self">"API documentation"</a> "."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    token.await.ok().flatten().map(|token| view! {
                        <div class="notice ok new-token" role="status">
                            <p>"The new key's token, shown only now: copy it and keep it safe. Send it as " <code>"Authorization: Bearer <token>"</code> "."</p>
                            <p>
                                <code class="api-token" id="api-token">{token.clone()}</code>
                                " "
                                <CopyButton text=token.clone() label="Copy the token"/>
                            </p>
                        </div>
                    })
                })}
            </Suspense>
            {move || revoked().map(|id| view! {
                <p class="notice ok" role="status">{format!("Key {id} was revoked: it no longer works.")}</p>
            })}
            <p class="form-error" role="alert">{revoke_error}</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No keys yet."</p> }.into_any(),
                        Ok(list) => view! { <KeyTable keys=list revoke/> }.into_any(),
                    }
                })}
            </Transition>
            {move || {
                // Made afresh once a key is made, so the form starts empty for the next one.
                created();
                view! { <NewKeyForm/> }
            }}
        </Page>
    }
}

/// The keys, each with its Revoke button.
#[component]
fn KeyTable(keys: Vec<ApiKey>, revoke: ServerAction<DeleteApiKey>) -> impl IntoView {
    let count = counted(keys.len() as i64, "key", "keys");
    let rows = keys
        .into_iter()
        .map(|key| {
            let addresses = if key.ip_address.is_empty() {
                "Any".to_owned()
            } else {
                key.ip_address.replace(',', ", ")
            };
            let domain = if key.domain == "*" && !key.reseller.is_empty() {
                format!("* (reseller {})", key.reseller)
            } else {
                key.domain
            };
            let label = format!("Revoke key {}", key.description);
            let mut about = format!("{} · by {}", key.key_id, key.created_by);
            if key.allowed_models != AllowedModels::All {
                about.push_str(&format!(" · models {}", key.allowed_models.to_string().replace(',', ", ")));
            }
            let scope = if key.user.is_empty() {
                key.user_scope.as_str().to_owned()
            } else {
                format!("{}, as user {}", key.user_scope.as_str(), key.user)
            };
            view! {
                <tr>
                    <td>{key.description}<br/><span class="hint">{about}</span></td>
                    <td>{scope}</td>
                    <td>{domain}</td>
                    <td>{if bool::from(key.readonly) { "Yes" } else { "No" }}</td>
                    <td>{addresses}</td>
                    <td>{shown_time(&key.created_datetime)}</td>
                    <td>{key.lastused_datetime.as_deref().map_or_else(|| "Never".to_owned(), shown_time)}</td>
                    <td>
                        <ActionForm action=revoke>
                            <input type="hidden" name="key_id" value=key.key_id/>
                            <button type="submit" class="small danger" aria-label=label
                                disabled=move || revoke.pending().get()>"Revoke"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="list api-keys">
            <caption>{count}</caption>
            <thead><tr>
                <th scope="col">"Description"</th>
                <th scope="col">"Scope"</th>
                <th scope="col">"Domain"</th>
                <th scope="col">"Read-only"</th>
                <th scope="col">"Addresses"</th>
                <th scope="col">"Created"</th>
                <th scope="col">"Last used"</th>
                <th scope="col"><span class="visually-hidden">"Revoke"</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The form that makes a key. It offers the scopes the caller may give (not No Portal: such a
/// key could do nothing), and the reseller field to Super Users only.
#[component]
fn NewKeyForm() -> impl IntoView {
    let me = use_me();
    let create = ServerAction::<CreateApiKey>::new();
    let rejected = Signal::derive(move || create.value().get().and_then(Result::err));
    // What was typed, when the server sent it back with an error (a post without JavaScript).
    let typed = StoredValue::new(
        create
            .value()
            .get_untracked()
            .and_then(Result::err)
            .and_then(|e: AppError| e.input::<ApiKeyForm>()),
    );
    let error_for = move |field: &'static str| {
        Signal::derive(move || rejected.get().and_then(|e| e.message_for(field)))
    };
    view! {
        <section class="detail" aria-labelledby="new-key-heading">
            <h2 id="new-key-heading">"New key"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let me = me.0.await.ok().flatten()?;
                    let typed = typed.get_value();
                    let initial = typed.clone().unwrap_or_default();
                    // Highest first: the caller's own scope is the default.
                    let mut scopes: Vec<(String, String)> = me
                        .who
                        .grantable_scopes()
                        .filter(|s| *s != Scope::NoPortal)
                        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
                        .collect();
                    scopes.reverse();
                    let scope = typed
                        .as_ref()
                        .map_or_else(|| me.who.scope.as_str().to_owned(), |t| t.user_scope.clone());
                    // Your own domain (~) if you have one; otherwise every domain your scope reaches.
                    let domain = match (&typed, &me.domain) {
                        (Some(_), _) => initial.domain.clone(),
                        (None, Some(_)) => "~".to_owned(),
                        (None, None) => "*".to_owned(),
                    };
                    let readonly = if initial.readonly.is_empty() { "no".to_owned() } else { initial.readonly.clone() };
                    let super_user = me.who.scope == Scope::SuperUser;
                    Some(view! {
                        <ActionForm action=create>
                            {form_summary(rejected)}
                            <RequiredNote/>
                            <Field name="input[description]" id="description" label="Description"
                                hint="What the key is for, and who uses it (12 to 200 characters)."
                                initial=initial.description.clone() required=true
                                check=Callback::new(|raw: String| KeyDescription::parse(&raw).map(drop))
                                server_error=error_for("description")/>
                            <SelectField name="input[user-scope]" id="user-scope" label="Scope"
                                hint="What the key may do: at most what you may."
                                initial=scope options=scopes server_error=error_for("user-scope")/>
                            <Field name="input[domain]" id="domain" label="Domain"
                                hint="A domain's name; ~ for your own domain; * for every domain the scope reaches (Reseller and Super User keys)."
                                initial=domain
                                check=Callback::new(|raw: String| KeyDomain::parse(&raw).map(drop))
                                server_error=error_for("domain")/>
                            {super_user.then(|| view! {
                                <Field name="input[reseller]" id="reseller" label="Reseller"
                                    hint="For a Reseller key for every domain (*): the reseller it acts for."
                                    initial=initial.reseller.clone()
                                    check=Callback::new(|raw: String| optional::<Reseller>(&raw).map(drop))
                                    server_error=error_for("reseller")/>
                            })}
                            <Field name="input[user]" id="user" label="Acts as user"
                                hint="An extension of the key's domain: the key acts as that user, with at most its scope. Blank: as you."
                                initial=initial.user.clone()
                                check=Callback::new(|raw: String| key_user(&raw).map(drop))
                                server_error=error_for("user")/>
                            <SelectField name="input[readonly]" id="readonly" label="Read-only"
                                initial=readonly options=choices(&[("no", "No: reads and changes"), ("yes", "Yes: reads only")])
                                server_error=error_for("readonly")/>
                            <Field name="input[ip-address]" id="ip-address" label="Allowed addresses"
                                hint="Addresses or subnets such as 192.0.2.0/24, separated by commas; blank for any."
                                initial=initial.ip_address.clone()
                                check=Callback::new(|raw: String| AllowedAddresses::parse(&raw).map(drop))
                                server_error=error_for("ip-address")/>
                            <Field name="input[allowed-models]" id="allowed-models" label="Allowed models"
                                hint="What the key may use, in NetSapiens' names separated by commas (subscriber, domain, site, department, device, phonenumber, answerrule, email, apikey); blank or * for everything."
                                initial=initial.allowed_models.clone()
                                check=Callback::new(|raw: String| AllowedModels::parse(&raw).map(drop))
                                server_error=error_for("allowed-models")/>
                            <SelectField name="input[can-create-keys]" id="can-create-keys" label="May make keys"
                                initial=if initial.can_create_keys.is_empty() { "no".to_owned() } else { initial.can_create_keys.clone() }
                                options=choices(&[("no", "No"), ("yes", "Yes: keys within this one, revoked with it")])
                                server_error=error_for("can-create-keys")/>
                            <div class="buttons">
                                <button type="submit" disabled=move || create.pending().get()>"Create key"</button>
                            </div>
                        </ActionForm>
                    })
                })}
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_minute_in_utc() {
        assert_eq!(shown_time("2026-11-23T14:05:09Z"), "2026-11-23 14:05 UTC");
        assert_eq!(shown_time("soon"), "soon");
    }
}
