//! Annual plans and monthly investment reports (M3): submitted → approved or returned, an
//! approved report locked; the sums per month, category and status kept by triggers.

use chrono::{DateTime, FixedOffset};
use feidi_core::Money;
use feidi_core::model::Category;
use feidi_core::schedule::ReportInput;
use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{StoredRow, read_all, row};
use crate::error::WrongState;
use crate::sqlite::writer::TxFuture;
use crate::value::Cols;
use crate::{Backend, Store, StoreError, StoreResult};

row! {
    /// A project's planned investment for a year.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct AnnualPlan {
        pub project_id: i64,
        pub year: i64,
        pub planned_investment: Money,
        pub version: i64,
        pub updated_at: Stamp,
    }
}

pub use feidi_core::reports::ReportStatus;
use feidi_core::reports::{ReportStep, next};

row! {
    /// One project's report for one month.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Report {
        pub project_id: i64,
        pub month: String,
        pub completed_investment: Money,
        pub progress_note: Option<String>,
        pub problems: Option<String>,
        pub status: ReportStatus,
        pub return_reason: Option<String>,
        pub submitted_by: Option<i64>,
        pub submitted_at: Stamp,
        /// When the month's report was first submitted: what punctuality is judged by.
        pub first_submitted_at: Option<Stamp>,
        pub reviewed_by: Option<i64>,
        pub reviewed_at: Option<Stamp>,
        pub version: i64,
        pub updated_at: Stamp,
    }
}

const PLAN_COLUMNS: &str = <AnnualPlan as StoredRow>::COLUMNS;
const REPORT_COLUMNS: &str = <Report as StoredRow>::COLUMNS;

/// The sums of reports up to a month, per category and status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSums {
    pub approved: Vec<(Category, Money)>,
    pub submitted: Vec<(Category, Money)>,
}

impl ReportSums {
    pub fn approved_total(&self) -> Money {
        self.approved.iter().map(|(_, m)| *m).sum()
    }
    pub fn submitted_total(&self) -> Money {
        self.submitted.iter().map(|(_, m)| *m).sum()
    }
    pub fn approved_in(&self, category: Category) -> Money {
        self.approved
            .iter()
            .filter(|(c, _)| *c == category)
            .map(|(_, m)| *m)
            .sum()
    }
}

/// The row lock a read-then-write takes: PostgreSQL's; SQLite's writer is alone already.
pub(crate) fn lock(backend: Backend) -> &'static str {
    if backend == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    }
}

