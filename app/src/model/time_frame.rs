//! Time frames (NetSapiens' "timeframes"): named sets of wall-clock times, a domain's shared ones
//! and a user's own, that answer rules are chosen by.
//!
//! A frame is one of five kinds: always; days of the week (one entry: up to two ranges a day,
//! every week or on a custom recurrence); specific dates (date ranges with times, each once or
//! recurring); holidays (each a date with how it is observed when it falls on a given weekday);
//! or custom, any mix of the last three. Each entry carries an id (`timeframe-id`) by which a
//! change names it.
//!
//! Everything here is over the *local* wall clock, with no time zone: [`Definition::active_at`]
//! answers for a local date and time, [`Definition::intervals_on`] gives a local day's active
//! minutes. Turning instants into local times (and back, across daylight-saving changes) is the
//! server's business (`crate::ssr::time_frames::is_active` and `spans`), with the tz database.
//!
//! Times are minutes: a range begins at its begin time and ends *before* its end time, except
//! that an end of `2359` is the end of the day (so `0000`–`2359` is the whole day, with no minute
//! missing before midnight). A range ends on the day it begins: a night is two ranges, one ending
//! at `2359` and one beginning at `0000` the next day. A date range of specific dates runs from
//! its begin date and time to its end date and time, across midnights and daylight-saving changes
//! alike.
//!
//! Holidays: Roster looks nothing up in a holiday feed. A holiday entry is kept as the client
//! sends it (NetSapiens' fields, the feed's uuid, name and places included) and observed on the
//! date it names (`timeframe-holiday-begin-date`); recurring yearly, on that same month and day
//! each year, so a holiday whose date moves (Thanksgiving, Easter) needs an entry for each year.

mod civil;
mod week;
mod wire;

pub use civil::{
    days_in_month, hhmm, is_leap_year, parse_hhmm, CivilDate, CivilDateTime, Weekday,
    MINUTES_PER_DAY,
};
pub use week::{day_name, FrameSummary, WeekForm, GRID_KINDS};
pub use wire::{
    Parent, CHILD_ID, CONVERT_TYPE, DAYS_OF_WEEK, DAYS_OF_WEEK_ALIAS, ENTRY_READ_ONLY, HOLIDAYS,
    ID, NAME, SPECIFIC_DATES, TYPE, UPDATE_ONLY,
};

use super::field::{text_newtype, Invalid, Parse};
use super::{DomainName, FieldErrors};

/// What a time frame is made of (`timeframe-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Always,
    DaysOfWeek,
    SpecificDates,
    Holiday,
    Custom,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Always,
        Kind::DaysOfWeek,
        Kind::SpecificDates,
        Kind::Holiday,
        Kind::Custom,
    ];

    /// NetSapiens' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Always => "always",
            Kind::DaysOfWeek => "days-of-week",
            Kind::SpecificDates => "specific-dates",
            Kind::Holiday => "holiday",
            Kind::Custom => "custom",
        }
    }

    /// Which entries a frame of this kind holds, and how many of each at most.
    fn holds(self, entries: EntryKind) -> usize {
        match (self, entries) {
            (Kind::Custom, _) => MAX_ENTRIES,
            (Kind::DaysOfWeek, EntryKind::DaysOfWeek) => 1,
            (Kind::SpecificDates, EntryKind::SpecificDates) => MAX_ENTRIES,
            (Kind::Holiday, EntryKind::Holidays) => MAX_ENTRIES,
            _ => 0,
        }
    }
}

impl Parse for Kind {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                Invalid::new(if text.is_empty() {
                    "Required: always, days-of-week, specific-dates, holiday or custom."
                } else {
                    "One of always, days-of-week, specific-dates, holiday or custom."
                })
            })
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three lists of entries a frame may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    SpecificDates,
    Holidays,
    DaysOfWeek,
}

impl EntryKind {
    pub const ALL: [EntryKind; 3] = [
        EntryKind::SpecificDates,
        EntryKind::Holidays,
        EntryKind::DaysOfWeek,
    ];

