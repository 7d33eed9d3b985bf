use super::*;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn date(y: i32, m: u32, d: u32) -> CivilDate {
    CivilDate::new(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> CivilDateTime {
    CivilDateTime::new(date(y, m, d), hour, minute, 0).unwrap()
}

fn new_frame(body: Value) -> NewTimeFrame {
    NewTimeFrame::from_json(&object(body)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn refused(body: Value) -> Vec<String> {
    NewTimeFrame::from_json(&object(body))
        .unwrap_err()
        .names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The spec's own example of a create.
fn spec_example() -> Value {
    json!({
        "timeframe-name": "specificDatesNoRecurrence",
        "timeframe-type": "specific-dates",
        "timeframe-specific-dates-array": [{
            "timeframe-specific-dates-begin-date": "20290101",
            "timeframe-specific-dates-begin-time": "0000",
            "timeframe-specific-dates-end-date": "20290102",
            "timeframe-specific-dates-end-time": "2359",
            "timeframe-recurrence-type": "doesNotRecur",
            "timeframe-recurrence-custom-interval": "",
            "timeframe-recurrence-custom-interval-count": "",
            "timeframe-recurrence-custom-interval-option": "",
            "timeframe-recurrence-end-option": "",
            "timeframe-recurrence-end-date": ""
        }]
    })
}

/// Office hours: weekdays 0900–1200 and 1300–1700, Saturday morning.
fn office_hours() -> Value {
    let mut entry = Map::new();
    for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
        entry.insert(
            format!("timeframe-weekly-{day}-begin-time-1"),
            json!("0900"),
        );
        entry.insert(format!("timeframe-weekly-{day}-end-time-1"), json!("1200"));
        entry.insert(
            format!("timeframe-weekly-{day}-begin-time-2"),
            json!("1300"),
        );
        entry.insert(format!("timeframe-weekly-{day}-end-time-2"), json!("1700"));
    }
    entry.insert(
        "timeframe-weekly-saturday-begin-time-1".into(),
        json!("0900"),
    );
    entry.insert("timeframe-weekly-saturday-end-time-1".into(), json!("1200"));
    entry.insert("timeframe-recurrence-type".into(), json!("weekly"));
    json!({"timeframe-name": "Office hours", "timeframe-type": "days-of-week",
           "timeframe-days-of-week-array": [entry]})
}

fn holiday(extra: Value) -> Value {
    let mut entry = object(json!({
        "timeframe-holiday-uuid": "c7ceeccbead419df7dbd82f7f213162d",
        "timeframe-holiday-name": "Independence Day",
        "timeframe-holiday-begin-date": "20260704",
        "country-abbreviation": "US",
        "state-province-abbreviation": "",
        "holiday-api-location-hint": "All",
        "timeframe-recurrence-type": "yearlyOnHoliday"
    }));
    entry.extend(object(extra));
    json!({"timeframe-name": "Holidays", "timeframe-type": "holiday",
           "timeframe-holiday-array": [entry]})
}

fn range(begin: &str, end: &str, recurrence: Value) -> Value {
    let mut entry = object(json!({
        "timeframe-specific-dates-begin-date": begin.split(' ').next().unwrap(),
        "timeframe-specific-dates-begin-time": begin.split(' ').nth(1).unwrap(),
        "timeframe-specific-dates-end-date": end.split(' ').next().unwrap(),
        "timeframe-specific-dates-end-time": end.split(' ').nth(1).unwrap(),
    }));
    entry.extend(object(recurrence));
    Value::Object(entry)
}

fn dates(entries: Vec<Value>) -> Definition {
    new_frame(
        json!({"timeframe-name": "Dates", "timeframe-type": "specific-dates",
                     "timeframe-specific-dates-array": entries}),
    )
    .definition
}

#[test]
fn the_specs_example_is_read_and_covers_both_whole_days() {
    let frame = new_frame(spec_example());
    assert_eq!(frame.name.as_str(), "specificDatesNoRecurrence");
    let d = &frame.definition;
    assert_eq!(d.kind(), Kind::SpecificDates);
    assert!(!d.active_at(at(2028, 12, 31, 23, 59)));
    assert!(d.active_at(at(2029, 1, 1, 0, 0)));
    assert!(
        d.active_at(at(2029, 1, 2, 23, 59)),
        "2359 is the end of the day"
    );
    assert!(!d.active_at(at(2029, 1, 3, 0, 0)));
    assert_eq!(d.intervals_on(date(2029, 1, 1)), vec![(0, 1440)]);
}

#[test]
fn every_shape_round_trips_through_its_json() {
    let always = json!({"timeframe-name": "Always", "timeframe-type": "always"});
    let custom = {
        let mut body = object(office_hours());
        body.insert("timeframe-type".into(), json!("custom"));
        body.insert("timeframe-name".into(), json!("Mixed"));
        body.insert(
            "timeframe-holiday-array".into(),
            holiday(json!({}))["timeframe-holiday-array"].clone(),
        );
        body.insert(
            "timeframe-specific-dates-array".into(),
            spec_example()["timeframe-specific-dates-array"].clone(),
        );
        Value::Object(body)
    };
    let recurring = json!({"timeframe-name": "Recurring", "timeframe-type": "specific-dates",
    "timeframe-specific-dates-array": [
        range("20260105 0900", "20260105 1000", json!({"timeframe-recurrence-type": "custom",
            "timeframe-recurrence-custom-interval": "months",
            "timeframe-recurrence-custom-interval-count": "2",
            "timeframe-recurrence-custom-interval-option": "monthly-ordinal-weekday",
            "timeframe-recurrence-end-option": "onADate",
            "timeframe-recurrence-end-date": "20271231"})),
        range("20261224 1200", "20261226 2359", json!({"timeframe-recurrence-type": "annual-month-day"})),
    ]});
    let every_other_week = {
        let mut body = object(office_hours());
        let entry = body["timeframe-days-of-week-array"][0]
            .as_object_mut()
            .unwrap();
        entry.insert("timeframe-recurrence-type".into(), json!("custom"));
        entry.insert("timeframe-recurrence-begin-date".into(), json!("20260105"));
        entry.insert(
            "timeframe-recurrence-custom-interval".into(),
            json!("weeks"),
        );
        entry.insert(
            "timeframe-recurrence-custom-interval-count".into(),
            json!(2),
        );
        Value::Object(body)
    };
    let observed = holiday(json!({"timeframe-holiday-begin-time-1": "0800",
        "timeframe-holiday-end-time-1": "1200",
        "timeframe-weekly-saturday-observance-option": "observe-on-prior-workday",
        "timeframe-weekly-sunday-observance-option": "observe-on-next-workday",
        "timeframe-workweek-list": "M,T,W,Th,F,S",
        "timeframe-recurrence-end-option": "onDate", "timeframe-recurrence-end-date": "20301231"}));
    for body in [
        always,
        spec_example(),
        office_hours(),
        custom,
        recurring,
        every_other_week,
        observed,
    ] {
        let frame = new_frame(body.clone());
        let again = new_frame(frame.to_json());
        assert_eq!(again, frame, "{body}");
        // Kept and read back as the database keeps it, the same definition.
        let kept =
            Definition::from_stored(frame.definition.kind().as_str(), &frame.definition.stored())
                .unwrap();
        assert_eq!(kept, frame.definition);
        // Answered as a saved frame and read back, the same frame.
        let saved = TimeFrame {
            id: 7,
            name: frame.name.clone(),
            domain: DomainName::parse("acme.example").unwrap(),
            user: Some("1001".into()),
            definition: frame.definition.clone(),
            created_at: 1_795_392_000_000,
        };
        let shown = saved.to_json();
        assert_eq!(shown["timeframe-id"], "7");
        assert_eq!(shown["user"], "1001");
        assert_eq!(TimeFrame::from_json(&shown).unwrap(), saved);
        // A read sent back as a create is accepted: its read-only members are left alone.
        assert_eq!(new_frame(shown).definition, frame.definition);
    }
}

#[test]
fn a_bad_body_names_every_bad_field_at_once() {
    let mut body = object(office_hours());
    body.insert("colour".into(), json!("red"));
    body.insert("timeframe-name".into(), json!(""));
    {
        let entry = body["timeframe-days-of-week-array"][0]
            .as_object_mut()
            .unwrap();
        entry.insert("timeframe-weekly-monday-end-time-2".into(), json!("1230"));
        entry.insert(
            "timeframe-weekly-tuesday-begin-time-1".into(),
            json!("25:00"),
        );
        entry.insert("timeframe-weekly-friday-end-time-2".into(), json!(""));
        entry.insert("timeframe-weekly-funday-begin-time-1".into(), json!("0900"));
        entry.insert("timeframe-recurrence-end-option".into(), json!("onADate"));
    }
    let named = refused(Value::Object(body));
    let p = "timeframe-days-of-week-array[0]";
    for field in [
        "colour".to_owned(),
        "timeframe-name".to_owned(),
        format!("{p}.timeframe-weekly-monday-end-time-2"),
        format!("{p}.timeframe-weekly-tuesday-begin-time-1"),
        format!("{p}.timeframe-weekly-friday-end-time-2"),
        format!("{p}.timeframe-weekly-funday-begin-time-1"),
        format!("{p}.timeframe-recurrence-end-date"),
    ] {
        assert!(named.contains(&field), "{field} in {named:?}");
    }
    assert!(!named.iter().any(|n| n.contains("wednesday")), "{named:?}");

    let named = refused(json!({"timeframe-type": "weekly",
    "timeframe-specific-dates-array": [
        range("20290230 0000", "20290101 2400", json!({"timeframe-recurrence-type": "fortnightly"})),
        "not an entry",
        range("20290105 1000", "20290105 0900", json!({"timeframe-recurrence-custom-interval": "days"})),
    ]}));
    let p = "timeframe-specific-dates-array";
    for field in [
        "timeframe-name".to_owned(),
        "timeframe-type".to_owned(),
        format!("{p}[0].timeframe-specific-dates-begin-date"),
        format!("{p}[0].timeframe-specific-dates-end-time"),
        format!("{p}[0].timeframe-recurrence-type"),
        format!("{p}[1]"),
        format!("{p}[2].timeframe-specific-dates-end-time"),
        format!("{p}[2].timeframe-recurrence-custom-interval"),
    ] {
        assert!(named.contains(&field), "{field} in {named:?}");
    }
}

#[test]
fn a_kind_holds_only_its_own_entries() {
    let mut body = object(office_hours());
    body.insert("timeframe-type".into(), json!("specific-dates"));
    assert_eq!(
        refused(Value::Object(body)),
        ["timeframe-days-of-week-array"]
    );
    let mut two = object(office_hours());
    let entry = two["timeframe-days-of-week-array"][0].clone();
    two["timeframe-days-of-week-array"]
        .as_array_mut()
        .unwrap()
        .push(entry);
    assert_eq!(
        refused(Value::Object(two)),
        ["timeframe-days-of-week-array"]
    );
    let mut always = object(spec_example());
    always.insert("timeframe-type".into(), json!("always"));
    assert_eq!(
        refused(Value::Object(always)),
        ["timeframe-specific-dates-array"]
    );
    // NetSapiens also spells the days-of-week list without its s.
    let mut alias = object(office_hours());
    let list = alias.remove("timeframe-days-of-week-array").unwrap();
    alias.insert("timeframe-day-of-week-array".into(), list);
    assert_eq!(new_frame(Value::Object(alias)), new_frame(office_hours()));
}

#[test]
fn a_name_is_plain_text_and_never_star() {
    assert_eq!(TimeFrameName::parse("  Lunch ").unwrap().as_str(), "Lunch");
    for bad in ["", "*", "a/b", "line\nbreak", &"x".repeat(65)] {
        assert!(TimeFrameName::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn days_of_week_ranges_begin_inclusive_and_end_exclusive() {
    let d = new_frame(office_hours()).definition;
    // 2026-11-23 is a Monday.
    assert!(!d.active_at(at(2026, 11, 23, 8, 59)));
    assert!(d.active_at(at(2026, 11, 23, 9, 0)));
    assert!(d.active_at(at(2026, 11, 23, 11, 59)));
    assert!(!d.active_at(at(2026, 11, 23, 12, 30)), "lunch");
    assert!(d.active_at(at(2026, 11, 23, 16, 59)));
    assert!(!d.active_at(at(2026, 11, 23, 17, 0)));
    assert!(d.active_at(at(2026, 11, 28, 10, 0)), "Saturday morning");
    assert!(!d.active_at(at(2026, 11, 29, 10, 0)), "Sunday");
    assert_eq!(
        d.intervals_on(date(2026, 11, 23)),
        vec![(540, 720), (780, 1020)]
    );
}

#[test]
fn a_night_is_two_ranges_with_no_gap_at_midnight() {
    let body = json!({"timeframe-name": "Nights", "timeframe-type": "days-of-week",
    "timeframe-days-of-week-array": [{
        "timeframe-weekly-monday-begin-time-1": "2200", "timeframe-weekly-monday-end-time-1": "2359",
        "timeframe-weekly-tuesday-begin-time-1": "0000", "timeframe-weekly-tuesday-end-time-1": "0600",
    }]});
    let d = new_frame(body).definition;
    assert!(d.active_at(at(2026, 11, 23, 23, 59)));
    assert!(d.active_at(at(2026, 11, 24, 0, 0)));
    assert!(!d.active_at(at(2026, 11, 24, 6, 0)));
    // A range that would cross midnight is refused, with how to write it.
    let crossing = json!({"timeframe-name": "Nights", "timeframe-type": "days-of-week",
        "timeframe-days-of-week-array": [{
            "timeframe-weekly-monday-begin-time-1": "2200", "timeframe-weekly-monday-end-time-1": "0600"}]});
    let errors = NewTimeFrame::from_json(&object(crossing)).unwrap_err();
    assert!(errors
        .message_for("timeframe-days-of-week-array[0].timeframe-weekly-monday-end-time-1")
        .unwrap()
        .contains("2359"));
}

#[test]
fn a_custom_week_recurrence_counts_weeks_from_its_begin_date_until_its_end() {
    let mut body = object(office_hours());
    let entry = body["timeframe-days-of-week-array"][0]
        .as_object_mut()
        .unwrap();
    entry.insert("timeframe-recurrence-type".into(), json!("custom"));
    entry.insert("timeframe-recurrence-begin-date".into(), json!("20260105"));
    entry.insert(
        "timeframe-recurrence-custom-interval".into(),
        json!("weeks"),
    );
    entry.insert(
        "timeframe-recurrence-custom-interval-count".into(),
        json!("2"),
    );
    entry.insert("timeframe-recurrence-end-option".into(), json!("onADate"));
    entry.insert("timeframe-recurrence-end-date".into(), json!("20260131"));
    let d = new_frame(Value::Object(body)).definition;
    assert!(!d.active_at(at(2025, 12, 29, 10, 0)), "before it begins");
    assert!(d.active_at(at(2026, 1, 5, 10, 0)));
    assert!(!d.active_at(at(2026, 1, 12, 10, 0)), "the week between");
    assert!(d.active_at(at(2026, 1, 19, 10, 0)));
    assert!(!d.active_at(at(2026, 2, 2, 10, 0)), "after it ends");
    // A custom recurrence needs its begin date.
    let mut body = object(office_hours());
    let entry = body["timeframe-days-of-week-array"][0]
        .as_object_mut()
        .unwrap();
    entry.insert("timeframe-recurrence-type".into(), json!("custom"));
    entry.insert(
        "timeframe-recurrence-custom-interval".into(),
        json!("weeks"),
    );
    entry.insert(
        "timeframe-recurrence-custom-interval-count".into(),
        json!("2"),
    );
    assert_eq!(
        refused(Value::Object(body)),
        ["timeframe-days-of-week-array[0].timeframe-recurrence-begin-date"]
    );
}

#[test]
fn date_ranges_recur_as_their_type_says() {
    let once = |r: &str| json!({"timeframe-recurrence-type": r});
    // Monday 2026-01-19 is the third Monday of January.
    let third_monday = dates(vec![range(
        "20260119 0900",
        "20260119 1000",
        once("monthly-on-ordinal-weekday"),
    )]);
    assert!(third_monday.active_at(at(2026, 2, 16, 9, 30)));
    assert!(!third_monday.active_at(at(2026, 2, 9, 9, 30)));
    assert!(
        !third_monday.active_at(at(2025, 12, 15, 9, 30)),
        "not before it begins"
    );
    let last_day = dates(vec![range(
        "20260131 0000",
        "20260131 2359",
        once("monthly-on-last-day"),
    )]);
    assert!(last_day.active_at(at(2026, 2, 28, 12, 0)));
    assert!(!last_day.active_at(at(2026, 2, 27, 12, 0)));
    let the_31st = dates(vec![range(
        "20260131 0000",
        "20260131 2359",
        once("monthly-date"),
    )]);
    assert!(the_31st.active_at(at(2026, 3, 31, 12, 0)));
    assert!(
        !the_31st
            .intervals_on(date(2026, 2, 28))
            .iter()
            .any(|_| true),
        "February has none"
    );
    // The last Friday of November (2026-11-27), every year.
    let last_friday = dates(vec![range(
        "20261127 0000",
        "20261127 2359",
        once("yearly-last"),
    )]);
    assert!(last_friday.active_at(at(2027, 11, 26, 12, 0)));
    assert!(!last_friday.active_at(at(2027, 11, 19, 12, 0)));
    let first = dates(vec![range(
        "20260907 0000",
        "20260907 2359",
        once("yearly-first"),
    )]);
    assert!(
        first.active_at(at(2027, 9, 6, 8, 0)),
        "the first Monday of September"
    );
    // Christmas Eve noon to Boxing Day, every year: the occurrence spans three days.
    let christmas = dates(vec![range(
        "20261224 1200",
        "20261226 2359",
        once("yearly-on-selected-dates"),
    )]);
    assert!(!christmas.active_at(at(2030, 12, 24, 11, 59)));
    assert!(christmas.active_at(at(2030, 12, 25, 3, 0)));
    assert!(christmas.active_at(at(2030, 12, 26, 23, 59)));
    assert_eq!(
        christmas.intervals_on(date(2030, 12, 24)),
        vec![(720, 1440)]
    );
    // Every 10 days; every 3 weeks; every year on the second Tuesday of the month.
    let custom = |interval: &str, count: &str, option: &str| {
        json!({"timeframe-recurrence-type": "custom", "timeframe-recurrence-custom-interval": interval,
               "timeframe-recurrence-custom-interval-count": count,
               "timeframe-recurrence-custom-interval-option": option})
    };
    let ten_days = dates(vec![range(
        "20260101 0800",
        "20260101 0900",
        custom("days", "10", ""),
    )]);
    assert!(ten_days.active_at(at(2026, 1, 21, 8, 0)));
    assert!(!ten_days.active_at(at(2026, 1, 22, 8, 0)));
    let three_weeks = dates(vec![range(
        "20260105 0800",
        "20260105 0900",
        custom("weeks", "3", ""),
    )]);
    assert!(three_weeks.active_at(at(2026, 1, 26, 8, 0)));
    assert!(!three_weeks.active_at(at(2026, 1, 19, 8, 0)));
    let second_tuesday = dates(vec![range(
        "20260310 0800",
        "20260310 0900",
        custom("years", "", "yearly-ordinal-weekday"),
    )]);
    assert!(second_tuesday.active_at(at(2027, 3, 9, 8, 30)));
    assert!(!second_tuesday.active_at(at(2027, 4, 13, 8, 30)));
    // A recurrence with an end date stops there.
    let mut ending = object(once("monthly-date"));
    ending.insert("timeframe-recurrence-end-option".into(), json!("onADate"));
    ending.insert("timeframe-recurrence-end-date".into(), json!("20260401"));
    let ending = dates(vec![range(
        "20260115 0000",
        "20260115 2359",
        Value::Object(ending),
    )]);
    assert!(ending.active_at(at(2026, 3, 15, 12, 0)));
    assert!(!ending.active_at(at(2026, 4, 15, 12, 0)));
}

#[test]
fn a_recurring_range_is_at_most_a_year_long_and_custom_fields_need_custom() {
    let long = json!({"timeframe-name": "Long", "timeframe-type": "specific-dates",
    "timeframe-specific-dates-array": [
        range("20260101 0000", "20280101 0000", json!({"timeframe-recurrence-type": "monthly-date"})),
        range("20260101 0000", "20280101 0000", json!({})),
        range("20260101 0000", "20260101 0100", json!({"timeframe-recurrence-type": "monthly-date",
            "timeframe-recurrence-custom-interval-count": "3"})),
    ]});
    assert_eq!(
        refused(long),
        [
            "timeframe-specific-dates-array[0].timeframe-specific-dates-end-date",
            "timeframe-specific-dates-array[2].timeframe-recurrence-custom-interval-count"
        ]
    );
}

#[test]
fn a_holiday_is_observed_as_its_weekdays_option_says_in_its_work_week() {
    // 2026-07-04 is a Saturday; 2027-07-04 a Sunday.
    let d = new_frame(holiday(json!({
        "timeframe-weekly-saturday-observance-option": "observe-on-prior-workday",
        "timeframe-weekly-sunday-observance-option": "observe-on-exact-date-and-next-workday",
    })))
    .definition;
    assert!(
        d.active_at(at(2026, 7, 3, 10, 0)),
        "Friday before the Saturday"
    );
    assert!(
        !d.active_at(at(2026, 7, 4, 10, 0)),
        "not the Saturday itself"
    );
    assert!(d.active_at(at(2027, 7, 4, 10, 0)), "the Sunday");
    assert!(d.active_at(at(2027, 7, 5, 10, 0)), "and the Monday after");
    assert!(!d.active_at(at(2027, 7, 6, 10, 0)));
    assert!(
        d.active_at(at(2028, 7, 4, 0, 0)),
        "a Tuesday: the day itself, all day"
    );
    assert!(
        !d.active_at(at(2025, 7, 4, 0, 0)),
        "not before its first year"
    );
    // With times and a work week of Tuesday to Saturday, Monday is no work day.
    let d = new_frame(holiday(json!({
        "timeframe-holiday-begin-date": "20270704",
        "timeframe-holiday-begin-time-1": "0800", "timeframe-holiday-end-time-1": "1200",
        "timeframe-weekly-sunday-observance-option": "observe-on-next-workday",
        "timeframe-workweek-list": "T,W,Th,F,S",
        "timeframe-recurrence-type": "never",
    })))
    .definition;
    assert!(
        d.active_at(at(2027, 7, 6, 9, 0)),
        "Tuesday, the next work day"
    );
    assert!(!d.active_at(at(2027, 7, 6, 13, 0)), "outside its times");
    assert!(!d.active_at(at(2027, 7, 5, 9, 0)));
    assert!(!d.active_at(at(2028, 7, 4, 9, 0)), "it does not recur");
    assert_eq!(
        refused(holiday(json!({"timeframe-workweek-list": "M,T,Xu",
            "timeframe-weekly-monday-observance-option": "observe-sometimes"}))),
        [
            "timeframe-holiday-array[0].timeframe-weekly-monday-observance-option",
            "timeframe-holiday-array[0].timeframe-workweek-list"
        ]
    );
}

fn change(body: Value) -> TimeFrameChange {
    TimeFrameChange::from_json(&object(body)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn with_ids(mut d: Definition) -> Definition {
    let mut n = 0;
    d.assign_ids(|| {
        n += 1;
        EntryId::parse(&format!("e{n}")).unwrap()
    });
    d
}

#[test]
fn a_change_replaces_updates_adds_and_removes_entries_by_id() {
    let two = with_ids(dates(vec![
        range("20290101 0900", "20290101 1000", json!({})),
        range("20290201 0900", "20290201 1000", json!({})),
    ]));
    let ids: Vec<&str> = two
        .specific_dates()
        .iter()
        .map(|e| e.id.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(ids, ["e1", "e2"]);
    // update-only: the entry with its id changes, the other stays.
    let mut moved = object(range("20290301 0900", "20290301 1000", json!({})));
    moved.insert("timeframe-id".into(), json!("e2"));
    let updated = two
        .changed(&change(
            json!({"update-only": "yes", "timeframe-specific-dates-array": [moved]}),
        ))
        .unwrap();
    assert_eq!(updated.specific_dates()[0], two.specific_dates()[0]);
    assert_eq!(updated.specific_dates()[1].begin, date(2029, 3, 1));
    assert_eq!(updated.specific_dates()[1].id, two.specific_dates()[1].id);
    let unknown = two
        .changed(&change(
            json!({"update_only": "yes", "timeframe-specific-dates-array": [
            range("20290301 0900", "20290301 1000", json!({"timeframe-id": "e9"}))]}),
        ))
        .unwrap_err();
    assert_eq!(
        unknown.names(),
        ["timeframe-specific-dates-array[0].timeframe-id"]
    );
    // Without update-only, the lists sent replace every entry.
    let replaced = two
        .changed(&change(json!({"timeframe-specific-dates-array": [
            range("20290401 0900", "20290401 1000", json!({}))]})))
        .unwrap();
    assert_eq!(replaced.specific_dates().len(), 1);
    assert_eq!(
        replaced.specific_dates()[0].id,
        None,
        "a new entry: its id is made on save"
    );
    // Entries are added, and removed by id.
    let added = two
        .changed(&TimeFrameChange::edit(Edit::Add(
            Entries::from_json(&object(json!({"timeframe-specific-dates-array": [
                range("20290501 0900", "20290501 1000", json!({}))]})))
            .unwrap(),
        )))
        .unwrap();
    assert_eq!(added.specific_dates().len(), 3);
    let removal = TimeFrameChange::removal_from_json(&object(json!({"child_id": "e1"}))).unwrap();
    assert_eq!(two.changed(&removal).unwrap().specific_dates().len(), 1);
    let missing = TimeFrameChange::removal_from_json(&object(json!({"child_id": "e9"}))).unwrap();
    assert_eq!(two.changed(&missing).unwrap_err().names(), ["child_id"]);
    assert_eq!(
        TimeFrameChange::removal_from_json(&object(json!({"child": 1})))
            .unwrap_err()
            .names(),
        ["child", "child_id"]
    );
    // A holiday cannot be added to a specific-dates frame.
    let wrong = two
        .changed(&TimeFrameChange::edit(Edit::Add(
            Entries::from_json(
                &object(holiday(json!({})))
                    .into_iter()
                    .filter(|(k, _)| k.ends_with("-array"))
                    .collect(),
            )
            .unwrap(),
        )))
        .unwrap_err();
    assert_eq!(wrong.names(), ["timeframe-holiday-array"]);
}

#[test]
fn conversions_follow_netsapiens_and_a_custom_frame_stays_custom() {
    let week = with_ids(new_frame(office_hours()).definition);
    let custom = week
        .changed(&change(json!({"timeframe-type": "custom"})))
        .unwrap();
    assert_eq!(custom.kind(), Kind::Custom);
    assert_eq!(custom.days_of_week(), week.days_of_week(), "entries kept");
    let back = custom
        .changed(&change(json!({"type": "days-of-week"})))
        .unwrap_err();
    assert_eq!(back.names(), ["type"]);
    let dates = week
        .changed(&change(json!({"timeframe-type": "specific-dates"})))
        .unwrap();
    assert_eq!(dates.kind(), Kind::SpecificDates);
    assert!(
        dates.days_of_week().is_empty(),
        "entries of another kind are lost"
    );
    // Converted to days of the week, it has no entry yet: an update without an id is its one.
    let emptied = dates
        .changed(&change(json!({"timeframe-type": "days-of-week"})))
        .unwrap();
    assert!(emptied.days_of_week().is_empty());
    let filled = emptied
        .changed(&change(json!({"update-only": "yes",
            "timeframe-days-of-week-array": office_hours()["timeframe-days-of-week-array"]})))
        .unwrap();
    assert_eq!(filled.days_of_week().len(), 1);
    let from_always = Definition::always()
        .changed(&change(json!({"timeframe-type": "custom"})))
        .unwrap();
    assert_eq!(from_always.kind(), Kind::Custom);
    // A conversion with the new kind's entries is one change.
    let converted = week
        .changed(&change(json!({"timeframe-type": "specific-dates",
            "timeframe-specific-dates-array": spec_example()["timeframe-specific-dates-array"]})))
        .unwrap();
    assert_eq!(converted.specific_dates().len(), 1);
    // A rename alone leaves the definition as it is.
    let renamed = change(json!({"timeframe-name": "After hours"}));
    assert_eq!(renamed.name.as_ref().unwrap().as_str(), "After hours");
    assert_eq!(renamed.edit, Edit::Keep);
    assert_eq!(week.changed(&renamed).unwrap(), week);
    assert_eq!(
        TimeFrameChange::from_json(&object(
            json!({"timeframe-name": "After hours", "colour": 1,
            "type": "custom", "timeframe-type": "custom"})
        ))
        .unwrap_err()
        .names(),
        ["colour", "type"]
    );
}

#[test]
fn ids_are_made_for_new_entries_and_a_repeated_one_is_replaced() {
    let mut d = dates(vec![
        range(
            "20290101 0900",
            "20290101 1000",
            json!({"timeframe-id": "same"}),
        ),
        range(
            "20290102 0900",
            "20290102 1000",
            json!({"timeframe-id": "same"}),
        ),
        range("20290103 0900", "20290103 1000", json!({})),
    ]);
    let mut n = 0;
    d.assign_ids(|| {
        n += 1;
        EntryId::parse(&format!("new{n}")).unwrap()
    });
    let ids: Vec<&str> = d
        .specific_dates()
        .iter()
        .map(|e| e.id.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(ids, ["same", "new1", "new2"]);
}

/// Random valid frames of every kind, as bodies.
fn any_range() -> impl Strategy<Value = (u16, u16)> {
    (0u16..1439).prop_flat_map(|begin| (Just(begin), (begin + 1)..=1440))
}

fn range_members(prefix: &str, range: Option<(u16, u16)>) -> Vec<(String, Value)> {
    let (b, e) = match range {
        Some((b, e)) => (hhmm(b), hhmm(e)),
        None => (String::new(), String::new()),
    };
    vec![
        (format!("{prefix}begin-time"), json!(b)),
        (format!("{prefix}end-time"), json!(e)),
    ]
}

fn any_week() -> impl Strategy<Value = Value> {
    proptest::collection::vec(proptest::option::of(any_range()), 14).prop_map(|ranges| {
        let mut entry = Map::new();
        for (i, r) in ranges.into_iter().enumerate() {
            let day = Weekday::ALL[i / 2].name();
            let n = i % 2 + 1;
            // 2359 as an end reads as the end of the day: keep ends below it or at 1440.
            let r = r.map(|(b, e)| (b, if e == 1439 { 1440 } else { e }));
            for (k, v) in range_members(&format!("timeframe-weekly-{day}-"), r) {
                entry.insert(format!("{k}-{n}"), v);
            }
        }
        Value::Object(entry)
    })
}

fn any_dates() -> impl Strategy<Value = Value> {
    let recurrence = prop_oneof![
        Just(json!({})),
        Just(json!({"timeframe-recurrence-type": "monthly-date"})),
        Just(json!({"timeframe-recurrence-type": "monthly-on-first-last"})),
        Just(json!({"timeframe-recurrence-type": "yearly-last"})),
        (1u32..20).prop_map(|n| json!({"timeframe-recurrence-type": "custom",
            "timeframe-recurrence-custom-interval": "days",
            "timeframe-recurrence-custom-interval-count": n.to_string()})),
    ];
    (0i64..3000, 0i64..40, 0u16..1440, 1u16..1440, recurrence).prop_map(
        |(start, span, begin, end, recurrence)| {
            let first = CivilDate::new(2025, 1, 1).unwrap().add_days(start).unwrap();
            let last = first.add_days(span).unwrap();
            let end = if span == 0 && end <= begin {
                begin + 1
            } else {
                end
            };
            let end_text = if end >= 1439 {
                "2359".to_owned()
            } else {
                hhmm(end)
            };
            range(
                &format!("{} {}", first.compact(), hhmm(begin)),
                &format!("{} {}", last.compact(), end_text),
                recurrence,
            )
        },
    )
}

fn any_frame() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"timeframe-name": "A", "timeframe-type": "always"})),
        any_week().prop_map(
            |w| json!({"timeframe-name": "W", "timeframe-type": "days-of-week",
                                       "timeframe-days-of-week-array": [w]})
        ),
        proptest::collection::vec(any_dates(), 1..4).prop_map(|d| json!({
            "timeframe-name": "D", "timeframe-type": "specific-dates",
            "timeframe-specific-dates-array": d})),
        (any_week(), any_dates()).prop_map(|(w, d)| json!({
            "timeframe-name": "C", "timeframe-type": "custom",
            "timeframe-days-of-week-array": [w], "timeframe-specific-dates-array": [d],
            "timeframe-holiday-array": holiday(json!({}))["timeframe-holiday-array"]})),
    ]
}

proptest! {
    #[test]
    fn any_frame_round_trips_and_its_day_is_sorted_disjoint_ranges(
        body in any_frame(), day in 0i64..4000, minute in 0u32..1440,
    ) {
        let frame = new_frame(body);
        prop_assert_eq!(&new_frame(frame.to_json()), &frame);
        let date = CivilDate::new(2025, 1, 1).unwrap().add_days(day).unwrap();
        let ranges = frame.definition.intervals_on(date);
        for pair in ranges.windows(2) {
            prop_assert!(pair[0].1 < pair[1].0, "{:?}", ranges);
        }
        for &(b, e) in &ranges {
            prop_assert!(b < e && e <= MINUTES_PER_DAY);
        }
        let local = CivilDateTime::new(date, minute / 60, minute % 60, 30).unwrap();
        let inside = ranges.iter().any(|&(b, e)| u32::from(b) <= minute && minute < u32::from(e));
        prop_assert_eq!(frame.definition.active_at(local), inside);
    }

    #[test]
    fn whatever_json_is_sent_the_parser_answers_without_panicking(raw in "\\PC{0,300}") {
        if let Ok(Value::Object(body)) = serde_json::from_str::<Value>(&raw) {
            let _ = NewTimeFrame::from_json(&body);
            let _ = TimeFrameChange::from_json(&body);
        }
    }
}