impl Store {
    /// Sets a project's plan for a year; with `version`, only if it is still the stored one.
    pub async fn put_plan(
        &self,
        actor: Option<i64>,
        project_id: i64,
        year: i64,
        planned: Money,
        version: Option<i64>,
    ) -> StoreResult<AnnualPlan> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, AnnualPlan> {
            Box::pin(async move {
                let sql = format!("SELECT {PLAN_COLUMNS} FROM annual_plans WHERE project_id = $1 AND year = $2{}", lock(backend));
                let row = sqlx::query(&sql).bind(project_id).bind(year).fetch_optional(&mut *tx).await?;
                let before = row.as_ref().map(AnnualPlan::from_row).transpose()?;
                if let (Some(v), Some(b)) = (version, &before)
                    && v != b.version
                {
                    return Err(StoreError::Conflict);
                }
                let now = feidi_core::time::stamp(feidi_core::time::now());
                let sql = if before.is_some() {
                    format!(
                        "UPDATE annual_plans SET planned_investment = $1, version = version + 1, updated_at = $2 \
                         WHERE project_id = $3 AND year = $4 RETURNING {PLAN_COLUMNS}"
                    )
                } else {
                    format!(
                        "INSERT INTO annual_plans (planned_investment, created_at, updated_at, project_id, year) \
                         VALUES ($1, $2, $2, $3, $4) RETURNING {PLAN_COLUMNS}"
                    )
                };
                let row = sqlx::query(&sql)
                    .bind(planned.hundredths())
                    .bind(now)
                    .bind(project_id)
                    .bind(year)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_write(e, &[]))?;
                let after = AnnualPlan::from_row(&row)?;
                let action = if before.is_some() { "update" } else { "create" };
                write_audit(&mut *tx, AuditWrite::change(actor, action, "annual_plan", project_id, before.as_ref(), Some(&after)))
                    .await?;
                Ok(after)
            })
        })
        .await
    }

    pub async fn plans(&self, project_id: i64) -> StoreResult<Vec<AnnualPlan>> {
        let rows = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM annual_plans WHERE project_id = $1 ORDER BY year"
        ))
        .bind(project_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(AnnualPlan::from_row).collect()
    }

    /// Submits (or resubmits) a month's report. An approved report is locked: 409.
    pub async fn submit_report(
        &self,
        actor: Option<i64>,
        project_id: i64,
        month: String,
        input: &ReportInput,
        version: Option<i64>,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Report> {
        let input = input.clone();
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Report> {
            Box::pin(async move {
                let before = locked_report(&mut *tx, backend, project_id, &month).await?;
                next(before.as_ref().map(|b| b.status), ReportStep::Submit)
                    .map_err(|e| StoreError::WrongState(WrongState::Report(e.0)))?;
                if let (Some(b), Some(v)) = (&before, version)
                    && b.version != v
                {
                    return Err(StoreError::Conflict);
                }
                let now = feidi_core::time::stamp(now);
                let sql = if before.is_some() {
                    format!(
                        "UPDATE monthly_reports SET completed_investment = $1, progress_note = $2, problems = $3, \
                         status = 'submitted', return_reason = NULL, submitted_by = $4, submitted_at = $5, \
                         reviewed_by = NULL, reviewed_at = NULL, version = version + 1, updated_at = $5 \
                         WHERE project_id = $6 AND month = $7 RETURNING {REPORT_COLUMNS}"
                    )
                } else {
                    format!(
                        "INSERT INTO monthly_reports (completed_investment, progress_note, problems, status, submitted_by, \
                         submitted_at, first_submitted_at, created_at, updated_at, project_id, month) \
                         VALUES ($1, $2, $3, 'submitted', $4, $5, $5, $5, $5, $6, $7) RETURNING {REPORT_COLUMNS}"
                    )
                };
                let row = sqlx::query(&sql)
                    .bind(input.completed_investment.hundredths())
                    .bind(input.progress_note.clone())
                    .bind(input.problems.clone())
                    .bind(actor)
                    .bind(now)
                    .bind(project_id)
                    .bind(month.clone())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_write(e, &[]))?;
                let after = Report::from_row(&row)?;
                let action = if before.is_some() { "resubmit" } else { "submit" };
                write_audit(&mut *tx, AuditWrite::change(actor, action, "monthly_report", project_id, before.as_ref(), Some(&after)))
                    .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Approves a submitted report, or returns it with a reason; any other state: 409.
    /// `reopen` (admins) turns an approved report back into a submitted one.
    pub async fn review_report(
        &self,
        actor: Option<i64>,
        project_id: i64,
        month: String,
        decision: Review,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Report> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Report> {
            Box::pin(async move {
                let before = locked_report(&mut *tx, backend, project_id, &month).await?.ok_or(StoreError::NotFound)?;
                let (step, reason, action) = match &decision {
                    Review::Approve => (ReportStep::Approve, None, "approve"),
                    Review::Return(reason) => (ReportStep::Return, Some(reason.clone()), "return"),
                    Review::Reopen => (ReportStep::Reopen, None, "reopen"),
                };
                let to = next(Some(before.status), step)
                    .map_err(|e| StoreError::WrongState(WrongState::Report(e.0)))?;
                let now = feidi_core::time::stamp(now);
                let sql = format!(
                    "UPDATE monthly_reports SET status = $1, return_reason = $2, reviewed_by = $3, reviewed_at = $4, \
                     version = version + 1, updated_at = $4 WHERE project_id = $5 AND month = $6 RETURNING {REPORT_COLUMNS}"
                );
                let row = sqlx::query(&sql)
                    .bind(to.as_str())
                    .bind(reason)
                    .bind(actor)
                    .bind(now)
                    .bind(project_id)
                    .bind(month.clone())
                    .fetch_one(&mut *tx)
                    .await?;
                let after = Report::from_row(&row)?;
                write_audit(&mut *tx, AuditWrite::change(actor, action, "monthly_report", project_id, Some(&before), Some(&after)))
                    .await?;
                Ok(after)
            })
        })
        .await
    }

    /// A project's reports, newest month first.
    pub async fn reports(&self, project_id: i64) -> StoreResult<Vec<Report>> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM monthly_reports WHERE project_id = $1 ORDER BY month DESC"
        ))
        .bind(project_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(Report::from_row).collect()
    }

    /// One report.
    pub async fn report(&self, project_id: i64, month: &str) -> StoreResult<Report> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM monthly_reports WHERE project_id = $1 AND month = $2"
        ))
        .bind(project_id)
        .bind(month.to_string())
        .fetch_optional(&self.read)
        .await?;
        row.as_ref()
            .map(Report::from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)
    }

    /// The sums of approved and submitted reports of months up to `cutoff` (`YYYY-MM`), per
    /// category: read from the totals the triggers keep.
    pub async fn report_sums(&self, cutoff: &str) -> StoreResult<ReportSums> {
        let rows = sqlx::query(
            "SELECT category, status, CAST(SUM(amount) AS BIGINT) AS amount FROM report_totals \
             WHERE month <= $1 AND status IN ('approved', 'submitted') GROUP BY category, status",
        )
        .bind(cutoff.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut sums = ReportSums::default();
        for row in &rows {
            let c = Cols::Row(row);
            let code = c.text("category")?;
            let category =
                Category::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("category {code}")))?;
            let amount = Money::from_hundredths(c.int("amount")?);
            match c.text("status")?.as_str() {
                "approved" => sums.approved.push((category, amount)),
                _ => sums.submitted.push((category, amount)),
            }
        }
        Ok(sums)
    }
}

