//! The portal's time-frame form, a week grid (a name, always or days of the week, and up to two
//! ranges a day), read through the API's own reader of NetSapiens' bodies so that both refuse
//! the same things in the same words; and a frame told in words for the frames list.

use super::wire::{weekly_times, RECURRENCE};
use super::{
    hhmm, DateRecurrence, Definition, Kind, NewTimeFrame, TimeFrameChange, WeekRecurrence, Weekday,
    DAYS_OF_WEEK, NAME, TYPE,
};
use crate::model::FieldErrors;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The two kinds the week grid makes (the API makes every kind).
pub const GRID_KINDS: [Kind; 2] = [Kind::DaysOfWeek, Kind::Always];

/// A frame as the week grid sends it: its name, its kind, and each day's times, named as
/// NetSapiens names them (`timeframe-weekly-monday-begin-time-1`: `09:00` or `0900`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeekForm {
    #[serde(rename = "timeframe-name")]
    pub name: String,
    #[serde(rename = "timeframe-type")]
    pub kind: String,
    /// Times by their NetSapiens names; a day's range left blank is no range.
    pub times: BTreeMap<String, String>,
}

impl WeekForm {
    /// A new frame's grid: days of the week, no name and no hours yet.
    pub fn new_frame() -> Self {
        Self {
            kind: Kind::DaysOfWeek.as_str().to_owned(),
            ..Self::default()
        }
    }

    /// The grid's fields, Monday first: (day, [[begin, end] of each of its two ranges]).
    pub fn grid() -> impl Iterator<Item = (Weekday, [[String; 2]; 2])> {
        Weekday::ALL
            .into_iter()
            .map(|day| (day, [weekly_times(day, 0), weekly_times(day, 1)]))
    }

    /// The grid filled in with `definition` (times as `HH:MM`), if the grid shows all of it: an
    /// always frame, or days of the week every week with no begin or end date. Saving the grid
    /// replaces the whole frame, so a frame it cannot show whole (a custom recurrence, an end
    /// date, dates, holidays) gets none and is changed through the API.
    pub fn of(name: &str, definition: &Definition) -> Option<Self> {
        let week = definition.days_of_week();
        let whole = match definition.kind() {
            Kind::Always => true,
            Kind::DaysOfWeek => week.iter().all(|w| {
                w.recurrence == WeekRecurrence::Weekly && w.begin.is_none() && w.until.is_none()
            }),
            _ => false,
        };
        if !whole {
            return None;
        }
        let mut times = BTreeMap::new();
        if let Some(week) = week.first() {
            for (day, fields) in Self::grid() {
                for (range, [begin, end]) in week.days[day.index()].iter().zip(fields) {
                    if let Some(range) = range {
                        times.insert(begin, colon(&hhmm(range.begin())));
                        times.insert(end, colon(&hhmm(range.end())));
                    }
                }
            }
        }
        Some(Self {
            name: name.to_owned(),
            kind: definition.kind().as_str().to_owned(),
            times,
        })
    }

    /// The NetSapiens body the form stands for: a days-of-week frame recurring weekly, or an
    /// always frame (its times, if any, ignored).
    fn body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert(NAME.into(), json!(self.name));
        body.insert(TYPE.into(), json!(self.kind));
        if self.kind == Kind::DaysOfWeek.as_str() {
            let mut entry: Map<String, Value> = Self::grid()
                .flat_map(|(_, ranges)| ranges.into_iter().flatten())
                .map(|field| {
                    let value = self.times.get(&field).cloned().unwrap_or_default();
                    (field, json!(value.trim()))
                })
                .collect();
            entry.insert(RECURRENCE.into(), json!("weekly"));
            body.insert(DAYS_OF_WEEK.into(), json!([entry]));
        }
        body
    }

    /// The frame, or every problem, each named by its grid field (`timeframe-name`,
    /// `timeframe-type`, `timeframe-weekly-monday-end-time-1`, ...).
    pub fn parse(&self) -> Result<NewTimeFrame, FieldErrors> {
        self.read(NewTimeFrame::from_json)
    }

    /// The change that makes a saved frame what the grid shows (its name, its kind, and its
    /// days of the week replacing every entry it had), or every problem, named as by
    /// [`WeekForm::parse`].
    pub fn change(&self) -> Result<TimeFrameChange, FieldErrors> {
        self.read(TimeFrameChange::from_json)
    }

    /// `body()` read by the API's own reader `from_json`, its problems renamed from the body's
    /// paths to the grid's fields.
    fn read<T>(
        &self,
        from_json: fn(&Map<String, Value>) -> Result<T, FieldErrors>,
    ) -> Result<T, FieldErrors> {
        let mut errors = FieldErrors::default();
        if Kind::parse_grid(&self.kind).is_none() {
            errors.add(TYPE, "Days of the week, or always.");
        }
        match from_json(&self.body()) {
            Ok(read) if errors.is_empty() => Ok(read),
            Ok(_) => Err(errors),
            Err(found) => {
                let inside = format!("{DAYS_OF_WEEK}[0].");
                for e in found.0 {
                    let field = e.field.strip_prefix(&inside).unwrap_or(&e.field).to_owned();
                    if !errors.0.iter().any(|x| x.field == field) {
                        errors.add(field, e.message);
                    }
                }
                Err(errors)
            }
        }
    }
}

