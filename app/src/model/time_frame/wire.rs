//! Time frames as NetSapiens' JSON writes them (`RecurringTimeframe` and its entries), read with
//! every bad member named by its path (`timeframe-days-of-week-array[0].timeframe-weekly-monday-end-time-2`)
//! and written back the same way. The one shape of a frame: the API's bodies and answers, and what
//! the database keeps (the entry lists of [`Definition::entries_json`]).

use super::*;
use crate::model::json_form::text_of_value;
use serde_json::{json, Map, Value};

pub const ID: &str = "timeframe-id";
pub const NAME: &str = "timeframe-name";
pub const TYPE: &str = "timeframe-type";
/// What NetSapiens' domain conversion calls the new type.
pub const CONVERT_TYPE: &str = "type";
pub const SPECIFIC_DATES: &str = "timeframe-specific-dates-array";
pub const HOLIDAYS: &str = "timeframe-holiday-array";
pub const DAYS_OF_WEEK: &str = "timeframe-days-of-week-array";
/// How NetSapiens' descriptions also spell the days-of-week list.
pub const DAYS_OF_WEEK_ALIAS: &str = "timeframe-day-of-week-array";
/// The entry a delete names.
pub const CHILD_ID: &str = "child_id";
/// `yes`: the entries sent change those with their ids; spelt both ways in NetSapiens' document.
pub const UPDATE_ONLY: [&str; 2] = ["update-only", "update_only"];
const CREATED: &str = "created-datetime";
/// Members of a frame that a read answers and a body may send back: accepted, left alone.
const FRAME_READ_ONLY: &[&str] = &[ID, "user", "domain", CREATED];

/// Members of an entry that a read answers (or NetSapiens works out) and a body may send back:
/// accepted, left alone.
pub const ENTRY_READ_ONLY: &[&str] = &[
    "timeframe-parent-id",
    "ordinal-order",
    "timeframe-expiry-datetime",
    "domain",
    "timeframe-recurrence-rrule",
    "timeframe-next-observance-datetime",
    "timeframe-is-v1",
];

// Members of a date range.
const SD_BEGIN_DATE: &str = "timeframe-specific-dates-begin-date";
const SD_BEGIN_TIME: &str = "timeframe-specific-dates-begin-time";
const SD_END_DATE: &str = "timeframe-specific-dates-end-date";
const SD_END_TIME: &str = "timeframe-specific-dates-end-time";
// Recurrence members, shared by the three kinds of entry.
pub(super) const RECURRENCE: &str = "timeframe-recurrence-type";
const INTERVAL: &str = "timeframe-recurrence-custom-interval";
const COUNT: &str = "timeframe-recurrence-custom-interval-count";
const OPTION: &str = "timeframe-recurrence-custom-interval-option";
const END_OPTION: &str = "timeframe-recurrence-end-option";
const END_DATE: &str = "timeframe-recurrence-end-date";
const RECURRENCE_BEGIN: &str = "timeframe-recurrence-begin-date";
// Members of a holiday.
const H_UUID: &str = "timeframe-holiday-uuid";
const H_NAME: &str = "timeframe-holiday-name";
const H_DATE: &str = "timeframe-holiday-begin-date";
const H_COUNTRY: &str = "country-abbreviation";
const H_REGION: &str = "state-province-abbreviation";
const H_HINT: &str = "holiday-api-location-hint";
const H_WORKWEEK: &str = "timeframe-workweek-list";
const H_TIMES: [[&str; 2]; 2] = [
    [
        "timeframe-holiday-begin-time-1",
        "timeframe-holiday-end-time-1",
    ],
    [
        "timeframe-holiday-begin-time-2",
        "timeframe-holiday-end-time-2",
    ],
];

/// `timeframe-weekly-monday-begin-time-1` and its like: (begin, end) of range `n` (0 or 1).
pub fn weekly_times(day: Weekday, n: usize) -> [String; 2] {
    let (day, n) = (day.name(), n + 1);
    [
        format!("timeframe-weekly-{day}-begin-time-{n}"),
        format!("timeframe-weekly-{day}-end-time-{n}"),
    ]
}

/// `timeframe-weekly-monday-observance-option` and its like.
fn observance_field(day: Weekday) -> String {
    format!("timeframe-weekly-{}-observance-option", day.name())
}

/// The spellings of a value of NetSapiens' vocabulary: each value once, with its spelling.
type Spellings<T> = &'static [(&'static str, T)];

