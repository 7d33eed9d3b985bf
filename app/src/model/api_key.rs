//! API keys, in NetSapiens' vocabulary (`POST /apikeys`): what a key is for, how far it reaches and
//! where it may be used from.

use super::field::{Invalid, Parse};
use super::{Extension, FieldErrors, Scope, YesNo};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::net::IpAddr;

/// A key's description: 12 to 200 characters (NetSapiens' `minLength 12`), so that a list of keys
/// says what each is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyDescription(String);
super::field::text_newtype!(KeyDescription);

impl Parse for KeyDescription {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        match text.chars().count() {
            0..=11 => Err(Invalid::new(
                "At least 12 characters: say what the key is for.",
            )),
            201.. => Err(Invalid::new("At most 200 characters.")),
            _ if text.chars().any(char::is_control) => Err(Invalid::new("No control characters.")),
            _ => Ok(Self(text.to_owned())),
        }
    }
}

/// One address or subnet a key may be used from: `192.0.2.7`, `192.0.2.0/24`, `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRule {
    network: IpAddr,
    prefix: u8,
}

impl AddressRule {
    /// Whether `ip` is this address or inside this subnet.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl Parse for AddressRule {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::new(format!(
                "\"{}\" is not an IP address or subnet.",
                raw.trim()
            ))
        };
        let (ip, prefix) = match raw.trim().split_once('/') {
            Some((ip, prefix)) => (ip, Some(prefix)),
            None => (raw.trim(), None),
        };
        let network: IpAddr = ip.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        Ok(Self { network, prefix })
    }
}

