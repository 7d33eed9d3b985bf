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
    CallerIdName, Description, DialPlan, DialPolicy, GroupName, Reseller, StatusMessage,
};

mod domain_name;
pub use domain_name::DomainName;

mod time_zone;
mod tz_names;
pub use time_zone::TimeZone;

mod language;
pub use language::Language;

mod numbers;
pub use numbers::{AreaCode, Limit, YesNo};

mod phone;
pub use phone::PhoneNumber;

mod login;
pub use login::Login;

mod password;
pub use password::Password;

mod scope;
pub use scope::Scope;

mod person;
pub use person::{EmailList, PersonName};

mod extension;
pub use extension::Extension;

mod voicemail;
pub use voicemail::{GreetingIndex, Pin, Transcription, VoicemailEmailBehavior};

mod user_settings;
pub use user_settings::{
    CallLimit, Department, DtmfMapping, DtmfOrder, EmergencyAddressId, Recording, Seconds3600,
    ServiceCode, SiteName, StorageKilobytes, UserStatus,
};

mod devices;
pub use devices::{Destination, DeviceName, SipPassword};

pub mod dids;
pub mod domain;
pub mod site;
pub mod user;

pub mod api_key;
pub mod audit;
pub mod bulk;
pub mod json_form;
pub mod permissions;

// How each value is entered in a form (see [`fields::Leaf`]).
use fields::{leaf, Control, FieldContext, Leaf};

leaf!(Control::Text =>
    PersonName, Login, EmailList, Department, SiteName, Language, StatusMessage, ServiceCode,
    GreetingIndex, StorageKilobytes, CallerIdName, PhoneNumber, EmergencyAddressId, AreaCode,
    DialPlan, DialPolicy, Seconds3600, CallLimit, DtmfMapping, DtmfOrder, DeviceName, Destination,
    GroupName, DomainName, Reseller, Description, Limit,
);
leaf!(Control::TimeZone => TimeZone);
leaf!(Control::YesNo => YesNo);

impl Leaf for Extension {
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
    fn read(raw: &str, _: &FieldContext) -> Result<Self, Invalid> {
        Pin::parse(raw)
    }
    fn text(&self) -> String {
        self.as_str().to_owned()
    }
}

impl Leaf for SipPassword {
    const CONTROL: Control = Control::Secret;
    fn read(raw: &str, _: &FieldContext) -> Result<Self, Invalid> {
        SipPassword::parse(raw)
    }
    fn text(&self) -> String {
        self.expose().to_owned()
    }
}
