//! feidi's storage: one SQL code path over SQLite (the embedded default) and PostgreSQL (the
//! production database), chosen by the database URL.
//!
//! The queries go through sqlx's `Any` driver with `$n` placeholders, which both backends
//! accept, and with types both share (64-bit integers and text): money is integer fen, areas
//! integer hundredths of a 亩, instants RFC 3339 text in +08:00. So there is one query per
//! operation, not two that drift apart; likewise each migration is one text for both, with
//! the DDL words they spell differently filled in per backend (`migrate.rs`).

mod appeals;
mod audit;
mod auth;
mod backup;
mod columns;
mod dashboard;
mod dispatch;
mod error;
mod imports;
mod land;
mod migrate;
mod milestones;
mod organisation;
mod programme;
mod records;
mod registry;
mod reports;
mod resettlement;
mod sqlite;
mod value;
mod webhooks;

#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

pub(crate) use sqlite::{LOCK_WAIT, is_busy};
use sqlite::{sqlite_pool, writer};
use sqlx::{Any, AnyPool, Transaction};

pub use appeals::{
    Absence, AbsenceClash, Appeal, AppealAction, AppealCategory, AppealEvent, AppealFigures, AppealFilter,
    AppealGroup, AppealStats, Attachment, CalendarDay, GeneratedAppeal, MarkedDay, Named, NewAppeal,
    NewAttachment, SweepReport,
};
pub use audit::{AuditEntry, AuditQuery};
pub use auth::{ApiToken, SessionInfo, ThrottleState, TokenHolder};
pub use backup::{BackupSummary, restore};
pub use columns::StoredRow;
pub use dashboard::{CategoryTotals, PortfolioTotals};
pub use dispatch::DispatchRow;
pub use error::{StoreError, StoreResult, WrongState};
pub use imports::{ImportMeta, ImportedReport, NewMilestone};
pub use land::{Dispute, GeneratedParcel, Lineage, MapRow, Parcel, ParcelStep};
pub use milestones::Milestone;
pub use organisation::TaskForceMember;
pub use programme::{Part, ProjectHead, Stage, Standing, TotalCell};
pub use records::{Enterprise, Jurisdiction, Project, TaskForce, User, Zone};
pub use registry::{Inputs, ListQuery, NameList, Page, Record, Reference, SortDir};
pub use reports::{
    AnnualPlan, LateReport, MissingReport, ProjectSums, QueuedReport, Report, ReportFilter, ReportStatus,
    ReportSums, Review,
};
pub use resettlement::{Compensation, Household, VillageTotals};
pub use value::{Cols, Val};
pub use webhooks::{Attempt, Delivery, DueDelivery, Outcome, RETRY_FOR, Webhook, WebhookInput, back_off};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            // Each pooled connection would get an empty database of its own.
            (!url.contains(":memory:") && !url.contains("mode=memory")).then_some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// The database, shared by every request of one app server.
#[derive(Clone)]
pub struct Store {
    /// Reads.
    read: AnyPool,
    /// Writes. On SQLite a single connection: SQLite admits one writer at a time anyway, and
    /// queueing writers in the pool is fairer and cheaper than letting them spin on the lock.
    /// On PostgreSQL the same pool as `read`.
    write: writer::WritePool,
    backend: Backend,
    /// The group-commit writer (SQLite only).
    writer: Option<writer::Writer>,
    /// The working-day calendar, re-read when its data version moves.
    calendar: std::sync::Arc<appeals::CalendarCache>,
    /// The SQLite file, for the connections of its own of the sweep and the import
    /// (`sqlite::direct`).
    sqlite_file: Option<std::path::PathBuf>,
    /// Set by `for_bulk_work`: the sweep's connection takes the same cache and journals.
    bulk: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Store {
    /// Connects to `url` (`sqlite://...` or `postgres://...`), creating a SQLite file if missing,
    /// and brings the schema up to date.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| StoreError::BadUrl(redact(url)))?;
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url_with_create(url);
                let options = AnyConnectOptions::from_str(&url)?;
                let sqlite_file = Some(
                    sqlx::sqlite::SqliteConnectOptions::from_str(&url)?
                        .get_filename()
                        .to_path_buf(),
                );
                // The writer waits for another process's write lock itself (see `begin`), so
                // SQLite's own busy handler, which sleeps ever longer, is off for it.
                let write = sqlite_pool(1, 0).connect_with(options.clone()).await?;
                // Four readers keep two cores busy while one waits on the disk; each holds its
                // own page cache (up to 2 MB), so more of them would cost memory, not speed.
                let read = sqlite_pool(4, LOCK_WAIT.as_millis() as u64)
                    .connect_with(options)
                    .await?;
                let writer = Some(writer::Writer::start(write.clone()));
                Ok(Self {
                    read,
                    write: writer::WritePool::new(write),
                    backend,
                    writer,
                    calendar: Default::default(),
                    sqlite_file,
                    bulk: Default::default(),
                })
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(url)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Self {
                    read: pool.clone(),
                    write: writer::WritePool::new(pool),
                    backend,
                    writer: None,
                    calendar: Default::default(),
                    sqlite_file: None,
                    bulk: Default::default(),
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Answers when the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// For a command that writes much at once in its own process (`feidi sweep`, `gen`,
    /// `import`), on SQLite. Its commits copy the write-ahead log back into the database once
    /// it holds 64 MB, not the default 4 MB: a page that many of its transactions rewrite (an
    /// index's) is then copied once, not once per 4 MB, and an import's 20,000-row transaction
    /// is not followed by a checkpoint every time. (A server sharing the file still checkpoints
    /// at 4 MB, and the last connection to close empties the log.) With `large_cache` the
    /// single writer also gets a 64 MB page cache, so the index pages its transactions keep
    /// coming back to stay in memory instead of being read again from the operating system at
    /// every statement (the sweep's updates take half the time; an import, which appends,
    /// gains nothing from it). A server keeps the defaults: its writes are small and its
    /// memory is bounded.
    pub async fn for_bulk_work(&self, large_cache: bool) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            // Its statement journals (kept by every statement that writes several rows, so
            // that a failing one undoes only itself) stay in memory: past 64 KB SQLite would
            // spill them to a temporary file, one write per page the statement touches (11 % of
            // the sweep's time). Not for a server: its temporary files would then be in memory
            // too, and a migration's index build sorts millions of rows in them.
            self.write
                .pragma("PRAGMA wal_autocheckpoint = 16384; PRAGMA temp_store = MEMORY")
                .await?;
            self.bulk.store(large_cache, std::sync::atomic::Ordering::Relaxed);
            if large_cache {
                self.write.pragma("PRAGMA cache_size = -65536").await?;
            }
        }
        Ok(())
    }

    /// Closes the pools, waiting for connections in use.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// The migrations' write transaction (see `WritePool::begin`).
    async fn begin(&self) -> StoreResult<Transaction<'static, Any>> {
        self.write.begin(self.backend).await
    }
}

/// `sqlite://feidi.db` → `sqlite://feidi.db?mode=rwc`, so that a missing file is created.
fn sqlite_url_with_create(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_apart_and_redacted() {
        assert_eq!(Backend::of_url("sqlite://feidi.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgres://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("mysql://h/db"), None);
        assert_eq!(Backend::of_url("sqlite::memory:"), None);
        assert_eq!(
            redact("postgres://feidi:s3cret@db:5432/feidi"),
            "postgres://feidi:***@db:5432/feidi"
        );
        assert_eq!(sqlite_url_with_create("sqlite://x.db"), "sqlite://x.db?mode=rwc");
    }
}
