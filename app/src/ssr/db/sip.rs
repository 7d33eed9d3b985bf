//! What Roster's SIP server (Kamailio, `scripts/sip/roster.cfg`) reads and writes in Roster's
//! database beside the views of the `*_sip.sql` migration: the dial policies' rules, written
//! here from their one declaration, and the registrations Kamailio keeps in `sip_location`.

use super::devices::digest_ha1;
use crate::model::user::Registration;
use crate::model::DialPolicy;
use sqlx::{AnyPool, FromRow};

/// Makes the database ready for the SIP server: the dial policies' rules as
/// [`DialPolicy::rules`] declares them (others removed), and the digest hashes of devices stored
/// without them. Several servers may do this at once.
pub async fn prepare(pool: &AnyPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rules: Vec<(&str, String, bool)> = DialPolicy::ALL
        .iter()
        .flat_map(|p| {
            p.rules()
                .into_iter()
                .map(|(prefix, on)| (p.as_str(), prefix, on))
        })
        .collect();
    for (policy, prefix, allowed) in &rules {
        sqlx::query(
            "INSERT INTO dial_policy_rules (policy, prefix, allowed) VALUES ($1, $2, $3) \
             ON CONFLICT (policy, prefix) DO UPDATE SET allowed = excluded.allowed",
        )
        .bind(*policy)
        .bind(prefix.clone())
        .bind(i64::from(*allowed))
        .execute(&mut *tx)
        .await?;
    }
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT policy, prefix FROM dial_policy_rules")
            .fetch_all(&mut *tx)
            .await?;
    for (policy, prefix) in kept {
        if !rules.iter().any(|(p, x, _)| *p == policy && *x == prefix) {
            sqlx::query("DELETE FROM dial_policy_rules WHERE policy = $1 AND prefix = $2")
                .bind(policy)
                .bind(prefix)
                .execute(&mut *tx)
                .await?;
        }
    }
    let missing: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT dv.id, dv.device, d.name, dv.sip_password FROM devices dv \
         JOIN domains d ON d.id = dv.domain_id WHERE dv.ha1 = ''",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, device, domain, password) in &missing {
        sqlx::query("UPDATE devices SET ha1 = $1 WHERE id = $2")
            .bind(digest_ha1(device, domain, password))
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A device's registration, as the SIP server last wrote it.
#[derive(Debug, Clone, FromRow)]
pub struct RegistrationRow {
    pub device: String,
    /// Where the device is reached (its Contact).
    pub contact: String,
    /// The address the REGISTER came from, when it differs from the contact's.
    pub received: Option<String>,
    pub user_agent: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl RegistrationRow {
    /// The registration as the API and the pages show it.
    pub fn shown(&self) -> Registration {
        // The contact's host and port: sip:101@192.0.2.7:5062;transport=udp -> 192.0.2.7:5062.
        let from_contact = || {
            let uri = self.contact.trim_start_matches('<');
            let uri = uri.split_once(':').map_or(uri, |(_, rest)| rest);
            let uri = uri.rsplit_once('@').map_or(uri, |(_, host)| host);
            uri.split([';', '>', '?']).next().unwrap_or(uri).to_owned()
        };
        let address = match self.received.as_deref() {
            Some(received) if !received.is_empty() => {
                received.trim_start_matches("sip:").to_owned()
            }
            _ => from_contact(),
        };
        let expires = time::OffsetDateTime::from_unix_timestamp(self.expires_at / 1000)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
        Registration {
            device_sip_registration_state: Registration::REGISTERED.to_owned(),
            device_sip_registration_contact: Some(self.contact.clone()),
            device_sip_registration_ip_address: Some(address),
            device_sip_registration_user_agent: Some(self.user_agent.clone()),
            device_sip_registration_expires_datetime: expires,
        }
    }
}