    /// The list's member in a body (`timeframe-specific-dates-array`, ...).
    pub fn field(self) -> &'static str {
        match self {
            EntryKind::SpecificDates => SPECIFIC_DATES,
            EntryKind::Holidays => HOLIDAYS,
            EntryKind::DaysOfWeek => DAYS_OF_WEEK,
        }
    }

    fn what(self) -> &'static str {
        match self {
            EntryKind::SpecificDates => "date ranges",
            EntryKind::Holidays => "holidays",
            EntryKind::DaysOfWeek => "days of the week",
        }
    }
}

/// The most entries of one kind a frame holds.
pub const MAX_ENTRIES: usize = 100;

/// The longest a recurring date range may run, in days (a yearly one of a whole year at most):
/// what keeps finding its occurrences bounded.
pub const MAX_RECURRING_SPAN_DAYS: i64 = 366;

/// A time frame's name, by which answer rules name it: 1 to 64 characters, no control
/// characters, no `/`, and not `*` (the default rule's time frame, which is no frame).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeFrameName(String);
text_newtype!(TimeFrameName);

impl Parse for TimeFrameName {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = super::text::bounded_text(raw, 1, 64)?;
        if name == "*" {
            return Err(Invalid::new(
                "* is the default answer rule's time frame; give this one a name.",
            ));
        }
        if name.contains('/') {
            return Err(Invalid::new("A time frame's name has no /."));
        }
        Ok(Self(name))
    }
}

/// The id of one entry of a frame (its `timeframe-id`): 1 to 64 letters, digits, `-` and `_`.
/// Made by the server for an entry sent without one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(String);
text_newtype!(EntryId);

impl Parse for EntryId {
    fn parse(raw: &str) -> Result<Self, Invalid> {
        let id = raw.trim();
        if id.is_empty() || id.len() > 64 {
            return Err(Invalid::new("1 to 64 letters, digits, - and _."));
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Invalid::new("1 to 64 letters, digits, - and _."));
        }
        Ok(Self(id.to_owned()))
    }
}

/// Part of a day: from `begin` (minutes since midnight) up to but not including `end`; an `end`
/// of [`MINUTES_PER_DAY`] is midnight at the end of the day (written `2359`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    begin: u16,
    end: u16,
}

impl TimeRange {
    /// The range, if it is one: `begin < end <= 1440`.
    pub fn new(begin: u16, end: u16) -> Option<Self> {
        (begin < end && end <= MINUTES_PER_DAY).then_some(Self { begin, end })
    }

    /// The whole day.
    pub const DAY: TimeRange = TimeRange {
        begin: 0,
        end: MINUTES_PER_DAY,
    };

    pub fn begin(self) -> u16 {
        self.begin
    }

    pub fn end(self) -> u16 {
        self.end
    }
}

/// How a date range recurs (`timeframe-recurrence-type` of specific dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRecurrence {
    DoesNotRecur,
    /// Every month on its last day.
    MonthlyOnLastDay,
    /// Every month on the first (or last) of the begin date's weekday, as the begin date is.
    MonthlyOnFirstLast,
    /// Every month on the begin date's ordinal weekday (the third Friday).
    MonthlyOnOrdinalWeekday,
    /// Every month on the begin date's day (none in months without it).
    MonthlyDate,
    /// Every year on the begin date's month and day.
    YearlyOnSelectedDates,
    /// The same as [`DateRecurrence::YearlyOnSelectedDates`], spelled `annual-month-day`.
    AnnualMonthDay,
    /// Every year on the first of the begin date's weekday in its month.
    YearlyFirst,
    /// Every year on the last of the begin date's weekday in its month.
    YearlyLast,
    Custom(CustomInterval),
}

/// A custom recurrence of a date range: every so many days, weeks, months, or every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomInterval {
    Days(u32),
    Weeks(u32),
    Months(u32, MonthlyOption),
    Years(YearlyOption),
}

