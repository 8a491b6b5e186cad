//! The programme as a whole (M4, M9): its stages, what it has reached by a day, and the
//! figures the cockpit reads — per project for the lights, and from the kept report totals for
//! the sums, so no request reads every report.

use feidi_core::Money;
use feidi_core::model::Category;
use feidi_core::programme::{Reached, StageInput};
use feidi_core::schedule::{AppealFacts, DisputeFacts};
use feidi_core::time::Stamp;
use serde::Serialize;

use chrono::NaiveDate;

use crate::columns::{row, values};
use crate::registry::{Inputs, Record};
use crate::value::{Cols, Val};
use crate::{Backend, Store, StoreError, StoreResult};

row! {
    /// A stage of the programme with its targets.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Stage {
        pub id: i64,
        pub name: String,
        pub start_date: NaiveDate,
        pub end_date: NaiveDate,
        pub target_project_count: Option<i64>,
        pub target_total_investment: Option<Money>,
        pub target_completed_investment: Option<Money>,
        pub target_annual_output: Option<Money>,
        pub target_jobs: Option<i64>,
        pub sample: bool,
        pub note: Option<String>,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

impl Stage {
    /// The stage as an input again, which is what its progress is judged from.
    pub fn input(&self) -> StageInput {
        StageInput {
            name: self.name.clone(),
            start_date: self.start_date,
            end_date: self.end_date,
            target_project_count: self.target_project_count,
            target_total_investment: self.target_total_investment,
            target_completed_investment: self.target_completed_investment,
            target_annual_output: self.target_annual_output,
            target_jobs: self.target_jobs,
            sample: self.sample,
            note: self.note.clone(),
        }
    }
}

impl Record for Stage {
    const ENTITY: &'static str = "stage";
    const TABLE: &'static str = "programme_stages";
    const UNIQUE: &'static [&'static str] = &["name"];
    const SORTABLE: &'static [&'static str] = &["id", "name", "start_date", "end_date"];
    const FILTERS: &'static [&'static str] = &[];

    fn id(&self) -> i64 {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Inputs for StageInput {
    type Record = Stage;
    fn values(&self) -> Vec<(&'static str, Val)> {
        values!(
            self: name,
            start_date,
            end_date,
            target_project_count,
            target_total_investment,
            target_completed_investment,
            target_annual_output,
            target_jobs,
            sample,
            note
        )
    }
}

row! {
    /// A project's name and who answers for it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ProjectHead {
        pub project_id: i64,
        pub name: String,
        pub enterprise: Option<String>,
        pub a_official: Option<String>,
    }
}

/// Which part of the programme a figure covers: all of it, or one zone and/or one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Part {
    pub zone_id: Option<i64>,
    pub category: Option<Category>,
}

impl Part {
    /// The SQL condition over a table with `category` and `zone_id` columns (of alias
    /// `prefix`), its placeholders numbered from `next`, and the values to bind.
    fn condition(&self, prefix: &str, mut next: usize) -> (String, Vec<Val>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        if let Some(zone) = self.zone_id {
            sql.push_str(&format!(" AND {prefix}zone_id = ${next}"));
            values.push(Val::from(zone));
            next += 1;
        }
        if let Some(category) = self.category {
            sql.push_str(&format!(" AND {prefix}category = ${next}"));
            values.push(Val::from(category.as_str()));
        }
        (sql, values)
    }
}

/// One cell of the kept report totals: a month's reports of one category, zone and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalCell {
    pub month: String,
    pub category: Category,
    pub zone_id: i64,
    /// `approved`, `submitted` or `returned`.
    pub status: String,
    pub amount: Money,
    pub report_count: i64,
}

/// What a project's light is judged from, as of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub project_id: i64,
    pub category: Category,
    pub zone_id: i64,
    pub total_investment: Money,
    /// The greatest lateness in days among its milestones (none without milestones).
    pub max_lateness: Option<i64>,
    /// Approved investment of the year up to the cutoff month.
    pub year_to_date: Money,
    pub annual_plan: Option<Money>,
    /// The last month it reported, up to the last month due (year, month).
    pub last_report_month: Option<(i32, u32)>,
    /// When its construction started, if by the day asked.
    pub started: Option<chrono::NaiveDate>,
}

