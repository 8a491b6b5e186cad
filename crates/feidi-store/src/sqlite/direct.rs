//! SQLite connections of feidi's own, beside sqlx's pools, for bulk work that runs many small
//! statements one after another: the sweep (`sqlite::sweep`) and an import's publishing
//! (`sqlite::import`).
//!
//! Through sqlx every statement is a round trip to the connection's worker thread (about
//! 40 µs here) and every value a boxed conversion, so bulk work wrote its rows in multi-row
//! statements — and each of those keeps a statement journal, a copy of every page it touches,
//! in case it fails half-way. On these connections the statements run on the calling (blocking)
//! thread, each prepared once, with no round trip.
//!
//! They are opened on the same bundled SQLite library as sqlx's (one `libsqlite3-sys` in the
//! process), so SQLite's file locks see both.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::{LOCK_WAIT, StoreResult};

/// The least pause a bulk writer leaves between its transactions, for the other writers: they
/// try for the lock every millisecond, on tokio's millisecond timer, so this is long enough for
/// one that waits to get in.
pub(crate) const OTHERS_TURN: Duration = Duration::from_millis(3);

/// Opens a connection: the durability settings of every connection, and with `bulk` the cache
/// and statement journals of a bulk command (`Store::for_bulk_work`). It never checkpoints
/// itself: whoever writes through it runs a `Checkpointer` meanwhile.
pub(crate) fn open(file: &Path, bulk: bool) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // The file is in WAL mode already (the pools set it); this connection waits for the write
    // lock itself (`begin`), as the server's writer does.
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 0; \
         PRAGMA journal_size_limit = 67108864; PRAGMA wal_autocheckpoint = 0;",
    )?;
    if bulk {
        conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")?;
    }
    Ok(conn)
}

/// `BEGIN IMMEDIATE`, trying every millisecond while another connection writes (see
/// `crate::sqlite::begin_immediate`). Answers whether it had to wait: another connection was writing.
pub(crate) fn begin(conn: &Connection) -> StoreResult<bool> {
    let started = Instant::now();
    let mut waited = false;
    loop {
        match conn.execute_batch("BEGIN IMMEDIATE") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < LOCK_WAIT =>
            {
                waited = true;
                std::thread::sleep(Duration::from_millis(1));
            }
            other => return Ok(other.map(|()| waited)?),
        }
    }
}

/// A number that changes whenever another connection commits (SQLite's `data_version`).
pub(crate) fn data_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
}

/// Copies the write-ahead log back into the database file on a thread and a connection of its
/// own, while a bulk writer (whose own connection then never checkpoints) goes on writing: on
/// two cores the copying, mostly the kernel's, overlaps the writer's B-tree work instead of
/// following each of its commits. A passive checkpoint takes no lock a writer or reader needs;
/// when it has caught up, the writer's next transaction starts the log from its beginning again.
pub(crate) struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<StoreResult<()>>>,
}

impl Checkpointer {
    pub(crate) fn start(file: PathBuf) -> StoreResult<Self> {
        let conn = open(&file, false)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("feidi-checkpoint".into())
            .spawn(move || {
                // A last pass after the writer has stopped: what it wrote is not left in the
                // log for a server to copy in a request.
                loop {
                    // (busy, frames in the log, frames copied): when another checkpoint runs
                    // (a server's), this one simply has nothing to do.
                    let last = stopping.load(Ordering::Relaxed);
                    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
                    if last {
                        return Ok(());
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
            .map_err(|e| crate::StoreError::Corrupt(format!("the checkpoint thread: {e}")))?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread, answering whether its checkpoints went well.
    pub(crate) fn finish(mut self) -> StoreResult<()> {
        self.stop.store(true, Ordering::Relaxed);
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(crate::StoreError::Corrupt(
                "the checkpoint thread panicked".into(),
            )),
            None => Ok(()),
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