/// On which day of a month a monthly recurrence falls, from its begin date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthlyOption {
    /// The begin date's day of the month.
    SameDay,
    /// The begin date's ordinal weekday (the second Monday).
    OrdinalWeekday,
    /// The first or last of the begin date's weekday, as the begin date is.
    FirstLastWeekday,
    /// The last day of the month.
    LastDay,
}

/// On which day of the begin date's month a yearly recurrence falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearlyOption {
    SameDay,
    OrdinalWeekday,
    FirstLastWeekday,
}

/// The days a recurrence starts on, relative to its begin date: what every kind of recurrence
/// comes down to.
#[derive(Debug, Clone, Copy)]
enum Repeat {
    Once,
    EveryDays(u32),
    EveryMonths(u32, OnDay),
    EveryYear(OnDay),
}

/// Which day of a month, relative to the begin date.
#[derive(Debug, Clone, Copy)]
enum OnDay {
    SameDay,
    OrdinalWeekday,
    FirstLastWeekday,
    LastDay,
    FirstWeekday,
    LastWeekday,
}

impl OnDay {
    fn matches(self, begin: CivilDate, date: CivilDate) -> bool {
        let same_weekday = date.weekday() == begin.weekday();
        match self {
            OnDay::SameDay => date.day() == begin.day(),
            OnDay::OrdinalWeekday => {
                same_weekday && date.weekday_ordinal() == begin.weekday_ordinal()
            }
            OnDay::FirstLastWeekday if begin.weekday_ordinal() == 1 => {
                same_weekday && date.weekday_ordinal() == 1
            }
            OnDay::FirstLastWeekday => same_weekday && date.is_last_weekday_of_month(),
            OnDay::LastDay => date.is_last_day_of_month(),
            OnDay::FirstWeekday => same_weekday && date.weekday_ordinal() == 1,
            OnDay::LastWeekday => same_weekday && date.is_last_weekday_of_month(),
        }
    }
}

impl From<MonthlyOption> for OnDay {
    fn from(option: MonthlyOption) -> Self {
        match option {
            MonthlyOption::SameDay => OnDay::SameDay,
            MonthlyOption::OrdinalWeekday => OnDay::OrdinalWeekday,
            MonthlyOption::FirstLastWeekday => OnDay::FirstLastWeekday,
            MonthlyOption::LastDay => OnDay::LastDay,
        }
    }
}

impl From<YearlyOption> for OnDay {
    fn from(option: YearlyOption) -> Self {
        match option {
            YearlyOption::SameDay => OnDay::SameDay,
            YearlyOption::OrdinalWeekday => OnDay::OrdinalWeekday,
            YearlyOption::FirstLastWeekday => OnDay::FirstLastWeekday,
        }
    }
}

impl Repeat {
    /// Whether an occurrence starts on `date` (not before `begin`, not after `until`).
    fn starts_on(self, begin: CivilDate, until: Option<CivilDate>, date: CivilDate) -> bool {
        let after = date.days_after(begin);
        if after < 0 || until.is_some_and(|u| date > u) {
            return false;
        }
        match self {
            Repeat::Once => after == 0,
            Repeat::EveryDays(n) => after % i64::from(n) == 0,
            Repeat::EveryMonths(n, on) => {
                date.months_after(begin) % i64::from(n) == 0 && on.matches(begin, date)
            }
            Repeat::EveryYear(on) => date.month() == begin.month() && on.matches(begin, date),
        }
    }
}