/// A reviewer's decision on a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    Approve,
    Return(String),
    Reopen,
}

async fn locked_report(
    tx: &mut AnyConnection,
    backend: Backend,
    project_id: i64,
    month: &str,
) -> StoreResult<Option<Report>> {
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM monthly_reports WHERE project_id = $1 AND month = $2{}",
        lock(backend)
    );
    let row = sqlx::query(&sql)
        .bind(project_id)
        .bind(month.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    row.as_ref().map(Report::from_row).transpose()
}

/// One project's approved and pending investment as of a cutoff month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProjectSums {
    /// Approved, months of the cutoff's year up to the cutoff.
    pub year_to_date: Money,
    /// Approved, every month up to the cutoff.
    pub since_start: Money,
    /// Submitted and not yet reviewed, up to the cutoff.
    pub pending: Money,
}

impl Store {
    /// A project's sums as of `cutoff` (`YYYY-MM`), for the year `year`.
    pub async fn project_sums(&self, project_id: i64, year: i32, cutoff: &str) -> StoreResult<ProjectSums> {
        let row = sqlx::query(
            "SELECT \
             CAST(COALESCE(SUM(CASE WHEN status = 'approved' AND month >= $2 THEN completed_investment ELSE 0 END), 0) AS BIGINT) AS ytd, \
             CAST(COALESCE(SUM(CASE WHEN status = 'approved' THEN completed_investment ELSE 0 END), 0) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(CASE WHEN status = 'submitted' THEN completed_investment ELSE 0 END), 0) AS BIGINT) AS pending \
             FROM monthly_reports WHERE project_id = $1 AND month <= $3",
        )
        .bind(project_id)
        .bind(format!("{year:04}-01"))
        .bind(cutoff.to_string())
        .fetch_one(&self.read)
        .await?;
        let c = Cols::Row(&row);
        Ok(ProjectSums {
            year_to_date: Money::from_hundredths(c.int("ytd")?),
            since_start: Money::from_hundredths(c.int("total")?),
            pending: Money::from_hundredths(c.int("pending")?),
        })
    }
}

impl Store {
    /// The problems (存在问题) each of some projects named in its latest report up to
    /// `cutoff`, for projects whose latest report names any.
    pub async fn latest_problems(
        &self,
        project_ids: &[i64],
        cutoff: &str,
    ) -> StoreResult<Vec<(i64, String, String)>> {
        if project_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = crate::value::id_set(self.backend, "$2");
        let rows = sqlx::query(&format!(
            "SELECT r.project_id, r.month, r.problems FROM monthly_reports r \
             WHERE r.project_id IN ({ids}) AND r.problems IS NOT NULL AND r.problems <> '' \
             AND r.month = (SELECT MAX(l.month) FROM monthly_reports l WHERE l.project_id = r.project_id AND l.month <= $1)"
        ))
        .bind(cutoff.to_string())
        .bind(crate::value::ids_json(project_ids))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok((c.int("project_id")?, c.text("month")?, c.text("problems")?))
            })
            .collect()
    }
}

row! {
    /// A project that owes a month's report.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct MissingReport {
        pub project_id: i64 as "id",
        pub name: String,
    }
}

row! {
    /// A report first submitted after its due instant.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct LateReport {
        pub project_id: i64,
        pub name: String,
        pub first_submitted_at: Stamp,
    }
}

