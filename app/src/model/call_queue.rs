//! Call queues (NetSapiens' Call Center: `callqueues`) and their agents (`agents`), in place of
//! the groups Roster had: a queue is rung by dialling its extension (`callqueue`) and offers its
//! calls to its agents, users of its domain who log in and out of it.
//!
//! Every field of NetSapiens' queue and agent is declared once, in [`CALL_QUEUE_FIELDS`] and
//! [`AGENT_FIELDS`]: the API's bodies are read through them (an unknown member is refused by
//! name), the repository keeps the `own` rows in columns (what routing reads) and the `setting`
//! rows in a JSON document. Roster's SIP server rings every available agent of a queue at once
//! for now, whatever its dispatch type; the rest is kept and answered as sent.

use super::fields::{declare_form, leaf, Control, FieldContext, Leaf};
use super::text::bounded_text;
use super::user_settings::number_newtype;
use super::wire_enum::wire_enum;
use super::{
    CallLimit, Description, Destination, DomainName, Extension, FieldErrors, Invalid, Parse,
    Recording, Seconds3600, YesNo,
};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// How a queue offers a call to its agents (`callqueue-dispatch-type`), spelled as
    /// NetSapiens' API spells it (its older names in the labels' parentheses).
    pub enum DispatchType {
        RoundRobin = "Round-robin", "Round-robin: the agent idle longest first (1stAvail)";
        TieredRoundRobin = "Tiered Round-robin",
            "Tiered round-robin: by dispatch order, the idle longest first within an order (RoundRobin)";
        RingAll = "Ring All", "Ring all: every available agent at once (SRing)";
        LinearCascade = "Linear Cascade",
            "Linear cascade: by dispatch order, adding agents as each round times out (SRingOrdered)";
        LinearHunt = "Linear Hunt", "Linear hunt: one agent at a time, by dispatch order (Linear)";
        CallPark = "Call Park", "Call park: calls wait until an agent picks them up";
    }
}

wire_enum! {
    /// How an agent is made available to a queue (`callqueue-agent-availability-type`).
    pub enum AvailabilityType {
        Automatic = "automatic", "Automatic: available when logged in";
        Manual = "manual", "Manual: offered calls only as the agent asks";
        Disabled = "disabled", "Disabled: never offered calls";
        OffnetAutomatic = "offnet-automatic", "Automatic, off the network";
    }
}

wire_enum! {
    /// Where an agent stands in a queue, as it (or a manager) last set it: only a logged-in
    /// agent (or one logged in for one call) that is not paused is rung.
    pub enum AgentStatus {
        LoggedIn = "logged-in", "Logged in";
        LoggedOut = "logged-out", "Logged out";
        Paused = "paused", "Paused";
        OneCall = "onecall", "Logged in for one call";
    }
}

impl AgentStatus {
    /// Whether an agent in this status is offered calls.
    pub fn rings(self) -> bool {
        matches!(self, AgentStatus::LoggedIn | AgentStatus::OneCall)
    }
}

/// How long a queue rings an agent before it tries others
/// (`callqueue-agent-dispatch-timeout-seconds`): 1 to 3600 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct AgentTimeout(u32);
number_newtype!(AgentTimeout, 1..=3600, "From 1 to 3600 seconds (an hour).");

/// How long a call may wait in a queue (`callqueue-max-wait-timeout-minutes`): 0 (no limit) to
/// 1440 minutes (a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct WaitMinutes(u32);
number_newtype!(
    WaitMinutes,
    0..=1440,
    "From 0 (no limit) to 1440 minutes (a day)."
);

/// How long after asking a caller may be called back (`callqueue-max-callback-queueing-hours`):
/// 0 (no callbacks) to 6 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct CallbackHours(u32);
number_newtype!(CallbackHours, 0..=6, "From 0 (no callbacks) to 6 hours.");

/// How many callers a queue holds before new ones follow its busy forward
/// (`callqueue-max-current-callers-to-accept-new-callers`): 0 (no limit) to 10000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct CallerLimit(u32);
number_newtype!(
    CallerLimit,
    0..=10000,
    "From 0 (no limit) to 10000 callers."
);