impl std::fmt::Display for AddressRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let max = if self.network.is_ipv4() { 32 } else { 128 };
        if self.prefix == max {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

/// Where a key may be used from: any address when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedAddresses(Vec<AddressRule>);

impl AllowedAddresses {
    pub fn allows(&self, ip: Option<IpAddr>) -> bool {
        self.0.is_empty() || ip.is_some_and(|ip| self.0.iter().any(|rule| rule.contains(ip)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of these addresses or in one of these subnets (never, when empty).
    pub fn holds(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|rule| rule.contains(ip))
    }

    /// Whether every address `other` allows, these allow too (a key made by a key never reaches
    /// further than its parent): each of `other`'s subnets lies inside one of these.
    pub fn covers(&self, other: &AllowedAddresses) -> bool {
        match (self.is_empty(), other.is_empty()) {
            (true, _) => true,
            (false, true) => false,
            (false, false) => other.0.iter().all(|inner| {
                self.0
                    .iter()
                    .any(|outer| outer.prefix <= inner.prefix && outer.contains(inner.network))
            }),
        }
    }
}

impl Parse for AllowedAddresses {
    /// Addresses and subnets separated by commas, semicolons or spaces; at most 50.
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let rules = raw
            .split([',', ';', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(AddressRule::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if rules.len() > 50 {
            return Err(Invalid::new("At most 50 addresses or subnets."));
        }
        Ok(Self(rules))
    }
}

impl std::fmt::Display for AllowedAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

/// NetSapiens' model names, as its OpenAPI lists them for `allowed-models` (`*` aside): what a key
/// may be limited to. Roster enforces those it has routes for (see the API's route table,
/// `server/src/ns_api/keys.rs`); a key limited to others reaches none of Roster's routes.
#[rustfmt::skip]
pub const MODEL_NAMES: [&str; 79] = [
    "agentlog", "account", "address", "agent", "answerrule", "apikey", "attendant", "attendee",
    "audio", "call", "callidemgr", "callqueue", "callqueuereport", "callrequest", "cdr", "cdr2",
    "cdrschedule", "chart", "conference", "conferencecdr", "contact", "conversation", "dashboard",
    "department", "device", "deviceprofile", "dialrule", "disposition", "domain", "email", "event",
    "fax", "mac", "meeting", "message", "messagesession", "mfa", "moh", "participant", "phaxio",
    "phoneconfiguration", "phonenumber", "presence", "push", "recording", "sfu", "site",
    "smsnumber", "speechcommand", "sso", "statistics", "subscriber", "subscriberani", "timeframe",
    "timerange", "turn", "uiconfig", "upload", "vmailnag", "voice", "voicemail", "queued",
    "callqueueemailreport", "callqueuestat", "cdrexport", "connection", "devicedefault",
    "dialplan", "dialpolicy", "licf_lea", "oauth", "permission", "quota", "quotaUsage",
    "recordingstorage", "trace", "auditlog", "auditlog_lite", "elementdomain",
];

/// Which models a key may use (NetSapiens' `allowed-models`): every one (`*`, the default), or
/// only some of [`MODEL_NAMES`]. Reads as `*` or a list of names; on the wire, `"*"` or an array.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowedModels {
    #[default]
    All,
    /// Never empty; each name once, in the order of [`MODEL_NAMES`].
    Only(Vec<&'static str>),
}

impl AllowedModels {
    /// Whether a route of `model` may be used: any route with `*`; otherwise only a route of one
    /// of these models (a route of no known model: none).
    pub fn allows(&self, model: Option<&str>) -> bool {
        match self {
            Self::All => true,
            Self::Only(names) => model.is_some_and(|m| names.contains(&m)),
        }
    }

    /// Whether every model `other` allows, these allow too (a key made or changed with a key
    /// never reaches further than that key).
    pub fn covers(&self, other: &AllowedModels) -> bool {
        match (self, other) {
            (Self::All, _) => true,
            (Self::Only(_), Self::All) => false,
            (Self::Only(mine), Self::Only(theirs)) => theirs.iter().all(|m| mine.contains(m)),
        }
    }

    /// The names of a JSON array or a list, each checked.
    fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        let names: Vec<&str> = names
            .into_iter()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() || names.contains(&"*") {
            return Ok(Self::All);
        }
        let unknown: Vec<String> = names
            .iter()
            .filter(|n| !MODEL_NAMES.contains(n))
            .map(|n| format!("\"{n}\""))
            .collect();
        if !unknown.is_empty() {
            return Err(Invalid::new(format!(
                "Not a model: {}. Give * or NetSapiens' model names, such as subscriber, domain, site, device.",
                unknown.join(", ")
            )));
        }
        Ok(Self::Only(
            MODEL_NAMES
                .into_iter()
                .filter(|m| names.contains(m))
                .collect(),
        ))
    }
}

impl Parse for AllowedModels {
    /// `*` or blank (every model), or names separated by commas, semicolons or spaces (a JSON
    /// array arrives joined so).
    fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::from_names(raw.split([',', ';', ' ', '\n']))
    }
}

impl std::fmt::Display for AllowedModels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::All => f.write_str("*"),
            Self::Only(names) => f.write_str(&names.join(",")),
        }
    }
}

impl Serialize for AllowedModels {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => serializer.serialize_str("*"),
            Self::Only(names) => names.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AllowedModels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Names(Vec<String>),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Text(text) => Self::parse(&text),
            Wire::Names(names) => Self::from_names(names.iter().map(String::as_str)),
        }
        .map_err(serde::de::Error::custom)
    }
}

/// Which domains a key reaches: one (by name; `~` is the maker's own) or all that its scope
/// reaches (`*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyDomain {
    All,
    Own,
    Named(super::DomainName),
}

impl Parse for KeyDomain {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "*" => Ok(Self::All),
            "~" | "" => Ok(Self::Own),
            name => super::DomainName::parse(name).map(Self::Named),
        }
    }
}

/// The user a key acts as (`user`): blank for its maker, or an extension (of any domain's
/// character set: which domain's user it is, is checked against the domain).
pub fn key_user(raw: &str) -> Result<Option<Extension>, Invalid> {
    match raw.trim() {
        "" => Ok(None),
        extension => Extension::parse_alphanumeric(extension).map(Some),
    }
}

