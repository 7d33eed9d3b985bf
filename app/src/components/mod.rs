//! Pieces the pages share.

mod field;
mod layout;

pub use field::{Field, FieldKind, SelectField};
pub use layout::{ErrorNotice, Page};