impl Standing {
    /// How many monthly reports it has missing by `last_due` (see `feidi_core::schedule`).
    pub fn missing_reports(&self, last_due: (i32, u32)) -> Option<u32> {
        feidi_core::schedule::months_missing(self.last_report_month, self.started, last_due)
    }
}

/// Days from text date `b` to text date `a`, in the backend's dialect. A date outside the
/// years feidi accepts (1900–2200), which only a version before that rule could have stored
/// ("-2023-06-01"), counts as none rather than failing the whole query: PostgreSQL cannot cast
/// it, and every leader's page would answer 500.
fn days_between(backend: Backend, a: &str, b: &str) -> String {
    let sane = |x: &str| format!("{x} BETWEEN '1900' AND '2201'");
    let days = match backend {
        Backend::Sqlite => format!("CAST(julianday({a}) - julianday({b}) AS INTEGER)"),
        Backend::Postgres => format!("(CAST({a} AS DATE) - CAST({b} AS DATE))"),
    };
    format!("CASE WHEN {} AND {} THEN {days} END", sane(a), sane(b))
}

fn category(c: &Cols<'_>) -> StoreResult<Category> {
    let code = c.text("category")?;
    Category::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("category {code}")))
}

impl Store {
    /// The sum of the data versions of some tables: it changes whenever any of them does, so
    /// an answer built from them may be kept while it stands still.
    pub async fn data_versions(&self, tables: &[&str]) -> StoreResult<i64> {
        let list = (1..=tables.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT CAST(SUM(version) AS BIGINT) FROM data_versions WHERE name IN ({list})");
        let mut query = sqlx::query_scalar::<_, i64>(&sql);
        for t in tables {
            query = query.bind(t.to_string());
        }
        Ok(query.fetch_one(&self.read).await?)
    }

    /// The kept report totals of months up to `cutoff` (`YYYY-MM`) in a part of the programme.
    pub async fn report_cells(&self, part: Part, cutoff: &str) -> StoreResult<Vec<TotalCell>> {
        let (cond, values) = part.condition("", 2);
        let sql = format!(
            "SELECT month, category, zone_id, status, amount, report_count FROM report_totals \
             WHERE month <= $1 AND report_count > 0{cond} ORDER BY month"
        );
        let query = sqlx::query(&sql).bind(cutoff.to_string());
        let rows = crate::value::bind_all(query, &values)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok(TotalCell {
                    month: c.text("month")?,
                    category: category(&c)?,
                    zone_id: c.int("zone_id")?,
                    status: c.text("status")?,
                    amount: Money::from_hundredths(c.int("amount")?),
                    report_count: c.int("report_count")?,
                })
            })
            .collect()
    }

    /// Every project of a part with what its light is judged from on day `as_of`
    /// (`YYYY-MM-DD`): the year's approved investment up to `cutoff` and its plan for `year`,
    /// and its last report up to `last_due` (`YYYY-MM`) with the day its construction started.
    pub async fn standings(
        &self,
        part: Part,
        as_of: &str,
        year: i32,
        cutoff: &str,
        last_due: &str,
    ) -> StoreResult<Vec<Standing>> {
        let late = days_between(
            self.backend,
            "CASE WHEN actual_date IS NOT NULL AND actual_date <= $1 THEN actual_date ELSE $1 END",
            "planned_date",
        );
        let (cond, values) = part.condition("p.", 6);
        // The last month reported is one step down the (project, month) index a project, not a
        // scan of every report.
        let sql = format!(
            "SELECT p.id, p.category, p.zone_id, p.total_investment, m.late, m.started, y.ytd, a.planned_investment, \
             (SELECT MAX(r.month) FROM monthly_reports r WHERE r.project_id = p.id AND r.month <= $5) AS last_month \
             FROM projects p \
             LEFT JOIN (SELECT project_id, CAST(MAX({late}) AS BIGINT) AS late, \
                        MAX(CASE WHEN kind = 'construction_started' AND actual_date <= $1 THEN actual_date END) AS started \
                        FROM milestones GROUP BY project_id) m ON m.project_id = p.id \
             LEFT JOIN (SELECT project_id, CAST(SUM(completed_investment) AS BIGINT) AS ytd FROM monthly_reports \
                        WHERE status = 'approved' AND month >= $2 AND month <= $3 GROUP BY project_id) y ON y.project_id = p.id \
             LEFT JOIN annual_plans a ON a.project_id = p.id AND a.year = $4 \
             WHERE 1 = 1{cond} ORDER BY p.id"
        );
        let query = sqlx::query(&sql)
            .bind(as_of.to_string())
            .bind(format!("{year:04}-01"))
            .bind(cutoff.to_string())
            .bind(i64::from(year))
            .bind(last_due.to_string());
        // Streamed, not fetched whole: fifty thousand rows held at once as driver rows would
        // cost tens of megabytes; as standings they take a few.
        use futures_util::TryStreamExt;
        let mut rows = crate::value::bind_all(query, &values).fetch(&self.read);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let c = Cols::Row(&row);
            out.push(Standing {
                project_id: c.int("id")?,
                category: category(&c)?,
                zone_id: c.int("zone_id")?,
                total_investment: Money::from_hundredths(c.int("total_investment")?),
                max_lateness: c.opt_int("late")?,
                year_to_date: Money::from_hundredths(c.opt_int("ytd")?.unwrap_or(0)),
                annual_plan: c.opt_int("planned_investment")?.map(Money::from_hundredths),
                last_report_month: c
                    .opt_text("last_month")?
                    .as_deref()
                    .and_then(feidi_core::schedule::parse_month),
                // A bad date an earlier version stored counts as none, as in `days_between`.
                started: c
                    .opt_text("started")?
                    .as_deref()
                    .and_then(feidi_core::time::parse_day),
            });
        }
        Ok(out)
    }

    /// The projects' names with who answers for each: its enterprise, and its A official (the
    /// project's own, else the enterprise's).
    pub async fn project_heads(&self, ids: &[i64]) -> StoreResult<Vec<ProjectHead>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT p.id AS project_id, p.name AS name, e.name AS enterprise, u.name AS a_official \
             FROM projects p LEFT JOIN enterprises e ON e.id = p.enterprise_id \
             LEFT JOIN users u ON u.id = COALESCE(p.a_official_id, e.a_official_id) \
             WHERE p.id IN ({})",
            crate::value::id_set(self.backend, "$1")
        );
        let rows = sqlx::query(&sql)
            .bind(crate::value::ids_json(ids))
            .fetch_all(&self.read)
            .await?;
        crate::columns::read_all(&rows)
    }

    /// What the programme (or a part) has reached on day `on` (`YYYY-MM-DD`, whose last
    /// counting month is `cutoff`): today's portfolio, the approved investment, and the
    /// expected output and jobs of the projects in production by then.
    pub async fn reached(&self, part: Part, on: &str, cutoff: &str) -> StoreResult<Reached> {
        let (cond, values) = part.condition("p.", 2);
        let sql = format!(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(p.total_investment), 0) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(CASE WHEN m.project_id IS NOT NULL THEN p.expected_annual_output ELSE 0 END), 0) AS BIGINT) AS output, \
             CAST(COALESCE(SUM(CASE WHEN m.project_id IS NOT NULL THEN p.expected_jobs ELSE 0 END), 0) AS BIGINT) AS jobs \
             FROM projects p LEFT JOIN milestones m ON m.project_id = p.id AND m.kind = 'production_started' \
             AND m.actual_date IS NOT NULL AND m.actual_date <= $1 WHERE 1 = 1{cond}"
        );
        let query = sqlx::query(&sql).bind(on.to_string());
        let row = crate::value::bind_all(query, &values)
            .fetch_one(&self.read)
            .await?;
        let c = Cols::Row(&row);
        let completed = self
            .report_cells(part, cutoff)
            .await?
            .iter()
            .filter(|cell| cell.status == "approved")
            .map(|cell| cell.amount)
            .sum();
        Ok(Reached {
            project_count: c.int("n")?,
            total_investment: Money::from_hundredths(c.int("total")?),
            completed_investment: completed,
            annual_output: Money::from_hundredths(c.int("output")?),
            jobs: c.int("jobs")?,
        })
    }
}

