//! The users list: one line per user, the order, the page asked for.

use crate::model::{
    Department, EmailList, Extension, Login, PersonName, Scope, SiteName, UserStatus,
};
use serde::{Deserialize, Serialize};

/// One line of the users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UserSummary {
    pub user: Extension,
    pub name_first_name: PersonName,
    pub name_last_name: PersonName,
    pub login_username: Login,
    pub email: EmailList,
    pub user_scope: Scope,
    pub status: UserStatus,
    pub department: Option<Department>,
    pub site: Option<SiteName>,
    /// Whether one of the user's devices is registered with the SIP server now.
    #[serde(default)]
    pub registered: bool,
}

/// What the users list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortKey {
    #[default]
    User,
    Name,
    Login,
    Department,
    Site,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::User,
        SortKey::Name,
        SortKey::Login,
        SortKey::Department,
        SortKey::Site,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::User => "user",
            SortKey::Name => "name",
            SortKey::Login => "login",
            SortKey::Department => "department",
            SortKey::Site => "site",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A page of the users list: which users (search), in what order, from where, how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    /// Matches extension, first and last name, login and e-mail (case-insensitive substring).
    pub search: String,
    pub sort: SortKey,
    pub descending: bool,
    pub start: u32,
    /// 1 to 1000 (NetSapiens' bounds).
    pub limit: u32,
    /// A keyset cursor: the page begins after the user a previous page's [`UserList::next`]
    /// named (in the same order), however deep, and whatever was added or removed meanwhile;
    /// `start` then counts from there.
    pub after: Option<String>,
}

impl Default for UserQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: SortKey::User,
            descending: false,
            start: 0,
            limit: 50,
            after: None,
        }
    }
}

impl UserQuery {
    /// The query with its limit held to 1..=1000.
    pub fn bounded(mut self) -> Self {
        self.limit = self.limit.clamp(1, 1000);
        self.search = self.search.trim().chars().take(100).collect();
        self
    }
}

/// One page of users, and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserList {
    pub total: u64,
    pub items: Vec<UserSummary>,
    /// The cursor of the page after this one ([`UserQuery::after`]), when this page is full.
    #[serde(default)]
    pub next: Option<String>,
}
