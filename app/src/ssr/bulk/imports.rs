//! The portal's imports in progress, and their reports.

use crate::model::bulk::{ImportProgress, ImportReport, ImportStage};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Imports run from the portal, kept in this process's memory for a while: how far each has got
/// (the page polls it while the import runs) and its report (shown by the page the import
/// redirects to). Keyed by the account that ran it, so nobody reads another's.
#[derive(Clone, Default)]
pub struct Imports(Arc<Mutex<Tracking>>);

#[derive(Default)]
struct Tracking {
    /// Counts touches, to tell the oldest import of an account.
    touches: u64,
    imports: HashMap<(i64, String), Tracked>,
}

struct Tracked {
    progress: Option<ImportProgress>,
    report: Option<ImportReport>,
    touched: Instant,
    touch: u64,
}

/// How long an import's progress and report are kept after it was last touched.
const KEEP_FOR: Duration = Duration::from_secs(3600);
/// The most imports kept per account (the least recently touched goes first).
pub(super) const KEEP_PER_ACCOUNT: usize = 8;

impl Imports {
    /// A fresh import id: 128 random bits in hex.
    pub fn new_id() -> String {
        crate::ssr::random_hex(16)
    }

    /// Whether `id` could be an import id (what [`Imports::new_id`] makes).
    pub fn is_id(id: &str) -> bool {
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
    }

    fn update(&self, account: i64, id: &str, change: impl FnOnce(&mut Tracked)) {
        let Ok(mut tracking) = self.0.lock() else {
            return;
        };
        let now = Instant::now();
        tracking.touches += 1;
        let touch = tracking.touches;
        let all = &mut tracking.imports;
        all.retain(|_, t| now.duration_since(t.touched) < KEEP_FOR);
        let tracked = all.entry((account, id.to_owned())).or_insert(Tracked {
            progress: None,
            report: None,
            touched: now,
            touch,
        });
        tracked.touched = now;
        tracked.touch = touch;
        change(tracked);
        let mut mine: Vec<(u64, String)> = all
            .iter()
            .filter(|((a, _), _)| *a == account)
            .map(|((_, id), t)| (t.touch, id.clone()))
            .collect();
        if mine.len() > KEEP_PER_ACCOUNT {
            mine.sort();
            for (_, old) in mine.iter().take(mine.len() - KEEP_PER_ACCOUNT) {
                all.remove(&(account, old.clone()));
            }
        }
    }

    /// Records how far the import `id` of `account` has got.
    pub fn set_progress(&self, account: i64, id: &str, progress: ImportProgress) {
        self.update(account, id, |t| t.progress = Some(progress));
    }

    /// Records the report of the import `id` of `account`.
    pub fn set_report(&self, account: i64, id: &str, report: ImportReport) {
        self.update(account, id, |t| {
            t.progress = Some(ImportProgress {
                stage: ImportStage::Done,
                done: report.rows,
                total: report.rows,
            });
            t.report = Some(report);
        });
    }

    /// How far the import `id` of `account` has got, if it is known.
    pub fn progress(&self, account: i64, id: &str) -> Option<ImportProgress> {
        let tracking = self.0.lock().ok()?;
        tracking
            .imports
            .get(&(account, id.to_owned()))
            .and_then(|t| t.progress)
    }

    /// The report of the import `id` of `account`, once it has one.
    pub fn report(&self, account: i64, id: &str) -> Option<ImportReport> {
        let tracking = self.0.lock().ok()?;
        tracking
            .imports
            .get(&(account, id.to_owned()))
            .and_then(|t| t.report.clone())
    }
}