impl Kind {
    /// `raw` if it is a kind the week grid makes.
    fn parse_grid(raw: &str) -> Option<Kind> {
        GRID_KINDS.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// How the portal names the kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Always => "Always",
            Kind::DaysOfWeek => "Days of the week",
            Kind::SpecificDates => "Specific dates",
            Kind::Holiday => "Holidays",
            Kind::Custom => "Custom",
        }
    }
}

/// `0900` as `09:00`.
fn colon(hhmm: &str) -> String {
    format!("{}:{}", &hhmm[..2], &hhmm[2..])
}

/// A time of day in minutes as `09:00`, the end of the day as `24:00`.
fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A day's name, capitalised (`Monday`).
pub fn day_name(day: Weekday) -> String {
    let name = day.name();
    name[..1].to_ascii_uppercase() + &name[1..]
}

/// A frame as the frames list shows it: its id, name and kind, and when it is active in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameSummary {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// One line per day, date range or holiday.
    pub when: Vec<String>,
    /// The grid filled in, for a frame the grid shows whole ([`WeekForm::of`]).
    pub form: Option<WeekForm>,
}

impl FrameSummary {
    pub fn of(id: i64, name: &str, definition: &Definition) -> Self {
        let kind = definition.kind();
        Self {
            id,
            name: name.to_owned(),
            kind: kind.label().to_owned(),
            when: describe(definition),
            form: WeekForm::of(name, definition),
        }
    }
}

