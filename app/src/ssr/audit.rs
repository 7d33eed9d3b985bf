//! What goes into the audit log: who did what where, and which fields changed from what to what,
//! with secrets masked. Written by the plain functions, inside their transactions.

use super::auth::Caller;
use super::db::{audit, Tx};
use super::now_ms;
use crate::error::AppError;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How a secret shows in the log: that it changed, never what it is.
pub const MASK: &str = "***";

/// Fields whose values never reach the log.
const SECRETS: &[&str] = &[
    "voicemail-login-pin",
    "device-sip-registration-password",
    "password",
];

/// The fields that differ between `before` and `after` (each serialised to a JSON object; a
/// missing side is empty), as field -> (before, after). Secrets show as [`MASK`].
pub fn changes<T: Serialize>(
    before: Option<&T>,
    after: Option<&T>,
) -> BTreeMap<String, (String, String)> {
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

/// Records that `caller` did `action` to `target` in `domain`, with `changes`, inside `tx`.
pub async fn record(
    tx: &mut Tx,
    caller: &Caller,
    domain: Option<(i64, &str)>,
    action: &str,
    target: &str,
    changes: &BTreeMap<String, (String, String)>,
) -> Result<(), AppError> {
    audit::record(
        tx,
        &audit::NewEntry {
            actor_id: (caller.account_id != 0).then_some(caller.account_id),
            actor: &caller.login,
            address: &caller.address,
            domain,
            action,
            target,
            changes,
        },
        now_ms(),
    )
    .await
}

/// A page of the audit log as `caller` may read it: all of it for a Super User, its reseller's
/// domains for a Reseller, its own domain for an Office Manager, nothing for others.
pub async fn list(
    db: &super::db::Db,
    caller: &Caller,
    query: &crate::model::audit::AuditQuery,
) -> Result<crate::model::audit::AuditPage, AppError> {
    let readable = super::access::visible(caller, crate::model::permissions::Action::ReadAudit)?;
    audit::list(db.pool(), readable, query).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    struct Form {
        name: String,
        voicemail_login_pin: String,
    }

    #[test]
    fn only_changed_fields_are_listed_and_secrets_are_masked() {
        let before = Form {
            name: "Ann".into(),
            voicemail_login_pin: "1234".into(),
        };
        let after = Form {
            name: "Ann".into(),
            voicemail_login_pin: "9876".into(),
        };
        let c = changes(Some(&before), Some(&after));
        assert_eq!(c.len(), 1);
        assert_eq!(c["voicemail-login-pin"], (MASK.to_owned(), MASK.to_owned()));
    }

    #[test]
    fn a_create_lists_every_field_with_an_empty_before() {
        let after = Form {
            name: "Bo".into(),
            voicemail_login_pin: String::new(),
        };
        let c = changes(None, Some(&after));
        assert_eq!(c["name"], (String::new(), "Bo".to_owned()));
        assert!(
            !c.contains_key("voicemail-login-pin"),
            "nothing to nothing is no change"
        );
    }
}