impl DateRecurrence {
    fn repeat(self) -> Repeat {
        match self {
            DateRecurrence::DoesNotRecur => Repeat::Once,
            DateRecurrence::MonthlyOnLastDay => Repeat::EveryMonths(1, OnDay::LastDay),
            DateRecurrence::MonthlyOnFirstLast => Repeat::EveryMonths(1, OnDay::FirstLastWeekday),
            DateRecurrence::MonthlyOnOrdinalWeekday => {
                Repeat::EveryMonths(1, OnDay::OrdinalWeekday)
            }
            DateRecurrence::MonthlyDate => Repeat::EveryMonths(1, OnDay::SameDay),
            DateRecurrence::YearlyOnSelectedDates | DateRecurrence::AnnualMonthDay => {
                Repeat::EveryYear(OnDay::SameDay)
            }
            DateRecurrence::YearlyFirst => Repeat::EveryYear(OnDay::FirstWeekday),
            DateRecurrence::YearlyLast => Repeat::EveryYear(OnDay::LastWeekday),
            DateRecurrence::Custom(CustomInterval::Days(n)) => Repeat::EveryDays(n),
            DateRecurrence::Custom(CustomInterval::Weeks(n)) => {
                Repeat::EveryDays(n.saturating_mul(7))
            }
            DateRecurrence::Custom(CustomInterval::Months(n, option)) => {
                Repeat::EveryMonths(n, option.into())
            }
            DateRecurrence::Custom(CustomInterval::Years(option)) => {
                Repeat::EveryYear(option.into())
            }
        }
    }
}

/// One date range of specific dates: from `begin` at `begin_time` to `end` at `end_time`
/// (minutes; an end time of 1440 is the end of that day), once or recurring (each occurrence as
/// long as the first) until `until` (the last day an occurrence may start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecificDates {
    pub id: Option<EntryId>,
    pub begin: CivilDate,
    pub begin_time: u16,
    pub end: CivilDate,
    pub end_time: u16,
    pub recurrence: DateRecurrence,
    pub until: Option<CivilDate>,
}

impl SpecificDates {
    /// Days from the begin date to the end date.
    fn span(&self) -> i64 {
        self.end.days_after(self.begin)
    }

    /// The minutes of `date` this range covers.
    fn intervals_on(&self, date: CivilDate, out: &mut Vec<(u16, u16)>) {
        let span = self.span();
        let mut piece = |k: i64| {
            let from = if k == 0 { self.begin_time } else { 0 };
            let to = if k == span {
                self.end_time
            } else {
                MINUTES_PER_DAY
            };
            if from < to {
                out.push((from, to));
            }
        };
        let repeat = self.recurrence.repeat();
        if let Repeat::Once = repeat {
            let k = date.days_after(self.begin);
            if (0..=span).contains(&k) {
                piece(k);
            }
            return;
        }
        // An occurrence that covers `date` started on one of the `span` days before it.
        for k in 0..=span.min(MAX_RECURRING_SPAN_DAYS) {
            if let Some(start) = date.add_days(-k) {
                if repeat.starts_on(self.begin, self.until, start) {
                    piece(k);
                }
            }
        }
    }
}

/// How a holiday that falls on a given weekday is observed (`timeframe-weekly-*-observance-option`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observance {
    HolidayOnly,
    HolidayAndNextDay,
    HolidayAndPriorDay,
    /// The holiday and the first work day after it.
    HolidayAndNextWorkday,
    /// The holiday and the last work day before it.
    HolidayAndPriorWorkday,
    /// The first work day after the holiday only.
    NextWorkday,
    /// The last work day before the holiday only.
    PriorWorkday,
}

/// The days of a work week (`timeframe-workweek-list`): 4 to 6 of the 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workweek(u8);

impl Workweek {
    /// Monday to Friday, what a holiday without a list observes.
    pub const MONDAY_TO_FRIDAY: Workweek = Workweek(0b001_1111);

    pub fn from_days(days: &[Weekday]) -> Option<Self> {
        let bits = days.iter().fold(0u8, |bits, d| bits | 1 << d.index());
        (4..=6).contains(&bits.count_ones()).then_some(Self(bits))
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.index()) != 0
    }

    pub fn days(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

/// One holiday, as NetSapiens' holiday feed describes it and the client chose to observe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub id: Option<EntryId>,
    /// The feed's own fields, kept as sent.
    pub uuid: String,
    pub name: String,
    pub country: String,
    pub region: String,
    pub location_hint: String,
    /// The holiday's date (the first year's, when it recurs).
    pub date: CivilDate,
    /// The times of each observed day; none: the whole day.
    pub times: [Option<TimeRange>; 2],
    /// How the holiday is observed when it falls on each weekday (Monday first).
    pub observance: [Observance; 7],
    pub workweek: Workweek,
    /// Whether it recurs every year on the same month and day.
    pub yearly: bool,
    /// The last day an occurrence may fall on.
    pub until: Option<CivilDate>,
}

