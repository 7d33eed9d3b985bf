//! Wall-clock dates and times with no time zone: what a time frame is written in and what it is
//! evaluated against. The proleptic Gregorian calendar, years 1 to 9999, worked out by hand (the
//! model compiles to WebAssembly and carries no calendar or time zone library).

use crate::model::Invalid;
use std::fmt;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Monday first, as [`Weekday::index`] counts.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday to 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name in NetSapiens' field names (`timeframe-weekly-monday-begin-time-1`).
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// Its letters in NetSapiens' work week lists (`M,T,W,Th,F,S,Su`).
    pub fn letters(self) -> &'static str {
        match self {
            Weekday::Monday => "M",
            Weekday::Tuesday => "T",
            Weekday::Wednesday => "W",
            Weekday::Thursday => "Th",
            Weekday::Friday => "F",
            Weekday::Saturday => "S",
            Weekday::Sunday => "Su",
        }
    }
}

/// A calendar date (year 1 to 9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CivilDate {
    year: i32,
    month: u32,
    day: u32,
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// How many days `month` (1 to 12) of `year` has.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MIN_DAYS: i64 = -719_162; // 0001-01-01
const MAX_DAYS: i64 = 2_932_896; // 9999-12-31

impl CivilDate {
    /// The date, if there is one with these numbers between the years 1 and 9999.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Self { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(self.month) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if it is between the years 1 and 9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return None;
        }
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self::new(year, month, day)
    }

    /// The date `days` later (earlier when negative), if there is one.
    pub fn add_days(self, days: i64) -> Option<Self> {
        Self::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// Days from `earlier` to this date (negative when `earlier` is later).
    pub fn days_after(self, earlier: CivilDate) -> i64 {
        self.days_since_epoch() - earlier.days_since_epoch()
    }

    /// Months from `earlier`'s month to this date's.
    pub fn months_after(self, earlier: CivilDate) -> i64 {
        (i64::from(self.year) * 12 + i64::from(self.month))
            - (i64::from(earlier.year) * 12 + i64::from(earlier.month))
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(self.days_since_epoch() + 3).rem_euclid(7) as usize]
    }

    /// Which of its month's days of its weekday it is: 1 for the first Friday, 3 for the third.
    pub fn weekday_ordinal(self) -> u32 {
        (self.day - 1) / 7 + 1
    }

    /// Whether it is the last of its weekday in its month.
    pub fn is_last_weekday_of_month(self) -> bool {
        self.day + 7 > days_in_month(self.year, self.month)
    }

    pub fn is_last_day_of_month(self) -> bool {
        self.day == days_in_month(self.year, self.month)
    }

    /// `YYYYMMDD`, NetSapiens' spelling.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// A date written `YYYYMMDD` (NetSapiens' spelling) or `YYYY-MM-DD`.
    pub fn parse_compact(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        let digits: String = if text.len() == 10 && text.as_bytes()[4] == b'-' {
            text.replace('-', "")
        } else {
            text.to_owned()
        };
        let bad = || Invalid::new(format!("“{text}” is not a date written YYYYMMDD."));
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = digits[..4].parse().map_err(|_| bad())?;
        let month: u32 = digits[4..6].parse().map_err(|_| bad())?;
        let day: u32 = digits[6..].parse().map_err(|_| bad())?;
        Self::new(year, month, day)
            .ok_or_else(|| Invalid::new(format!("{text} is not a day of the calendar.")))
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Minutes in a day: a time of day is `0..MINUTES_PER_DAY`, the end of a range up to it.
pub const MINUTES_PER_DAY: u16 = 1440;

/// A wall-clock date and time, to the second, with no time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CivilDateTime {
    pub date: CivilDate,
    hour: u8,
    minute: u8,
    second: u8,
}

impl CivilDateTime {
    /// The time, if `hour`, `minute` and `second` are those of a clock (no leap second).
    pub fn new(date: CivilDate, hour: u32, minute: u32, second: u32) -> Option<Self> {
        (hour < 24 && minute < 60 && second < 60).then_some(Self {
            date,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
        })
    }

    /// The time at `seconds` after 1970-01-01 00:00:00 on this wall clock.
    pub fn from_epoch_seconds(seconds: i64) -> Option<Self> {
        let date = CivilDate::from_days_since_epoch(seconds.div_euclid(86_400))?;
        let rest = seconds.rem_euclid(86_400) as u32;
        Self::new(date, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    /// Seconds from 1970-01-01 00:00:00 on this wall clock.
    pub fn epoch_seconds(self) -> i64 {
        self.date.days_since_epoch() * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// Minutes since the day's midnight.
    pub fn minute_of_day(self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }
}

impl fmt::Display for CivilDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}T{:02}:{:02}:{:02}",
            self.date, self.hour, self.minute, self.second
        )
    }
}