impl Store {
    /// Projects that owe a report for `month` (`YYYY-MM`, ending on `month_end`) and have none:
    /// those already reporting before that month, or whose construction had started by its end.
    pub async fn missing_reports(&self, month: &str, month_end: &str) -> StoreResult<Vec<MissingReport>> {
        let rows = sqlx::query(
            "SELECT p.id, p.name FROM projects p \
             WHERE NOT EXISTS (SELECT 1 FROM monthly_reports r WHERE r.project_id = p.id AND r.month = $1) \
             AND (EXISTS (SELECT 1 FROM monthly_reports r WHERE r.project_id = p.id AND r.month < $1) \
                  OR EXISTS (SELECT 1 FROM milestones m WHERE m.project_id = p.id \
                             AND m.kind = 'construction_started' AND m.actual_date <= $2)) \
             ORDER BY p.id",
        )
        .bind(month.to_string())
        .bind(month_end.to_string())
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }

    /// Reports of `month` first submitted after `due` (an instant as stored).
    pub async fn late_reports(&self, month: &str, due: &str) -> StoreResult<Vec<LateReport>> {
        let rows = sqlx::query(
            "SELECT r.project_id, p.name, r.first_submitted_at FROM monthly_reports r JOIN projects p ON p.id = r.project_id \
             WHERE r.month = $1 AND r.first_submitted_at > $2 ORDER BY r.project_id",
        )
        .bind(month.to_string())
        .bind(due.to_string())
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }
}

/// Which reports a review queue lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    pub status: Option<ReportStatus>,
    pub month: Option<String>,
    pub project_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

/// A report in a queue, with the project it belongs to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueuedReport {
    #[serde(flatten)]
    pub report: Report,
    pub project_name: String,
    pub zone_id: i64,
    pub enterprise_id: Option<i64>,
}

impl Store {
    /// Reports by status across the programme (or one enterprise's projects), oldest sent
    /// first: the reviewer's queue.
    pub async fn report_queue(
        &self,
        filter: &ReportFilter,
        scope: feidi_core::policy::Scope,
    ) -> StoreResult<crate::Page<QueuedReport>> {
        let mut clauses = Vec::new();
        let mut binds: Vec<crate::Val> = Vec::new();
        let mut bind = |clause: &str, value: crate::Val| {
            binds.push(value);
            clauses.push(clause.replace('?', &format!("${}", binds.len())));
        };
        if let Some(status) = filter.status {
            bind("r.status = ?", status.as_str().into());
        }
        if let Some(month) = &filter.month {
            bind("r.month = ?", month.clone().into());
        }
        if let Some(project) = filter.project_id {
            bind("r.project_id = ?", project.into());
        }
        if let Some(zone) = filter.zone_id {
            bind("p.zone_id = ?", zone.into());
        }
        if let feidi_core::policy::Scope::Enterprise(own) = scope {
            bind("p.enterprise_id = ?", own.into());
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let from = format!("FROM monthly_reports r JOIN projects p ON p.id = r.project_id{filter_sql}");
        let total: i64 = crate::value::bind_all(
            sqlx::query(&format!("SELECT CAST(COUNT(*) AS BIGINT) AS n {from}")),
            &binds,
        )
        .fetch_one(&self.read)
        .await
        .and_then(|row| sqlx::Row::try_get::<i64, _>(&row, "n"))?;
        let columns: Vec<String> = REPORT_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect();
        let (page, per_page) = (filter.page.max(1), filter.per_page.clamp(1, 500));
        // What waits for review comes first come, first served; anything else is history,
        // newest month first.
        let order = if filter.status == Some(ReportStatus::Submitted) {
            "r.submitted_at, r.project_id, r.month"
        } else {
            "r.month DESC, r.project_id"
        };
        let sql = format!(
            "SELECT {}, p.name AS project_name, p.zone_id AS zone_id, p.enterprise_id AS enterprise_id {from} \
             ORDER BY {order} LIMIT {per_page} OFFSET {}",
            columns.join(", "),
            (page - 1) * per_page
        );
        let rows = crate::value::bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.read)
            .await?;
        let items = rows
            .iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok(QueuedReport {
                    report: Report::from_cols(&c)?,
                    project_name: c.text("project_name")?,
                    zone_id: c.int("zone_id")?,
                    enterprise_id: c.opt_int("enterprise_id")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(crate::Page::of(items, total, page, per_page))
    }
}
