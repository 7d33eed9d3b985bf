use super::*;
use crate::model::time_frame::{hhmm, CivilDate, Weekday};
use crate::model::TimeZone;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// Unix milliseconds of a UTC date and time.
fn utc(y: i32, m: u32, d: u32, hour: i64, minute: i64) -> i64 {
    CivilDate::new(y, m, d).unwrap().days_since_epoch() * 86_400_000 + hour * HOUR + minute * MINUTE
}

fn frame(body: Value) -> Definition {
    let Value::Object(body) = body else { panic!() };
    NewTimeFrame::from_json(&body)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .definition
}

/// A days-of-week frame with one range on `day`.
fn weekly(day: Weekday, begin: &str, end: &str) -> Definition {
    let d = day.name();
    frame(
        json!({"timeframe-name": "W", "timeframe-type": "days-of-week",
        "timeframe-days-of-week-array": [{
            format!("timeframe-weekly-{d}-begin-time-1"): begin,
            format!("timeframe-weekly-{d}-end-time-1"): end}]}),
    )
}

/// Whether `spans` holds `t`.
fn within(spans: &[(i64, i64)], t: i64) -> bool {
    spans.iter().any(|&(a, b)| a <= t && t < b)
}

/// Every instant of `[from, to)` at a minute's start and half a minute in: `spans` agrees with
/// `is_active`.
fn agree(d: &Definition, zone: &str, from: i64, to: i64) -> Result<(), String> {
    let spans = spans(d, zone, from, to);
    for pair in spans.windows(2) {
        if pair[0].1 >= pair[1].0 {
            return Err(format!("not sorted and separate: {pair:?}"));
        }
    }
    let mut t = from;
    while t < to {
        for probe in [t, t + 30_000, t + MINUTE - 1] {
            if probe < to && is_active(d, zone, probe) != within(&spans, probe) {
                return Err(format!(
                    "{zone} at {probe}: is_active {}",
                    is_active(d, zone, probe)
                ));
            }
        }
        t += MINUTE;
    }
    Ok(())
}

#[test]
fn every_zone_roster_accepts_is_in_the_bundled_database() {
    let db = jiff::tz::TimeZoneDatabase::bundled();
    for name in TimeZone::all() {
        assert!(db.get(name).is_ok(), "{name}");
    }
}

#[test]
fn new_york_springs_forward_over_an_hour_no_one_lives() {
    // 2026-03-08, a Sunday: at 02:00 EST (07:00Z) clocks go to 03:00 EDT.
    let across = weekly(Weekday::Sunday, "0130", "0230");
    let day = (utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0));
    assert_eq!(
        spans(&across, "America/New_York", day.0, day.1),
        vec![(utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7, 0))],
        "01:30-02:00 EST; 02:00-02:30 never happens"
    );
    let in_the_gap = weekly(Weekday::Sunday, "0215", "0245");
    assert_eq!(spans(&in_the_gap, "America/New_York", day.0, day.1), vec![]);
    assert!(!is_active(
        &in_the_gap,
        "America/New_York",
        utc(2026, 3, 8, 7, 20)
    ));
    // The week after, the same range is half an hour long again.
    let next = (utc(2026, 3, 15, 0, 0), utc(2026, 3, 16, 0, 0));
    assert_eq!(
        spans(&in_the_gap, "America/New_York", next.0, next.1),
        vec![(utc(2026, 3, 15, 6, 15), utc(2026, 3, 15, 6, 45))]
    );
    agree(&across, "America/New_York", day.0, day.1).unwrap();
}

#[test]
fn new_york_falls_back_and_an_hour_is_lived_twice() {
    // 2026-11-01, a Sunday: at 02:00 EDT (06:00Z) clocks go back to 01:00 EST.
    let repeated = weekly(Weekday::Sunday, "0130", "0145");
    let day = (utc(2026, 11, 1, 0, 0), utc(2026, 11, 2, 0, 0));
    assert_eq!(
        spans(&repeated, "America/New_York", day.0, day.1),
        vec![
            (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 5, 45)),
            (utc(2026, 11, 1, 6, 30), utc(2026, 11, 1, 6, 45)),
        ]
    );
    let whole_hour = weekly(Weekday::Sunday, "0100", "0200");
    assert_eq!(
        spans(&whole_hour, "America/New_York", day.0, day.1),
        vec![(utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 7, 0))],
        "two hours of UTC, one after the other"
    );
    agree(&repeated, "America/New_York", day.0, day.1).unwrap();
}

#[test]
fn a_london_sunday_is_23_hours_in_march_and_25_in_october() {
    let sunday = weekly(Weekday::Sunday, "0000", "2359");
    let march = spans(
        &sunday,
        "Europe/London",
        utc(2026, 3, 28, 0, 0),
        utc(2026, 3, 31, 0, 0),
    );
    assert_eq!(
        march,
        vec![(utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0))]
    );
    let october = spans(
        &sunday,
        "Europe/London",
        utc(2026, 10, 24, 0, 0),
        utc(2026, 10, 27, 0, 0),
    );
    assert_eq!(
        october,
        vec![(utc(2026, 10, 24, 23, 0), utc(2026, 10, 26, 0, 0))]
    );
    assert_eq!(october[0].1 - october[0].0, 25 * HOUR);
}

