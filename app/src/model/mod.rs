//! Validated types: everything a person types into Roster becomes one of these before it is used.
//!
//! Nothing here knows about HTTP, SQL or views, so the same `parse` runs in the browser (to check a
//! field as it is typed) and on the server (to check it again before anything is written).

mod field;
pub use field::{optional, text_of, FieldError, FieldErrors, Invalid, Parse};

pub mod fields;
mod wire_enum;

mod text;
pub use text::{
    CallerIdName, Description, DialPlan, Hostname, Reseller, ResellerName, SmtpPassword, SmtpUser,
    StatusMessage,
};

mod domain_name;
pub use domain_name::DomainName;

mod time_zone;
mod tz_names;
pub use time_zone::TimeZone;

mod language;
pub use language::Language;

mod numbers;
pub use numbers::{AreaCode, Limit, Port, YesNo};

mod phone;
pub use phone::PhoneNumber;

mod dial_policy;
pub use dial_policy::DialPolicy;

mod login;
pub use login::Login;

mod password;
pub use password::Password;

mod scope;
pub use scope::Scope;

mod person;
pub use person::{EmailAddress, EmailList, PersonName};

mod extension;
pub use extension::Extension;

mod voicemail;
pub use voicemail::{GreetingIndex, Pin, Transcription, VoicemailEmailBehavior, PIN_HASH_PREFIX};

mod user_settings;
pub use user_settings::{
    CallLimit, Department, DtmfMapping, DtmfOrder, EmergencyAddressId, Recording, Seconds3600,
    ServiceCode, SiteName, StorageKilobytes, UserStatus,
};

mod devices;
pub use devices::{
    Change, Destination, DeviceList, DeviceModel, DeviceName, DeviceSection, DeviceSettings,
    DeviceSettingsForm, EmergencyCallerId, MacAddress, NatTraversal, Provisioning,
    ProvisioningLine, ProvisioningOverrides, ProvisioningUsername, SipPassword, SipTransport, Srtp,
    DEVICE_FIELDS,
};

pub mod call_queue;
pub mod dids;
pub mod domain;
pub mod reseller;
pub mod site;
pub mod time_frame;
pub mod user;

pub mod api_key;
pub mod audit;
pub mod bulk;
mod counted;
pub mod done;
pub mod instant;
pub mod json_form;
pub use counted::counted;
mod local_path;
pub use local_path::local_path;
pub mod mail;
pub mod permissions;
pub mod phone_setup;

// How each value is entered in a form, and valid examples of it (for the API's documentation
// and the tests that try every field) (see [`fields::Leaf`]).
use fields::{leaf, Control, FieldContext, Leaf};

leaf!(Control::Text => {
    PersonName: ["Ann", "Zoë O'Neil"],
    Login: ["ann.lee@acme.example", "frontdesk"],
    EmailList: ["ann@acme.example", "ann@acme.example; a.lee@home.example"],
    EmailAddress: ["office@acme.example", "no-reply@pbx.example"],
    Department: ["Sales", "R&D"],
    SiteName: ["New York", "Zürich"],
    Language: ["en_US", "fr_CA"],
    StatusMessage: ["In a meeting", "Back at 3"],
    ServiceCode: ["gold", "system-queue"],
    GreetingIndex: ["0", "3"],
    StorageKilobytes: ["1024", "500000"],
    CallerIdName: ["Acme Sales", "Ann Lee"],
    PhoneNumber: ["+16125550142", "+442079460958"],
    EmergencyAddressId: ["addr-1", "HQ-2"],
    AreaCode: ["612", "415"],
    DialPlan: ["acme.example", "custom plan"],
    Seconds3600: ["25", "3600"],
    CallLimit: ["2", "10"],
    DtmfMapping: ["764", "253"],
    DtmfOrder: ["0", "7"],
    DeviceName: ["101-desk", "softphone"],
    Destination: ["voicemail", "+16125550199"],
    DomainName: ["acme.example", "b.example"],
    Description: ["Acme Corporation", ""],
    Limit: ["50", "0"],
    ResellerName: ["north-reseller", "Acme UCaaS"],
    Hostname: ["smtp.example.com", "email-smtp.us-west-2.amazonaws.com"],
    Port: ["587", "465"],
    SmtpUser: ["relay-user", "AKIA0000EXAMPLE"],
});
leaf!(Control::Suggested(reseller::RESELLER_LIST) => { Reseller: ["north-reseller", ""] });
leaf!(Control::TimeZone => { TimeZone: ["America/Chicago", "Europe/Paris"] });
leaf!(Control::YesNo => { YesNo: ["yes", "no"] });
leaf!(Control::Text => {
    EmergencyCallerId: ["[*]", "+16125550911"],
    ProvisioningLine: ["1", "2"],
    ProvisioningUsername: ["admin", "Prov_User-7"],
    ProvisioningOverrides: ["account.1.label = Front desk", "features.dnd.enable = 1\nlcd_logo.mode = 0"],
});

impl Leaf for Extension {
    const EXAMPLES: &'static [&'static str] = &["101", "2000"];
    /// Digits only, unless the domain allows names.
    fn read(raw: &str, cx: &FieldContext) -> Result<Self, Invalid> {
        if cx.alphanumeric_extensions {
            Extension::parse_alphanumeric(raw)
        } else {
            Extension::parse(raw)
        }
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

impl Leaf for Pin {
    const CONTROL: Control = Control::Secret;
    const EXAMPLES: &'static [&'static str] = &["8264", "0472"];
    /// Digits as typed; read back from storage, the hash it was kept as.
    fn read(raw: &str, cx: &FieldContext) -> Result<Self, Invalid> {
        match Pin::from_hash(raw) {
            Some(kept) if cx.stored => Ok(kept),
            _ => Pin::parse(raw),
        }
    }
    fn text(&self) -> String {
        self.as_str().to_owned()
    }
}

impl Leaf for SmtpPassword {
    const CONTROL: Control = Control::Secret;
    const EXAMPLES: &'static [&'static str] = &["relay-secret-1", "s3cret pass"];
    fn read(raw: &str, _: &FieldContext) -> Result<Self, Invalid> {
        SmtpPassword::parse(raw)
    }
    fn text(&self) -> String {
        self.expose().to_owned()
    }
}

impl Leaf for SipPassword {
    const CONTROL: Control = Control::Secret;
    const EXAMPLES: &'static [&'static str] = &["Tr0ub4dor&3-horse", "correct-Battery-st4ple"];
    fn read(raw: &str, _: &FieldContext) -> Result<Self, Invalid> {
        SipPassword::parse(raw)
    }
    fn text(&self) -> String {
        self.expose().to_owned()
    }
}