/// The expected wait past which a queue turns new callers away
/// (`callqueue-max-current-wait-to-accept-new-callers-seconds`): 0 (no limit) to 86400 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct WaitSeconds(u32);
number_newtype!(
    WaitSeconds,
    0..=86400,
    "From 0 (no limit) to 86400 seconds (a day)."
);

/// How many agents a round of a cascading queue rings (`callqueue-sim-ring-1st-round`,
/// `callqueue-sim-ring-increment`): 0 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SimRing(u32);
number_newtype!(SimRing, 0..=99, "From 0 to 99 agents.");

/// An agent's place in an order (`callqueue-agent-dispatch-order-ordinal`,
/// `callqueue-agent-dispatch-queue-priority-ordinal`): 0 to 99999, lower first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Ordinal(u32);
number_newtype!(Ordinal, 0..=99999, "From 0 to 99999 (lower comes first).");

/// How many SMS conversations an agent handles at once
/// (`callqueue-agent-max-concurrent-sms-conversations`): 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ConversationLimit(u32);
number_newtype!(ConversationLimit, 0..=100, "From 0 to 100 conversations.");

/// A queue's free text (its SMS phrases, its source match): 1 to 255 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QueueText(String);
super::field::text_newtype!(QueueText);

impl Parse for QueueText {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        bounded_text(raw, 1, 255).map(Self)
    }
}

leaf!(Control::Text => {
    AgentTimeout: ["30", "15"],
    WaitMinutes: ["0", "10"],
    CallbackHours: ["0", "2"],
    CallerLimit: ["0", "20"],
    WaitSeconds: ["0", "300"],
    SimRing: ["0", "3"],
    Ordinal: ["1", "10"],
    ConversationLimit: ["1", "5"],
    QueueText: ["START", "Thanks, an agent will be with you shortly."],
});

/// The user an agent is (`callqueue-agent-id`): its extension, or `extension@domain` as
/// NetSapiens writes it (the domain must be the queue's; the caller checks). NetSapiens' device
/// agents (`sip:device@domain`) are not Roster's: an agent is a user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgentUser {
    pub extension: Extension,
    /// The domain it was named with, if any.
    pub domain: Option<DomainName>,
}

impl AgentUser {
    /// The user `extension` of `domain`, as NetSapiens writes it: `extension@domain`.
    pub fn of(extension: Extension, domain: DomainName) -> Self {
        Self {
            extension,
            domain: Some(domain),
        }
    }

    /// Reads `raw` (`101` or `101@acme.example`), the extension as `cx` allows.
    pub fn read_in(raw: &str, cx: &FieldContext) -> Result<Self, Invalid> {
        let raw = raw.trim();
        if raw.to_ascii_lowercase().starts_with("sip:") {
            return Err(Invalid::new(
                "Roster's agents are users: give the user's extension, or extension@domain.",
            ));
        }
        let (extension, domain) = match raw.split_once('@') {
            Some((extension, domain)) => (extension, Some(DomainName::parse(domain)?)),
            None => (raw, None),
        };
        let extension = if cx.alphanumeric_extensions {
            Extension::parse_alphanumeric(extension)?
        } else {
            Extension::parse(extension)?
        };
        Ok(Self { extension, domain })
    }
}

impl Parse for AgentUser {
    /// As stored or answered: any extension a domain may have.
    fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::read_in(raw, &FieldContext::STORED)
    }
}

impl std::fmt::Display for AgentUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.domain {
            Some(domain) => write!(f, "{}@{domain}", self.extension),
            None => write!(f, "{}", self.extension),
        }
    }
}

impl TryFrom<String> for AgentUser {
    type Error = Invalid;
    fn try_from(raw: String) -> Result<Self, Invalid> {
        Self::parse(&raw)
    }
}

impl From<AgentUser> for String {
    fn from(agent: AgentUser) -> String {
        agent.to_string()
    }
}

