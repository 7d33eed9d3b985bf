//! Resellers (NetSapiens `/resellers`): the companies that own domains. A Super User lists,
//! creates, changes and deletes them; a Reseller reads and changes its own. A domain names one of
//! them (or none) as its `reseller`. Every field is declared once, in [`RESELLER_FIELDS`].

use super::fields::declare_form;
use super::{Description, FieldErrors, Hostname, Port, ResellerName, SmtpPassword, SmtpUser};
use serde::{Deserialize, Serialize};

/// The id of the list of the resellers a domain may name, on a page with a domain form.
pub const RESELLER_LIST: &str = "resellers";

/// One field of the reseller form.
pub type ResellerField = super::fields::Field<ResellerForm, ResellerSection>;

/// The parts of the reseller form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResellerSection {
    General,
    /// The SMTP relay the reseller's mail goes through (NetSapiens' `email-send-smtp-*`).
    Mail,
}

impl ResellerSection {
    pub const ALL: [ResellerSection; 2] = [ResellerSection::General, ResellerSection::Mail];

    pub fn title(self) -> &'static str {
        match self {
            ResellerSection::General => "Reseller",
            ResellerSection::Mail => "SMTP relay",
        }
    }
}

declare_form! {
    /// A reseller as typed into the form (or sent to the API), every field text, named as in
    /// NetSapiens.
    form ResellerForm;
    /// A reseller's fields, every one valid.
    values ResellerSettings;
    /// Every field of a reseller, in order.
    table RESELLER_FIELDS: [ResellerSection];

    own reseller: req ResellerName, "reseller", General,
        "Name", "Its key, which domains name: letters, digits, spaces, dots, hyphens and underscores; at most 64.";
    setting description: req Description = "", "description", General,
        "Description", "Optional, at most 255 characters.";
    setting email_send_smtp_hostname: opt Hostname, "email-send-smtp-hostname", Mail,
        "SMTP host", "The relay its mail is sent through, e.g. smtp.example.com. Optional.";
    setting email_send_smtp_port: opt Port, "email-send-smtp-port", Mail,
        "SMTP port", "Such as 587. Optional.";
    setting email_send_smtp_username: opt SmtpUser, "email-send-smtp-username", Mail,
        "SMTP user name", "Optional.";
    setting email_send_smtp_password: secret SmtpPassword, "email-send-smtp-password", Mail,
        "SMTP password", "Kept and never shown; leave blank to keep the one stored.";
}

impl ResellerForm {
    /// Parses every field, reporting every bad one at once.
    pub fn parse_settings(&self) -> Result<ResellerSettings, FieldErrors> {
        self.parse(&Default::default())
    }
}

/// A stored reseller, with how many domains name it and how many users they have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListedReseller {
    #[serde(flatten)]
    pub settings: ResellerSettings,
    pub domains_total: u64,
    pub users_total: u64,
    /// Whether an SMTP password is stored (the password itself never leaves the server).
    pub email_send_smtp_password_set: bool,
    /// Unix milliseconds (RFC 3339 on the wire).
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    #[serde(rename = "last-modified-datetime", with = "crate::model::instant")]
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named_at_once_and_the_password_is_never_shown() {
        let form = ResellerForm {
            reseller: "bad<name>".into(),
            email_send_smtp_hostname: "smtp..example".into(),
            email_send_smtp_port: "70000".into(),
            ..ResellerForm::default()
        };
        assert_eq!(
            form.parse_settings().unwrap_err().names(),
            [
                "reseller",
                "email-send-smtp-hostname",
                "email-send-smtp-port"
            ]
        );
        let good = ResellerForm {
            reseller: "North Reseller".into(),
            email_send_smtp_hostname: "SMTP.Example.com".into(),
            email_send_smtp_port: "587".into(),
            email_send_smtp_password: "relay secret".into(),
            ..ResellerForm::default()
        }
        .parse_settings()
        .unwrap();
        assert_eq!(
            good.email_send_smtp_hostname.as_ref().unwrap().as_str(),
            "smtp.example.com"
        );
        assert!(good.email_send_smtp_password.is_set());
        assert_eq!(good.to_form().email_send_smtp_password, "");
        let json = serde_json::to_value(&good).unwrap();
        assert!(!json.to_string().contains("relay secret"));
        // The document keeps it, for the server.
        assert_eq!(good.settings()["email-send-smtp-password"], "relay secret");
    }
}