const DATE_RECURRENCES: Spellings<Option<DateRecurrence>> = &[
    ("doesNotRecur", Some(DateRecurrence::DoesNotRecur)),
    (
        "monthly-on-last-day",
        Some(DateRecurrence::MonthlyOnLastDay),
    ),
    (
        "monthly-on-first-last",
        Some(DateRecurrence::MonthlyOnFirstLast),
    ),
    (
        "monthly-on-ordinal-weekday",
        Some(DateRecurrence::MonthlyOnOrdinalWeekday),
    ),
    ("monthly-date", Some(DateRecurrence::MonthlyDate)),
    (
        "yearly-on-selected-dates",
        Some(DateRecurrence::YearlyOnSelectedDates),
    ),
    ("annual-month-day", Some(DateRecurrence::AnnualMonthDay)),
    ("yearly-first", Some(DateRecurrence::YearlyFirst)),
    ("yearly-last", Some(DateRecurrence::YearlyLast)),
    // Its interval is read from the members beside it.
    ("custom", None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

const UNITS: Spellings<Unit> = &[
    ("days", Unit::Days),
    ("weeks", Unit::Weeks),
    ("months", Unit::Months),
    ("years", Unit::Years),
];

const MONTHLY_OPTIONS: Spellings<MonthlyOption> = &[
    ("monthly-same-day", MonthlyOption::SameDay),
    ("monthly-ordinal-weekday", MonthlyOption::OrdinalWeekday),
    (
        "monthly-first-last-weekday",
        MonthlyOption::FirstLastWeekday,
    ),
    ("monthly-on-last-day", MonthlyOption::LastDay),
];

const YEARLY_OPTIONS: Spellings<YearlyOption> = &[
    ("yearly-same-day", YearlyOption::SameDay),
    ("yearly-ordinal-weekday", YearlyOption::OrdinalWeekday),
    ("yearly-first-last-weekday", YearlyOption::FirstLastWeekday),
];

const OBSERVANCES: Spellings<Observance> = &[
    ("observe-on-holiday-only", Observance::HolidayOnly),
    (
        "observe-on-holiday-and-next-day",
        Observance::HolidayAndNextDay,
    ),
    (
        "observe-on-holiday-and-prior-day",
        Observance::HolidayAndPriorDay,
    ),
    (
        "observe-on-exact-date-and-next-workday",
        Observance::HolidayAndNextWorkday,
    ),
    (
        "observe-on-holiday-and-prior-workday",
        Observance::HolidayAndPriorWorkday,
    ),
    ("observe-on-next-workday", Observance::NextWorkday),
    ("observe-on-prior-workday", Observance::PriorWorkday),
];

/// How each recurrence of a holiday is spelt: every year, or not.
const HOLIDAY_RECURRENCES: Spellings<bool> = &[("never", false), ("yearlyOnHoliday", true)];

/// How a recurrence's end is spelt (`onDate` for holidays, `onADate` for the others; either is
/// read for both).
const END_OPTIONS: Spellings<bool> = &[("never", false), ("onADate", true), ("onDate", true)];

const WEEK_RECURRENCES: Spellings<bool> = &[("weekly", false), ("custom", true)];

fn spelled<T: Copy>(table: Spellings<T>, raw: &str) -> Option<T> {
    table
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(raw))
        .map(|(_, v)| *v)
}

fn spelling<T: PartialEq>(table: Spellings<T>, value: &T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| v == value)
        .map_or("", |(s, _)| s)
}

fn one_of<T>(table: Spellings<T>) -> String {
    let names: Vec<&str> = table.iter().map(|(s, _)| *s).collect();
    format!("One of {}.", names.join(", "))
}

/// One JSON object being read: its path in the body and the problems found so far.
struct Reader<'a> {
    object: &'a Map<String, Value>,
    path: String,
    errors: &'a mut FieldErrors,
}