impl Leaf for AgentUser {
    const EXAMPLES: &'static [&'static str] = &["101", "101@acme.example"];
    fn read(raw: &str, cx: &FieldContext) -> Result<Self, Invalid> {
        Self::read_in(raw, cx)
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

/// The parts of a queue's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QueueSection {
    /// Its extension, description and where unanswered calls go.
    General,
    /// How calls are offered to its agents.
    Dispatch,
    /// When callers are turned away or taken out of the queue.
    Limits,
    /// Its SMS conversations.
    Sms,
    /// NetSapiens' other queue settings, which Roster keeps and answers but does not apply.
    Kept,
}

impl QueueSection {
    pub const ALL: [QueueSection; 5] = [
        QueueSection::General,
        QueueSection::Dispatch,
        QueueSection::Limits,
        QueueSection::Sms,
        QueueSection::Kept,
    ];

    pub fn title(self) -> &'static str {
        match self {
            QueueSection::General => "Call queue",
            QueueSection::Dispatch => "Dispatch",
            QueueSection::Limits => "Limits",
            QueueSection::Sms => "SMS",
            QueueSection::Kept => "Kept for NetSapiens clients (Roster does not apply these)",
        }
    }
}

/// One field of the queue form.
pub type CallQueueField = super::fields::Field<CallQueueForm, QueueSection>;

declare_form! {
    /// A call queue as typed (or sent to the API), every field text, named as in NetSapiens.
    form CallQueueForm;
    /// A call queue's fields, every one valid.
    values CallQueueValues;
    /// Every field of a call queue, in NetSapiens' order (Roster's `forward-no-answer` last).
    table CALL_QUEUE_FIELDS: [QueueSection];

    own callqueue: req Extension, "callqueue", General,
        "Extension", "What callers dial: unique among the domain's users and queues; it does not change.";
    own description: req Description = "", "description", General,
        "Description", "What the queue is for. Optional, at most 255 characters.";
    own callqueue_dispatch_type: req DispatchType = "Round-robin", "callqueue-dispatch-type", Dispatch,
        "Dispatch type", "How calls are offered to agents. Roster's SIP server rings every available agent at once for now.";
    setting callqueue_calculate_statistics: req YesNo = "yes", "callqueue-calculate-statistics", Kept,
        "Calculate statistics", "";
    own callqueue_agent_dispatch_timeout_seconds: req AgentTimeout = "30",
        "callqueue-agent-dispatch-timeout-seconds", Dispatch,
        "Agent timeout (seconds)", "How long agents ring before the call goes to the no-answer forward.";
    setting callqueue_debug: req YesNo = "no", "callqueue-debug", Kept,
        "Debug", "";
    setting callqueue_force_full_intro_playback: req YesNo = "no",
        "callqueue-force-full-intro-playback", Kept,
        "Play the whole introduction", "";
    setting callqueue_max_callback_queueing_hours: req CallbackHours = "0",
        "callqueue-max-callback-queueing-hours", Kept,
        "Callbacks for (hours)", "0: callers cannot ask to be called back.";
    setting callqueue_max_current_callers_to_accept_new_callers: req CallerLimit = "0",
        "callqueue-max-current-callers-to-accept-new-callers", Limits,
        "Most callers waiting", "0: no limit.";
    setting callqueue_max_current_wait_to_accept_new_callers_seconds: req WaitSeconds = "0",
        "callqueue-max-current-wait-to-accept-new-callers-seconds", Limits,
        "Longest expected wait (seconds)", "0: no limit.";
    own callqueue_max_wait_timeout_minutes: req WaitMinutes = "0",
        "callqueue-max-wait-timeout-minutes", Limits,
        "Longest wait (minutes)", "0: no limit.";
    setting callqueue_require_available_agents_to_accept_new_callers: req YesNo = "no",
        "callqueue-require-available-agents-to-accept-new-callers", Limits,
        "Only with an agent available", "New callers are taken only while an agent is available.";
    setting callqueue_source_match: opt QueueText, "callqueue-source-match", Kept,
        "Source match", "Optional.";
    setting callqueue_sms_enable: req YesNo = "no", "callqueue-sms-enable", Sms,
        "SMS", "";
    setting callqueue_sms_phrase_initiate_chat: opt QueueText, "callqueue-sms-phrase-initiate-chat", Sms,
        "Keyword to start", "Optional.";
    setting callqueue_sms_phrase_initiate_success: opt QueueText,
        "callqueue-sms-phrase-initiate-success", Sms,
        "Reply when started", "Optional.";
    /// NetSapiens' document spells it with a trailing space; both spellings are read.
    setting callqueue_sms_phrase_initiation_fail: opt QueueText,
        "callqueue-sms-phrase-initiation-fail" | "callqueue-sms-phrase-initiation-fail ", Sms,
        "Reply without the keyword", "Optional.";
    setting callqueue_sms_phrase_no_agents_available: opt QueueText,
        "callqueue-sms-phrase-no-agents-available", Sms,
        "Reply with no agent available", "Optional.";
    setting callqueue_sms_phrase_terminate_chat: opt QueueText,
        "callqueue-sms-phrase-terminate-chat", Sms,
        "Keyword to end", "Optional.";
    setting callqueue_sms_phrase_terminate_success: opt QueueText,
        "callqueue-sms-phrase-terminate-success", Sms,
        "Reply when ended", "Optional.";
    setting callqueue_agent_auto_logout_after_missed: req YesNo = "no",
        "callqueue-agent-auto-logout-after-missed", Dispatch,
        "Log out agents who miss a call", "";
    own callqueue_sim_ring_1st_round: req SimRing = "0", "callqueue-sim-ring-1st-round", Dispatch,
        "Agents in the first round", "For cascading dispatch types.";
    own callqueue_sim_ring_increment: req SimRing = "1", "callqueue-sim-ring-increment", Dispatch,
        "Agents added each round", "For cascading dispatch types.";
    setting recording_configuration: req Recording = "no", "recording-configuration", Kept,
        "Call recording", "";
    own forward_no_answer: opt Destination, "forward-no-answer", General,
        "When not answered, forward to",
        "Roster's: an extension or a phone number for calls no agent answers (or none is there to); NetSapiens keeps it in the queue's answer rule. Blank: the caller hears that nobody is available.";
}

