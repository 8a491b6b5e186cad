//! Backup and restore of a SQLite database, online: a backup is SQLite's `VACUUM INTO` on a
//! read-only connection of its own, one read transaction, so the copy is the database as it
//! stood at one instant however much the servers write meanwhile (WAL lets them), and it
//! never holds the write lock. A restore copies a backup into an empty database the same way,
//! then brings its schema up to date. (PostgreSQL has `pg_dump` and `pg_restore`: see the
//! README.)

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::{Backend, Store, StoreError, StoreResult};

/// What a backup or a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub file: PathBuf,
    pub bytes: u64,
    /// The newest migration the copy holds.
    pub schema_version: i64,
    pub users: i64,
    pub projects: i64,
}

/// The tables whose rows make a database "not empty": somebody has used it.
const IN_USE: &[&str] = &["users", "projects", "audit_log"];

fn read_only(file: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A server's write holds the lock only for moments; the backup's read needs none, but
    // opening a WAL database may wait for a checkpointer briefly.
    conn.busy_timeout(crate::LOCK_WAIT)?;
    Ok(conn)
}

fn count(conn: &Connection, table: &str) -> StoreResult<i64> {
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
}

fn has_table(conn: &Connection, table: &str) -> StoreResult<bool> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Checks that `file` is a whole feidi database and tells what it holds.
fn summary_of(file: &Path) -> StoreResult<BackupSummary> {
    let conn = read_only(file)?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!("{}: {check}", file.display())));
    }
    if !has_table(&conn, "feidi_migrations")? {
        return Err(StoreError::Corrupt(format!(
            "{} is not a feidi database (it has no feidi_migrations table)",
            file.display()
        )));
    }
    Ok(BackupSummary {
        file: file.to_path_buf(),
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or_default(),
        schema_version: conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM feidi_migrations",
            [],
            |r| r.get(0),
        )?,
        users: count(&conn, "users")?,
        projects: count(&conn, "projects")?,
    })
}

/// `VACUUM INTO`: the source as it stands at one instant, compacted, into a new file.
fn copy(source: &Path, target: &Path) -> StoreResult<()> {
    let conn = read_only(source)?;
    let target = target
        .to_str()
        .ok_or_else(|| StoreError::Corrupt(format!("{} is not a UTF-8 path", target.display())))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

impl Store {
    /// Writes a consistent copy of this (SQLite) database to `file`, which must not exist,
    /// while the servers go on reading and writing. On PostgreSQL: use `pg_dump`.
    pub async fn backup_to(&self, file: &Path) -> StoreResult<BackupSummary> {
        let source = self.sqlite_file.clone().ok_or(StoreError::NotSqlite)?;
        let target = file.to_path_buf();
        if target.exists() {
            return Err(StoreError::Exists(target));
        }
        tokio::task::spawn_blocking(move || {
            let written = copy(&source, &target).and_then(|()| summary_of(&target));
            if written.is_err() {
                // Never leave half a backup that looks like one.
                let _ = std::fs::remove_file(&target);
            }
            written
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("the backup's thread: {e}")))?
    }
}

/// Restores the backup `file` into the SQLite database of `url`, which must be new or empty
/// (no users, projects or audit entries: a server may have created its schema), then brings
/// the schema up to date. Stop the servers of that database first.
pub async fn restore(url: &str, file: &Path) -> StoreResult<BackupSummary> {
    if Backend::of_url(url) != Some(Backend::Sqlite) {
        return Err(StoreError::NotSqlite);
    }
    let target = {
        let store = Store::connect(url).await?;
        let target = store.sqlite_file.clone().ok_or(StoreError::NotSqlite)?;
        store.close().await;
        target
    };
    let (source, into) = (file.to_path_buf(), target.clone());
    tokio::task::spawn_blocking(move || -> StoreResult<()> {
        summary_of(&source)?;
        let existing = std::fs::metadata(&into).map(|m| m.len()).unwrap_or_default();
        if existing > 0 {
            let conn = read_only(&into)?;
            for table in IN_USE {
                if has_table(&conn, table)? && count(&conn, table)? > 0 {
                    return Err(StoreError::NotEmpty(into.clone()));
                }
            }
        }
        // An empty database (or the empty file connecting left) makes way for the copy.
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", into.display()));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::Corrupt(format!("{}: {e}", path.display()))),
            }
        }
        copy(&source, &into)
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("the restore's thread: {e}")))??;
    // Up to date, in WAL mode, as every server opens it.
    let store = Store::open(url).await?;
    store.close().await;
    tokio::task::spawn_blocking(move || summary_of(&target))
        .await
        .map_err(|e| StoreError::Corrupt(format!("the restore's thread: {e}")))?
}