impl Reader<'_> {
    fn at(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn bad(&mut self, name: &str, message: impl Into<String>) {
        let at = self.at(name);
        self.errors.add(at, message);
    }

    /// The member `name` as text (blank when absent or null); `None` (and a problem) when it is
    /// a list or an object.
    fn text(&mut self, name: &str) -> Option<String> {
        match self.object.get(name) {
            None => Some(String::new()),
            Some(value) => match text_of_value(value, false) {
                Ok(text) => Some(text.trim().to_owned()),
                Err(message) => {
                    self.bad(name, message);
                    None
                }
            },
        }
    }

    /// The parse of the member `name`, or `None` (and its problem).
    fn parsed<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        let text = self.text(name)?;
        match read(&text) {
            Ok(value) => Some(value),
            Err(Invalid(message)) => {
                self.bad(name, message);
                None
            }
        }
    }

    fn required_date(&mut self, name: &str) -> Option<CivilDate> {
        self.parsed(name, |t| {
            if t.is_empty() {
                Err(Invalid::new("Required: a date written YYYYMMDD."))
            } else {
                CivilDate::parse_compact(t)
            }
        })
    }

    /// A date that may be left blank. `Err` when it was given and is bad.
    fn optional_date(&mut self, name: &str) -> Result<Option<CivilDate>, ()> {
        match self.parsed(name, |t| {
            if t.is_empty() {
                Ok(None)
            } else {
                CivilDate::parse_compact(t).map(Some)
            }
        }) {
            Some(date) => Ok(date),
            None => Err(()),
        }
    }

    /// A value of `table`, blank reading as `blank`.
    fn spelled<T: Copy>(&mut self, name: &str, table: Spellings<T>, blank: Option<T>) -> Option<T> {
        self.parsed(name, |t| match (t.is_empty(), blank) {
            (true, Some(blank)) => Ok(blank),
            _ => spelled(table, t).ok_or_else(|| Invalid::new(one_of(table))),
        })
    }

    /// A member that may only be given when `allowed` (blank otherwise).
    fn only_when(&mut self, name: &str, allowed: bool, when: &str) {
        if !allowed && self.text(name).is_some_and(|t| !t.is_empty()) {
            self.bad(name, format!("Only with {when}."));
        }
    }

    /// The range of the members `[begin, end]`: none when both are blank.
    fn range(&mut self, names: [&str; 2]) -> Result<Option<TimeRange>, ()> {
        let [begin_name, end_name] = names;
        let (Some(begin), Some(end)) = (self.text(begin_name), self.text(end_name)) else {
            return Err(());
        };
        match (begin.is_empty(), end.is_empty()) {
            (true, true) => return Ok(None),
            (false, true) | (true, false) => {
                let blank = if begin.is_empty() {
                    begin_name
                } else {
                    end_name
                };
                self.bad(blank, "Give both a begin and an end time, or neither.");
                return Err(());
            }
            _ => {}
        }
        let begin = self.parsed(begin_name, parse_hhmm);
        let end = self.parsed(end_name, end_of_range);
        let (Some(begin), Some(end)) = (begin, end) else {
            return Err(());
        };
        TimeRange::new(begin, end).map(Some).ok_or_else(|| {
            self.bad(
                end_name,
                "Must be after the begin time: a range ends on its own day (for a night, end \
                 it at 2359 and begin the next day at 0000).",
            );
        })
    }

    /// A whole number from 1 to 999.
    fn count(&mut self, name: &str) -> Option<u32> {
        self.parsed(name, |t| {
            t.parse::<u32>()
                .ok()
                .filter(|n| (1..=999).contains(n))
                .ok_or_else(|| Invalid::new("Required: a whole number from 1 to 999."))
        })
    }

    /// Every member of the object that is not `known` or read-only, named.
    fn refuse_unknown(&mut self, known: impl Fn(&str) -> bool) {
        let unknown: Vec<String> = self
            .object
            .keys()
            .filter(|k| !known(k) && !ENTRY_READ_ONLY.contains(&k.as_str()))
            .cloned()
            .collect();
        for name in unknown {
            self.bad(&name, "Unknown field.");
        }
    }

    fn entry_id(&mut self) -> Option<EntryId> {
        self.parsed(ID, |t| {
            if t.is_empty() {
                Ok(None)
            } else {
                EntryId::parse(t).map(Some)
            }
        })
        .flatten()
    }

    /// The end of a recurrence: `until`, when it ends on a date; the date must not be before
    /// `from`.
    fn recurrence_end(&mut self, from: Option<CivilDate>) -> Result<Option<CivilDate>, ()> {
        let ends = self
            .spelled(END_OPTION, END_OPTIONS, Some(false))
            .ok_or(())?;
        if !ends {
            self.only_when(END_DATE, false, "timeframe-recurrence-end-option onADate");
            return Ok(None);
        }
        let until = self.required_date(END_DATE).ok_or(())?;
        if from.is_some_and(|f| until < f) {
            self.bad(END_DATE, "Must not be before the date it recurs from.");
            return Err(());
        }
        Ok(Some(until))
    }
}

/// The end of a range written `hhmm`: `2359` is the end of the day.
fn end_of_range(text: &str) -> Result<u16, Invalid> {
    parse_hhmm(text).map(|m| {
        if m == MINUTES_PER_DAY - 1 {
            MINUTES_PER_DAY
        } else {
            m
        }
    })
}

/// A free-text member of a holiday (the feed's names): at most 255 characters.
fn feed_text(text: &str) -> Result<String, Invalid> {
    crate::model::text::bounded_text(text, 0, 255)
}

fn read_specific_dates(reader: &mut Reader<'_>) -> Option<SpecificDates> {
    reader.refuse_unknown(|k| {
        [
            ID,
            SD_BEGIN_DATE,
            SD_BEGIN_TIME,
            SD_END_DATE,
            SD_END_TIME,
            RECURRENCE,
            INTERVAL,
            COUNT,
            OPTION,
            END_OPTION,
            END_DATE,
        ]
        .contains(&k)
    });
    let before = reader.errors.0.len();
    let id = reader.entry_id();
    let begin = reader.required_date(SD_BEGIN_DATE);
    let begin_time = reader.parsed(SD_BEGIN_TIME, |t| {
        if t.is_empty() {
            Err(Invalid::new("Required: a time written hhmm."))
        } else {
            parse_hhmm(t)
        }
    });
    let end = reader.required_date(SD_END_DATE);
    let end_time = reader.parsed(SD_END_TIME, |t| {
        if t.is_empty() {
            Err(Invalid::new(
                "Required: a time written hhmm (2359: the end of the day).",
            ))
        } else {
            end_of_range(t)
        }
    });
    if let (Some(begin), Some(end)) = (begin, end) {
        if end < begin {
            reader.bad(SD_END_DATE, "Must not be before the begin date.");
        } else if let (Some(from), Some(to)) = (begin_time, end_time) {
            if end == begin && to <= from {
                reader.bad(SD_END_TIME, "Must be after the begin time on the same day.");
            }
        }
    }
    let recurrence = read_date_recurrence(reader);
    let until = reader.recurrence_end(begin).ok().flatten();
    if let (Some(begin), Some(end), Some(recurrence)) = (begin, end, recurrence) {
        if recurrence != DateRecurrence::DoesNotRecur
            && end.days_after(begin) > MAX_RECURRING_SPAN_DAYS
        {
            reader.bad(
                SD_END_DATE,
                format!("A recurring date range spans at most {MAX_RECURRING_SPAN_DAYS} days."),
            );
        }
    }
    if reader.errors.0.len() > before {
        return None;
    }
    Some(SpecificDates {
        id,
        begin: begin?,
        begin_time: begin_time?,
        end: end?,
        end_time: end_time?,
        recurrence: recurrence?,
        until,
    })
}

