//! The portal's pages, one module per route (or family of routes).

pub mod answer_rules;
pub mod api_keys;
pub mod audit;
pub mod bulk;
pub mod call_queues;
pub mod devices;
pub mod domain_form;
pub mod domains;
pub mod forgot_password;
pub mod home;
pub mod login;
pub mod not_found;
pub mod outbox;
pub mod phone_numbers;
pub mod profile;
pub mod resellers;
pub mod set_password;
pub mod site;
pub mod sites;
pub mod time_frames;
pub mod user;
pub mod user_wizard;
pub mod users;
