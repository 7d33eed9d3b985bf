//! A telephony user: its fields (declared once, in [`fields`]), a new user with what is created
//! with it, a stored user as read back, and the users list.

mod fields;
mod list;

pub use fields::{UserForm, UserValues, USER_FIELDS};
pub use list::{SortKey, UserList, UserQuery, UserSummary};

use crate::model::fields::{Field, FieldContext};
use crate::model::{
    Destination, DeviceName, DomainName, DtmfMapping, Extension, FieldErrors, Invalid, Login,
    Parse, SipPassword, YesNo,
};
use serde::{Deserialize, Serialize};

/// One field of the user form.
pub type UserField = Field<UserForm, Step>;

/// The wizard's steps, in order (the review step follows the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    Identity,
    Login,
    Organization,
    Voicemail,
    CallerId,
    Devices,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Identity,
        Step::Login,
        Step::Organization,
        Step::Voicemail,
        Step::CallerId,
        Step::Devices,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::Identity => "Identity",
            Step::Login => "Login & scope",
            Step::Organization => "Organization",
            Step::Voicemail => "Voicemail",
            Step::CallerId => "Caller ID & calling",
            Step::Devices => "Devices & numbers",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Step::Identity => "identity",
            Step::Login => "login",
            Step::Organization => "organization",
            Step::Voicemail => "voicemail",
            Step::CallerId => "caller-id",
            Step::Devices => "devices",
        }
    }

    /// The step whose [`Step::slug`] is `slug`.
    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.slug() == slug)
    }

    /// The step a field (or a field path such as `phone-numbers[1]`) is shown on.
    pub fn of_field(path: &str) -> Step {
        crate::model::fields::find(USER_FIELDS, path).map_or(Step::Identity, |f| f.step)
    }
}

impl UserForm {
    /// What a new user's form starts with: NetSapiens' defaults; settings the domain also has are
    /// left blank, to follow the domain.
    pub fn new_user() -> Self {
        crate::model::fields::with_defaults(USER_FIELDS)
    }
}

/// What the create-user wizard (and the editor) starts from: the form, the domain's settings
/// (what its inherited settings follow), how to check fields in this domain, and suggestions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WizardStart {
    pub domain: crate::model::domain::DomainSettings,
    pub form: UserForm,
    pub field_context: FieldContext,
    pub departments: Vec<String>,
    pub sites: Vec<String>,
    /// The domain's call queues, which the form's `groups` names by extension.
    pub groups: Vec<crate::model::call_queue::QueueRef>,
    /// The scopes the caller may give (none above its own).
    pub scopes: Vec<crate::model::Scope>,
}

impl WizardStart {
    /// What an inherited setting left blank would be: its domain's value, as text.
    pub fn inherited_text(&self, field: &UserField) -> Option<String> {
        let member = field.inherits?;
        let domain = crate::model::domain::DOMAIN_FIELDS
            .iter()
            .find(|d| d.member == member)?;
        Some((domain.get)(&self.domain.to_form()).to_owned())
    }
}

/// NetSapiens' default login: `extension@domain`.
pub fn default_login(user: &Extension, domain: &DomainName) -> Result<Login, Invalid> {
    Login::parse(&format!("{user}@{domain}"))
}

/// A login in `domain`'s namespace: `name` becomes `name@domain`, `name@domain` stays, and a
/// login naming any other domain is refused (see [`UserValues::qualify_login`]).
pub fn qualified_login(login: &str, domain: &DomainName) -> Result<Login, Invalid> {
    match login.rsplit_once('@') {
        None => Login::parse(&format!("{login}@{domain}")),
        Some((_, at)) if at == domain.as_str() => Login::parse(login),
        Some(_) => Err(Invalid(format!(
            "A login ends with @{domain}, this user's domain (or leave out the @ part)."
        ))),
    }
}

impl UserValues {
    /// The rules between fields that no one field can check alone: a voicemail PIN is not the
    /// user's own extension (the first PIN anyone tries).
    pub fn check_together(&self) -> Result<(), FieldErrors> {
        match self.voicemail_login_pin.get() {
            Some(pin) if pin.as_str() == self.user.as_str() => Err(FieldErrors::one(
                "voicemail-login-pin",
                "The PIN cannot be the extension: it is the first one anybody would try.",
            )),
            _ => Ok(()),
        }
    }

    /// Puts the login in its domain's namespace: `name` becomes `name@domain`, `name@domain`
    /// stays, and a login naming any other domain is refused. So a manager can never take a login
    /// of another tenant, and a login that is taken is taken in its own domain: the refusal tells
    /// nothing of other tenants.
    pub fn qualify_login(&mut self, domain: &DomainName) -> Result<(), FieldErrors> {
        if let Some(login) = &self.login_username {
            self.login_username = Some(
                qualified_login(login.as_str(), domain)
                    .map_err(|e| FieldErrors::one("login-username", e.0))?,
            );
        }
        Ok(())
    }

