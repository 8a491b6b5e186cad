//! Imports of monthly reports (M9): the rows are checked before anything is written; then
//! they are published in one transaction with the import's record and audit entry, each
//! report tagged with its import, so that readers see all of an import or none of it, even
//! after a crash half-way. An import never replaces a report someone entered: rows of a month that
//! already has a report are refused before anything is written.

use std::collections::HashSet;
use std::sync::Arc;

use feidi_core::Money;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::sqlite::writer::TxFuture;
use crate::value::{Val, bind_all};
use crate::{Backend, Store, StoreError, StoreResult};

/// One report as an import brings it (it arrives `submitted`), or as the generator makes it
/// (in any state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedReport {
    pub status: crate::ReportStatus,
    /// Why it was returned, for a `returned` one.
    pub return_reason: Option<String>,
    pub project_id: i64,
    /// The month as (year, month): a million rows of it stay small.
    pub month: (i32, u32),
    pub completed_investment: Money,
    pub progress_note: Option<String>,
    pub problems: Option<String>,
}

/// What the audit log keeps of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMeta {
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub checksum: String,
    /// Who ran it, as a person reads it ("admin", "command line (root)").
    pub by: String,
}

/// The import's own record and audit note, written in the transaction that writes its rows.
#[derive(Debug, Clone)]
pub(crate) struct ImportRecord {
    pub file_name: String,
    pub checksum: String,
    pub row_count: i64,
    pub actor: Option<i64>,
    /// The time every row is stamped with.
    pub now: String,
    pub note: String,
}

/// Rows per statement of the generator's milestones and plans.
const ROWS_PER_STATEMENT: usize = 500;
/// Reports between two looks at the projects on SQLite (one may have been deleted meanwhile
/// only by a process that held the lock before the import took it, so in practice once).
const ROWS_PER_TRANSACTION: usize = 20_000;
/// On PostgreSQL reports travel as one JSON array per statement (see `insert_reports`).
const JSON_ROWS_PER_STATEMENT: usize = 5_000;

