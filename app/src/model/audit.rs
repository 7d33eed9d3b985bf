//! The audit log as the portal shows it, and how it is searched.

use serde::{Deserialize, Serialize};

/// One change to one field: what it was and what it became (a secret shows as `***`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// The login of who did it (`system` for Roster itself).
    pub actor: String,
    /// The client's IP address, empty when unknown.
    pub address: String,
    pub domain: Option<String>,
    /// What was done, e.g. `user.create`, `domain.update`, `account.password`.
    pub action: String,
    /// What it was done to, e.g. an extension or a domain name.
    pub target: String,
    pub changes: Vec<Change>,
}

/// How many changes an entry's one-line summary spells out with their values; more are counted.
const SPELLED_OUT: usize = 3;
/// How many characters of a value a summary shows.
const SUMMARY_VALUE_CHARS: usize = 60;
/// How many field names a summary of many changes names.
const SUMMARY_NAMES: usize = 8;

impl AuditEntry {
    /// The entry's changes in one line, for the log's folded view: up to [`SPELLED_OUT`] changes
    /// with their values (`reason: wrong password`, `status-message: In → Out`), more as a
    /// count and their names (`45 fields set: user, name-first-name, …`). Empty when there are
    /// none.
    pub fn summary(&self) -> String {
        let changes = &self.changes;
        if changes.len() <= SPELLED_OUT {
            return changes
                .iter()
                .map(|c| match (c.before.is_empty(), c.after.is_empty()) {
                    (true, _) => format!("{}: {}", c.field, cut(&c.after)),
                    (false, true) => format!("{}: {} → (none)", c.field, cut(&c.before)),
                    (false, false) => {
                        format!("{}: {} → {}", c.field, cut(&c.before), cut(&c.after))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
        }
        let how = if changes.iter().all(|c| c.before.is_empty()) {
            "set"
        } else if changes.iter().all(|c| c.after.is_empty()) {
            "cleared"
        } else {
            "changed"
        };
        let mut names: Vec<&str> = changes
            .iter()
            .take(SUMMARY_NAMES)
            .map(|c| c.field.as_str())
            .collect();
        if changes.len() > SUMMARY_NAMES {
            names.push("…");
        }
        format!(
            "{} {how}: {}",
            crate::model::counted(changes.len() as i64, "field", "fields"),
            names.join(", ")
        )
    }
}

/// A value cut to [`SUMMARY_VALUE_CHARS`], marked `…` where it was cut.
fn cut(value: &str) -> String {
    if value.chars().count() <= SUMMARY_VALUE_CHARS {
        value.to_owned()
    } else {
        let mut short: String = value.chars().take(SUMMARY_VALUE_CHARS - 1).collect();
        short.push('…');
        short
    }
}

/// What to look for in the audit log. Every filter is optional; blank matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// A domain name (exact).
    pub domain: String,
    /// A login or extension: matches who did it and what it was done to.
    pub user: String,
    /// An action, or the start of one (`user.` for every user action).
    pub action: String,
    /// The first day (YYYY-MM-DD, UTC) to include.
    pub from: String,
    /// The last day (YYYY-MM-DD, UTC) to include.
    pub to: String,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Whether older entries match too.
    pub more: bool,
}

/// How many entries a page of the audit log holds.
pub const AUDIT_PAGE: usize = 100;

/// The Unix-millisecond start of a `YYYY-MM-DD` day (UTC), or `None` if it is not a date.
pub fn day_start_ms(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400_000)
}

/// A Unix-millisecond instant as RFC 3339 in UTC, to the second (`2026-11-23T14:05:09Z`).
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // The civil date of a day number (Howard Hinnant's algorithm, the inverse of the one above).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_utc_midnight() {
        assert_eq!(day_start_ms("1970-01-01"), Some(0));
        assert_eq!(day_start_ms("2026-11-23"), Some(1_795_392_000_000));
        assert_eq!(day_start_ms("2024-02-29"), Some(1_709_164_800_000));
    }

    #[test]
    fn instants_print_as_rfc3339_and_days_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(1_795_392_000_000 + 3_723_000),
            "2026-11-23T01:02:03Z"
        );
        for date in ["2024-02-29", "2000-03-01", "1999-12-31", "2100-02-28"] {
            let ms = day_start_ms(date).unwrap();
            assert_eq!(rfc3339(ms), format!("{date}T00:00:00Z"));
        }
    }

    fn entry(changes: &[(&str, &str, &str)]) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: 0,
            actor: "admin".into(),
            address: String::new(),
            domain: None,
            action: "user.update".into(),
            target: "101".into(),
            changes: changes
                .iter()
                .map(|(field, before, after)| Change {
                    field: (*field).into(),
                    before: (*before).into(),
                    after: (*after).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_few_changes_are_summed_up_with_their_values() {
        assert_eq!(entry(&[]).summary(), "");
        let failed = entry(&[("failures", "", "3"), ("reason", "", "wrong password")]);
        assert_eq!(failed.summary(), "failures: 3; reason: wrong password");
        let edit = entry(&[
            ("status-message", "In", "Out"),
            ("email", "a@b.example", ""),
        ]);
        assert_eq!(
            edit.summary(),
            "status-message: In → Out; email: a@b.example → (none)"
        );
        let users: Vec<String> = (101..=130).map(|n| n.to_string()).collect();
        let import = entry(&[("users", "", &users.join(", "))]);
        let summary = import.summary();
        assert!(summary.starts_with("users: 101, 102, "), "{summary}");
        assert!(
            summary.ends_with('…') && summary.chars().count() == 7 + 60,
            "{summary}"
        );
    }

    #[test]
    fn many_changes_are_counted_and_named() {
        let fields: Vec<String> = (0..12).map(|n| format!("f{n}")).collect();
        let created: Vec<(&str, &str, &str)> =
            fields.iter().map(|f| (f.as_str(), "", "x")).collect();
        assert_eq!(
            entry(&created).summary(),
            "12 fields set: f0, f1, f2, f3, f4, f5, f6, f7, …"
        );
        let deleted: Vec<(&str, &str, &str)> =
            fields[..4].iter().map(|f| (f.as_str(), "x", "")).collect();
        assert_eq!(
            entry(&deleted).summary(),
            "4 fields cleared: f0, f1, f2, f3"
        );
        let mixed = [
            ("a", "", "1"),
            ("b", "2", ""),
            ("c", "3", "4"),
            ("d", "", "5"),
        ];
        assert_eq!(entry(&mixed).summary(), "4 fields changed: a, b, c, d");
    }

    #[test]
    fn what_is_not_a_date_is_none() {
        for bad in ["", "2026-13-01", "2025-02-29", "yesterday", "2026-11"] {
            assert_eq!(day_start_ms(bad), None, "{bad}");
        }
    }
}
