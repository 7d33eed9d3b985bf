//! Mail Roster sends: its templates, where a message is, and the outbox as the portal shows it.

use super::wire_enum::wire_enum;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// The messages Roster sends, each a template kept in `app/templates/mail/` (a subject, a
    /// plain-text and an HTML part). `welcome` is NetSapiens' name for the first message.
    pub enum MailTemplate {
        Welcome = "welcome", "Welcome (set up your account)";
        Invitation = "invitation", "Invitation (set your password)";
        PasswordReset = "password-reset", "Password reset";
        PasswordChanged = "password-changed", "Your password was changed";
    }
}

wire_enum! {
    /// Where a message is.
    pub enum MailStatus {
        /// Waiting for its first attempt or for its next one.
        Queued = "queued", "Waiting to be sent";
        Sent = "sent", "Sent";
        /// No SMTP relay is set: kept here to be read.
        Kept = "kept", "Kept in the outbox (no relay)";
        /// Every attempt failed.
        Failed = "failed", "Failed";
    }
}

impl MailTemplate {
    /// Whether the message carries a one-time set-password link.
    pub fn has_link(self) -> bool {
        !matches!(self, MailTemplate::PasswordChanged)
    }
}

/// One message of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailEntry {
    pub id: i64,
    pub template: MailTemplate,
    pub status: MailStatus,
    /// The addresses it is to, joined by `;`.
    pub to: String,
    pub subject: String,
    pub domain: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// When the next attempt is due (for a queued message), Unix milliseconds.
    pub next_attempt_at: Option<i64>,
}

/// One message with its text, as a Super User reads it in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessage {
    pub entry: MailEntry,
    pub from: String,
    pub reply_to: Option<String>,
    /// The plain-text part. A sent or failed message that carried a link no longer has it.
    pub text: String,
}

/// A page of the outbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub entries: Vec<MailEntry>,
    /// Where the next page starts (`before`), if there is one.
    pub next: Option<i64>,
    /// Whether an SMTP relay is set (without one, mail is kept here).
    pub relay: Option<String>,
}

/// How far a batch of invitations has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchProgress {
    pub queued: i64,
    pub sent: i64,
    pub kept: i64,
    pub failed: i64,
}

impl BatchProgress {
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.kept + self.failed
    }

    pub fn done(&self) -> bool {
        self.queued == 0
    }
}

/// What an action that invites many users did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedMany {
    /// The batch their messages belong to (see [`BatchProgress`]); `None` if nobody was invited.
    pub batch: Option<String>,
    pub invited: usize,
}

wire_enum! {
    /// What creating a user does about its portal login (NetSapiens' form has no such field; the
    /// API takes it as `invitation`).
    #[derive(Default)]
    pub enum Invitation {
        /// A one-time set-password link, shown once to whoever created the user.
        #[default]
        Link = "link", "Show me a set-password link to pass on";
        /// The welcome message, with the link, e-mailed to the user.
        Send = "send", "E-mail the user a welcome message with the link";
    }
}