impl Store {
    /// The ids of every project.
    pub async fn project_ids(&self) -> StoreResult<HashSet<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM projects")
            .fetch_all(&self.read)
            .await?;
        Ok(ids.into_iter().collect())
    }

    /// Every project's code, with its id: a report file may name projects as the screens do.
    pub async fn project_codes(&self) -> StoreResult<std::collections::HashMap<String, i64>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT code, id FROM projects WHERE code IS NOT NULL")
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// The (project, month) pairs of some months that already have a report.
    pub async fn report_keys(&self, months: &[String]) -> StoreResult<HashSet<(i64, String)>> {
        let mut keys = HashSet::new();
        for month in months {
            let ids: Vec<i64> = sqlx::query_scalar("SELECT project_id FROM monthly_reports WHERE month = $1")
                .bind(month.clone())
                .fetch_all(&self.read)
                .await?;
            keys.extend(ids.into_iter().map(|id| (id, month.clone())));
        }
        Ok(keys)
    }

    /// Publishes checked reports as `submitted`, all in one transaction with the import's
    /// record and its audit entry; answers the import's id. Every reader sees the whole import
    /// or none of it, and a process killed half-way leaves nothing (the database rolls the
    /// transaction back), so the same file can simply be imported again. Any failure writes
    /// only an `import_failed` audit entry.
    ///
    /// The price: while it runs, other writers wait for it (about 5 s for a million rows on
    /// SQLite; a write that would wait longer than 10 s answers 503, to be retried).
    pub async fn import_reports(
        &self,
        actor: Option<i64>,
        meta: ImportMeta,
        rows: Vec<ImportedReport>,
        progress: Arc<dyn Fn(usize) + Send + Sync>,
    ) -> StoreResult<i64> {
        self.take_back_abandoned_imports().await?;
        let now = feidi_core::time::stamp(feidi_core::time::now());
        let count = rows.len();
        // In (project, month) order each project's reports land together in the unique index:
        // a few pages written per project instead of one page per row.
        let mut rows = rows;
        rows.sort_unstable_by_key(|r| (r.project_id, r.month));
        let rows = Arc::new(rows);
        let note = format!(
            "import of {count} monthly reports from {} (sha256 {}) by {}",
            meta.file_name, meta.checksum, meta.by
        );
        let record = ImportRecord {
            file_name: meta.file_name.clone(),
            checksum: meta.checksum.clone(),
            row_count: count as i64,
            actor,
            now: now.clone(),
            note: note.clone(),
        };
        let outcome = match self.sqlite_file.clone() {
            Some(file) => {
                let job = crate::sqlite::import::Publish::new(file, rows, record, ROWS_PER_TRANSACTION);
                tokio::task::spawn_blocking(move || crate::sqlite::import::publish(&job, &*progress))
                    .await
                    .map_err(|e| StoreError::Corrupt(format!("the import's thread: {e}")))?
            }
            None => self.publish_postgres(rows, record, progress).await,
        };
        match outcome {
            Ok(id) => Ok(id),
            Err(err) => {
                // Nothing of it was kept; the audit log keeps that it was tried.
                let note = format!("{note}: failed, nothing written ({err})");
                self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
                    Box::pin(async move {
                        write_audit(
                            &mut *tx,
                            AuditWrite::event(actor, "import_failed", "monthly_report", None, note),
                        )
                        .await
                    })
                })
                .await?;
                Err(err)
            }
        }
    }

    /// Publishes checked reports on PostgreSQL in one transaction: the import's record, its
    /// reports in statements of `JSON_ROWS_PER_STATEMENT`, the totals they add, its audit
    /// entry. Answers the import's id.
    async fn publish_postgres(
        &self,
        rows: Arc<Vec<ImportedReport>>,
        record: ImportRecord,
        progress: Arc<dyn Fn(usize) + Send + Sync>,
    ) -> StoreResult<i64> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, i64> {
            Box::pin(async move {
                let clock = std::time::Instant::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO imports (kind, file_name, checksum, row_count, actor_id, state, created_at, finished_at) \
                     VALUES ('reports', $1, $2, $3, $4, 'done', $5, $5) RETURNING id",
                )
                .bind(record.file_name.clone())
                .bind(record.checksum.clone())
                .bind(record.row_count)
                .bind(record.actor)
                .bind(record.now.clone())
                .fetch_one(&mut *tx)
                .await?;
                let mut done = 0;
                for chunk in rows.chunks(JSON_ROWS_PER_STATEMENT) {
                    done += insert_reports(&mut *tx, chunk, record.actor, id, &record.now).await?;
                    progress(done);
                }
                // Imported rows skip the per-row totals trigger: they are added to the totals
                // here, at once, last, so that the totals' rows are locked only briefly.
                sqlx::query(&format!(
                    "INSERT INTO report_totals (month, category, zone_id, status, amount, report_count) \
                     SELECT r.month, p.category, p.zone_id, r.status, SUM(r.completed_investment), COUNT(*) \
                     FROM monthly_reports r JOIN projects p ON p.id = r.project_id \
                     WHERE r.import_id = {id} GROUP BY r.month, p.category, p.zone_id, r.status \
                     ON CONFLICT (month, category, zone_id, status) DO UPDATE SET \
                     amount = report_totals.amount + excluded.amount, \
                     report_count = report_totals.report_count + excluded.report_count"
                ))
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports'")
                    .execute(&mut *tx)
                    .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::event(record.actor, "import", "monthly_report", Some(id), record.note.clone()),
                )
                .await?;
                tracing::debug!(rows = done, total = ?clock.elapsed(), "import: written");
                Ok(id)
            })
        })
        .await
    }

    /// Takes back imports left `publishing` for over an hour — their process died mid-way (a
    /// live import of a million rows takes well under a minute) — so no half import stays.
    pub async fn take_back_abandoned_imports(&self) -> StoreResult<usize> {
        let limit = feidi_core::time::stamp(feidi_core::time::now() - chrono::Duration::hours(1));
        let stale: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM imports WHERE state = 'publishing' AND created_at < $1")
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        for id in &stale {
            self.finish_import(
                *id,
                None,
                "failed",
                format!("import {id} abandoned while publishing (its process ended): taken back"),
            )
            .await?;
        }
        Ok(stale.len())
    }

    /// Ends an import: `done`, or `failed` with its reports deleted; one audit entry.
    async fn finish_import(
        &self,
        id: i64,
        actor: Option<i64>,
        state: &'static str,
        note: String,
    ) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                // Only a publishing import ends, and once: another server may be taking it back.
                let ended = sqlx::query(
                    "UPDATE imports SET state = $1, finished_at = $2 WHERE id = $3 AND state = 'publishing'",
                )
                .bind(state)
                .bind(feidi_core::time::stamp(feidi_core::time::now()))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if ended.rows_affected() == 0 {
                    return Ok(());
                }
                if state == "failed" {
                    sqlx::query("DELETE FROM monthly_reports WHERE import_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                let action = if state == "done" {
                    "import"
                } else {
                    "import_failed"
                };
                write_audit(
                    &mut *tx,
                    AuditWrite::event(actor, action, "monthly_report", Some(id), note),
                )
                .await
            })
        })
        .await
    }
}

/// One report as a JSON object, for PostgreSQL's `json_to_recordset`.
#[derive(serde::Serialize)]
struct ReportJson<'a> {
    p: i64,
    m: String,
    c: i64,
    n: Option<&'a str>,
    q: Option<&'a str>,
    s: &'static str,
    r: Option<&'a str>,
}