#[test]
fn lord_howe_moves_its_clocks_by_half_an_hour() {
    // 2026-04-05 (a Sunday) 02:00 +11:00 (15:00Z on the 4th) goes back to 01:30 +10:30.
    let repeated = weekly(Weekday::Sunday, "0130", "0200");
    let april = (utc(2026, 4, 4, 0, 0), utc(2026, 4, 6, 0, 0));
    assert_eq!(
        spans(&repeated, "Australia/Lord_Howe", april.0, april.1),
        vec![(utc(2026, 4, 4, 14, 30), utc(2026, 4, 4, 15, 30))],
        "the half hour from 01:30 is lived twice"
    );
    // 2026-10-04 (a Sunday) 02:00 +10:30 (15:30Z on the 3rd) goes forward to 02:30 +11:00.
    let gap = weekly(Weekday::Sunday, "0200", "0300");
    let october = (utc(2026, 10, 3, 0, 0), utc(2026, 10, 5, 0, 0));
    assert_eq!(
        spans(&gap, "Australia/Lord_Howe", october.0, october.1),
        vec![(utc(2026, 10, 3, 15, 30), utc(2026, 10, 3, 16, 0))],
        "02:00-02:30 never happens"
    );
    agree(&repeated, "Australia/Lord_Howe", april.0, april.1).unwrap();
    agree(&gap, "Australia/Lord_Howe", october.0, october.1).unwrap();
}

#[test]
fn a_date_range_over_a_dst_change_runs_wall_clock_to_wall_clock() {
    // Noon on 31 October to noon on 1 November 2026 in New York: 25 hours.
    let range = frame(
        json!({"timeframe-name": "D", "timeframe-type": "specific-dates",
        "timeframe-specific-dates-array": [{
            "timeframe-specific-dates-begin-date": "20261031", "timeframe-specific-dates-begin-time": "1200",
            "timeframe-specific-dates-end-date": "20261101", "timeframe-specific-dates-end-time": "1200"}]}),
    );
    let all = spans(
        &range,
        "America/New_York",
        utc(2026, 10, 1, 0, 0),
        utc(2026, 12, 1, 0, 0),
    );
    assert_eq!(
        all,
        vec![(utc(2026, 10, 31, 16, 0), utc(2026, 11, 1, 17, 0))]
    );
    assert!(is_active(
        &range,
        "America/New_York",
        utc(2026, 11, 1, 16, 59)
    ));
    assert!(!is_active(
        &range,
        "America/New_York",
        utc(2026, 11, 1, 17, 0)
    ));
    // The same wall-clock range in Tokyo (no DST) is 24 hours.
    let tokyo = spans(
        &range,
        "Asia/Tokyo",
        utc(2026, 10, 1, 0, 0),
        utc(2026, 12, 1, 0, 0),
    );
    assert_eq!(
        tokyo,
        vec![(utc(2026, 10, 31, 3, 0), utc(2026, 11, 1, 3, 0))]
    );
}

#[test]
fn always_is_the_whole_window_and_an_empty_window_has_nothing() {
    let always = Definition::always();
    let (a, b) = (utc(2026, 3, 1, 0, 0) + 123, utc(2026, 4, 1, 0, 0) + 7);
    assert_eq!(spans(&always, "America/New_York", a, b), vec![(a, b)]);
    assert_eq!(spans(&always, "America/New_York", b, a), vec![]);
    assert!(
        is_active(&always, "Nowhere/Unknown", a),
        "an unknown zone reads as UTC"
    );
}

/// Windows of three days around each change of offset of the four zones in 2026.
const CHANGES: &[(&str, (i32, u32, u32))] = &[
    ("America/New_York", (2026, 3, 7)),
    ("America/New_York", (2026, 10, 31)),
    ("Europe/London", (2026, 3, 28)),
    ("Europe/London", (2026, 10, 24)),
    ("Australia/Lord_Howe", (2026, 4, 4)),
    ("Australia/Lord_Howe", (2026, 10, 3)),
];

fn any_week() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::vec(proptest::option::of((0u16..1439, 1u16..=1440)), 14).prop_map(
        |ranges| {
            let mut entry = Map::new();
            for (i, r) in ranges.into_iter().enumerate() {
                let Some((b, e)) = r.filter(|(b, e)| b < e) else {
                    continue;
                };
                let (day, n) = (Weekday::ALL[i / 2].name(), i % 2 + 1);
                let end = if e >= 1439 {
                    "2359".to_owned()
                } else {
                    hhmm(e)
                };
                entry.insert(
                    format!("timeframe-weekly-{day}-begin-time-{n}"),
                    json!(hhmm(b)),
                );
                entry.insert(format!("timeframe-weekly-{day}-end-time-{n}"), json!(end));
            }
            entry
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn spans_agree_with_is_active_minute_by_minute_across_dst_changes(
        week in any_week(),
        change in 0..CHANGES.len(),
        start_minute in 0u16..1200,
        length in 1i64..3000,
        shift in -90i64..90,
    ) {
        let (zone, (y, m, d)) = CHANGES[change];
        let begin_day = CivilDate::new(y, m, d).unwrap();
        let end = begin_day.add_days(length / 1440).unwrap();
        let mut end_minute = ((length % 1440) as u16).min(1438);
        if end == begin_day {
            end_minute = end_minute.max(start_minute + 1);
        }
        let frame = frame(json!({"timeframe-name": "C", "timeframe-type": "custom",
            "timeframe-days-of-week-array": [week],
            "timeframe-specific-dates-array": [{
                "timeframe-specific-dates-begin-date": begin_day.compact(),
                "timeframe-specific-dates-begin-time": hhmm(start_minute),
                "timeframe-specific-dates-end-date": end.compact(),
                "timeframe-specific-dates-end-time": hhmm(end_minute),
            }]}));
        // Three days from a minute near the day before the change.
        let from = utc(y, m, d, 0, 0) + shift * MINUTE;
        prop_assert_eq!(agree(&frame, zone, from, from + 3 * 86_400_000), Ok(()));
    }
}