fn read_date_recurrence(reader: &mut Reader<'_>) -> Option<DateRecurrence> {
    let kind = reader.spelled(
        RECURRENCE,
        DATE_RECURRENCES,
        Some(Some(DateRecurrence::DoesNotRecur)),
    );
    let custom = kind == Some(None);
    for name in [INTERVAL, COUNT, OPTION] {
        reader.only_when(
            name,
            custom || kind.is_none(),
            "timeframe-recurrence-type custom",
        );
    }
    match kind? {
        Some(fixed) => Some(fixed),
        None => {
            let unit = reader.spelled(INTERVAL, UNITS, None)?;
            let interval = match unit {
                Unit::Days | Unit::Weeks => {
                    reader.only_when(
                        OPTION,
                        false,
                        "timeframe-recurrence-custom-interval months or years",
                    );
                    let n = reader.count(COUNT)?;
                    if unit == Unit::Days {
                        CustomInterval::Days(n)
                    } else {
                        CustomInterval::Weeks(n)
                    }
                }
                Unit::Months => {
                    let n = reader.count(COUNT);
                    let option = reader.spelled(OPTION, MONTHLY_OPTIONS, None);
                    CustomInterval::Months(n?, option?)
                }
                Unit::Years => {
                    let count = reader.parsed(COUNT, |t| match t {
                        "" | "1" => Ok(()),
                        _ => Err(Invalid::new("Always 1 for years (every year).")),
                    });
                    let option = reader.spelled(OPTION, YEARLY_OPTIONS, None);
                    count?;
                    CustomInterval::Years(option?)
                }
            };
            Some(DateRecurrence::Custom(interval))
        }
    }
}

fn read_holiday(reader: &mut Reader<'_>) -> Option<Holiday> {
    let observances: Vec<String> = Weekday::ALL.into_iter().map(observance_field).collect();
    reader.refuse_unknown(|k| {
        [
            ID, H_UUID, H_NAME, H_DATE, H_COUNTRY, H_REGION, H_HINT, H_WORKWEEK, RECURRENCE,
            END_OPTION, END_DATE,
        ]
        .contains(&k)
            || H_TIMES.iter().flatten().any(|n| *n == k)
            || observances.iter().any(|n| n == k)
    });
    let before = reader.errors.0.len();
    let id = reader.entry_id();
    let uuid = reader.parsed(H_UUID, feed_text);
    let name = reader.parsed(H_NAME, feed_text);
    let country = reader.parsed(H_COUNTRY, feed_text);
    let region = reader.parsed(H_REGION, feed_text);
    let location_hint = reader.parsed(H_HINT, feed_text);
    let date = reader.required_date(H_DATE);
    let first = reader.range(H_TIMES[0]).ok();
    let second = reader.range(H_TIMES[1]).ok();
    let mut observance = [Observance::HolidayOnly; 7];
    for day in Weekday::ALL {
        if let Some(o) = reader.spelled(
            &observance_field(day),
            OBSERVANCES,
            Some(Observance::HolidayOnly),
        ) {
            observance[day.index()] = o;
        }
    }
    let workweek = reader.parsed(H_WORKWEEK, parse_workweek);
    let yearly = reader.spelled(RECURRENCE, HOLIDAY_RECURRENCES, Some(false));
    let until = reader.recurrence_end(date).ok().flatten();
    if reader.errors.0.len() > before {
        return None;
    }
    Some(Holiday {
        id,
        uuid: uuid?,
        name: name?,
        country: country?,
        region: region?,
        location_hint: location_hint?,
        date: date?,
        times: [first?, second?],
        observance,
        workweek: workweek?,
        yearly: yearly?,
        until,
    })
}

/// `M,T,W,Th,F,S,Su` letters, 4 to 6 distinct days; blank: Monday to Friday.
fn parse_workweek(text: &str) -> Result<Workweek, Invalid> {
    if text.is_empty() {
        return Ok(Workweek::MONDAY_TO_FRIDAY);
    }
    let mut days = Vec::new();
    for letters in text.split(',').map(str::trim) {
        let day = Weekday::ALL
            .into_iter()
            .find(|d| d.letters().eq_ignore_ascii_case(letters))
            .ok_or_else(|| {
                Invalid::new(format!(
                    "“{letters}” is not a day: use M, T, W, Th, F, S and Su, separated by commas."
                ))
            })?;
        if days.contains(&day) {
            return Err(Invalid::new(format!("{} is given twice.", day.letters())));
        }
        days.push(day);
    }
    Workweek::from_days(&days).ok_or_else(|| Invalid::new("A work week has 4 to 6 days."))
}

