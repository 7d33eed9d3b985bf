//! What goes into the audit log: who did what where, and which fields changed from what to what,
//! with secrets masked. Written by the services, inside the transaction of the change.

use super::caller::Caller;
use super::db::domains::DomainRef;
use super::db::{audit, Tx};
use super::now_ms;
use crate::error::AppError;
use crate::model::fields::MASK;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Field -> (before, after): what one change did.
pub type Changes = BTreeMap<String, (String, String)>;

/// The change a `user.import` entry lists the users it created in: their extensions, separated
/// by `, `, in the file's order.
pub use super::db::audit::IMPORTED_USERS;

/// Fields whose values never reach the log, in the records that are not declared forms.
const SECRETS: &[&str] = &["password"];

/// Changes from a declared form's diff ([`crate::model::fields::diff`]), secrets masked there.
pub fn from_diff(diff: Vec<(&'static str, String, String)>) -> Changes {
    diff.into_iter()
        .map(|(field, before, after)| (field.to_owned(), (before, after)))
        .collect()
}

/// The fields that differ between `before` and `after` (each serialised to a JSON object; a
/// missing side is empty), as field -> (before, after): for records that are not declared forms
/// (sites, keys, numbers). Secrets show as [`MASK`].
pub fn changes<T: Serialize>(before: Option<&T>, after: Option<&T>) -> Changes {
    let fields = |v: Option<&T>| -> BTreeMap<String, String> {
        match v.map(serde_json::to_value) {
            Some(Ok(Value::Object(map))) => map
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k, text)
                })
                .collect(),
            _ => BTreeMap::new(),
        }
    };
    let (before, after) = (fields(before), fields(after));
    let mut out = BTreeMap::new();
    for key in before.keys().chain(after.keys()) {
        let old = before.get(key).cloned().unwrap_or_default();
        let new = after.get(key).cloned().unwrap_or_default();
        if old != new {
            out.insert(key.clone(), masked(key, old, new));
        }
    }
    out
}

/// A change of a secret: `***` where there is a value.
pub fn masked(field: &str, before: String, after: String) -> (String, String) {
    if SECRETS.contains(&field) {
        let hide = |v: String| if v.is_empty() { v } else { MASK.to_owned() };
        (hide(before), hide(after))
    } else {
        (before, after)
    }
}

/// The domain an entry is in, as [`record`] takes it.
pub fn within(domain: &DomainRef) -> Option<(i64, &str)> {
    Some((domain.id, domain.name().as_str()))
}

/// Records that `caller` did `action` to `target` in `domain` (id, name), with `changes`, inside
/// `tx`.
pub async fn record(
    tx: &mut Tx,
    caller: &Caller,
    domain: Option<(i64, &str)>,
    action: &str,
    target: &str,
    changes: &Changes,
) -> Result<(), AppError> {
    // A change made with an API key names the key beside its account.
    let actor = match &caller.key {
        Some(key) => format!("{} (API key {})", caller.login, key.key_id),
        None => caller.login.clone(),
    };
    audit::record(
        tx,
        &audit::NewEntry {
            actor_id: (caller.account_id != 0).then_some(caller.account_id),
            actor: &actor,
            address: &caller.address,
            domain,
            action,
            target,
            changes,
        },
        now_ms(),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    struct Form {
        name: String,
        password: String,
    }

    #[test]
    fn only_changed_fields_are_listed_and_secrets_are_masked() {
        let before = Form {
            name: "Ann".into(),
            password: "1234".into(),
        };
        let after = Form {
            name: "Ann".into(),
            password: "9876".into(),
        };
        let c = changes(Some(&before), Some(&after));
        assert_eq!(c.len(), 1);
        assert_eq!(c["password"], (MASK.to_owned(), MASK.to_owned()));
    }

    #[test]
    fn a_create_lists_every_field_with_an_empty_before() {
        let after = Form {
            name: "Bo".into(),
            password: String::new(),
        };
        let c = changes(None, Some(&after));
        assert_eq!(c["name"], (String::new(), "Bo".to_owned()));
        assert!(
            !c.contains_key("password"),
            "nothing to nothing is no change"
        );
    }
}
