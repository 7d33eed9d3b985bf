//! Conflicts checked as they are typed: a taken extension (or voicemail box), login, device name
//! or phone number, or a new site named as an existing one in another case, is flagged on its
//! field a moment after the typing stops, not first at Create. The server answers with the
//! messages its create and save give ([`user_conflicts`]).

use super::{by_field, Wizard};
use crate::api::users::user_conflicts;
use leptos::prelude::*;
use std::time::Duration;

/// The fields whose values can collide with what the domain holds (the login and the device
/// follow the extension when blank).
const WATCHED: [&str; 5] = ["user", "login-username", "device", "phone-numbers", "site"];

/// How long the typing must pause before the server is asked.
const PAUSE: Duration = Duration::from_millis(250);

/// Asks the server about the watched fields whenever they change, and keeps its last answer in
/// the wizard's conflicts. An answer about values that have since changed is dropped.
pub(super) fn watch(wizard: Wizard) {
    let watched = Memo::new(move |_| WATCHED.map(|name| wizard.value(name)));
    Effect::new(move |_| {
        let typed = watched.get();
        // What was found about the old values no longer holds (a new extension changes the
        // default login and device too); the answer about the new ones replaces it.
        wizard.conflicts.set(Default::default());
        if typed.iter().all(|v| v.trim().is_empty()) {
            return;
        }
        set_timeout(
            move || {
                // The page may have gone (a save moved on) or the typing gone on.
                if watched.try_get_untracked().as_ref() != Some(&typed) {
                    return;
                }
                let domain = wizard.domain_name();
                let editing = wizard.editing.get_value();
                let form = untrack(|| wizard.form());
                leptos::task::spawn_local(async move {
                    if let Ok(found) = user_conflicts(domain, editing, form).await {
                        if watched.try_get_untracked().as_ref() == Some(&typed) {
                            wizard.conflicts.try_set(by_field(&found));
                        }
                    }
                });
            },
            PAUSE,
        );
    });
}
