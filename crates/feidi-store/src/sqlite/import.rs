//! An import's publishing on SQLite, on a connection of its own driven from one blocking thread
//! (`sqlite::direct`): prepared inserts of a hundred reports and the report totals added up here,
//! all in one transaction, as the PostgreSQL path in `imports.rs`; the log is copied back into
//! the file after it commits.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use feidi_core::{FieldErrors, Flaw};
use rusqlite::{Connection, params};

use crate::imports::{ImportRecord, ImportedReport};
use crate::sqlite::direct::begin;
use crate::{ReportStatus, StoreError, StoreResult};

/// What to publish: checked reports in (project, month) order, and the import's record.
pub(crate) struct Publish {
    pub file: PathBuf,
    pub rows: Arc<Vec<ImportedReport>>,
    pub record: ImportRecord,
    /// Rows between two looks at the projects.
    pub per_transaction: usize,
    /// The insert statement of a whole group of rows (`insert_sql`), written once.
    insert_full: String,
}

impl Publish {
    pub(crate) fn new(
        file: PathBuf,
        rows: Arc<Vec<ImportedReport>>,
        record: ImportRecord,
        per_transaction: usize,
    ) -> Self {
        Self {
            file,
            rows,
            record,
            per_transaction,
            insert_full: insert_sql(ROWS_PER_STATEMENT),
        }
    }
}

/// The category and zone of each project, as read at a data version of `projects`.
struct Projects {
    version: i64,
    of: HashMap<i64, (Arc<str>, i64)>,
}