/// A time of day written `hhmm` (NetSapiens' spelling) or `hh:mm`, 24-hour, as minutes since
/// midnight (0 to 1439).
pub fn parse_hhmm(raw: &str) -> Result<u16, Invalid> {
    let text = raw.trim();
    let digits = if text.len() == 5 && text.as_bytes()[2] == b':' {
        text.replace(':', "")
    } else {
        text.to_owned()
    };
    let bad = || {
        Invalid::new(format!(
            "“{text}” is not a time written hhmm (0000 to 2359)."
        ))
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let hour: u16 = digits[..2].parse().map_err(|_| bad())?;
    let minute: u16 = digits[2..].parse().map_err(|_| bad())?;
    if hour > 23 || minute > 59 {
        return Err(bad());
    }
    Ok(hour * 60 + minute)
}

/// A time of day (minutes since midnight) as `hhmm`; the end of the day (1440) as `2359`.
pub fn hhmm(minutes: u16) -> String {
    let m = minutes.min(MINUTES_PER_DAY - 1);
    format!("{:02}{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn dates_count_days_from_1970_and_know_their_weekday() {
        let d = CivilDate::new(1970, 1, 1).unwrap();
        assert_eq!(d.days_since_epoch(), 0);
        assert_eq!(d.weekday(), Weekday::Thursday);
        let d = CivilDate::new(2026, 3, 8).unwrap();
        assert_eq!(d.weekday(), Weekday::Sunday);
        assert_eq!(
            CivilDate::new(2024, 2, 29).unwrap().add_days(1),
            CivilDate::new(2024, 3, 1)
        );
        assert_eq!(CivilDate::new(2023, 2, 29), None);
        assert_eq!(
            CivilDate::new(1, 1, 1).unwrap().days_since_epoch(),
            MIN_DAYS
        );
        assert_eq!(
            CivilDate::new(9999, 12, 31).unwrap().days_since_epoch(),
            MAX_DAYS
        );
        assert_eq!(CivilDate::from_days_since_epoch(MAX_DAYS + 1), None);
    }

    #[test]
    fn ordinals_and_last_days_are_those_of_the_month() {
        let third_friday = CivilDate::new(2026, 11, 20).unwrap();
        assert_eq!(third_friday.weekday(), Weekday::Friday);
        assert_eq!(third_friday.weekday_ordinal(), 3);
        assert!(!third_friday.is_last_weekday_of_month());
        assert!(CivilDate::new(2026, 11, 27)
            .unwrap()
            .is_last_weekday_of_month());
        assert!(CivilDate::new(2026, 2, 28).unwrap().is_last_day_of_month());
        assert!(!CivilDate::new(2028, 2, 28).unwrap().is_last_day_of_month());
    }

    #[test]
    fn dates_and_times_are_read_as_netsapiens_writes_them() {
        assert_eq!(
            CivilDate::parse_compact("20290101").unwrap(),
            CivilDate::new(2029, 1, 1).unwrap()
        );
        assert_eq!(
            CivilDate::parse_compact("2029-01-01").unwrap().compact(),
            "20290101"
        );
        assert!(CivilDate::parse_compact("20290230").is_err());
        assert!(CivilDate::parse_compact("2029011").is_err());
        assert!(CivilDate::parse_compact("").is_err());
        assert_eq!(parse_hhmm("0000").unwrap(), 0);
        assert_eq!(parse_hhmm("2359").unwrap(), 1439);
        assert_eq!(parse_hhmm("09:30").unwrap(), 570);
        assert!(parse_hhmm("2400").is_err());
        assert!(parse_hhmm("0960").is_err());
        assert!(parse_hhmm("930").is_err());
        assert_eq!(hhmm(570), "0930");
        assert_eq!(hhmm(MINUTES_PER_DAY), "2359");
    }

    proptest! {
        #[test]
        fn a_day_number_and_its_date_are_one_another(days in MIN_DAYS..=MAX_DAYS) {
            let date = CivilDate::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(CivilDate::parse_compact(&date.compact()).unwrap(), date);
            let next = date.add_days(1);
            if let Some(next) = next {
                prop_assert_eq!(next.weekday().index(), (date.weekday().index() + 1) % 7);
            }
        }

        #[test]
        fn a_wall_clock_time_and_its_seconds_are_one_another(seconds in -62_000_000_000i64..250_000_000_000) {
            if let Some(time) = CivilDateTime::from_epoch_seconds(seconds) {
                prop_assert_eq!(time.epoch_seconds(), seconds);
            }
        }
    }
}