/// Inserts many reports with one statement on PostgreSQL: the rows travel as one JSON array it
/// unpacks itself, faster than as eight bound values each (BENCHMARKS.md, "Figures behind
/// the code"). The constant columns are written into the statement (an integer id and a
/// timestamp of our own). (SQLite has its own path, `sqlite::import`.)
async fn insert_reports(
    tx: &mut AnyConnection,
    rows: &[ImportedReport],
    actor: Option<i64>,
    import_id: i64,
    now: &str,
) -> StoreResult<usize> {
    let actor = actor.map_or("NULL".to_string(), |a| a.to_string());
    let json = serde_json::to_string(
        &rows
            .iter()
            .map(|row| ReportJson {
                p: row.project_id,
                m: format!("{:04}-{:02}", row.month.0, row.month.1),
                c: row.completed_investment.hundredths(),
                n: row.progress_note.as_deref(),
                q: row.problems.as_deref(),
                s: row.status.as_str(),
                r: row.return_reason.as_deref(),
            })
            .collect::<Vec<_>>(),
    )
    .map_err(|e| StoreError::Corrupt(format!("reports as JSON: {e}")))?;
    let sql = format!(
        "INSERT INTO monthly_reports (project_id, month, completed_investment, progress_note, problems, status, \
         return_reason, reviewed_at, submitted_by, submitted_at, first_submitted_at, created_at, updated_at, import_id) \
         SELECT p, m, c, n, q, s, r, CASE WHEN s = 'submitted' THEN NULL ELSE '{now}' END, \
         {actor}, '{now}', '{now}', '{now}', '{now}', {import_id} \
         FROM json_to_recordset($1::json) AS x(p BIGINT, m TEXT, c BIGINT, n TEXT, q TEXT, s TEXT, r TEXT)"
    );
    let done = sqlx::query(&sql)
        .bind(json)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &[]))?;
    Ok(done.rows_affected() as usize)
}

/// A milestone as the generator makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMilestone {
    pub project_id: i64,
    pub kind: feidi_core::schedule::MilestoneKind,
    pub planned_date: chrono::NaiveDate,
    pub actual_date: Option<chrono::NaiveDate>,
}

impl Store {
    /// Writes many milestones and annual plans (project, year, amount) in one transaction with
    /// one audit entry: for generated programmes.
    pub async fn bulk_schedule(
        &self,
        milestones: Vec<NewMilestone>,
        plans: Vec<(i64, i32, Money)>,
        note: String,
    ) -> StoreResult<()> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let now = feidi_core::time::stamp(feidi_core::time::now());
                for chunk in milestones.chunks(ROWS_PER_STATEMENT) {
                    let rows = chunk
                        .iter()
                        .map(|m| {
                            vec![
                                Val::from(m.project_id),
                                Val::from(m.kind.as_str()),
                                Val::from(m.planned_date.to_string()),
                                Val::from(m.actual_date.map(|d| d.to_string())),
                            ]
                        })
                        .collect();
                    insert_rows(
                        &mut *tx,
                        backend,
                        "milestones (project_id, kind, planned_date, actual_date, created_at, updated_at)",
                        rows,
                        &format!("'{now}', '{now}'"),
                    )
                    .await?;
                }
                for chunk in plans.chunks(ROWS_PER_STATEMENT) {
                    let rows = chunk
                        .iter()
                        .map(|(p, y, m)| {
                            vec![Val::from(*p), Val::from(i64::from(*y)), Val::from(m.hundredths())]
                        })
                        .collect();
                    insert_rows(
                        &mut *tx,
                        backend,
                        "annual_plans (project_id, year, planned_investment, created_at, updated_at)",
                        rows,
                        &format!("'{now}', '{now}'"),
                    )
                    .await?;
                }
                write_audit(
                    &mut *tx,
                    AuditWrite::event(None, "bulk_create", "milestone", None, note),
                )
                .await
            })
        })
        .await
    }
}

/// A multi-row insert of bound values, each row followed by the same constant `tail` (values of
/// our own: integer ids and timestamps, written into the statement; empty for none); answers
/// the rows written.
pub(crate) async fn insert_rows(
    tx: &mut AnyConnection,
    backend: Backend,
    into: &str,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> StoreResult<usize> {
    let (sql, binds) = insert_statement(backend, into, rows, tail);
    let done = bind_all(sqlx::query(&sql), &binds)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &[]))?;
    Ok(done.rows_affected() as usize)
}

/// The statement `insert_rows` runs, and its parameters (anonymous on SQLite).
pub(crate) fn insert_statement(
    backend: Backend,
    into: &str,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> (String, Vec<Val>) {
    let mut binds = Vec::new();
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        let slots: Vec<String> = (0..row.len())
            .map(|i| match backend {
                Backend::Sqlite => "?".to_string(),
                Backend::Postgres => format!("${}", binds.len() + i + 1),
            })
            .collect();
        values.push(if tail.is_empty() {
            format!("({})", slots.join(", "))
        } else {
            format!("({}, {tail})", slots.join(", "))
        });
        binds.extend(row);
    }
    (format!("INSERT INTO {into} VALUES {}", values.join(", ")), binds)
}