/// What a queue's body may carry that is not its own to set: NetSapiens' read-only members
/// (counted by Roster), accepted and left alone when a client sends back what it read.
pub const CALL_QUEUE_READ_ONLY: &[&str] = &[
    "active-queued-calls-total-current",
    "callqueue-count-agents-available",
    "callqueue-count-agents-total",
];

impl CallQueueForm {
    /// What a new queue's form starts with: every field's default.
    pub fn new_queue() -> Self {
        super::fields::with_defaults(CALL_QUEUE_FIELDS)
    }

    /// Parses every field, and what a queue's field may not be that the same field of another
    /// record may, reporting every bad one at once.
    pub fn parse_queue(&self, cx: &FieldContext) -> Result<CallQueueValues, FieldErrors> {
        let parsed = self.parse(cx);
        let mut errors = match &parsed {
            Ok(_) => FieldErrors::default(),
            Err(errors) => errors.clone(),
        };
        // A queue has no voicemail box of its own.
        if matches!(
            Destination::parse(&self.forward_no_answer),
            Ok(Destination::Voicemail)
        ) {
            errors.add(
                "forward-no-answer",
                "A queue has no voicemail box: forward to an extension (a user's, whose voicemail may answer) or a phone number.",
            );
        }
        match parsed {
            Ok(values) if errors.is_empty() => Ok(values),
            _ => Err(errors),
        }
    }
}

/// The parts of an agent's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgentSection {
    /// Who the agent is and how calls are offered to it.
    General,
    /// NetSapiens' other agent settings, which Roster keeps and answers but does not apply.
    Kept,
}

impl AgentSection {
    pub const ALL: [AgentSection; 2] = [AgentSection::General, AgentSection::Kept];