fn read_days_of_week(reader: &mut Reader<'_>) -> Option<DaysOfWeek> {
    let times: Vec<String> = Weekday::ALL
        .into_iter()
        .flat_map(|d| [weekly_times(d, 0), weekly_times(d, 1)])
        .flatten()
        .collect();
    reader.refuse_unknown(|k| {
        [
            ID,
            RECURRENCE,
            RECURRENCE_BEGIN,
            INTERVAL,
            COUNT,
            OPTION,
            END_OPTION,
            END_DATE,
        ]
        .contains(&k)
            || times.iter().any(|n| n == k)
    });
    let before = reader.errors.0.len();
    let id = reader.entry_id();
    let mut days = [[None; 2]; 7];
    for day in Weekday::ALL {
        for n in 0..2 {
            let [begin, end] = weekly_times(day, n);
            if let Ok(range) = reader.range([&begin, &end]) {
                days[day.index()][n] = range;
            }
        }
    }
    let custom = reader.spelled(RECURRENCE, WEEK_RECURRENCES, Some(false));
    for name in [INTERVAL, COUNT, OPTION] {
        reader.only_when(
            name,
            custom != Some(false),
            "timeframe-recurrence-type custom",
        );
    }
    let begin = reader.optional_date(RECURRENCE_BEGIN).ok().flatten();
    let recurrence = match custom? {
        false => Some(WeekRecurrence::Weekly),
        true => {
            if reader.text(RECURRENCE_BEGIN).is_some_and(|t| t.is_empty()) {
                reader.bad(
                    RECURRENCE_BEGIN,
                    "Required with a custom recurrence: the date it counts from.",
                );
            }
            match reader.spelled(INTERVAL, &UNITS[1..3], None) {
                Some(Unit::Weeks) => {
                    reader.only_when(OPTION, false, "timeframe-recurrence-custom-interval months");
                    reader.count(COUNT).map(WeekRecurrence::EveryWeeks)
                }
                Some(_) => {
                    let n = reader.count(COUNT);
                    let option = reader.spelled(OPTION, &MONTHLY_OPTIONS[..3], None);
                    Some(WeekRecurrence::EveryMonths(n?, option?))
                }
                None => None,
            }
        }
    };
    let until = reader.recurrence_end(begin).ok().flatten();
    if reader.errors.0.len() > before {
        return None;
    }
    Some(DaysOfWeek {
        id,
        days,
        recurrence: recurrence?,
        begin,
        until,
    })
}

/// The list `name` of `body`, each entry read by `read`; `None` when it is not sent (or null).
fn read_list<T>(
    body: &Map<String, Value>,
    name: &str,
    errors: &mut FieldErrors,
    read: fn(&mut Reader<'_>) -> Option<T>,
) -> Option<Vec<T>> {
    let items = match body.get(name) {
        None | Some(Value::Null) => return None,
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add(name, "Must be a list of entries (JSON objects).");
            return Some(Vec::new());
        }
    };
    if items.len() > MAX_ENTRIES {
        errors.add(name, format!("At most {MAX_ENTRIES} entries."));
        return Some(Vec::new());
    }
    let mut list = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("{name}[{i}]");
        let Value::Object(object) = item else {
            errors.add(path, "Must be an entry (a JSON object).");
            continue;
        };
        let mut reader = Reader {
            object,
            path,
            errors,
        };
        if let Some(entry) = read(&mut reader) {
            list.push(entry);
        }
    }
    Some(list)
}

impl Entries {
    /// The lists `body` sends, each entry read; every problem is added to `errors`.
    pub fn read(body: &Map<String, Value>, errors: &mut FieldErrors) -> Entries {
        let week_name = if body.contains_key(DAYS_OF_WEEK_ALIAS) {
            if body.contains_key(DAYS_OF_WEEK) {
                errors.add(
                    DAYS_OF_WEEK_ALIAS,
                    format!("Also given as {DAYS_OF_WEEK}: give it once."),
                );
            }
            DAYS_OF_WEEK_ALIAS
        } else {
            DAYS_OF_WEEK
        };
        Entries {
            specific_dates: read_list(body, SPECIFIC_DATES, errors, read_specific_dates),
            holidays: read_list(body, HOLIDAYS, errors, read_holiday),
            days_of_week: read_list(body, week_name, errors, read_days_of_week),
        }
    }

    fn is_list(name: &str) -> bool {
        [SPECIFIC_DATES, HOLIDAYS, DAYS_OF_WEEK, DAYS_OF_WEEK_ALIAS].contains(&name)
    }