impl Store {
    /// What may block projects (堵点) at instant `at`, the end of day `day` or now if earlier:
    /// the appeals concerning a project that by then were submitted and escalated or past
    /// their resolve deadline, and the disputes standing on `day` on parcels supplied to a
    /// project by then. Core's `appeal_blockage` and `dispute_blockage` decide; rows whose
    /// instants or days do not read (a hand edit) are passed over rather than failing the
    /// leaders' pages. Of one project, or of all.
    pub async fn blockage_facts(
        &self,
        day: NaiveDate,
        at: chrono::DateTime<chrono::FixedOffset>,
        project_id: Option<i64>,
    ) -> StoreResult<(Vec<AppealFacts>, Vec<DisputeFacts>)> {
        use feidi_core::time::{parse_day, parse_instant};
        let at_text = feidi_core::time::stamp(at);
        // Instants are stored at one width in +08:00, so text order is time order.
        let rows = sqlx::query(
            "SELECT id, project_id, title, submitted_at, status, resolved_at, escalated_at, resolve_due_at \
             FROM appeals WHERE project_id IS NOT NULL AND submitted_at <= $1 \
             AND (escalated_at <= $1 OR resolve_due_at <= $1) \
             AND (due_at IS NOT NULL OR resolved_at > $1) AND (CAST($2 AS BIGINT) IS NULL OR project_id = $2)",
        )
        .bind(at_text)
        .bind(project_id)
        .fetch_all(&self.read)
        .await?;
        let mut appeals = Vec::with_capacity(rows.len());
        for row in &rows {
            let c = Cols::Row(row);
            let instant = |col: &str| -> StoreResult<Option<chrono::DateTime<chrono::FixedOffset>>> {
                Ok(c.opt_text(col)?.as_deref().and_then(parse_instant))
            };
            let (Some(submitted_at), Some(resolve_due_at)) =
                (instant("submitted_at")?, instant("resolve_due_at")?)
            else {
                continue;
            };
            appeals.push(AppealFacts {
                appeal_id: c.int("id")?,
                project_id: c.int("project_id")?,
                title: c.text("title")?,
                submitted_at,
                open: feidi_core::appeals::AppealStatus::parse(&c.text("status")?)
                    .is_some_and(|s| s.is_open()),
                resolved_at: instant("resolved_at")?,
                escalated_at: instant("escalated_at")?,
                resolve_due_at,
            });
        }
        let rows = sqlx::query(
            "SELECT d.id, s.project_id, p.code, s.date AS supplied_on, d.opened_on, d.resolved_on \
             FROM disputes d LEFT JOIN households h ON h.id = d.household_id \
             JOIN parcels p ON p.id = COALESCE(d.parcel_id, h.parcel_id) \
             JOIN parcel_steps s ON s.parcel_id = p.id AND s.status = 'supplied' \
             WHERE s.project_id IS NOT NULL AND s.date <= $1 AND d.opened_on <= $1 \
             AND (d.resolved_on IS NULL OR d.resolved_on > $1) AND (CAST($2 AS BIGINT) IS NULL OR s.project_id = $2)",
        )
        .bind(day.to_string())
        .bind(project_id)
        .fetch_all(&self.read)
        .await?;
        let mut disputes = Vec::with_capacity(rows.len());
        for row in &rows {
            let c = Cols::Row(row);
            let day_of = |col: &str| -> StoreResult<Option<NaiveDate>> {
                Ok(c.opt_text(col)?.as_deref().and_then(parse_day))
            };
            let (Some(supplied_on), Some(opened_on)) = (day_of("supplied_on")?, day_of("opened_on")?) else {
                continue;
            };
            disputes.push(DisputeFacts {
                dispute_id: c.int("id")?,
                project_id: c.int("project_id")?,
                parcel_code: c.text("code")?,
                supplied_on,
                opened_on,
                resolved_on: day_of("resolved_on")?,
            });
        }
        Ok((appeals, disputes))
    }
}