    pub fn title(self) -> &'static str {
        match self {
            AgentSection::General => "Agent",
            AgentSection::Kept => "Kept for NetSapiens clients (Roster does not apply these)",
        }
    }
}

/// One field of the agent form.
pub type AgentField = super::fields::Field<AgentForm, AgentSection>;

declare_form! {
    /// An agent of a queue as typed (or sent to the API), every field text, named as in
    /// NetSapiens.
    form AgentForm;
    /// An agent's fields, every one valid.
    values AgentValues;
    /// Every field of an agent, in NetSapiens' order.
    table AGENT_FIELDS: [AgentSection];

    own callqueue_agent_id: req AgentUser, "callqueue-agent-id", General,
        "User", "The agent's extension (or extension@domain); it does not change.";
    own callqueue_agent_availability_type: req AvailabilityType = "automatic",
        "callqueue-agent-availability-type", General,
        "Availability", "A disabled agent is never rung; log in and out with the agent actions.";
    own callqueue_agent_wrap_up_allowance_seconds: req Seconds3600 = "0",
        "callqueue-agent-wrap-up-allowance-seconds", General,
        "Wrap-up (seconds)", "Time after a call before the next one is offered.";
    setting auto_answer_enabled: req YesNo = "no", "auto-answer-enabled", Kept,
        "Auto-answer", "";
    own callqueue_agent_dispatch_order_ordinal: req Ordinal = "1",
        "callqueue-agent-dispatch-order-ordinal", General,
        "Dispatch order", "Lower first, for ordered dispatch types; agents of one order by extension.";
    setting callqueue_agent_dispatch_queue_priority_ordinal: req Ordinal = "1",
        "callqueue-agent-dispatch-queue-priority-ordinal", Kept,
        "Queue priority", "Lower first, among the agent's queues.";
    own limits_max_active_calls_total: req CallLimit = "1", "limits-max-active-calls-total", General,
        "Most calls at once", "";
    setting callqueue_agent_answer_confirmation_enabled: req YesNo = "no",
        "callqueue-agent-answer-confirmation-enabled", Kept,
        "Confirm before answering", "";
    setting callqueue_agent_max_concurrent_sms_conversations: req ConversationLimit = "1",
        "callqueue-agent-max-concurrent-sms-conversations", Kept,
        "Most SMS conversations at once", "";
}

/// What an agent's body may carry that is not its own to set: where it is (the path names it)
/// and NetSapiens' read-only members, accepted and left alone when a client sends back what it
/// read (those `json_form::READ_ONLY` lists for every body aside).
pub const AGENT_READ_ONLY: &[&str] = &[
    "callqueue",
    "callqueue-agent-has-registered-devices",
    "callqueue-agent-availability-for-dispatch",
    "last-callqueue-dispatch-datetime",
    "callqueue-agent-entry-type",
    "agent-name-first-name",
    "agent-name-last-name",
    "agent-department",
    "agent-site",
    "agent-user-scope",
    "agent-status-message",
];

impl AgentForm {
    /// A new agent's form for the user `agent`: every other field's default.
    pub fn new_agent(agent: &str) -> Self {
        let mut form: AgentForm = super::fields::with_defaults(AGENT_FIELDS);
        form.callqueue_agent_id = agent.to_owned();
        form
    }
}

/// A call queue as read: its fields, its domain, and its agents counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallQueue {
    #[serde(flatten)]
    pub values: CallQueueValues,
    pub domain: DomainName,
    /// Calls waiting: always 0 (Roster's SIP server queues no call).
    #[serde(rename = "active-queued-calls-total-current")]
    pub queued_calls: u64,
    /// Its agents that would be rung now (logged in, not paused, not disabled).
    #[serde(rename = "callqueue-count-agents-available")]
    pub agents_available: u64,
    #[serde(rename = "callqueue-count-agents-total")]
    pub agents_total: u64,
    /// Unix milliseconds (RFC 3339 on the wire).
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    #[serde(rename = "last-modified-datetime", with = "crate::model::instant")]
    pub updated_at: i64,
}

