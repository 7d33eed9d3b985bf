//! What this process knows of changes to the database, for whatever keeps copies of what it read.
//!
//! A [`Changes`] is a generation number: anything read at generation `g` is current while the
//! generation is still `g`. This process moves it on when each of its writes begins
//! ([`super::Db::begin`]) and when each HTTP request that is not a read has ended (the server's
//! `note_writes` layer), after its commit; on Postgres, where several Roster servers may share the database, a
//! listener moves it on when any server commits (the tables' triggers `NOTIFY roster_changes`,
//! migration `..0005_changes`). While that listener is not connected, changes made elsewhere could
//! go unseen, so [`Changes::generation`] answers `None` and nothing should be kept.
//! A SQLite file belongs to one Roster process: its own writes are all there is to see.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The channel the Postgres triggers notify on.
pub const CHANNEL: &str = "roster_changes";

#[derive(Debug)]
pub struct Changes {
    generation: AtomicU64,
    /// Whether every change, here or on another server, moves the generation on.
    watching: AtomicBool,
}

impl Changes {
    /// Changes for a database only this process writes to.
    pub fn local() -> Self {
        Self {
            generation: AtomicU64::new(0),
            watching: AtomicBool::new(true),
        }
    }

    /// Changes for a shared database, not yet watched: see [`watch_postgres`].
    pub fn shared() -> Self {
        Self {
            generation: AtomicU64::new(0),
            watching: AtomicBool::new(false),
        }
    }

    /// The current generation, or `None` while changes could go unseen.
    pub fn generation(&self) -> Option<u64> {
        let generation = self.generation.load(Ordering::Acquire);
        self.watching.load(Ordering::Acquire).then_some(generation)
    }

    /// Something was written: whatever was read before is no longer known to be current.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn set_watching(&self, watching: bool) {
        // Moving on first means nothing read while unwatched can match a later generation.
        self.changed();
        self.watching.store(watching, Ordering::Release);
    }
}

/// Follows `NOTIFY roster_changes` on the Postgres database at `url` for as long as the task runs,
/// moving `changes` on at each one. Lost connections are made again; until then nothing is kept.
/// Returns once the first `LISTEN` has been answered (or has failed), the watch running on.
pub async fn watch_postgres(url: String, changes: Arc<Changes>) -> tokio::task::AbortHandle {
    let first = listen(&url).await;
    tokio::spawn(follow(url, changes, first)).abort_handle()
}

async fn listen(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn follow(
    url: String,
    changes: Arc<Changes>,
    mut next: Result<sqlx::postgres::PgListener, sqlx::Error>,
) {
    loop {
        match next {
            Ok(mut listener) => {
                changes.set_watching(true);
                // `try_recv` answers `None` when the connection was lost (notifications may have
                // been missed); start again with a fresh connection either way.
                while let Ok(Some(_)) = listener.try_recv().await {
                    changes.changed();
                }
                changes.set_watching(false);
                tracing::warn!("lost the database's change notifications; reconnecting");
            }
            Err(err) => {
                changes.set_watching(false);
                tracing::warn!(error = %err, "cannot listen for the database's changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        next = listen(&url).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_moves_the_generation_on() {
        let changes = Changes::local();
        let before = changes.generation().unwrap();
        changes.changed();
        assert_ne!(changes.generation(), Some(before));
    }

    #[test]
    fn an_unwatched_shared_database_has_no_generation_and_watching_again_moves_it_on() {
        let changes = Changes::shared();
        assert_eq!(changes.generation(), None);
        changes.set_watching(true);
        let watched = changes.generation().unwrap();
        changes.set_watching(false);
        assert_eq!(changes.generation(), None);
        changes.set_watching(true);
        assert_ne!(changes.generation(), Some(watched));
    }
}