impl Holiday {
    fn occurs_on(&self, date: CivilDate) -> bool {
        let repeat = if self.yearly {
            Repeat::EveryYear(OnDay::SameDay)
        } else {
            Repeat::Once
        };
        repeat.starts_on(self.date, self.until, date)
    }

    /// The work day nearest `date` in the direction `step` (1 or -1), `date` excluded.
    fn workday_from(&self, date: CivilDate, step: i64) -> Option<CivilDate> {
        (1..=7)
            .filter_map(|k| date.add_days(k * step))
            .find(|d| self.workweek.contains(d.weekday()))
    }

    /// Whether the occurrence on `holiday` is observed on `date`.
    fn observed(&self, holiday: CivilDate, date: CivilDate) -> bool {
        let next_day = holiday.add_days(1);
        let prior_day = holiday.add_days(-1);
        let next_work = || self.workday_from(holiday, 1);
        let prior_work = || self.workday_from(holiday, -1);
        let on = Some(date);
        match self.observance[holiday.weekday().index()] {
            Observance::HolidayOnly => date == holiday,
            Observance::HolidayAndNextDay => date == holiday || on == next_day,
            Observance::HolidayAndPriorDay => date == holiday || on == prior_day,
            Observance::HolidayAndNextWorkday => date == holiday || on == next_work(),
            Observance::HolidayAndPriorWorkday => date == holiday || on == prior_work(),
            Observance::NextWorkday => on == next_work(),
            Observance::PriorWorkday => on == prior_work(),
        }
    }

    fn intervals_on(&self, date: CivilDate, out: &mut Vec<(u16, u16)>) {
        // A work day is at most 4 days from the holiday (a work week has 4 days or more).
        let observed = (-4..=4)
            .filter_map(|k| date.add_days(k))
            .any(|holiday| self.occurs_on(holiday) && self.observed(holiday, date));
        if !observed {
            return;
        }
        if self.times.iter().all(Option::is_none) {
            out.push((0, MINUTES_PER_DAY));
        }
        out.extend(self.times.iter().flatten().map(|r| (r.begin, r.end)));
    }
}

/// How a days-of-week entry recurs (`timeframe-recurrence-type` `weekly` or `custom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekRecurrence {
    /// Every week.
    Weekly,
    /// The weeks (7-day blocks from the begin date) `0, n, 2n, ...`.
    EveryWeeks(u32),
    /// Every `n` months on the day the option picks from the begin date (not
    /// [`MonthlyOption::LastDay`]).
    EveryMonths(u32, MonthlyOption),
}

/// The one entry of a days-of-week frame: up to two ranges for each weekday (Monday first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaysOfWeek {
    pub id: Option<EntryId>,
    pub days: [[Option<TimeRange>; 2]; 7],
    pub recurrence: WeekRecurrence,
    /// Where a custom recurrence counts from (required for one; kept, and unused, for weekly).
    pub begin: Option<CivilDate>,
    /// The last day it applies.
    pub until: Option<CivilDate>,
}

impl DaysOfWeek {
    fn applies_on(&self, date: CivilDate) -> bool {
        if self.until.is_some_and(|u| date > u) {
            return false;
        }
        let Some(begin) = self.begin else {
            return self.recurrence == WeekRecurrence::Weekly;
        };
        match self.recurrence {
            WeekRecurrence::Weekly => true,
            WeekRecurrence::EveryWeeks(n) => {
                let after = date.days_after(begin);
                after >= 0 && (after / 7) % i64::from(n) == 0
            }
            WeekRecurrence::EveryMonths(n, option) => {
                Repeat::EveryMonths(n, option.into()).starts_on(begin, self.until, date)
            }
        }
    }