/// Which queues a list shows: part of the extension or description (any case), and which page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    pub search: String,
    pub start: u32,
    pub limit: u32,
}

/// A page of queues, by extension, and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallQueueList {
    pub total: u64,
    pub items: Vec<CallQueue>,
}

/// A queue as the user form names it: its row id (Wazo's API names groups by it), extension
/// and description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRef {
    pub id: i64,
    pub callqueue: Extension,
    pub description: String,
}

/// An agent of a queue as read: its fields, its queue, where it stands, and who its user is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// `callqueue-agent-id` is written `extension@domain`.
    #[serde(flatten)]
    pub values: AgentValues,
    pub callqueue: Extension,
    pub domain: DomainName,
    /// What the agent (or a manager) last set.
    #[serde(rename = "callqueue-agent-availability-for-dispatch")]
    pub status: AgentStatus,
    /// Always `user` (Roster has no device or off-net agents).
    #[serde(rename = "callqueue-agent-entry-type")]
    pub entry_type: String,
    /// Whether one of its user's devices is registered with Roster's SIP server now.
    #[serde(rename = "callqueue-agent-has-registered-devices")]
    pub registered: YesNo,
    /// Always 0 (Roster does not follow calls).
    #[serde(rename = "active-calls-total-current")]
    pub active_calls: u64,
    #[serde(rename = "login-username")]
    pub login: String,
    #[serde(rename = "name-full-name")]
    pub full_name: String,
    #[serde(rename = "agent-name-first-name")]
    pub first_name: String,
    #[serde(rename = "agent-name-last-name")]
    pub last_name: String,
    #[serde(rename = "agent-department")]
    pub department: Option<String>,
    #[serde(rename = "agent-site")]
    pub site: Option<String>,
    #[serde(rename = "agent-user-scope")]
    pub scope: String,
    #[serde(rename = "agent-status-message")]
    pub status_message: Option<String>,
    #[serde(rename = "created-datetime", with = "crate::model::instant")]
    pub created_at: i64,
    #[serde(rename = "last-modified-datetime", with = "crate::model::instant")]
    pub updated_at: i64,
}

/// A page of agents and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentList {
    pub total: u64,
    pub items: Vec<Agent>,
}

/// The queues an agent action is for: one queue, or every queue the agent is in (NetSapiens'
/// `all` in the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueChoice {
    One(String),
    All,
}

