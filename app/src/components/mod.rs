//! Pieces the pages share.

mod copy;
mod field;
mod hydration;
mod layout;
mod registration;
mod secret;

pub use copy::CopyButton;
pub use field::{choices, Field, FieldKind, RequiredNote, SelectField, SwitchField};
pub use hydration::{focus_soon, poll_while_owned, use_hydrated};
pub use layout::{form_summary, use_me, DocumentTitle, ErrorNotice, IfAllowed, Me, Page};
pub use registration::registration_marker;
pub use secret::SecretText;