    fn intervals_on(&self, date: CivilDate, out: &mut Vec<(u16, u16)>) {
        if self.applies_on(date) {
            out.extend(
                self.days[date.weekday().index()]
                    .iter()
                    .flatten()
                    .map(|r| (r.begin, r.end)),
            );
        }
    }
}

/// What a time frame is: its kind and its entries. Invariant (kept by [`Definition::new`] and
/// every change): a frame holds only the entries its kind holds (days of the week: one at most),
/// at most [`MAX_ENTRIES`] of each. Once saved, every entry has an id of its own (see
/// [`Definition::assign_ids`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    kind: Kind,
    specific_dates: Vec<SpecificDates>,
    holidays: Vec<Holiday>,
    days_of_week: Vec<DaysOfWeek>,
}

/// Entries as a body gives them: each list that it sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entries {
    pub specific_dates: Option<Vec<SpecificDates>>,
    pub holidays: Option<Vec<Holiday>>,
    pub days_of_week: Option<Vec<DaysOfWeek>>,
}

impl Entries {
    /// Whether the body sent any list.
    pub fn any(&self) -> bool {
        self.specific_dates.is_some() || self.holidays.is_some() || self.days_of_week.is_some()
    }
}

impl Definition {
    /// A frame of `kind` with `entries` (lists not sent are empty), or what is wrong, on the
    /// lists' fields.
    pub fn new(kind: Kind, entries: Entries) -> Result<Self, FieldErrors> {
        let made = Self {
            kind,
            specific_dates: entries.specific_dates.unwrap_or_default(),
            holidays: entries.holidays.unwrap_or_default(),
            days_of_week: entries.days_of_week.unwrap_or_default(),
        };
        made.checked()
    }