    /// The entries of a body that sends nothing else (NetSapiens' "create additional entries").
    pub fn from_json(body: &Map<String, Value>) -> Result<Entries, FieldErrors> {
        let mut errors = FieldErrors::default();
        refuse_unknown(body, |k| Entries::is_list(k), &mut errors);
        let entries = Entries::read(body, &mut errors);
        if errors.is_empty() && !entries.any() {
            errors.add(
                SPECIFIC_DATES,
                "Send the entries to add, in timeframe-specific-dates-array, \
                 timeframe-holiday-array or timeframe-days-of-week-array.",
            );
        }
        if errors.is_empty() {
            Ok(entries)
        } else {
            Err(errors)
        }
    }
}

/// Every member of a frame's body that is not `known` or read-only, named.
fn refuse_unknown(
    body: &Map<String, Value>,
    known: impl Fn(&str) -> bool,
    errors: &mut FieldErrors,
) {
    for name in body.keys() {
        if !known(name) && !FRAME_READ_ONLY.contains(&name.as_str()) {
            errors.add(name.as_str(), "Unknown field.");
        }
    }
}

fn read_name(
    body: &Map<String, Value>,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<TimeFrameName> {
    let text = match body.get(NAME) {
        None | Some(Value::Null) if !required => return None,
        None => String::new(),
        Some(value) => match text_of_value(value, false) {
            Ok(text) => text,
            Err(message) => {
                errors.add(NAME, message);
                return None;
            }
        },
    };
    errors.check(NAME, TimeFrameName::parse(&text))
}

fn read_kind(body: &Map<String, Value>, name: &str, errors: &mut FieldErrors) -> Option<Kind> {
    let value = body.get(name)?;
    match text_of_value(value, false) {
        Ok(text) => errors.check(name, Kind::parse(&text)),
        Err(message) => {
            errors.add(name, message);
            None
        }
    }
}

/// Adds `more` to `errors`.
fn merge(errors: &mut FieldErrors, more: FieldErrors) {
    errors.0.extend(more.0);
}

impl NewTimeFrame {
    /// A create's body (without `synchronous`): `timeframe-name`, `timeframe-type` and the lists
    /// the type holds; or every problem, each named.
    pub fn from_json(body: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        refuse_unknown(
            body,
            |k| k == NAME || k == TYPE || Entries::is_list(k),
            &mut errors,
        );
        let name = read_name(body, true, &mut errors);
        let kind = match body.get(TYPE) {
            None => {
                errors.add(
                    TYPE,
                    "Required: always, days-of-week, specific-dates, holiday or custom.",
                );
                None
            }
            Some(_) => read_kind(body, TYPE, &mut errors),
        };
        let entries = Entries::read(body, &mut errors);
        let definition = kind.and_then(|kind| match Definition::new(kind, entries) {
            Ok(definition) => Some(definition),
            Err(bad) => {
                merge(&mut errors, bad);
                None
            }
        });
        match (name, definition) {
            (Some(name), Some(definition)) if errors.is_empty() => Ok(Self { name, definition }),
            _ => Err(errors),
        }
    }

    /// The body that creates this frame.
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert(NAME.into(), json!(self.name.as_str()));
        body.insert(TYPE.into(), json!(self.definition.kind().as_str()));
        body.extend(self.definition.entries_json(None));
        Value::Object(body)
    }
}

