//! What a user needs to set up its own phone: where Roster's SIP server is, its domain (the
//! realm), and its device's username and password; and the same as a QR code a softphone reads.

use crate::model::DomainName;
use serde::{Deserialize, Serialize};

/// One of the user's devices, as a phone is configured with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PhoneSetup {
    /// Where phones register (`host:port`, UDP); `None` when this portal runs no SIP server.
    pub server: Option<String>,
    /// The SIP domain and digest realm: the user's domain.
    pub domain: DomainName,
    /// The device's name: the user part of its address, and its authentication username.
    pub username: String,
    pub password: String,
    /// The name callers see.
    pub display_name: String,
    /// The account as a QR code (an SVG image), made by the server from [`Self::wave_account`].
    pub qr_svg: String,
}

impl PhoneSetup {
    /// The account in the XML that Grandstream Wave (Android, iOS) reads from a QR code: the
    /// domain as its SIP server, Roster's SIP server as its outbound proxy (so a domain name that
    /// does not resolve to the server still works), and the device's credentials.
    pub fn wave_account(&self) -> String {
        let escape = |text: &str| {
            text.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
             <AccountConfig version=\"1\"><Account>\
             <RegisterServer>{}</RegisterServer>\
             <OutboundServer>{}</OutboundServer>\
             <UserID>{}</UserID><AuthID>{}</AuthID><AuthPass>{}</AuthPass>\
             <AccountName>{}</AccountName><DisplayName>{}</DisplayName>\
             </Account></AccountConfig>",
            escape(self.domain.as_str()),
            escape(self.server.as_deref().unwrap_or_default()),
            escape(&self.username),
            escape(&self.username),
            escape(&self.password),
            escape(&format!("{}@{}", self.username, self.domain)),
            escape(&self.display_name),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Parse;

    #[test]
    fn the_wave_account_names_the_domain_the_proxy_and_the_credentials_escaped() {
        let setup = PhoneSetup {
            server: Some("127.0.0.1:5060".into()),
            domain: DomainName::parse("a.example").unwrap(),
            username: "101".into(),
            password: "p<&>\"w".into(),
            display_name: "Ann Lee".into(),
            qr_svg: String::new(),
        };
        let xml = setup.wave_account();
        assert!(xml.contains("<RegisterServer>a.example</RegisterServer>"));
        assert!(xml.contains("<OutboundServer>127.0.0.1:5060</OutboundServer>"));
        assert!(xml.contains("<AuthID>101</AuthID>"));
        assert!(xml.contains("<AuthPass>p&lt;&amp;&gt;&quot;w</AuthPass>"));
    }
}