    /// Fills what NetSapiens derives when it is left blank: the login (`extension@domain`), the
    /// first device (the extension) and the dial-by-name digits (from the last name).
    pub fn complete(&mut self, domain: &DomainName) -> Result<(), FieldErrors> {
        if self.login_username.is_none() {
            self.login_username = Some(
                default_login(&self.user, domain)
                    .map_err(|e| FieldErrors::one("login-username", e.0))?,
            );
        }
        self.qualify_login(domain)?;
        if self.device.is_none() {
            self.device = Some(
                DeviceName::parse(self.user.as_str())
                    .map_err(|e| FieldErrors::one("device", e.0))?,
            );
        }
        if self.directory_name_number_dtmf_mapping.is_none() {
            self.directory_name_number_dtmf_mapping =
                DtmfMapping::from_name(self.name_last_name.as_str());
        }
        Ok(())
    }

    /// The login, once [`UserValues::complete`] has run.
    pub fn login(&self) -> &str {
        self.login_username.as_ref().map_or("", Login::as_str)
    }

    /// The user's default answer rule (time frame `*`).
    pub fn answer_rule(&self) -> AnswerRule {
        AnswerRule {
            forward_always: self.forward_always.clone(),
            forward_on_busy: self.forward_on_busy.clone(),
            forward_no_answer: self.forward_no_answer.clone(),
            forward_when_unregistered: self.forward_when_unregistered.clone(),
            do_not_disturb: self.do_not_disturb == YesNo::Yes,
            simultaneous_ring: self.simultaneous_ring.clone(),
        }
    }

    /// These values with `rule` in the fields of the default answer rule: how the rule of
    /// another time frame is shown, changed and checked with the fields and checks of the
    /// user's own.
    pub fn with_answer_rule(mut self, rule: &AnswerRule) -> Self {
        self.forward_always = rule.forward_always.clone();
        self.forward_on_busy = rule.forward_on_busy.clone();
        self.forward_no_answer = rule.forward_no_answer.clone();
        self.forward_when_unregistered = rule.forward_when_unregistered.clone();
        self.do_not_disturb = if rule.do_not_disturb {
            YesNo::Yes
        } else {
            YesNo::No
        };
        self.simultaneous_ring = rule.simultaneous_ring.clone();
        self
    }
}

/// The time frame of a user's default answer rule (at all times): it applies when no other rule
/// does, and is kept in the user's own fields.
pub const DEFAULT_TIME_FRAME: &str = "*";

/// The user fields an answer rule is kept in (those of the default rule; another time frame's
/// rule is shown and checked in them too, see [`UserValues::with_answer_rule`]).
pub const ANSWER_RULE_FIELDS: [&str; 6] = [
    "forward-always",
    "forward-on-busy",
    "forward-no-answer",
    "forward-when-unregistered",
    "do-not-disturb",
    "simultaneous-ring",
];

/// A user's answer rule: forwards, do-not-disturb, simultaneous ring. The default one (time
/// frame `*`) is kept with the user's fields; those of other time frames beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AnswerRule {
    pub forward_always: Option<Destination>,
    pub forward_on_busy: Option<Destination>,
    pub forward_no_answer: Option<Destination>,
    pub forward_when_unregistered: Option<Destination>,
    pub do_not_disturb: bool,
    pub simultaneous_ring: Vec<Destination>,
}

/// A SIP device to create. Without a password, the server generates one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDevice {
    pub device: DeviceName,
    pub sip_password: Option<SipPassword>,
    /// The phone it is provisioned on, as a change of what is stored (nothing, for a new one).
    pub provisioning: super::Provisioning,
    pub settings: super::DeviceSettings,
}

impl NewDevice {
    /// The MAC address and model a new device is made with (those its form sets).
    pub fn provisioned(&self) -> (Option<&str>, Option<&str>) {
        (
            self.provisioning.mac.set().map(super::MacAddress::as_str),
            self.provisioning
                .model
                .set()
                .map(super::DeviceModel::as_str),
        )
    }
}

/// A user ready to be created in a domain, with its devices.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Complete (see [`UserValues::complete`]); inherited settings left blank follow the domain.
    pub values: UserValues,
    /// The first is the form's device.
    pub devices: Vec<NewDevice>,
}

impl NewUser {
    /// The new user `form` describes in `domain`, every bad field reported at once.
    pub fn parse(
        form: &UserForm,
        domain: &DomainName,
        cx: &FieldContext,
    ) -> Result<NewUser, FieldErrors> {
        let mut values = form.parse(cx)?;
        values.complete(domain)?;
        values.check_together()?;
        let device = NewDevice {
            device: values.device.clone().ok_or_else(FieldErrors::default)?,
            sip_password: values.device_sip_registration_password.0.clone(),
            provisioning: Default::default(),
            settings: super::DeviceSettingsForm::new_device().parse(cx)?,
        };
        Ok(NewUser {
            values,
            devices: vec![device],
        })
    }
}

