//! Server functions: the portal's endpoints. Each one is thin: find the caller, check they may,
//! parse the input with the model's parsers, call the database, and shape the answer.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod domains;
pub mod groups;
pub mod profile;
pub mod users;