impl QueueChoice {
    /// What a path names: `all`, or a queue's extension.
    pub fn from_path(raw: &str) -> Self {
        if raw == "all" {
            QueueChoice::All
        } else {
            QueueChoice::One(raw.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::find;
    use crate::model::json_form::{form_of, patch_from_json};
    use serde_json::{json, Map, Value};

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(map) => map,
            _ => panic!("an object"),
        }
    }

    /// Every member of NetSapiens' Create Call Queue body (synchronous aside, which the API
    /// reads itself), as its document lists them.
    const SPEC_CREATE: &[&str] = &[
        "callqueue",
        "domain",
        "description",
        "callqueue-dispatch-type",
        "callqueue-calculate-statistics",
        "active-queued-calls-total-current",
        "callqueue-agent-dispatch-timeout-seconds",
        "callqueue-count-agents-available",
        "callqueue-count-agents-total",
        "callqueue-debug",
        "callqueue-force-full-intro-playback",
        "callqueue-max-callback-queueing-hours",
        "callqueue-max-current-callers-to-accept-new-callers",
        "callqueue-max-current-wait-to-accept-new-callers-seconds",
        "callqueue-max-wait-timeout-minutes",
        "callqueue-require-available-agents-to-accept-new-callers",
        "callqueue-source-match",
        "callqueue-sms-enable",
        "callqueue-sms-phrase-initiate-chat",
        "callqueue-sms-phrase-initiate-success",
        "callqueue-sms-phrase-initiation-fail ",
        "callqueue-sms-phrase-no-agents-available",
        "callqueue-sms-phrase-terminate-chat",
        "callqueue-sms-phrase-terminate-success",
        "callqueue-agent-auto-logout-after-missed",
        "callqueue-sim-ring-1st-round",
        "callqueue-sim-ring-increment",
        "recording-configuration",
    ];

    /// Every member of NetSapiens' Add Agent body (synchronous aside).
    const SPEC_AGENT: &[&str] = &[
        "callqueue-agent-id",
        "callqueue",
        "domain",
        "callqueue-agent-availability-type",
        "callqueue-agent-wrap-up-allowance-seconds",
        "auto-answer-enabled",
        "callqueue-agent-dispatch-order-ordinal",
        "callqueue-agent-dispatch-queue-priority-ordinal",
        "limits-max-active-calls-total",
        "callqueue-agent-answer-confirmation-enabled",
        "callqueue-agent-has-registered-devices",
        "callqueue-agent-availability-for-dispatch",
        "active-calls-total-current",
        "last-modified-datetime",
        "callqueue-agent-max-concurrent-sms-conversations",
        "last-callqueue-dispatch-datetime",
        "callqueue-agent-entry-type",
        "login-username",
        "name-full-name",
        "agent-name-first-name",
        "agent-name-last-name",
        "agent-department",
        "agent-site",
        "agent-user-scope",
        "agent-status-message",
    ];

    #[test]
    fn the_six_dispatch_types_are_spelled_as_netsapiens_spells_them() {
        let words: Vec<&str> = DispatchType::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(
            words,
            [
                "Round-robin",
                "Tiered Round-robin",
                "Ring All",
                "Linear Cascade",
                "Linear Hunt",
                "Call Park"
            ]
        );
        assert_eq!(
            DispatchType::parse("ring all").unwrap(),
            DispatchType::RingAll
        );
        let refused = DispatchType::parse("SRing").unwrap_err();
        assert!(refused.0.contains("Linear Hunt"), "{}", refused.0);
    }

    #[test]
    fn every_member_of_netsapiens_create_bodies_is_accepted() {
        let body: Map<String, Value> = SPEC_CREATE
            .iter()
            .map(|name| {
                let field = find(CALL_QUEUE_FIELDS, name);
                let example = field.map_or("1", |f| f.examples[0]);
                ((*name).to_owned(), json!(example))
            })
            .collect();
        let patch = patch_from_json(CALL_QUEUE_FIELDS, &body, CALL_QUEUE_READ_ONLY).unwrap();
        let form: CallQueueForm = form_of(CALL_QUEUE_FIELDS, &patch);
        assert_eq!(form.callqueue_sms_phrase_initiation_fail, "START");
        form.parse_queue(&FieldContext::default()).unwrap();

        let body: Map<String, Value> = SPEC_AGENT
            .iter()
            .map(|name| {
                let example = find(AGENT_FIELDS, name).map_or("1", |f| f.examples[0]);
                ((*name).to_owned(), json!(example))
            })
            .collect();
        let patch = patch_from_json(AGENT_FIELDS, &body, AGENT_READ_ONLY).unwrap();
        let form: AgentForm = form_of(AGENT_FIELDS, &patch);
        form.parse(&FieldContext::default()).unwrap();
    }

    #[test]
    fn an_unknown_member_is_refused_by_name_and_every_bad_field_is_named() {
        let refused = patch_from_json(
            CALL_QUEUE_FIELDS,
            &object(json!({"callqueue": "600", "callqueue-colour": "blue", "music": 1})),
            CALL_QUEUE_READ_ONLY,
        )
        .unwrap_err();
        assert_eq!(refused.names(), ["callqueue-colour", "music"]);
        let form = CallQueueForm {
            callqueue: "6x0".into(),
            recording_configuration: "sometimes".into(),
            callqueue_dispatch_type: "SRing".into(),
            callqueue_agent_dispatch_timeout_seconds: "0".into(),
            callqueue_max_callback_queueing_hours: "7".into(),
            callqueue_sim_ring_increment: "100".into(),
            forward_no_answer: "somewhere".into(),
            ..CallQueueForm::new_queue()
        };
        assert_eq!(
            form.parse_queue(&FieldContext::default())
                .unwrap_err()
                .names(),
            [
                "callqueue",
                "callqueue-dispatch-type",
                "callqueue-agent-dispatch-timeout-seconds",
                "callqueue-max-callback-queueing-hours",
                "callqueue-sim-ring-increment",
                "recording-configuration",
                "forward-no-answer"
            ]
        );
        // A forward to voicemail is named with the others.
        let voicemail = CallQueueForm {
            callqueue: "".into(),
            forward_no_answer: "voicemail".into(),
            ..CallQueueForm::new_queue()
        };
        assert_eq!(
            voicemail
                .parse_queue(&FieldContext::default())
                .unwrap_err()
                .names(),
            ["callqueue", "forward-no-answer"]
        );
    }

    #[test]
    fn a_new_queue_takes_netsapiens_defaults_and_forwards_nowhere_near_voicemail() {
        let queue = CallQueueForm {
            callqueue: "600".into(),
            ..CallQueueForm::new_queue()
        }
        .parse_queue(&FieldContext::default())
        .unwrap();
        assert_eq!(queue.callqueue_dispatch_type, DispatchType::RoundRobin);
        assert_eq!(queue.callqueue_agent_dispatch_timeout_seconds.get(), 30);
        assert_eq!(queue.callqueue_sim_ring_increment.get(), 1);
        assert_eq!(queue.forward_no_answer, None);
        // What the repository keeps in the document: the `setting` rows only.
        let doc = queue.settings();
        assert!(doc.contains_key("callqueue-sms-enable"));
        assert!(!doc.contains_key("callqueue") && !doc.contains_key("callqueue-dispatch-type"));
        let voicemail = CallQueueForm {
            callqueue: "600".into(),
            forward_no_answer: "voicemail".into(),
            ..CallQueueForm::new_queue()
        };
        assert_eq!(
            voicemail
                .parse_queue(&FieldContext::default())
                .unwrap_err()
                .names(),
            ["forward-no-answer"]
        );
    }

    #[test]
    fn an_agent_is_a_user_by_extension_or_extension_at_domain_never_a_device() {
        let plain = AgentUser::read_in("101", &FieldContext::default()).unwrap();
        assert_eq!((plain.extension.as_str(), plain.domain), ("101", None));
        let full = AgentUser::read_in(" 101@acme.example ", &FieldContext::default()).unwrap();
        assert_eq!(full.domain.unwrap().as_str(), "acme.example");
        assert!(AgentUser::read_in("sip:101wp@acme.example", &FieldContext::default()).is_err());
        assert!(AgentUser::read_in("bob", &FieldContext::default()).is_err());
        let named = FieldContext {
            alphanumeric_extensions: true,
            stored: false,
        };
        assert_eq!(
            AgentUser::read_in("bob@acme.example", &named)
                .unwrap()
                .to_string(),
            "bob@acme.example"
        );
        let agent = AgentForm::new_agent("101")
            .parse(&FieldContext::default())
            .unwrap();
        assert_eq!(
            agent.callqueue_agent_availability_type,
            AvailabilityType::Automatic
        );
        assert_eq!(agent.limits_max_active_calls_total.get(), 1);
        let bad = AgentForm {
            callqueue_agent_availability_type: "sometimes".into(),
            callqueue_agent_wrap_up_allowance_seconds: "-1".into(),
            ..AgentForm::new_agent("")
        };
        assert_eq!(
            bad.parse(&FieldContext::default()).unwrap_err().names(),
            [
                "callqueue-agent-id",
                "callqueue-agent-availability-type",
                "callqueue-agent-wrap-up-allowance-seconds"
            ]
        );
    }

    #[test]
    fn only_logged_in_agents_ring() {
        let ringing: Vec<&str> = AgentStatus::ALL
            .iter()
            .filter(|s| s.rings())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(ringing, ["logged-in", "onecall"]);
    }
}