impl TimeFrameChange {
    /// A change's body (NetSapiens' PUT, without `synchronous`): a new `timeframe-name`, a new
    /// `timeframe-type` (or `type`: a conversion), and lists: replacing every list, or with
    /// `update-only: yes` changing the entries with their ids. Every problem is named.
    pub fn from_json(body: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        refuse_unknown(
            body,
            |k| {
                [NAME, TYPE, CONVERT_TYPE].contains(&k)
                    || UPDATE_ONLY.contains(&k)
                    || Entries::is_list(k)
            },
            &mut errors,
        );
        let name = read_name(body, false, &mut errors);
        let kind_field = if body.contains_key(CONVERT_TYPE) {
            if body.contains_key(TYPE) {
                errors.add(CONVERT_TYPE, format!("Also given as {TYPE}: give it once."));
            }
            CONVERT_TYPE
        } else {
            TYPE
        };
        let kind = read_kind(body, kind_field, &mut errors);
        let mut update_only = false;
        let sent: Vec<&str> = UPDATE_ONLY
            .into_iter()
            .filter(|n| body.contains_key(*n))
            .collect();
        if sent.len() > 1 {
            errors.add(UPDATE_ONLY[1], "Also given as update-only: give it once.");
        }
        if let Some(field) = sent.first() {
            match text_of_value(&body[*field], false)
                .as_deref()
                .map(str::trim)
            {
                Ok("yes") => update_only = true,
                Ok("" | "no") => {}
                _ => errors.add(*field, "Either yes or no."),
            }
        }
        let entries = Entries::read(body, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let edit = match (entries.any(), update_only) {
            (false, _) => Edit::Keep,
            (true, true) => Edit::Update(entries),
            (true, false) => Edit::Replace(entries),
        };
        Ok(Self {
            name,
            kind,
            kind_field,
            edit,
        })
    }

    /// A delete's body naming one entry (`child_id`): that entry's removal.
    pub fn removal_from_json(body: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        for name in body.keys().filter(|k| *k != CHILD_ID) {
            errors.add(name.as_str(), "Unknown field.");
        }
        let id = match body.get(CHILD_ID).map(|v| text_of_value(v, false)) {
            Some(Ok(text)) => errors.check(CHILD_ID, EntryId::parse(&text)),
            Some(Err(message)) => {
                errors.add(CHILD_ID, message);
                None
            }
            None => {
                errors.add(
                    CHILD_ID,
                    "Required: the timeframe-id of the entry to delete.",
                );
                None
            }
        };
        match id {
            Some(id) if errors.is_empty() => Ok(Self::edit(Edit::Remove(id))),
            _ => Err(errors),
        }
    }
}

/// An id as NetSapiens writes ids: text.
fn id_text(id: &Option<EntryId>) -> Value {
    json!(id.as_ref().map_or("", EntryId::as_str))
}

fn date_text(date: Option<CivilDate>) -> Value {
    json!(date.map(CivilDate::compact).unwrap_or_default())
}

fn range_texts(range: Option<TimeRange>) -> [Value; 2] {
    match range {
        Some(r) => [json!(hhmm(r.begin())), json!(hhmm(r.end()))],
        None => [json!(""), json!("")],
    }
}

/// The recurrence end members of `until`, in the spelling of the entry's kind.
fn end_members(entry: &mut Map<String, Value>, until: Option<CivilDate>, on_a_date: &str) {
    entry.insert(
        END_OPTION.into(),
        json!(if until.is_some() { on_a_date } else { "never" }),
    );
    entry.insert(END_DATE.into(), date_text(until));
}

fn specific_dates_json(e: &SpecificDates) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(ID.into(), id_text(&e.id));
    m.insert(SD_BEGIN_DATE.into(), json!(e.begin.compact()));
    m.insert(SD_BEGIN_TIME.into(), json!(hhmm(e.begin_time)));
    m.insert(SD_END_DATE.into(), json!(e.end.compact()));
    m.insert(SD_END_TIME.into(), json!(hhmm(e.end_time)));
    let (kind, interval, count, option) = match e.recurrence {
        DateRecurrence::Custom(custom) => {
            let (unit, count, option) = match custom {
                CustomInterval::Days(n) => ("days", n.to_string(), ""),
                CustomInterval::Weeks(n) => ("weeks", n.to_string(), ""),
                CustomInterval::Months(n, o) => {
                    ("months", n.to_string(), spelling(MONTHLY_OPTIONS, &o))
                }
                CustomInterval::Years(o) => ("years", "1".to_owned(), spelling(YEARLY_OPTIONS, &o)),
            };
            ("custom", unit, count, option)
        }
        fixed => (
            spelling(DATE_RECURRENCES, &Some(fixed)),
            "",
            String::new(),
            "",
        ),
    };
    m.insert(RECURRENCE.into(), json!(kind));
    m.insert(INTERVAL.into(), json!(interval));
    m.insert(COUNT.into(), json!(count));
    m.insert(OPTION.into(), json!(option));
    end_members(&mut m, e.until, "onADate");
    m
}

fn holiday_json(e: &Holiday) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(ID.into(), id_text(&e.id));
    m.insert(H_UUID.into(), json!(e.uuid));
    m.insert(H_NAME.into(), json!(e.name));
    m.insert(H_DATE.into(), json!(e.date.compact()));
    m.insert(H_COUNTRY.into(), json!(e.country));
    m.insert(H_REGION.into(), json!(e.region));
    m.insert(H_HINT.into(), json!(e.location_hint));
    for (names, range) in H_TIMES.iter().zip(e.times) {
        let [begin, end] = range_texts(range);
        m.insert(names[0].into(), begin);
        m.insert(names[1].into(), end);
    }
    for day in Weekday::ALL {
        m.insert(
            observance_field(day),
            json!(spelling(OBSERVANCES, &e.observance[day.index()])),
        );
    }
    let workweek: Vec<&str> = e.workweek.days().map(Weekday::letters).collect();
    m.insert(H_WORKWEEK.into(), json!(workweek.join(",")));
    m.insert(
        RECURRENCE.into(),
        json!(spelling(HOLIDAY_RECURRENCES, &e.yearly)),
    );
    end_members(&mut m, e.until, "onDate");
    m
}

fn days_of_week_json(e: &DaysOfWeek) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(ID.into(), id_text(&e.id));
    // NetSapiens lists Sunday first.
    let sunday_first = [Weekday::Sunday]
        .into_iter()
        .chain(Weekday::ALL.into_iter().take(6));
    for day in sunday_first {
        for n in 0..2 {
            let [begin, end] = weekly_times(day, n);
            let [b, e_] = range_texts(e.days[day.index()][n]);
            m.insert(begin, b);
            m.insert(end, e_);
        }
    }
    let (kind, interval, count, option) = match e.recurrence {
        WeekRecurrence::Weekly => ("weekly", "", String::new(), ""),
        WeekRecurrence::EveryWeeks(n) => ("custom", "weeks", n.to_string(), ""),
        WeekRecurrence::EveryMonths(n, o) => (
            "custom",
            "months",
            n.to_string(),
            spelling(MONTHLY_OPTIONS, &o),
        ),
    };
    m.insert(RECURRENCE.into(), json!(kind));
    m.insert(RECURRENCE_BEGIN.into(), date_text(e.begin));
    m.insert(INTERVAL.into(), json!(interval));
    m.insert(COUNT.into(), json!(count));
    m.insert(OPTION.into(), json!(option));
    end_members(&mut m, e.until, "onADate");
    m
}