/// A SIP device (`sip:<device>@<domain>`) with its user, as every read answers it (a user's
/// devices, the domain's): NetSapiens' `Device`. The SIP password is present only for callers
/// allowed to see it; the provisioning password never is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Device {
    pub device: DeviceName,
    pub domain: DomainName,
    /// The extension of the user it belongs to.
    pub user: Extension,
    /// `sip:<device>@<domain>` (see [`Device::uri`]).
    pub device_sip_registration_uri: String,
    pub device_sip_registration_password: Option<String>,
    /// The MAC address of the phone it is provisioned on, if one is linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_provisioning_mac_address: Option<super::MacAddress>,
    /// That phone's model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_models_model: Option<super::DeviceModel>,
    /// Its settings (NetSapiens' device fields, see [`super::DEVICE_FIELDS`]).
    #[serde(flatten)]
    pub settings: super::DeviceSettings,
    /// Unix milliseconds (RFC 3339 on the wire).
    #[serde(default, rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    /// Whether, where and until when the device is registered with the SIP server.
    #[serde(flatten, default)]
    pub registration: Registration,
}

impl Device {
    /// The SIP address of the device `device` of `domain`: `sip:<device>@<domain>`.
    pub fn uri(device: &DeviceName, domain: &DomainName) -> String {
        format!("sip:{device}@{domain}")
    }
}

/// A device's registration with the SIP server as it last wrote it, in NetSapiens' read-only
/// device fields. An unregistered device has only its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Registration {
    /// `registered` or `unregistered`.
    #[serde(default = "Registration::unregistered_state")]
    pub device_sip_registration_state: String,
    /// The Contact the device registered (where it is reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_sip_registration_contact: Option<String>,
    /// `address:port` the registration came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_sip_registration_ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_sip_registration_user_agent: Option<String>,
    /// When the registration runs out unless renewed (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_sip_registration_expires_datetime: Option<String>,
}

impl Default for Registration {
    fn default() -> Self {
        Self::unregistered()
    }
}

impl Registration {
    pub const REGISTERED: &'static str = "registered";

    pub const UNREGISTERED: &'static str = "unregistered";

    /// The state of a device that is (or is not) registered.
    pub fn state(registered: bool) -> String {
        if registered {
            Self::REGISTERED
        } else {
            Self::UNREGISTERED
        }
        .to_owned()
    }

    fn unregistered_state() -> String {
        Self::UNREGISTERED.to_owned()
    }

    /// A device no live registration names.
    pub fn unregistered() -> Self {
        Self {
            device_sip_registration_state: Self::unregistered_state(),
            device_sip_registration_contact: None,
            device_sip_registration_ip_address: None,
            device_sip_registration_user_agent: None,
            device_sip_registration_expires_datetime: None,
        }
    }

    pub fn is_registered(&self) -> bool {
        self.device_sip_registration_state == Self::REGISTERED
    }
}

/// A stored user with everything attached, as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserDetail {
    pub domain: DomainName,
    /// The values in effect: an inherited setting that follows the domain shows the domain's.
    #[serde(flatten)]
    pub values: UserValues,
    /// The settings (wire names) that follow the domain rather than hold their own value.
    pub inherited: Vec<String>,
    pub devices: Vec<Device>,
    /// The mailbox of the user's voicemail box, if it has one.
    pub voicemail_box: Option<Extension>,
    /// Whether the user has a voicemail PIN (the PIN itself never leaves the server).
    pub voicemail_pin_set: bool,
    /// Unix milliseconds (RFC 3339 on the wire).
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    #[serde(rename = "last-modified-datetime", with = "crate::model::instant")]
    pub updated_at: i64,
}

impl UserDetail {
    /// The values as stored: inherited settings blank.
    pub fn stored(&self) -> UserValues {
        self.values.without_inherited(&self.inherited)
    }

    /// The form that edits this user: its own values, inherited settings and secrets blank
    /// (blank means "keep" for a secret and "as the domain" for an inherited setting).
    pub fn form(&self) -> UserForm {
        self.stored().to_form()
    }

    /// Whether the setting `name` follows the domain.
    pub fn inherits(&self, name: &str) -> bool {
        self.inherited.iter().any(|n| n == name)
    }

    /// The detail as its own user sees it: no SIP passwords (those are for managers).
    pub fn without_secrets(mut self) -> Self {
        for device in &mut self.devices {
            device.device_sip_registration_password = None;
        }
        self
    }

    pub fn extension(&self) -> &Extension {
        &self.values.user
    }
}

#[cfg(test)]
mod tests;
