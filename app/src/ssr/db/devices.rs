//! The SIP devices of a domain, read across its users, and how a stored device becomes the
//! [`Device`] every read answers. (A user's devices are written with the user, in
//! `users::write`.) Every query names its domain.

use super::domains::corrupt;
use super::sip::RegistrationRow;
use super::{contains_pattern, select_in, DbResult, Listing, Sql};
use crate::model::user::{Device, Registration};
use crate::model::Parse;
use crate::model::{DeviceModel, DeviceName, DeviceSettings, DomainName, Extension, MacAddress};
use md5::{Digest, Md5};
use sqlx::{AnyPool, FromRow};
use std::collections::HashMap;

/// The SIP digest hash (HA1) of a device's credentials with the realm its domain's name, as the
/// SIP server checks them, so it never needs the password itself.
pub fn digest_ha1(device: &str, domain: &str, password: &str) -> String {
    crate::ssr::hex(&Md5::digest(
        format!("{device}:{domain}:{password}").as_bytes(),
    ))
}

/// Which devices a list shows, in which order, and which page of them.
#[derive(Debug, Clone, Default)]
pub struct DeviceQuery {
    /// Part of the device's name or of its user's extension; blank for all.
    pub search: String,
    /// By the user's extension rather than by the device's name.
    pub by_user: bool,
    pub descending: bool,
    pub start: u32,
    pub limit: u32,
}

/// The columns [`DeviceRow`] reads, of `devices x`.
pub const DEVICE_COLUMNS: &str =
    "x.device, x.sip_password, x.created_at, x.mac, x.model, x.settings";

/// A device as stored ([`DEVICE_COLUMNS`]).
#[derive(Debug, Clone, FromRow)]
pub struct DeviceRow {
    pub device: String,
    pub sip_password: String,
    pub created_at: i64,
    /// The MAC address and model of the phone it is provisioned on.
    pub mac: Option<String>,
    pub model: Option<String>,
    /// Its settings document (JSON, by wire name).
    pub settings: String,
}

impl DeviceRow {
    /// The device as every read answers it: of the user `user` of `domain`, registered as
    /// `registration` says, with its SIP password only `with_password`.
    pub fn read(
        self,
        domain: &DomainName,
        user: Extension,
        registration: Registration,
        with_password: bool,
    ) -> DbResult<Device> {
        let bad = |e| corrupt("device", e);
        let device = DeviceName::parse(&self.device).map_err(bad)?;
        let doc: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&self.settings).map_err(|e| corrupt("device settings", e))?;
        let settings = DeviceSettings::from_document(&doc)
            .map_err(|e| corrupt("device settings", format!("{e:?}")))?;
        Ok(Device {
            device_sip_registration_uri: Device::uri(&device, domain),
            device,
            domain: domain.clone(),
            user,
            device_sip_registration_password: with_password.then_some(self.sip_password),
            device_provisioning_mac_address: self
                .mac
                .as_deref()
                .map(MacAddress::parse)
                .transpose()
                .map_err(bad)?,
            device_models_model: self
                .model
                .as_deref()
                .map(DeviceModel::parse)
                .transpose()
                .map_err(bad)?,
            settings,
            created_at: self.created_at,
            registration,
        })
    }
}

/// The settings document a device is stored with.
pub fn settings_document(settings: &DeviceSettings) -> String {
    serde_json::Value::Object(settings.settings()).to_string()
}

/// A device of a domain's list, with its user's extension and portal scope.
#[derive(Debug, Clone, FromRow)]
pub struct ListedRow {
    #[sqlx(flatten)]
    pub device: DeviceRow,
    pub extension: String,
    pub scope: String,
}

/// One page of a domain's devices with their registrations, and how many match in all. With
/// `only_site`, only the devices of that site's users (what a Site Manager sees).
pub async fn list(
    pool: &AnyPool,
    domain_id: i64,
    domain: &DomainName,
    only_site: Option<&str>,
    query: &DeviceQuery,
) -> DbResult<(u64, Vec<(ListedRow, Registration)>)> {
    let search = query.search.trim();
    let filter = |sql: &mut Sql| {
        sql.push("x.domain_id = ").bind(domain_id);
        if let Some(site) = only_site {
            sql.push(
                " AND u.site_id = (SELECT id FROM sites WHERE domain_id = x.domain_id AND name = ",
            )
            .bind(site.to_owned())
            .push(")");
        }
        if !search.is_empty() {
            let pattern = contains_pattern(search);
            sql.push(" AND (x.device LIKE ")
                .bind(pattern.clone())
                .push(" ESCAPE '\\' OR u.extension LIKE ")
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = if query.by_user {
        format!("u.extension_sort {direction}, x.id")
    } else {
        format!("x.device {direction}")
    };
    let from =
        "FROM devices x JOIN users u ON u.id = x.user_id JOIN accounts a ON a.user_id = u.id";
    let (total, rows): (u64, Vec<ListedRow>) = Listing {
        select: &format!("SELECT {DEVICE_COLUMNS}, u.extension, a.scope"),
        from,
        count_from: from,
        order: &order,
        limit: query.limit,
        start: query.start,
        pick_first: None,
        total: None,
    }
    .fetch(pool, filter)
    .await?;
    let names: Vec<&str> = rows.iter().map(|r| r.device.device.as_str()).collect();
    let mut registered = registrations(pool, domain, &names).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let registration = registered.remove(&row.device.device).unwrap_or_default();
            (row, registration)
        })
        .collect();
    Ok((total, rows))
}

/// The live registrations of the devices `names` of `domain`, by device: for a device
/// registered from several places, the one that runs out last.
async fn registrations(
    pool: &AnyPool,
    domain: &DomainName,
    names: &[&str],
) -> DbResult<HashMap<String, Registration>> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<RegistrationRow> = select_in(
        &mut *pool.acquire().await?,
        |sql| {
            sql.push(
                "SELECT r.username AS device, r.contact, r.received, r.user_agent, r.expires_at \
                 FROM sip_registrations r WHERE r.domain = ",
            )
            .bind(domain.as_str().to_owned())
            .push(" AND r.username IN (");
        },
        names,
        " ORDER BY r.expires_at DESC",
    )
    .await?;
    let mut found = HashMap::new();
    for row in rows {
        found
            .entry(row.device.clone())
            .or_insert_with(|| row.shown());
    }
    Ok(found)
}