/// Where the entries of a saved frame are shown: its id and domain (members of each entry).
pub type Parent<'a> = Option<(i64, &'a DomainName)>;

fn list_json<T>(items: &[T], parent: Parent<'_>, render: fn(&T) -> Map<String, Value>) -> Value {
    Value::Array(
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut m = render(item);
                if let Some((id, domain)) = parent {
                    m.insert("timeframe-parent-id".into(), json!(id.to_string()));
                    m.insert("ordinal-order".into(), json!(i + 1));
                    m.insert("domain".into(), json!(domain.as_str()));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

impl Definition {
    /// The three lists, as NetSapiens writes them; with `parent`, each entry also names its
    /// frame, its place in the list and its domain (as a read answers).
    pub fn entries_json(&self, parent: Parent<'_>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            SPECIFIC_DATES.into(),
            list_json(&self.specific_dates, parent, specific_dates_json),
        );
        m.insert(
            HOLIDAYS.into(),
            list_json(&self.holidays, parent, holiday_json),
        );
        m.insert(
            DAYS_OF_WEEK.into(),
            list_json(&self.days_of_week, parent, days_of_week_json),
        );
        m
    }

    /// The entries as the database keeps them: the lists, as text.
    pub fn stored(&self) -> String {
        Value::Object(self.entries_json(None)).to_string()
    }

    /// A definition as the database kept it: its kind's spelling and its lists' text.
    pub fn from_stored(kind: &str, entries: &str) -> Result<Self, FieldErrors> {
        let kind = Kind::parse(kind).map_err(|e| FieldErrors::one(TYPE, e.0))?;
        let body: Map<String, Value> = serde_json::from_str(entries)
            .map_err(|e| FieldErrors::one("definition", e.to_string()))?;
        let mut errors = FieldErrors::default();
        let entries = Entries::read(&body, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Definition::new(kind, entries)
    }
}

impl TimeFrame {
    /// The frame as NetSapiens' `RecurringTimeframe` (a domain's shared frame's `user` is `*`),
    /// with Roster's `created-datetime`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert(ID.into(), json!(self.id.to_string()));
        m.insert(NAME.into(), json!(self.name.as_str()));
        m.insert("user".into(), json!(self.user.as_deref().unwrap_or("*")));
        m.insert("domain".into(), json!(self.domain.as_str()));
        m.insert(TYPE.into(), json!(self.definition.kind().as_str()));
        m.extend(self.definition.entries_json(Some((self.id, &self.domain))));
        m.insert(
            CREATED.into(),
            json!(crate::model::audit::rfc3339(self.created_at)),
        );
        Value::Object(m)
    }

    /// A frame as [`TimeFrame::to_json`] writes it.
    pub fn from_json(value: &Value) -> Result<Self, FieldErrors> {
        let bad = |field: &str, message: &str| FieldErrors::one(field, message);
        let Value::Object(m) = value else {
            return Err(bad("body", "Must be a JSON object."));
        };
        let text = |name: &str| m.get(name).and_then(Value::as_str).unwrap_or_default();
        let id = text(ID).parse().map_err(|_| bad(ID, "Not a frame's id."))?;
        let name = TimeFrameName::parse(text(NAME)).map_err(|e| bad(NAME, &e.0))?;
        let domain = DomainName::parse(text("domain")).map_err(|e| bad("domain", &e.0))?;
        let user = match text("user") {
            "*" | "" => None,
            user => Some(user.to_owned()),
        };
        let created_at = crate::model::instant::parse(text(CREATED)).unwrap_or_default();
        let mut body = m.clone();
        body.retain(|k, _| Entries::is_list(k));
        let mut errors = FieldErrors::default();
        let entries = Entries::read(&body, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let definition = Definition::new(
            Kind::parse(text(TYPE)).map_err(|e| bad(TYPE, &e.0))?,
            entries,
        )?;
        Ok(Self {
            id,
            name,
            domain,
            user,
            definition,
            created_at,
        })
    }
}

impl serde::Serialize for TimeFrame {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for TimeFrame {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        TimeFrame::from_json(&value)
            .map_err(|e| serde::de::Error::custom(format!("not a time frame: {:?}", e.names())))
    }
}

impl serde::Serialize for NewTimeFrame {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for NewTimeFrame {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let Value::Object(body) = value else {
            return Err(serde::de::Error::custom("a time frame is a JSON object"));
        };
        NewTimeFrame::from_json(&body)
            .map_err(|e| serde::de::Error::custom(format!("not a time frame: {:?}", e.names())))
    }
}
