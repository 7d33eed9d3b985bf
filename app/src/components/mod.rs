//! Pieces the pages share.

mod copy;
mod field;
mod hydration;
mod layout;
mod listing;
mod registration;
mod secret;

pub use copy::CopyButton;
pub use field::{
    choices, declared_field, refusal_of, settings_read, CheckList, Confirm, Field, FieldKind,
    RequiredNote, SelectField, SwitchField, TimeZoneList,
};
pub use hydration::{focus_soon, offer_focus, poll_while_owned, use_hydrated};
pub use layout::{
    form_summary, row_refusal, use_me, DocumentTitle, ErrorNotice, IfAllowed, Me, Page,
};
pub use listing::{domain_list_page, list_address, use_search_and_start, ListPage, SearchForm};
pub use registration::registration_marker;
pub use secret::SecretText;