    /// A frame that is always active.
    pub fn always() -> Self {
        Self {
            kind: Kind::Always,
            specific_dates: Vec::new(),
            holidays: Vec::new(),
            days_of_week: Vec::new(),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn specific_dates(&self) -> &[SpecificDates] {
        &self.specific_dates
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    pub fn days_of_week(&self) -> &[DaysOfWeek] {
        &self.days_of_week
    }

    fn count(&self, entries: EntryKind) -> usize {
        match entries {
            EntryKind::SpecificDates => self.specific_dates.len(),
            EntryKind::Holidays => self.holidays.len(),
            EntryKind::DaysOfWeek => self.days_of_week.len(),
        }
    }

    fn ids(&self) -> impl Iterator<Item = &EntryId> {
        self.specific_dates
            .iter()
            .filter_map(|e| e.id.as_ref())
            .chain(self.holidays.iter().filter_map(|e| e.id.as_ref()))
            .chain(self.days_of_week.iter().filter_map(|e| e.id.as_ref()))
    }

    /// This definition, if its kind holds its entries; otherwise every list that it may not hold
    /// (or holds too many of), named.
    fn checked(self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        for entries in EntryKind::ALL {
            let count = self.count(entries);
            let most = self.kind.holds(entries);
            if count > most {
                let article = if self.kind == Kind::Always { "An" } else { "A" };
                errors.add(
                    entries.field(),
                    match most {
                        0 => format!(
                            "{article} {} time frame has no {}{}.",
                            self.kind,
                            entries.what(),
                            if self.kind == Kind::Always {
                                ""
                            } else {
                                " (a custom one mixes them)"
                            }
                        ),
                        1 => format!(
                            "A {} time frame has one entry (up to two ranges a day).",
                            self.kind
                        ),
                        _ => format!("At most {most} entries."),
                    },
                );
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Gives every entry without an id one from `fresh`, and a fresh one to an entry whose id
    /// another entry has already (ids name entries within their frame).
    pub fn assign_ids(&mut self, mut fresh: impl FnMut() -> EntryId) {
        let mut seen = std::collections::HashSet::new();
        let mut give = |id: &mut Option<EntryId>| {
            let keep = id.as_ref().is_some_and(|i| !seen.contains(i));
            if !keep {
                let mut new = fresh();
                while seen.contains(&new) {
                    new = fresh();
                }
                *id = Some(new);
            }
            if let Some(i) = id {
                seen.insert(i.clone());
            }
        };
        self.specific_dates.iter_mut().for_each(|e| give(&mut e.id));
        self.holidays.iter_mut().for_each(|e| give(&mut e.id));
        self.days_of_week.iter_mut().for_each(|e| give(&mut e.id));
    }

    /// The minutes of the local day `date` in which the frame is active, as sorted, separate
    /// `[begin, end)` ranges (`end` up to 1440).
    pub fn intervals_on(&self, date: CivilDate) -> Vec<(u16, u16)> {
        let mut all = Vec::new();
        if self.kind == Kind::Always {
            all.push((0, MINUTES_PER_DAY));
        }
        for entry in &self.specific_dates {
            entry.intervals_on(date, &mut all);
        }
        for entry in &self.holidays {
            entry.intervals_on(date, &mut all);
        }
        for entry in &self.days_of_week {
            entry.intervals_on(date, &mut all);
        }
        all.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (begin, end) in all {
            match merged.last_mut() {
                Some(last) if begin <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((begin, end)),
            }
        }
        merged
    }

    /// Whether the frame is active at the local wall-clock time `local`.
    pub fn active_at(&self, local: CivilDateTime) -> bool {
        let minute = local.minute_of_day();
        self.intervals_on(local.date)
            .iter()
            .any(|&(begin, end)| begin <= minute && minute < end)
    }

    /// This frame converted to `kind`, as NetSapiens converts: to custom, keeping every entry
    /// (from always, none); between two other kinds, dropping the entries; a custom frame to
    /// nothing else (on `field`).
    pub fn converted(&self, kind: Kind, field: &str) -> Result<Self, FieldErrors> {
        if kind == self.kind {
            return Ok(self.clone());
        }
        if self.kind == Kind::Custom {
            return Err(FieldErrors::one(
                field,
                "A custom time frame cannot be converted to another type.",
            ));
        }
        if kind == Kind::Custom {
            return Ok(Self {
                kind,
                ..self.clone()
            });
        }
        Ok(Self {
            kind,
            ..Self::always()
        })
    }

    /// This frame after `change` (its name aside): converted first if it names a kind, then
    /// edited; or every problem, each on its field.
    pub fn changed(&self, change: &TimeFrameChange) -> Result<Self, FieldErrors> {
        let mut next = match change.kind {
            Some(kind) => self.converted(kind, change.kind_field)?,
            None => self.clone(),
        };
        match &change.edit {
            Edit::Keep => {}
            Edit::Replace(entries) => {
                next.specific_dates = entries.specific_dates.clone().unwrap_or_default();
                next.holidays = entries.holidays.clone().unwrap_or_default();
                next.days_of_week = entries.days_of_week.clone().unwrap_or_default();
            }
            Edit::Add(entries) => {
                next.specific_dates
                    .extend(entries.specific_dates.iter().flatten().cloned());
                next.holidays
                    .extend(entries.holidays.iter().flatten().cloned());
                next.days_of_week
                    .extend(entries.days_of_week.iter().flatten().cloned());
            }
            Edit::Update(entries) => {
                let mut errors = FieldErrors::default();
                let only_week = next.kind == Kind::DaysOfWeek;
                update_in(
                    &mut next.specific_dates,
                    entries.specific_dates.as_deref(),
                    SPECIFIC_DATES,
                    false,
                    &mut errors,
                );
                update_in(
                    &mut next.holidays,
                    entries.holidays.as_deref(),
                    HOLIDAYS,
                    false,
                    &mut errors,
                );
                update_in(
                    &mut next.days_of_week,
                    entries.days_of_week.as_deref(),
                    DAYS_OF_WEEK,
                    only_week,
                    &mut errors,
                );
                if !errors.is_empty() {
                    return Err(errors);
                }
            }
            Edit::Remove(id) => {
                let before = next.ids().count();
                next.specific_dates.retain(|e| e.id.as_ref() != Some(id));
                next.holidays.retain(|e| e.id.as_ref() != Some(id));
                next.days_of_week.retain(|e| e.id.as_ref() != Some(id));
                if next.ids().count() == before {
                    return Err(FieldErrors::one(
                        CHILD_ID,
                        "No entry of this time frame has this id.",
                    ));
                }
                if next.kind == Kind::DaysOfWeek && next.days_of_week.is_empty() {
                    return Err(FieldErrors::one(
                        CHILD_ID,
                        "This is the days-of-week time frame's one entry: change it instead.",
                    ));
                }
            }
        }
        next.checked()
    }
}

/// An entry that may carry an id.
trait Identified {
    fn id(&self) -> Option<&EntryId>;
    fn set_id(&mut self, id: Option<EntryId>);
}

macro_rules! identified {
    ($($t:ty),*) => {$(
        impl Identified for $t {
            fn id(&self) -> Option<&EntryId> {
                self.id.as_ref()
            }
            fn set_id(&mut self, id: Option<EntryId>) {
                self.id = id;
            }
        }
    )*};
}
identified!(SpecificDates, Holiday, DaysOfWeek);

/// Writes each of `updates` over the entry of `list` with its id. An update without an id is
/// refused, except in a days-of-week frame (`the_one`), where it is the one entry (NetSapiens'
/// "Update Days of Week Timeframe" sends it without one).
fn update_in<T: Identified + Clone>(
    list: &mut Vec<T>,
    updates: Option<&[T]>,
    field: &str,
    the_one: bool,
    errors: &mut FieldErrors,
) {
    for (i, update) in updates.into_iter().flatten().enumerate() {
        let target = match update.id() {
            Some(id) => list.iter().position(|e| e.id() == Some(id)),
            None if the_one && list.len() <= 1 => {
                if list.is_empty() {
                    list.push(update.clone());
                }
                Some(0)
            }
            None => {
                errors.add(
                    format!("{field}[{i}].timeframe-id"),
                    "Required with update-only: the id of the entry to change.",
                );
                continue;
            }
        };
        match target {
            Some(at) => {
                let id = list[at].id().cloned();
                list[at] = update.clone();
                list[at].set_id(id);
            }
            None => errors.add(
                format!("{field}[{i}].timeframe-id"),
                "No entry of this time frame has this id.",
            ),
        }
    }
}

/// A time frame not yet saved: its name and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTimeFrame {
    pub name: TimeFrameName,
    pub definition: Definition,
}

/// What a change does to a frame's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Nothing.
    Keep,
    /// Every list becomes what is sent (a list not sent: empty).
    Replace(Entries),
    /// Each entry sent replaces the entry with its id (`update-only: yes`).
    Update(Entries),
    /// The entries sent are added.
    Add(Entries),
    /// The entry with this id goes.
    Remove(EntryId),
}

/// A change to a saved frame: a new name, a new kind (a conversion), and an edit of its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeFrameChange {
    pub name: Option<TimeFrameName>,
    pub kind: Option<Kind>,
    /// The member the kind was sent as (`timeframe-type` or `type`), where a refusal is named.
    pub kind_field: &'static str,
    pub edit: Edit,
}

impl TimeFrameChange {
    /// A change of the entries alone.
    pub fn edit(edit: Edit) -> Self {
        Self {
            name: None,
            kind: None,
            kind_field: TYPE,
            edit,
        }
    }
}

/// A saved time frame: a domain's shared one (`user` none) or a user's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeFrame {
    /// Its `timeframe-id`.
    pub id: i64,
    pub name: TimeFrameName,
    pub domain: DomainName,
    /// The extension of the user it belongs to; none for the domain's shared frames.
    pub user: Option<String>,
    pub definition: Definition,
    /// Unix milliseconds.
    pub created_at: i64,
}

#[cfg(test)]
mod tests;
