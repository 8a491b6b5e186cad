//! The monthly dispatch report's rows (调度报告, M9): every project with its month.

use feidi_core::Money;
use feidi_core::model::Category;
use serde::Serialize;

use crate::value::Cols;
use crate::{Store, StoreError, StoreResult};

/// One project in a month's dispatch report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DispatchRow {
    pub project_id: i64,
    pub code: Option<String>,
    pub name: String,
    pub category: Category,
    pub zone_id: i64,
    pub zone: String,
    pub total_investment: Money,
    pub annual_plan: Option<Money>,
    /// The month's report, whatever its state (none: not reported).
    pub month_amount: Option<Money>,
    pub month_status: Option<String>,
    /// Approved, months of the year up to this one.
    pub year_to_date: Money,
    /// Approved, every month up to this one.
    pub since_start: Money,
    pub progress_note: Option<String>,
    pub problems: Option<String>,
}

impl Store {
    /// Every project (also those with no report that month) for month `month` (`YYYY-MM`) of
    /// `year`, by category and id.
    pub async fn dispatch_rows(&self, month: &str, year: i32) -> StoreResult<Vec<DispatchRow>> {
        let rows = sqlx::query(
            "SELECT p.id, p.code, p.name, p.category, p.zone_id, z.name AS zone_name, p.total_investment, \
             a.planned_investment, r.completed_investment AS month_amount, r.status AS month_status, \
             r.progress_note, r.problems, s.ytd, s.total \
             FROM projects p JOIN zones z ON z.id = p.zone_id \
             LEFT JOIN annual_plans a ON a.project_id = p.id AND a.year = $1 \
             LEFT JOIN monthly_reports r ON r.project_id = p.id AND r.month = $2 \
             LEFT JOIN (SELECT project_id, \
                 CAST(SUM(CASE WHEN month >= $3 THEN completed_investment ELSE 0 END) AS BIGINT) AS ytd, \
                 CAST(SUM(completed_investment) AS BIGINT) AS total \
                 FROM monthly_reports WHERE status = 'approved' AND month <= $2 GROUP BY project_id) s \
               ON s.project_id = p.id \
             ORDER BY p.id",
        )
        .bind(i64::from(year))
        .bind(month.to_string())
        .bind(format!("{year:04}-01"))
        .fetch_all(&self.read)
        .await?;
        let mut out = rows
            .iter()
            .map(|row| {
                let c = Cols::Row(row);
                let code = c.text("category")?;
                Ok(DispatchRow {
                    project_id: c.int("id")?,
                    code: c.opt_text("code")?,
                    name: c.text("name")?,
                    category: Category::parse(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("category {code}")))?,
                    zone_id: c.int("zone_id")?,
                    zone: c.text("zone_name")?,
                    total_investment: Money::from_hundredths(c.int("total_investment")?),
                    annual_plan: c.opt_int("planned_investment")?.map(Money::from_hundredths),
                    month_amount: c.opt_int("month_amount")?.map(Money::from_hundredths),
                    month_status: c.opt_text("month_status")?,
                    year_to_date: Money::from_hundredths(c.opt_int("ytd")?.unwrap_or(0)),
                    since_start: Money::from_hundredths(c.opt_int("total")?.unwrap_or(0)),
                    progress_note: c.opt_text("progress_note")?,
                    problems: c.opt_text("problems")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by_key(|r| (Category::ALL.iter().position(|c| *c == r.category), r.project_id));
        Ok(out)
    }
}