/// The API key form as typed in the portal or sent to `POST /apikeys`, with NetSapiens' names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct ApiKeyForm {
    pub description: String,
    /// Blank: the maker's own scope.
    pub user_scope: String,
    /// A domain name, `~` (the maker's own; the default) or `*` (all).
    pub domain: String,
    /// For a Reseller key made by a Super User: the reseller it acts as.
    pub reseller: String,
    /// `yes`: only reads (GET) are allowed.
    pub readonly: String,
    /// Comma-separated addresses and subnets; blank: any.
    pub ip_address: String,
    /// `yes`: the key may make keys (each within it, and revoked with it).
    pub can_create_keys: String,
    /// An extension of the key's one domain: the key acts as that user, with at most its scope.
    /// Blank: as its maker.
    pub user: String,
    /// `*` or model names (see [`AllowedModels`]); blank: every model (made with a key: that
    /// key's).
    pub allowed_models: String,
}

/// An API key about to be made.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub description: KeyDescription,
    pub user_scope: Option<Scope>,
    pub domain: KeyDomain,
    pub reseller: Option<super::Reseller>,
    pub readonly: bool,
    pub allowed: AllowedAddresses,
    pub can_create_keys: bool,
    /// The user the key acts as, if one.
    pub user: Option<Extension>,
    /// `None` when not given: every model (made with a key: that key's).
    pub models: Option<AllowedModels>,
}

impl ApiKeyForm {
    /// Parses every field, reporting every bad one at once.
    pub fn parse(&self) -> Result<NewApiKey, FieldErrors> {
        let mut e = FieldErrors::default();
        let description = e.check("description", KeyDescription::parse(&self.description));
        let user_scope = e.check("user-scope", super::optional::<Scope>(&self.user_scope));
        let domain = e.check("domain", KeyDomain::parse(&self.domain));
        let reseller = e.check(
            "reseller",
            super::optional::<super::Reseller>(&self.reseller),
        );
        let readonly = match self.readonly.trim() {
            "" => Some(false),
            other => e.check("readonly", YesNo::parse(other)).map(bool::from),
        };
        let allowed = e.check("ip-address", AllowedAddresses::parse(&self.ip_address));
        let can_create_keys = match self.can_create_keys.trim() {
            "" => Some(false),
            other => e
                .check("can-create-keys", YesNo::parse(other))
                .map(bool::from),
        };
        let user = e.check("user", key_user(&self.user));
        let models = match self.allowed_models.trim() {
            "" => Some(None),
            other => e
                .check("allowed-models", AllowedModels::parse(other))
                .map(Some),
        };
        match (
            description,
            user_scope,
            domain,
            reseller,
            readonly,
            allowed,
            can_create_keys,
            user,
            models,
        ) {
            (
                Some(description),
                Some(user_scope),
                Some(domain),
                Some(reseller),
                Some(readonly),
                Some(allowed),
                Some(can_create_keys),
                Some(user),
                Some(models),
            ) => Ok(NewApiKey {
                description,
                user_scope,
                domain,
                reseller,
                readonly,
                allowed,
                can_create_keys,
                user,
                models,
            }),
            _ => Err(e),
        }
    }
}

/// An API key as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ApiKey {
    pub key_id: String,
    pub description: String,
    pub user_scope: Scope,
    /// The domain's name, or `*`.
    pub domain: String,
    pub reseller: String,
    pub readonly: YesNo,
    pub ip_address: String,
    /// Whether the key may make keys.
    pub can_create_keys: YesNo,
    /// The extension of the user the key acts as ('' when it acts as its maker).
    pub user: String,
    /// What the key may use: `"*"` or an array of model names.
    pub allowed_models: AllowedModels,
    /// The key that made this one (its `key-id`), if a key did: it is revoked with it.
    pub parent_key_id: Option<String>,
    /// The login of the account the key acts for.
    pub created_by: String,
    /// RFC 3339, UTC.
    pub created_datetime: String,
    /// RFC 3339, UTC, to the hour; none if never used.
    pub lastused_datetime: Option<String>,
}