/// When `definition` is active, a line per day of the week (with its ranges), date range or
/// holiday.
fn describe(definition: &Definition) -> Vec<String> {
    let mut lines = Vec::new();
    if definition.kind() == Kind::Always {
        lines.push("At all times.".to_owned());
    }
    for week in definition.days_of_week() {
        for day in Weekday::ALL {
            let ranges: Vec<String> = week.days[day.index()]
                .iter()
                .flatten()
                .map(|r| format!("{}–{}", clock(r.begin()), clock(r.end())))
                .collect();
            if !ranges.is_empty() {
                lines.push(format!("{} {}", day_name(day), ranges.join(", ")));
            }
        }
        if week.recurrence != WeekRecurrence::Weekly {
            lines.push("On a custom recurrence (see the API).".to_owned());
        }
        if let Some(until) = week.until {
            lines.push(format!("Until {until}."));
        }
    }
    for dates in definition.specific_dates() {
        let recurs = if dates.recurrence == DateRecurrence::DoesNotRecur {
            ""
        } else {
            ", recurring"
        };
        lines.push(format!(
            "From {} {} to {} {}{recurs}",
            dates.begin,
            clock(dates.begin_time),
            dates.end,
            clock(dates.end_time)
        ));
    }
    for holiday in definition.holidays() {
        let yearly = if holiday.yearly { ", every year" } else { "" };
        lines.push(format!("{} ({}{yearly})", holiday.name, holiday.date));
    }
    if lines.is_empty() {
        lines.push("Never: no times are set.".to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(times: &[(&str, &str)]) -> WeekForm {
        WeekForm {
            name: "Business hours".into(),
            kind: "days-of-week".into(),
            times: times
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn the_grid_makes_a_weekly_frame_and_reads_back_as_it_was_typed() {
        let form = week(&[
            ("timeframe-weekly-monday-begin-time-1", "09:00"),
            ("timeframe-weekly-monday-end-time-1", "12:30"),
            ("timeframe-weekly-monday-begin-time-2", "13:30"),
            ("timeframe-weekly-monday-end-time-2", "17:00"),
            ("timeframe-weekly-friday-begin-time-1", "0900"),
            ("timeframe-weekly-friday-end-time-1", "2359"),
        ]);
        let frame = form.parse().unwrap();
        assert_eq!(frame.name.as_str(), "Business hours");
        let monday = super::super::CivilDate::new(2026, 11, 30).unwrap();
        assert_eq!(
            frame.definition.intervals_on(monday),
            [(540, 750), (810, 1020)]
        );
        let summary = FrameSummary::of(7, "Business hours", &frame.definition);
        assert_eq!(summary.kind, "Days of the week");
        assert_eq!(
            summary.when,
            ["Monday 09:00–12:30, 13:30–17:00", "Friday 09:00–24:00"]
        );
        let again = summary.form.unwrap();
        assert_eq!(again.times["timeframe-weekly-friday-end-time-1"], "23:59");
        assert_eq!(again.parse().unwrap().definition, frame.definition);
    }

    #[test]
    fn every_bad_field_of_the_grid_is_named_as_the_grid_names_it() {
        let mut form = week(&[
            ("timeframe-weekly-monday-begin-time-1", "17:00"),
            ("timeframe-weekly-monday-end-time-1", "09:00"),
            ("timeframe-weekly-tuesday-begin-time-2", "25:00"),
            ("timeframe-weekly-tuesday-end-time-2", "26:00"),
        ]);
        form.name = "*".into();
        let refused = form.parse().unwrap_err();
        let names = refused.names();
        assert!(names.contains(&"timeframe-name"), "{names:?}");
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("timeframe-weekly-monday")),
            "{names:?}"
        );
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("timeframe-weekly-tuesday")),
            "{names:?}"
        );
        assert!(names.iter().all(|n| !n.contains('[')), "{names:?}");
        let holiday = WeekForm {
            kind: "holiday".into(),
            ..week(&[])
        };
        assert_eq!(holiday.parse().unwrap_err().names(), ["timeframe-type"]);
    }

    #[test]
    fn an_always_frame_ignores_the_grid() {
        let form = WeekForm {
            kind: "always".into(),
            ..week(&[("timeframe-weekly-monday-begin-time-1", "nonsense")])
        };
        let frame = form.parse().unwrap();
        assert_eq!(frame.definition.kind(), Kind::Always);
        assert_eq!(
            FrameSummary::of(1, "x", &frame.definition).when,
            ["At all times."]
        );
    }

    #[test]
    fn a_saved_frame_changes_to_what_the_grid_shows() {
        let saved = week(&[
            ("timeframe-weekly-monday-begin-time-1", "09:00"),
            ("timeframe-weekly-monday-end-time-1", "17:00"),
        ])
        .parse()
        .unwrap();
        let moved = week(&[
            ("timeframe-weekly-sunday-begin-time-2", "10:00"),
            ("timeframe-weekly-sunday-end-time-2", "11:00"),
        ]);
        let next = saved.definition.changed(&moved.change().unwrap()).unwrap();
        let sunday = super::super::CivilDate::new(2026, 12, 6).unwrap();
        let monday = super::super::CivilDate::new(2026, 12, 7).unwrap();
        assert_eq!(next.intervals_on(sunday), [(600, 660)]);
        assert!(next.intervals_on(monday).is_empty());
        let always = WeekForm {
            kind: "always".into(),
            ..moved
        };
        let next = saved.definition.changed(&always.change().unwrap()).unwrap();
        assert_eq!(next.kind(), Kind::Always);
        assert!(next.days_of_week().is_empty());
        let bad = WeekForm {
            kind: "holiday".into(),
            ..week(&[("timeframe-weekly-sunday-end-time-1", "10:00")])
        };
        let refused = bad.change().unwrap_err();
        assert_eq!(refused.names(), ["timeframe-type"]);
    }

    #[test]
    fn a_weekly_frame_with_an_end_date_is_not_offered_to_the_grid_which_would_drop_it() {
        let body = json!({
            "timeframe-name": "Until next year",
            "timeframe-type": "days-of-week",
            "timeframe-days-of-week-array": [{
                "timeframe-weekly-monday-begin-time-1": "0900",
                "timeframe-weekly-monday-end-time-1": "1700",
                "timeframe-recurrence-type": "weekly",
                "timeframe-recurrence-end-option": "onADate",
                "timeframe-recurrence-end-date": "20271231",
            }],
        });
        let frame = NewTimeFrame::from_json(body.as_object().unwrap()).unwrap();
        let summary = FrameSummary::of(3, "Until next year", &frame.definition);
        assert_eq!(summary.form, None);
        assert_eq!(summary.when, ["Monday 09:00–17:00", "Until 2027-12-31."]);
        let plain = week(&[
            ("timeframe-weekly-monday-begin-time-1", "09:00"),
            ("timeframe-weekly-monday-end-time-1", "17:00"),
        ]);
        let plain = plain.parse().unwrap();
        assert!(WeekForm::of("x", &plain.definition).is_some());
    }
}