/// Publishes the rows, the import's record and its audit entry in one transaction, telling
/// `progress` how many rows are written; answers the import's id. Until it commits no reader
/// sees any of it, and a process killed before then leaves nothing behind.
pub(crate) fn publish(job: &Publish, progress: &(dyn Fn(usize) + Send + Sync)) -> StoreResult<i64> {
    let conn = crate::sqlite::direct::open(&job.file, false)?;
    // This connection copies the log back once, after its commit (below), and does not check
    // each row's references: every project is looked up (`transaction`), and the import is ours.
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;")?;
    // Nor does it run triggers. The only ones its writes meet are the per-row totals triggers
    // of `monthly_reports`, and the insert trigger skips imported rows (`WHEN NEW.import_id IS
    // NULL`; the totals are added below) — but SQLite still enters it for every row, a frame of
    // its own allocated and cleared each time. (`imports` and `audit_log` have no triggers.)
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    let started = std::time::Instant::now();
    let outcome = (|| -> StoreResult<i64> {
        begin(&conn)?;
        let written = (|| -> StoreResult<i64> {
            let record = &job.record;
            let id: i64 = conn.query_row(
                "INSERT INTO imports (kind, file_name, checksum, row_count, actor_id, state, created_at, finished_at) \
                 VALUES ('reports', ?1, ?2, ?3, ?4, 'done', ?5, ?5) RETURNING id",
                params![record.file_name, record.checksum, record.row_count, record.actor, record.now],
                |row| row.get(0),
            )?;
            let mut projects = None;
            let mut written = 0;
            for chunk in job.rows.chunks(job.per_transaction.max(1)) {
                transaction(&conn, job, id, chunk, &mut projects, written, progress)?;
                written += chunk.len();
                progress(written);
            }
            conn.execute(
                "UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports'",
                [],
            )?;
            conn.execute(
                "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, note) \
                 VALUES (?1, ?2, 'import', 'monthly_report', ?3, ?4)",
                params![record.now, record.actor, id, record.note],
            )?;
            Ok(id)
        })();
        match written {
            Ok(id) => {
                conn.execute_batch("COMMIT")?;
                Ok(id)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    })();
    let id = outcome?;
    let written = started.elapsed();
    // Nothing of a transaction can be copied back into the database before it commits, so
    // the log is copied once, after: a checkpointer running meanwhile would only spin. What
    // the import wrote is then not left in the log for a server to copy in a request.
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    tracing::debug!(?written, checkpoint = ?(started.elapsed() - written), "import: published");
    Ok(id)
}

/// Writes one run of rows and adds them to the report totals, inside the import's transaction.
fn transaction(
    conn: &Connection,
    job: &Publish,
    import_id: i64,
    rows: &[ImportedReport],
    projects: &mut Option<Projects>,
    before: usize,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> StoreResult<()> {
    let projects = projects_now(conn, projects)?;
    // Imported rows skip the per-row totals trigger: each transaction adds its own here.
    let mut totals: HashMap<TotalsKey, (i64, i64)> = HashMap::new();
    let months: HashMap<(i32, u32), String> = rows
        .iter()
        .map(|r| (r.month, format!("{:04}-{:02}", r.month.0, r.month.1)))
        .collect();
    let mut k = 0;
    for group in rows.chunks(ROWS_PER_STATEMENT) {
        let mut insert = if group.len() == ROWS_PER_STATEMENT {
            conn.prepare_cached(&job.insert_full)?
        } else {
            conn.prepare_cached(&insert_sql(group.len()))?
        };
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(group.len() * 9);
        let reviewed: Vec<Option<&str>> = group
            .iter()
            .map(|row| (row.status != ReportStatus::Submitted).then_some(job.record.now.as_str()))
            .collect();
        let statuses: Vec<&str> = group.iter().map(|r| r.status.as_str()).collect();
        let amounts: Vec<i64> = group
            .iter()
            .map(|r| r.completed_investment.hundredths())
            .collect();
        for (i, row) in group.iter().enumerate() {
            let Some((category, zone)) = projects.of.get(&row.project_id) else {
                return Err(StoreError::Invalid(FieldErrors::one(
                    "project_id",
                    Flaw::NoSuchRecord,
                )));
            };
            values.push(&row.project_id);
            values.push(&months[&row.month]);
            values.push(&amounts[i]);
            values.push(&row.progress_note);
            values.push(&row.problems);
            values.push(&statuses[i]);
            values.push(&row.return_reason);
            values.push(&reviewed[i]);
            let sum = totals
                .entry((row.month, category.clone(), *zone, row.status.as_str()))
                .or_default();
            sum.0 += amounts[i];
            sum.1 += 1;
        }
        values.push(&job.record.actor);
        values.push(&job.record.now);
        values.push(&import_id);
        insert.execute(values.as_slice()).map_err(duplicate_is_conflict)?;
        k += group.len();
        if k % 2_000 < ROWS_PER_STATEMENT {
            progress(before + k);
        }
    }
    let mut add = conn.prepare_cached(
        "INSERT INTO report_totals (month, category, zone_id, status, amount, report_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (month, category, zone_id, status) DO UPDATE SET \
         amount = report_totals.amount + excluded.amount, report_count = report_totals.report_count + excluded.report_count",
    )?;
    for (((year, m), category, zone, status), (amount, count)) in totals {
        add.execute(params![
            months[&(year, m)],
            &*category,
            zone,
            status,
            amount,
            count
        ])?;
    }
    Ok(())
}

/// A line of `report_totals`: month, category, zone and status.
type TotalsKey = ((i32, u32), Arc<str>, i64, &'static str);

/// Rows in one insert statement: a statement's own cost (binding, starting, its statement
/// journal) spread over many rows (BENCHMARKS.md, "Figures behind the code").
const ROWS_PER_STATEMENT: usize = 100;

/// An insert of `n` reports: eight values a row, then the actor, the time and the import.
fn insert_sql(n: usize) -> String {
    let base = 8 * n;
    let (actor, now, import) = (base + 1, base + 2, base + 3);
    let rows = (0..n)
        .map(|r| {
            let v = |c: usize| 8 * r + c;
            format!(
                "(?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{actor}, ?{now}, ?{now}, ?{now}, ?{now}, ?{import})",
                v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO monthly_reports (project_id, month, completed_investment, progress_note, problems, status, \
         return_reason, reviewed_at, submitted_by, submitted_at, first_submitted_at, created_at, updated_at, import_id) \
         VALUES {rows}"
    )
}

/// The projects as this transaction sees them: read again only when they changed since.
fn projects_now<'a>(conn: &Connection, held: &'a mut Option<Projects>) -> StoreResult<&'a Projects> {
    let version: i64 = conn.query_row(
        "SELECT version FROM data_versions WHERE name = 'projects'",
        [],
        |row| row.get(0),
    )?;
    if held.as_ref().is_none_or(|p| p.version != version) {
        let mut read = conn.prepare("SELECT id, category, zone_id FROM projects")?;
        let mut categories: HashMap<String, Arc<str>> = HashMap::new();
        let mut of = HashMap::new();
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let category: String = row.get(1)?;
            let shared = categories
                .entry(category.clone())
                .or_insert_with(|| Arc::from(category.as_str()))
                .clone();
            of.insert(row.get::<_, i64>(0)?, (shared, row.get::<_, i64>(2)?));
        }
        *held = Some(Projects { version, of });
    }
    Ok(held.as_ref().expect("just read"))
}

/// A report for the same project and month written meanwhile (the import checked there was
/// none): someone else changed the data first.
fn duplicate_is_conflict(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE {
                StoreError::Conflict
            } else {
                StoreError::Sqlite(e)
            }
        }
        _ => StoreError::Sqlite(e),
    }
}