/// A key just made, with its token: shown once, never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IssuedApiKey {
    #[serde(flatten)]
    pub listing: ApiKey,
    /// The token (NetSapiens' `key`, `rk_<key-id>_<secret>`): send as
    /// `Authorization: Bearer <key>`.
    pub key: String,
}

/// A change of a key as sent to `PUT /apikeys/{key_id}`: only these fields (NetSapiens changes no
/// scope, reach or permission of a key: a new key is made for that). Absent: unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct ApiKeyChangeForm {
    pub description: Option<String>,
    /// Blank: any address.
    pub ip_address: Option<String>,
    /// Blank: every model.
    pub allowed_models: Option<String>,
}

/// A change of a key, each field checked; `None`: unchanged.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyChange {
    pub description: Option<KeyDescription>,
    pub allowed: Option<AllowedAddresses>,
    pub models: Option<AllowedModels>,
}

impl ApiKeyChangeForm {
    /// Parses every field sent, reporting every bad one at once.
    pub fn parse(&self) -> Result<ApiKeyChange, FieldErrors> {
        let mut e = FieldErrors::default();
        // Each: not sent (None), refused (Some(None)) or checked (Some(Some(_))).
        let description = self
            .description
            .as_deref()
            .map(|raw| e.check("description", KeyDescription::parse(raw)));
        let allowed = self
            .ip_address
            .as_deref()
            .map(|raw| e.check("ip-address", AllowedAddresses::parse(raw)));
        let models = self
            .allowed_models
            .as_deref()
            .map(|raw| e.check("allowed-models", AllowedModels::parse(raw)));
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ApiKeyChange {
            description: description.flatten(),
            allowed: allowed.flatten(),
            models: models.flatten(),
        })
    }

    /// The fields of a key that a change may not touch: those of [`ApiKeyForm`] that are not of
    /// this form (its scope, reach and permissions).
    pub fn fixed_fields() -> Vec<String> {
        let changeable = super::json_form::field_names::<Self>();
        super::json_form::field_names::<ApiKeyForm>()
            .into_iter()
            .filter(|name| !changeable.contains(name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_subnet_holds_its_addresses_and_no_others() {
        let rule = AddressRule::parse("192.0.2.0/24").unwrap();
        assert!(rule.contains(ip("192.0.2.200")));
        assert!(!rule.contains(ip("192.0.3.1")));
        assert!(rule.contains(ip("::ffff:192.0.2.9")));
        let one = AddressRule::parse("2001:db8::1").unwrap();
        assert!(one.contains(ip("2001:db8::1")));
        assert!(!one.contains(ip("2001:db8::2")));
        assert!(AddressRule::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("203.0.113.5")));
        assert_eq!(
            AddressRule::parse("10.0.0.0/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
    }

    #[test]
    fn bad_addresses_and_prefixes_are_refused() {
        for bad in [
            "10.0.0.0/33",
            "2001:db8::/129",
            "nope",
            "10.0.0/8",
            "10.0.0.1/x",
        ] {
            assert!(AddressRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_rule_allows_any_address_and_some_rules_allow_only_theirs() {
        assert!(AllowedAddresses::default().allows(None));
        let rules = AllowedAddresses::parse("192.0.2.1, 198.51.100.0/24").unwrap();
        assert!(rules.allows(Some(ip("198.51.100.77"))));
        assert!(!rules.allows(Some(ip("203.0.113.1"))));
        assert!(!rules.allows(None));
        assert_eq!(rules.to_string(), "192.0.2.1,198.51.100.0/24");
    }

    #[test]
    fn every_bad_field_of_a_key_is_reported_at_once() {
        let errors = ApiKeyForm {
            description: "too short".into(),
            user_scope: "Boss".into(),
            domain: "not a domain!".into(),
            readonly: "maybe".into(),
            ip_address: "300.1.1.1".into(),
            user: "no such user!".into(),
            allowed_models: "subscriber, everything".into(),
            ..ApiKeyForm::default()
        }
        .parse()
        .unwrap_err();
        for field in [
            "description",
            "user-scope",
            "domain",
            "readonly",
            "ip-address",
            "user",
            "allowed-models",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_key_form_with_defaults_is_for_the_makers_own_domain() {
        let key = ApiKeyForm {
            description: "Provisioning from the CRM".into(),
            ..ApiKeyForm::default()
        }
        .parse()
        .unwrap();
        assert_eq!(key.domain, KeyDomain::Own);
        assert!(!key.readonly);
        assert!(key.user_scope.is_none());
        assert!(key.allowed.is_empty());
        assert!(key.user.is_none());
        assert!(key.models.is_none());
    }

    #[test]
    fn allowed_models_are_star_or_netsapiens_model_names() {
        for all in ["", " ", "*", "subscriber, *"] {
            assert_eq!(
                AllowedModels::parse(all).unwrap(),
                AllowedModels::All,
                "{all:?}"
            );
        }
        let some = AllowedModels::parse("site; subscriber,subscriber quotaUsage").unwrap();
        assert_eq!(
            some,
            AllowedModels::Only(vec!["site", "subscriber", "quotaUsage"])
        );
        assert_eq!(some.to_string(), "site,subscriber,quotaUsage");
        let refused = AllowedModels::parse("subscriber, users, Domain").unwrap_err();
        assert!(
            refused.to_string().contains("\"users\", \"Domain\""),
            "{refused}"
        );
    }

    #[test]
    fn allowed_models_allow_their_routes_and_cover_narrower_lists() {
        let users = AllowedModels::parse("subscriber").unwrap();
        assert!(users.allows(Some("subscriber")));
        assert!(!users.allows(Some("site")));
        assert!(!users.allows(None), "a route of no model needs *");
        assert!(AllowedModels::All.allows(None));
        let two = AllowedModels::parse("subscriber,site").unwrap();
        assert!(two.covers(&users));
        assert!(!users.covers(&two));
        assert!(!two.covers(&AllowedModels::All));
        assert!(AllowedModels::All.covers(&two));
    }

    #[test]
    fn allowed_models_read_and_write_star_or_an_array() {
        let json = |m: &AllowedModels| serde_json::to_value(m).unwrap();
        assert_eq!(json(&AllowedModels::All), serde_json::json!("*"));
        let some = AllowedModels::parse("device,site").unwrap();
        assert_eq!(json(&some), serde_json::json!(["device", "site"]));
        for wire in [
            serde_json::json!(["device", "site"]),
            serde_json::json!("site,device"),
        ] {
            assert_eq!(serde_json::from_value::<AllowedModels>(wire).unwrap(), some);
        }
        assert!(serde_json::from_value::<AllowedModels>(serde_json::json!(["nope"])).is_err());
    }

    #[test]
    fn a_key_change_takes_description_addresses_and_models_only() {
        let mut fixed = ApiKeyChangeForm::fixed_fields();
        fixed.sort();
        assert_eq!(
            fixed,
            [
                "can-create-keys",
                "domain",
                "readonly",
                "reseller",
                "user",
                "user-scope"
            ]
        );
        let change = ApiKeyChangeForm {
            ip_address: Some(String::new()),
            allowed_models: Some("site".into()),
            ..ApiKeyChangeForm::default()
        }
        .parse()
        .unwrap();
        assert!(change.description.is_none(), "not sent: unchanged");
        assert_eq!(change.allowed, Some(AllowedAddresses::default()));
        assert_eq!(change.models, Some(AllowedModels::Only(vec!["site"])));
        let errors = ApiKeyChangeForm {
            description: Some("short".into()),
            allowed_models: Some("sites".into()),
            ..ApiKeyChangeForm::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(errors.names(), ["description", "allowed-models"]);
    }
}
