//! The portal's pages, one module per route (or family of routes).

pub mod domain_form;
pub mod domains;
pub mod login;
pub mod not_found;
pub mod set_password;
pub mod user;
pub mod user_wizard;
pub mod users;
