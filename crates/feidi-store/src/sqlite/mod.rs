//! Every way feidi writes to a SQLite file, in one place. SQLite admits one writer at a time,
//! and each path here waits for the write lock its own way; none other exists.
//!
//! | path | what writes through it | bypasses | kept honest by |
//! |---|---|---|---|
//! | `writer` (group commit) | every request's write and every command's small one, through `Store::in_write_tx`: jobs arriving together share one transaction, each in a savepoint, answered after the commit; it waits up to `LOCK_WAIT` for another process's lock, then answers `StoreError::Busy` (503) | nothing: triggers and foreign keys on | `hardening::sqlite_logins_wait_for_another_process_s_write_lock`, `registry::a_write_waits_for_another_servers_write` |
//! | `WritePool::begin` | the migrations, at start-up, in one transaction | nothing | `registry::migrations_run_twice_harmlessly` |
//! | `sweep` | the appeals' handovers and escalations (`feidi sweep`, a server's sweep), on a rusqlite connection of its own (`direct`), in short transactions paced for other writers | triggers and foreign keys: the appeals' totals and data version are added by hand once a transaction | `sweep::the_only_triggers_the_sweep_writes_meet_are_the_two_it_does_itself` |
//! | `import` | an import's reports, their totals, the import's record and audit entry, in one transaction on a connection of its own | triggers and foreign keys: the totals and data version by hand, every project looked up | `registry::a_failed_import_is_taken_back_whole`, `cli::a_killed_import_leaves_nothing_and_can_be_run_again` |
//! | `direct::Checkpointer` | no rows: copies the log back into the file beside the sweep | — | — |
//!
//! The writer's pool is a type only `writer` can run statements on (`WritePool`), so a write
//! elsewhere in the store cannot take it by mistake. A backup (`backup.rs`) writes only its
//! own new file, from a read-only connection.

pub(crate) mod direct;
pub(crate) mod import;
pub(crate) mod sweep;
pub(crate) mod writer;

use std::time::Duration;

use sqlx::Executor;
use sqlx::any::AnyPoolOptions;

/// How long a writer waits for the database's write lock before giving up.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Whether an error is SQLite's "database is locked" (SQLITE_BUSY and its extended codes).
pub(crate) fn is_busy(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| c & 0xff == 5)
            || d.message().contains("database is locked")
    })
}

/// `BEGIN IMMEDIATE` on SQLite, waiting for another process's write lock by polling every
/// millisecond. SQLite's own busy handler sleeps longer and longer (up to 100 ms a try), so a
/// server's write waiting on `feidi sweep` in another process would miss the short gaps the
/// sweep leaves between its transactions and wait for hundreds of milliseconds.
pub(crate) async fn begin_immediate(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    let started = std::time::Instant::now();
    loop {
        let begun = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await;
        if !wait_if_locked(&begun, started).await {
            return begun.map(|_| ());
        }
    }
}

/// After an attempt to take the write lock (first made at `started`): when another connection
/// held it and `LOCK_WAIT` has not passed, waits a millisecond and answers that the caller
/// should try again (see [`begin_immediate`] for why a millisecond).
pub(crate) async fn wait_if_locked<T>(attempt: &Result<T, sqlx::Error>, started: std::time::Instant) -> bool {
    let again = attempt
        .as_ref()
        .is_err_and(|e| is_busy(e) && started.elapsed() < LOCK_WAIT);
    if again {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    again
}

pub(crate) fn sqlite_pool(max: u32, busy_timeout_ms: u64) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(30))
        // A connection to a local file does not go stale; pinging it before every use would be
        // one more trip to its worker thread per query.
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // Durability is never traded for speed: WAL with a full sync at every commit.
                // A log that a bulk command let grow is cut back to 64 MB when it next starts
                // over (`sqlite::import`).
                conn.execute(
                    format!(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = {busy_timeout_ms}; PRAGMA journal_size_limit = 67108864;"
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
}
