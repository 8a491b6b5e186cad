use feidi_core::{FieldErrors, Flaw};

/// What can go wrong in storage, in terms the web layer maps to answers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record, or not one the caller may see.
    #[error("not found")]
    NotFound,
    /// The `version` sent is not the stored one: someone else changed the record first.
    #[error("the record was changed by someone else (stale version)")]
    Conflict,
    /// The record's state does not allow the action (an approved report is locked, say); the
    /// state it is in.
    #[error("not allowed while the record is {0:?}")]
    WrongState(WrongState),
    /// The caller may see the record but not do this to it.
    #[error("not allowed")]
    Forbidden,
    /// Other records still refer to this one.
    #[error("the record is still referred to by other records")]
    InUse,
    /// Input that breaks a rule only the database can check (a reference, a unique value).
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    #[error("unsupported database URL {0}: use sqlite://FILE (not in memory) or postgres://...")]
    BadUrl(String),
    #[error(
        "backup and restore of a file are for SQLite; on PostgreSQL use pg_dump and pg_restore (see the README)"
    )]
    NotSqlite,
    #[error("{0} already exists: a backup never overwrites a file")]
    Exists(std::path::PathBuf),
    #[error(
        "{0} is not empty (it has users, projects or audit entries): a restore goes only into a new or empty database"
    )]
    NotEmpty(std::path::PathBuf),
    #[error("migration {0} failed")]
    Migration(String, #[source] sqlx::Error),
    #[error("stored data is not what feidi wrote: {0}")]
    Corrupt(String),
    /// Another process (a sweep, an import, another app server) held SQLite's write lock for
    /// longer than a writer waits: nothing was written, and the same request may be sent again
    /// in a moment.
    #[error("the database is busy with another writer: try again shortly")]
    Busy,
    #[error("database error")]
    Db(#[source] sqlx::Error),
    /// From the sweep's own SQLite connection (`sqlite::sweep`).
    #[error("database error")]
    Sqlite(#[source] rusqlite::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if crate::is_busy(&err) {
            Self::Busy
        } else {
            Self::Db(err)
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => Self::Busy,
            _ => Self::Sqlite(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The state a refused action found its record in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongState {
    Report(feidi_core::reports::ReportStatus),
    Appeal(feidi_core::appeals::AppealStatus),
    /// A parcel's pipeline moves one step at a time: the status it is in.
    Parcel(feidi_core::land::ParcelStatus),
    /// A dispute's state: mediation begins only on an open one, nothing follows a resolution.
    Dispute(feidi_core::land::DisputeStatus),
    /// A compensation item is paid once.
    Paid,
    /// A parcel split or merged moves no further: its new parcels do.
    Retired,
}

impl StoreError {
    /// Maps a constraint violation to a field error when the column is known.
    pub(crate) fn from_write(err: sqlx::Error, unique_fields: &[&str]) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                let text = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
                if let Some(field) = unique_fields.iter().find(|f| text.contains(*f)) {
                    return Self::Invalid(FieldErrors::one(field, Flaw::Taken));
                }
                return Self::Conflict;
            }
            if db.is_foreign_key_violation() {
                return Self::InUse;
            }
        }
        err.into()
    }
}
