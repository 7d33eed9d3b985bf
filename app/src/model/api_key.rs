//! API keys, in NetSapiens' vocabulary (`POST /apikeys`): what a key is for, how far it reaches and
//! where it may be used from.

use super::field::{Invalid, Parse};
use super::{FieldErrors, Scope, YesNo};
use serde::{Deserialize, Serialize};
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
        match (
            description,
            user_scope,
            domain,
            reseller,
            readonly,
            allowed,
            can_create_keys,
        ) {
            (
                Some(description),
                Some(user_scope),
                Some(domain),
                Some(reseller),
                Some(readonly),
                Some(allowed),
                Some(can_create_keys),
            ) => Ok(NewApiKey {
                description,
                user_scope,
                domain,
                reseller,
                readonly,
                allowed,
                can_create_keys,
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
    pub key: ApiKey,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
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
    }
}
