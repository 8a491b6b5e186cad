//! Enterprise appeals (M5) in storage: the working-day calendar, appeal categories, officials'
//! absences, appeals with their timeline, and the sweep. The rules themselves are
//! `feidi_core::appeals`'; here an appeal's row becomes an `AppealState`, a rule is applied to
//! it, and the row, its new events and the audit entry are written in one transaction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate};
use feidi_core::appeals::{
    Absences, Act, AppealState, AppealStatus, Event, HandlerRole, Officials, Rating, may_act,
};
use feidi_core::calendar::{Calendar, DayKind};
use feidi_core::policy::{Principal, Scope};
use feidi_core::time::{parse_instant, stamp};
use feidi_core::{FieldErrors, Flaw};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::{AuditWrite, Params, audit_statement, write_audit};
use crate::error::WrongState;
use crate::registry::Page;
use crate::sqlite::writer::TxFuture;
use crate::value::{Batch, Cols, Val, bind_all};
use crate::{Backend, Store, StoreError, StoreResult};

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

pub(crate) fn instant(col: &str, text: &str) -> StoreResult<DateTime<FixedOffset>> {
    parse_instant(text).ok_or_else(|| corrupt(col, text))
}

fn for_update(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    }
}

/// A date to mark: holiday or workday, with the holiday's name.
pub type MarkedDay = (NaiveDate, DayKind, Option<String>);

/// A date the calendar marks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: String,
    pub kind: String,
    pub name: Option<String>,
    pub version: i64,
    pub updated_at: String,
}

/// An appeal category and its resolve time.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppealCategory {
    pub key: String,
    pub name: String,
    /// The name on English pages, if an admin gave one (see `feidi_core::appeals::category_name`).
    pub name_en: Option<String>,
    pub resolve_working_days: i64,
    pub version: i64,
    pub updated_at: String,
}

/// An official's absence, dates inclusive.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Absence {
    pub id: i64,
    pub user_id: i64,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub version: i64,
    pub created_at: String,
}

/// An enterprise whose A and B official would both be away on some day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AbsenceClash {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// The project, when the pair is a project's own (it handles that project's appeals).
    pub project_id: Option<i64>,
    pub project_name: Option<String>,
    /// The other official of the pair, away too.
    pub other_official_id: i64,
    /// The first and last day both are away.
    pub from: String,
    pub to: String,
}

const APPEAL_COLUMNS: &str = "id, enterprise_id, project_id, category, title, description, status, handler_id, \
     handler_role, b_official_id, task_force_leader_id, resolve_working_days, submitted_at, submitted_by, ack_due_at, \
     resolve_due_at, due_at, next_due_at, overdue, escalated_at, acknowledged_at, ack_on_time, resolved_at, resolved_by, \
     resolution, resolved_on_time, rating, rating_comment, rated_at, returns, reopens, version, created_at, updated_at";

/// Instants as the API writes them: stored with microseconds (fixed width, so text order is
/// time order), shown without a zero fraction, so a deadline reads `2023-10-08T00:00:00+08:00`.
fn instant_out<S: serde::Serializer>(stamp: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&stamp.replace(".000000+", "+"))
}

fn opt_instant_out<S: serde::Serializer>(stamp: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match stamp {
        Some(t) => instant_out(t, s),
        None => s.serialize_none(),
    }
}

/// An appeal as the API shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Appeal {
    pub id: i64,
    pub enterprise_id: i64,
    pub project_id: Option<i64>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub handler_id: Option<i64>,
    pub handler_role: String,
    pub b_official_id: Option<i64>,
    pub task_force_leader_id: Option<i64>,
    pub resolve_working_days: i64,
    #[serde(serialize_with = "instant_out")]
    pub submitted_at: String,
    pub submitted_by: Option<i64>,
    #[serde(serialize_with = "opt_instant_out")]
    pub ack_due_at: Option<String>,
    #[serde(serialize_with = "instant_out")]
    pub resolve_due_at: String,
    /// The handler's current deadline while it is open.
    #[serde(serialize_with = "opt_instant_out")]
    pub due_at: Option<String>,
    #[serde(skip)]
    pub next_due_at: Option<String>,
    pub overdue: bool,
    pub escalated: bool,
    #[serde(serialize_with = "opt_instant_out")]
    pub escalated_at: Option<String>,
    #[serde(serialize_with = "opt_instant_out")]
    pub acknowledged_at: Option<String>,
    pub ack_on_time: Option<bool>,
    #[serde(serialize_with = "opt_instant_out")]
    pub resolved_at: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_on_time: Option<bool>,
    pub rating: Option<String>,
    pub rating_comment: Option<String>,
    #[serde(serialize_with = "opt_instant_out")]
    pub rated_at: Option<String>,
    pub returns: i64,
    pub reopens: i64,
    pub version: i64,
    #[serde(serialize_with = "instant_out")]
    pub created_at: String,
    #[serde(serialize_with = "instant_out")]
    pub updated_at: String,
}

impl Appeal {
    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        let opt_bool = |col: &str| -> StoreResult<Option<bool>> { Ok(c.opt_int(col)?.map(|v| v != 0)) };
        let escalated_at = c.opt_text("escalated_at")?;
        Ok(Self {
            id: c.int("id")?,
            enterprise_id: c.int("enterprise_id")?,
            project_id: c.opt_int("project_id")?,
            category: c.text("category")?,
            title: c.text("title")?,
            description: c.text("description")?,
            status: c.text("status")?,
            handler_id: c.opt_int("handler_id")?,
            handler_role: c.text("handler_role")?,
            b_official_id: c.opt_int("b_official_id")?,
            task_force_leader_id: c.opt_int("task_force_leader_id")?,
            resolve_working_days: c.int("resolve_working_days")?,
            submitted_at: c.text("submitted_at")?,
            submitted_by: c.opt_int("submitted_by")?,
            ack_due_at: c.opt_text("ack_due_at")?,
            resolve_due_at: c.text("resolve_due_at")?,
            due_at: c.opt_text("due_at")?,
            next_due_at: c.opt_text("next_due_at")?,
            overdue: c.int("overdue")? != 0,
            escalated: escalated_at.is_some(),
            escalated_at,
            acknowledged_at: c.opt_text("acknowledged_at")?,
            ack_on_time: opt_bool("ack_on_time")?,
            resolved_at: c.opt_text("resolved_at")?,
            resolved_by: c.opt_int("resolved_by")?,
            resolution: c.opt_text("resolution")?,
            resolved_on_time: opt_bool("resolved_on_time")?,
            rating: c.opt_text("rating")?,
            rating_comment: c.opt_text("rating_comment")?,
            rated_at: c.opt_text("rated_at")?,
            returns: c.int("returns")?,
            reopens: c.int("reopens")?,
            version: c.int("version")?,
            created_at: c.text("created_at")?,
            updated_at: c.text("updated_at")?,
        })
    }

    fn from_row(row: &AnyRow) -> StoreResult<Self> {
        Self::from_cols(&Cols::Row(row))
    }

    /// From a row whose one column is the record as a JSON array (`Store::json_row`): one
    /// text value to decode instead of 34 through sqlx's `Any` driver.
    fn from_json_row(row: &AnyRow) -> StoreResult<Self> {
        let text: String = sqlx::Row::try_get(row, 0)?;
        Self::from_json_text(&text)
    }

    fn from_json_text(text: &str) -> StoreResult<Self> {
        let values: Vec<serde_json::Value> =
            serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("appeal row: {e}")))?;
        Self::from_json_values(&values)
    }

    fn from_json_values(values: &[serde_json::Value]) -> StoreResult<Self> {
        let names: Vec<&str> = APPEAL_COLUMNS.split(", ").collect();
        Self::from_cols(&Cols::Json {
            names: &names,
            values,
        })
    }

    /// The rules' view of this appeal.
    pub fn state(&self) -> StoreResult<AppealState> {
        Ok(AppealState {
            status: AppealStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?,
            role: HandlerRole::parse(&self.handler_role)
                .ok_or_else(|| corrupt("handler_role", &self.handler_role))?,
            handler: self.handler_id,
            ack_due_at: self
                .ack_due_at
                .as_deref()
                .map(|t| instant("ack_due_at", t))
                .transpose()?,
            resolve_due_at: instant("resolve_due_at", &self.resolve_due_at)?,
            overdue: self.overdue,
            escalated_at: self
                .escalated_at
                .as_deref()
                .map(|t| instant("escalated_at", t))
                .transpose()?,
            b: self.b_official_id,
            task_force_leader: self.task_force_leader_id,
            resolved_by: self.resolved_by,
            resolve_working_days: u32::try_from(self.resolve_working_days).unwrap_or(1),
            returns: u32::try_from(self.returns).unwrap_or_default(),
        })
    }

    /// Takes the rules' new state into the record (and what derives from it).
    fn take_state(&mut self, state: &AppealState) {
        self.status = state.status.as_str().to_string();
        self.handler_role = state.role.as_str().to_string();
        self.handler_id = state.handler;
        self.ack_due_at = state.ack_due_at.map(stamp);
        self.resolve_due_at = stamp(state.resolve_due_at);
        self.overdue = state.overdue;
        self.escalated_at = state.escalated_at.map(stamp);
        self.escalated = self.escalated_at.is_some();
        self.resolved_by = state.resolved_by;
        self.returns = i64::from(state.returns);
        self.next_due_at = state.next_due_at().map(stamp);
        self.due_at = state.due_at().map(stamp);
    }
}

/// One step of an appeal's timeline.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppealEvent {
    pub id: i64,
    pub appeal_id: i64,
    #[serde(serialize_with = "instant_out")]
    pub at: String,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub handler_id: Option<i64>,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

/// A new appeal, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppeal {
    pub enterprise_id: i64,
    pub project_id: Option<i64>,
    pub category: String,
    pub title: String,
    pub description: String,
    /// Only admins loading history set it; otherwise now.
    pub submitted_at: Option<DateTime<FixedOffset>>,
}

/// What a person does to an appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppealAction {
    Acknowledge,
    Return { reason: String },
    Reassign { to: i64, note: Option<String> },
    Resolve { resolution: String },
    Rate { rating: Rating, comment: Option<String> },
    Reopen { reason: String },
}

impl AppealAction {
    pub fn act(&self) -> Act {
        match self {
            AppealAction::Acknowledge => Act::Acknowledge,
            AppealAction::Return { .. } => Act::Return,
            AppealAction::Reassign { .. } => Act::Reassign,
            AppealAction::Resolve { .. } => Act::Resolve,
            AppealAction::Rate { .. } => Act::Rate,
            AppealAction::Reopen { .. } => Act::Reopen,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            AppealAction::Acknowledge => "acknowledge",
            AppealAction::Return { .. } => "return",
            AppealAction::Reassign { .. } => "reassign",
            AppealAction::Resolve { .. } => "resolve",
            AppealAction::Rate { .. } => "rate",
            AppealAction::Reopen { .. } => "reopen",
        }
    }
}

/// Which appeals a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppealFilter {
    pub status: Option<AppealStatus>,
    pub handler_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Open and past the resolve deadline.
    pub overdue: bool,
    /// Escalated (督办) and not closed: the leaders' supervision list.
    pub escalated: bool,
    pub page: i64,
    pub per_page: i64,
}

/// What one run of the sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub appeals: usize,
    pub handed_over: usize,
    pub escalated: usize,
    pub overdue: usize,
}

impl SweepReport {
    pub(crate) fn add(&mut self, other: &SweepReport) {
        self.appeals += other.appeals;
        self.handed_over += other.handed_over;
        self.escalated += other.escalated;
        self.overdue += other.overdue;
    }

    /// Counts one appeal the sweep moved, by the steps it took.
    pub(crate) fn count(&mut self, steps: &[Event]) {
        self.appeals += 1;
        for step in steps {
            match step.kind {
                feidi_core::appeals::EventKind::HandedOver => self.handed_over += 1,
                feidi_core::appeals::EventKind::Escalated => self.escalated += 1,
                feidi_core::appeals::EventKind::Overdue => self.overdue += 1,
                _ => {}
            }
        }
    }
}

/// The programme's appeal figures: counts now, and the rates over every appeal so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppealFigures {
    pub total: i64,
    pub open: i64,
    pub overdue: i64,
    pub escalated: i64,
    pub acknowledged: i64,
    pub acknowledged_on_time: i64,
    pub resolved: i64,
    pub resolved_on_time: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub returns: i64,
}

/// The sweep works in steps of this many appeals...
const SWEEP_STEP: usize = 50;
/// ...and ends its transaction once it has worked this long (or after `SWEEP_STEPS_MAX`
/// steps), so that another writer — a request on this server or another — waits for at most
/// about this plus one commit, on any machine. Longer transactions sweep faster at the cost of
/// every other writer's latency; 3 ms kept a writer's p99 within 1.5 times its own (the
/// figures of each value tried: BENCHMARKS.md, "The sweep's pacing").
const SWEEP_SLICE: std::time::Duration = std::time::Duration::from_millis(3);
const SWEEP_STEPS_MAX: usize = 20;
/// How the SQLite sweep shares the write lock (`sqlite::sweep::Pacing`): while other writers
/// are about it works `SWEEP_SLICE` at a time and pauses at least as long as it held the lock,
/// longer than a waiting writer's try (every millisecond), so that a writer that came meanwhile
/// gets in and is noticed. After a quiet spell of 100 ms with nobody else writing, its
/// transactions grow to 48 ms, each rewriting the index pages it touched once rather than
/// many times. (Measured: BENCHMARKS.md, "The sweep's pacing".)
const SQLITE_SWEEP_PACING: crate::sqlite::sweep::Pacing = crate::sqlite::sweep::Pacing {
    least: SWEEP_SLICE,
    most: std::time::Duration::from_millis(48),
    pause: crate::sqlite::direct::OTHERS_TURN,
    calm: std::time::Duration::from_millis(100),
};

/// The calendar as last read, with the data version it was read at: every deadline needs
/// it, and it changes a few times a year.
#[derive(Default)]
pub(crate) struct CalendarCache(Mutex<Option<(i64, Arc<Calendar>)>>);

async fn calendar_in(conn: &mut AnyConnection, cache: &CalendarCache) -> StoreResult<Arc<Calendar>> {
    let version: i64 = sqlx::query_scalar("SELECT version FROM data_versions WHERE name = 'calendar_days'")
        .fetch_one(&mut *conn)
        .await?;
    calendar_at(conn, cache, version).await
}

/// The calendar of the stored `(day, kind)` rows.
pub(crate) fn calendar_of(rows: Vec<(String, String)>) -> StoreResult<Calendar> {
    let mut days = Vec::with_capacity(rows.len());
    for (day, kind) in rows {
        let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| corrupt("calendar day", &day))?;
        let kind = DayKind::parse(&kind).ok_or_else(|| corrupt("calendar kind", &kind))?;
        days.push((date, kind));
    }
    Ok(Calendar::new(days))
}

/// Every official's absence periods: `(user, from, to)` rows.
pub(crate) const ABSENCE_PERIODS: &str = "SELECT user_id, from_date, to_date FROM absences";

/// The absences of the stored `(user, from, to)` rows.
pub(crate) fn absences_of(rows: Vec<(i64, String, String)>) -> StoreResult<Absences> {
    let mut away = Absences::default();
    for (user, from, to) in rows {
        let day = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("absence day", text))
        };
        away.add(user, day(&from)?, day(&to)?);
    }
    Ok(away)
}

/// Every official's absences as they stand, for the sweep's handovers. The table holds the
/// officials' leave, a few rows per person and year: read whole, it is one short query.
async fn absences_now(conn: &mut AnyConnection) -> StoreResult<Absences> {
    let rows = sqlx::query(ABSENCE_PERIODS).fetch_all(&mut *conn).await?;
    let rows = rows
        .iter()
        .map(|row| {
            let c = Cols::Row(row);
            Ok((c.int("user_id")?, c.text("from_date")?, c.text("to_date")?))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    absences_of(rows)
}

/// The absences, when a rule of the appeal has fallen due by `now` (none are read otherwise).
async fn absences_if_due(
    conn: &mut AnyConnection,
    state: &AppealState,
    now: DateTime<FixedOffset>,
) -> StoreResult<Absences> {
    if state.next_due_at().is_some_and(|due| due <= now) {
        absences_now(conn).await
    } else {
        Ok(Absences::default())
    }
}

/// The calendar at data version `version`: the one held if it is that one, else read again.
async fn calendar_at(
    conn: &mut AnyConnection,
    cache: &CalendarCache,
    version: i64,
) -> StoreResult<Arc<Calendar>> {
    if let Ok(held) = cache.0.lock()
        && let Some((v, calendar)) = held.as_ref()
        && *v == version
    {
        return Ok(calendar.clone());
    }
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT day, kind FROM calendar_days")
        .fetch_all(&mut *conn)
        .await?;
    let calendar = Arc::new(calendar_of(rows)?);
    if let Ok(mut held) = cache.0.lock() {
        *held = Some((version, calendar.clone()));
    }
    Ok(calendar)
}

async fn is_absent(conn: &mut AnyConnection, user: i64, day: &str) -> StoreResult<bool> {
    let hit: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM absences WHERE user_id = $1 AND from_date <= $2 AND to_date >= $2 LIMIT 1",
    )
    .bind(user)
    .bind(day.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(hit.is_some())
}

/// Whether an official is away on `$3`, as a column of the submission's one query.
const ABSENT: &str = "CAST(CASE WHEN EXISTS (SELECT 1 FROM absences x WHERE x.user_id = {who} \
     AND x.from_date <= $3 AND x.to_date >= $3) THEN 1 ELSE 0 END AS BIGINT)";

/// Checks a new appeal's references and gathers what the rules need: its officials on the
/// day of submission (the project's own pair if it has one), the category's resolve time and
/// the calendar. One query answers all of it for an appeal without a project: each statement
/// is a round trip to SQLite's worker thread, and submissions are the hot write.
async fn plan_submission(
    conn: &mut AnyConnection,
    cache: &CalendarCache,
    input: &NewAppeal,
) -> StoreResult<(Officials, u32, Arc<Calendar>)> {
    let mut errors = Vec::new();
    let mut flag = |field: &str, flaw: Flaw| {
        errors.push(feidi_core::FieldError {
            field: field.into(),
            flaw,
        })
    };
    let submitted_at = input.submitted_at.unwrap_or_else(feidi_core::time::now);
    let day = submitted_at.date_naive().format("%Y-%m-%d").to_string();
    let sql = format!(
        "SELECT (SELECT CAST(resolve_working_days AS BIGINT) FROM appeal_categories WHERE key = $1) AS days, \
         e.id AS enterprise, e.a_official_id, e.b_official_id, t.leader_id, {a_absent} AS a_absent, \
         {b_absent} AS b_absent, \
         (SELECT version FROM data_versions WHERE name = 'calendar_days') AS calendar_version \
         FROM (SELECT 1 AS one) o LEFT JOIN enterprises e ON e.id = $2 \
         LEFT JOIN task_forces t ON t.id = e.task_force_id",
        a_absent = ABSENT.replace("{who}", "e.a_official_id"),
        b_absent = ABSENT.replace("{who}", "e.b_official_id"),
    );
    let row = sqlx::query(&sql)
        .bind(input.category.clone())
        .bind(input.enterprise_id)
        .bind(day.clone())
        .fetch_one(&mut *conn)
        .await?;
    let c = Cols::Row(&row);
    let days = c.opt_int("days")?;
    if days.is_none() {
        flag("category", Flaw::NoSuchRecord);
    }
    let found = c.opt_int("enterprise")?.is_some();
    if !found {
        flag("enterprise_id", Flaw::NoSuchRecord);
    }
    let (mut a, mut b) = (c.opt_int("a_official_id")?, c.opt_int("b_official_id")?);
    let (mut a_absent, mut b_absent) = (c.int("a_absent")? == 1, c.int("b_absent")? == 1);
    let leader = c.opt_int("leader_id")?;
    let calendar_version = c.int("calendar_version")?;
    if let Some(project) = input.project_id {
        let row: Option<(Option<i64>, Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT enterprise_id, a_official_id, b_official_id FROM projects WHERE id = $1")
                .bind(project)
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some((owner, pa, pb)) if owner == Some(input.enterprise_id) => {
                // The project's own pair handles its appeals.
                if pa.is_some() || pb.is_some() {
                    (a, b) = (pa, pb);
                    a_absent = match a {
                        Some(a) => is_absent(&mut *conn, a, &day).await?,
                        None => false,
                    };
                    b_absent = match b {
                        Some(b) => is_absent(&mut *conn, b, &day).await?,
                        None => false,
                    };
                }
            }
            Some(_) => flag(
                "project_id",
                Flaw::Rule("项目不属于该企业", "the project is not this enterprise's"),
            ),
            None => flag("project_id", Flaw::NoSuchRecord),
        }
    }
    if !errors.is_empty() {
        return Err(FieldErrors(errors).into());
    }
    let Some(days) = days else {
        return Err(StoreError::NotFound);
    };
    let officials = Officials {
        a,
        b,
        a_absent: a.is_some() && a_absent,
        b_absent: b.is_some() && b_absent,
        task_force_leader: leader,
    };
    let calendar = calendar_at(&mut *conn, cache, calendar_version).await?;
    Ok((officials, u32::try_from(days).unwrap_or(1), calendar))
}

/// Writes a batch of events (and answers nothing).
async fn write_events(conn: &mut AnyConnection, backend: Backend, rows: &[(i64, Event)]) -> StoreResult<()> {
    let mut batch = Batch::default();
    batch.extend(event_statements(backend, rows));
    batch.run(conn, backend).await
}

/// The statements writing a batch of events: one for up to 128.
fn event_statements(backend: Backend, rows: &[(i64, Event)]) -> Vec<(String, Vec<Val>)> {
    let mut statements = Vec::new();
    for chunk in crate::value::statement_chunks(rows, 128) {
        let values = chunk
            .iter()
            .map(|(appeal, e)| {
                vec![
                    Val::from(*appeal),
                    Val::from(stamp(e.at)),
                    Val::from(e.kind.as_str()),
                    Val::from(e.actor),
                    Val::from(e.handler),
                    Val::from(e.reason.map(|r| r.as_str().to_string())),
                    Val::from(e.detail.clone()),
                ]
            })
            .collect();
        statements.push(crate::imports::insert_statement(
            backend,
            "appeal_events (appeal_id, at, kind, actor_id, handler_id, reason, detail)",
            values,
            "",
        ));
    }
    statements
}

/// The tables `names_of` reads names from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Enterprises,
    Users,
}

impl Store {
    /// The names of some enterprises or users, by id: for a page of appeals.
    pub async fn names_of(
        &self,
        table: Named,
        ids: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let table = match table {
            Named::Enterprises => "enterprises",
            Named::Users => "users",
        };
        let sql = format!(
            "SELECT id, name FROM {table} WHERE id IN ({})",
            crate::value::id_set(self.backend, "$1")
        );
        let rows: Vec<(i64, String)> = sqlx::query_as(&sql)
            .bind(crate::value::ids_json(ids))
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Open appeals past their resolve deadline at `now`, read from an index.
    pub async fn overdue_count(&self, now: DateTime<FixedOffset>) -> StoreResult<i64> {
        // SQLite, without statistics, would rather look the open statuses up in
        // `appeals_by_status` and read every open appeal's row; the partial index answers
        // from its entries alone.
        let from = match self.backend {
            Backend::Sqlite => "appeals INDEXED BY appeals_open_by_resolve_due",
            Backend::Postgres => "appeals",
        };
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {from} \
             WHERE status IN ('submitted', 'acknowledged', 'reopened') AND resolve_due_at <= $1"
        );
        Ok(sqlx::query_scalar(&sql)
            .bind(stamp(now))
            .fetch_one(&self.read)
            .await?)
    }

    /// Counts and on-time figures over all appeals. `overdue` is left at 0: it moves with
    /// the clock, not with the data, and `overdue_count` reads it.
    pub async fn appeal_figures(&self) -> StoreResult<AppealFigures> {
        // Kept with every write by triggers (migration 15), in sixteen shards.
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(total_count), 0) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(open_count), 0) AS BIGINT) AS open, 0 AS overdue, \
             CAST(COALESCE(SUM(escalated_count), 0) AS BIGINT) AS escalated, \
             CAST(COALESCE(SUM(acknowledged), 0) AS BIGINT) AS acknowledged, \
             CAST(COALESCE(SUM(acknowledged_on_time), 0) AS BIGINT) AS acknowledged_on_time, \
             CAST(COALESCE(SUM(resolved), 0) AS BIGINT) AS resolved, \
             CAST(COALESCE(SUM(resolved_on_time), 0) AS BIGINT) AS resolved_on_time, \
             CAST(COALESCE(SUM(rated), 0) AS BIGINT) AS rated, \
             CAST(COALESCE(SUM(satisfied), 0) AS BIGINT) AS satisfied, \
             CAST(COALESCE(SUM(return_count), 0) AS BIGINT) AS returns FROM appeal_totals",
        )
        .fetch_one(&self.read)
        .await?;
        let c = Cols::Row(&row);
        Ok(AppealFigures {
            total: c.int("total")?,
            open: c.int("open")?,
            overdue: c.int("overdue")?,
            escalated: c.int("escalated")?,
            acknowledged: c.int("acknowledged")?,
            acknowledged_on_time: c.int("acknowledged_on_time")?,
            resolved: c.int("resolved")?,
            resolved_on_time: c.int("resolved_on_time")?,
            rated: c.int("rated")?,
            satisfied: c.int("satisfied")?,
            returns: c.int("returns")?,
        })
    }
}

/// Writes an appeal's changed columns, if its version is still `version`; answers the row.
async fn write_appeal(
    conn: &mut AnyConnection,
    backend: Backend,
    a: &Appeal,
    version: i64,
) -> StoreResult<Appeal> {
    let now = stamp(feidi_core::time::now());
    let returning = crate::registry::json_row_of(backend, APPEAL_COLUMNS);
    let sql = format!(
        "UPDATE appeals SET status = $1, handler_id = $2, handler_role = $3, ack_due_at = $4, resolve_due_at = $5, \
         due_at = $6, next_due_at = $7, overdue = $8, escalated_at = $9, acknowledged_at = $10, ack_on_time = $11, \
         resolved_at = $12, resolved_by = $13, resolution = $14, resolved_on_time = $15, rating = $16, \
         rating_comment = $17, rated_at = $18, returns = $19, reopens = $20, version = version + 1, updated_at = $21 \
         WHERE id = $22 AND version = $23 RETURNING {returning}"
    );
    let row = sqlx::query(&sql)
        .bind(a.status.clone())
        .bind(a.handler_id)
        .bind(a.handler_role.clone())
        .bind(a.ack_due_at.clone())
        .bind(a.resolve_due_at.clone())
        .bind(a.due_at.clone())
        .bind(a.next_due_at.clone())
        .bind(i64::from(a.overdue))
        .bind(a.escalated_at.clone())
        .bind(a.acknowledged_at.clone())
        .bind(a.ack_on_time.map(i64::from))
        .bind(a.resolved_at.clone())
        .bind(a.resolved_by)
        .bind(a.resolution.clone())
        .bind(a.resolved_on_time.map(i64::from))
        .bind(a.rating.clone())
        .bind(a.rating_comment.clone())
        .bind(a.rated_at.clone())
        .bind(a.returns)
        .bind(a.reopens)
        .bind(now)
        .bind(a.id)
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref()
        .map(Appeal::from_json_row)
        .transpose()?
        .ok_or(StoreError::Conflict)
}

impl Store {
    /// The working-day calendar as it stands.
    pub async fn calendar(&self) -> StoreResult<Arc<Calendar>> {
        let mut conn = self.read.acquire().await?;
        calendar_in(&mut conn, &self.calendar).await
    }

    /// The dates the calendar marks, optionally of one year, in order.
    pub async fn calendar_days(&self, year: Option<i32>) -> StoreResult<Vec<CalendarDay>> {
        let (from, to) = match year {
            Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
            None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
        };
        let rows = sqlx::query(
            "SELECT day, kind, name, version, updated_at FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok(CalendarDay {
                    date: c.text("day")?,
                    kind: c.text("kind")?,
                    name: c.opt_text("name")?,
                    version: c.int("version")?,
                    updated_at: c.text("updated_at")?,
                })
            })
            .collect()
    }

    /// Marks dates (one, or a year's schedule from a file) as holidays or workdays, in one
    /// transaction with one audit entry; answers how many were written.
    pub async fn put_calendar_days(
        &self,
        actor: Option<i64>,
        days: Vec<MarkedDay>,
        version: Option<i64>,
        note: String,
    ) -> StoreResult<usize> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, usize> {
            Box::pin(async move {
                let now = stamp(feidi_core::time::now());
                for (day, kind, name) in &days {
                    let day = day.format("%Y-%m-%d").to_string();
                    let held: Option<i64> = sqlx::query_scalar("SELECT version FROM calendar_days WHERE day = $1")
                        .bind(day.clone())
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let (Some(v), Some(h)) = (version, held)
                        && v != h
                    {
                        return Err(StoreError::Conflict);
                    }
                    let sql = if held.is_some() {
                        "UPDATE calendar_days SET kind = $1, name = $2, version = version + 1, updated_at = $3 WHERE day = $4"
                    } else {
                        "INSERT INTO calendar_days (kind, name, created_at, updated_at, day) VALUES ($1, $2, $3, $3, $4)"
                    };
                    sqlx::query(sql)
                        .bind(kind.as_str())
                        .bind(name.clone())
                        .bind(now.clone())
                        .bind(day)
                        .execute(&mut *tx)
                        .await?;
                }
                write_audit(&mut *tx, AuditWrite::event(actor, "update", "calendar", None, note)).await?;
                Ok(days.len())
            })
        })
        .await
    }

    /// Unmarks a date: the weekly rule applies to it again.
    pub async fn delete_calendar_day(&self, actor: Option<i64>, day: NaiveDate) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let day = day.format("%Y-%m-%d").to_string();
                let gone = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
                    .bind(day.clone())
                    .execute(&mut *tx)
                    .await?;
                if gone.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                write_audit(
                    &mut *tx,
                    AuditWrite::event(actor, "delete", "calendar", None, format!("{day} unmarked")),
                )
                .await
            })
        })
        .await
    }

    pub async fn appeal_categories(&self) -> StoreResult<Vec<AppealCategory>> {
        let rows = sqlx::query(
            "SELECT key, name, name_en, resolve_working_days, version, updated_at FROM appeal_categories ORDER BY key",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(category_from_row).collect()
    }

    /// Creates or replaces a category.
    pub async fn put_appeal_category(
        &self,
        actor: Option<i64>,
        key: String,
        name: String,
        name_en: Option<Option<String>>,
        resolve_working_days: u32,
        version: Option<i64>,
    ) -> StoreResult<AppealCategory> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, AppealCategory> {
            Box::pin(async move {
                let columns = "key, name, name_en, resolve_working_days, version, updated_at";
                let sql = format!("SELECT {columns} FROM appeal_categories WHERE key = $1{}", for_update(backend));
                let row = sqlx::query(&sql).bind(key.clone()).fetch_optional(&mut *tx).await?;
                let before = row.as_ref().map(category_from_row).transpose()?;
                if let (Some(v), Some(b)) = (version, &before)
                    && v != b.version
                {
                    return Err(StoreError::Conflict);
                }
                let now = stamp(feidi_core::time::now());
                // Not given: the English name stays as it was.
                let name_en = match name_en {
                    Some(given) => given,
                    None => before.as_ref().and_then(|b| b.name_en.clone()),
                };
                let sql = if before.is_some() {
                    format!(
                        "UPDATE appeal_categories SET name = $1, resolve_working_days = $2, version = version + 1, \
                         updated_at = $3, name_en = $5 WHERE key = $4 RETURNING {columns}"
                    )
                } else {
                    format!(
                        "INSERT INTO appeal_categories (name, resolve_working_days, created_at, updated_at, key, name_en) \
                         VALUES ($1, $2, $3, $3, $4, $5) RETURNING {columns}"
                    )
                };
                let row = sqlx::query(&sql)
                    .bind(name)
                    .bind(i64::from(resolve_working_days))
                    .bind(now)
                    .bind(key.clone())
                    .bind(name_en)
                    .fetch_one(&mut *tx)
                    .await?;
                let after = category_from_row(&row)?;
                let action = if before.is_some() { "update" } else { "create" };
                write_audit(
                    &mut *tx,
                    AuditWrite {
                        note: Some(key),
                        ..AuditWrite::change(actor, action, "appeal_category", 0, before.as_ref(), Some(&after))
                    },
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Records an absence; answers it and the enterprises whose A and B would then both be
    /// away on some day (a warning: the absence stands).
    pub async fn add_absence(
        &self,
        actor: Option<i64>,
        user_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        reason: String,
    ) -> StoreResult<(Absence, Vec<AbsenceClash>)> {
        let absence = self
            .in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Absence> {
                Box::pin(async move {
                    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                        .bind(user_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    let now = stamp(feidi_core::time::now());
                    let row = sqlx::query(
                        "INSERT INTO absences (user_id, from_date, to_date, reason, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id, user_id, from_date, to_date, reason, version, created_at",
                    )
                    .bind(user_id)
                    .bind(from.format("%Y-%m-%d").to_string())
                    .bind(to.format("%Y-%m-%d").to_string())
                    .bind(reason)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    let absence = absence_from_row(&row)?;
                    write_audit(
                        &mut *tx,
                        AuditWrite::change(actor, "create", "absence", absence.id, None, Some(&absence)),
                    )
                    .await?;
                    Ok(absence)
                })
            })
            .await?;
        let clashes = self.absence_clashes(&absence).await?;
        Ok((absence, clashes))
    }

    /// The enterprises (and projects' pairs) for which `absence`'s official and the other of
    /// the pair are away on the same days.
    pub async fn absence_clashes(&self, absence: &Absence) -> StoreResult<Vec<AbsenceClash>> {
        // The enterprises' pairs, then the projects' own (`pair`: the two databases sort the
        // null project ids of the first at different ends).
        let rows = sqlx::query(
            "SELECT e.id, e.name, CAST(NULL AS BIGINT) AS project_id, CAST(NULL AS TEXT) AS project_name, \
             o.user_id AS other, o.from_date, o.to_date, CAST(0 AS BIGINT) AS pair FROM enterprises e \
             JOIN absences o ON o.user_id = CASE WHEN e.a_official_id = $1 THEN e.b_official_id ELSE e.a_official_id END \
             WHERE (e.a_official_id = $1 OR e.b_official_id = $1) AND o.from_date <= $3 AND o.to_date >= $2 \
             UNION ALL \
             SELECT e.id, e.name, p.id, p.name, o.user_id, o.from_date, o.to_date, CAST(1 AS BIGINT) FROM projects p \
             JOIN enterprises e ON e.id = p.enterprise_id \
             JOIN absences o ON o.user_id = CASE WHEN p.a_official_id = $1 THEN p.b_official_id ELSE p.a_official_id END \
             WHERE (p.a_official_id = $1 OR p.b_official_id = $1) AND o.from_date <= $3 AND o.to_date >= $2 \
             ORDER BY 1, 8, 3, 6",
        )
        .bind(absence.user_id)
        .bind(absence.from.clone())
        .bind(absence.to.clone())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                let (from, to) = (c.text("from_date")?, c.text("to_date")?);
                Ok(AbsenceClash {
                    enterprise_id: c.int("id")?,
                    enterprise_name: c.text("name")?,
                    project_id: c.opt_int("project_id")?,
                    project_name: c.opt_text("project_name")?,
                    other_official_id: c.int("other")?,
                    from: from.max(absence.from.clone()),
                    to: to.min(absence.to.clone()),
                })
            })
            .collect()
    }

    /// An official's absences, latest first.
    pub async fn absences_of(&self, user_id: i64) -> StoreResult<Vec<Absence>> {
        let rows = sqlx::query(
            "SELECT id, user_id, from_date, to_date, reason, version, created_at FROM absences \
             WHERE user_id = $1 ORDER BY from_date DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(absence_from_row).collect()
    }

    /// Absences overlapping `from..=to`, of everyone, in order.
    pub async fn absences_between(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Absence>> {
        let rows = sqlx::query(
            "SELECT id, user_id, from_date, to_date, reason, version, created_at FROM absences \
             WHERE from_date <= $2 AND to_date >= $1 ORDER BY from_date, id",
        )
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(to.format("%Y-%m-%d").to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(absence_from_row).collect()
    }

    pub async fn delete_absence(&self, actor: Option<i64>, user_id: i64, id: i64) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let row = sqlx::query(
                    "SELECT id, user_id, from_date, to_date, reason, version, created_at FROM absences \
                     WHERE id = $1 AND user_id = $2",
                )
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                let before = row
                    .as_ref()
                    .map(absence_from_row)
                    .transpose()?
                    .ok_or(StoreError::NotFound)?;
                sqlx::query("DELETE FROM absences WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::change(actor, "delete", "absence", id, Some(&before), None),
                )
                .await
            })
        })
        .await
    }

    /// Submits an appeal: its handler by the AB rule (the project's own pair if it has one),
    /// its deadlines by the calendar, its first events, in one transaction.
    /// With an idempotency key this actor used before, answers the appeal submitted then and
    /// writes nothing; the flag tells which happened.
    pub async fn submit_appeal(
        &self,
        actor: Option<i64>,
        input: NewAppeal,
        idempotency_key: Option<String>,
    ) -> StoreResult<(Appeal, bool)> {
        if let (Some(user), Some(key)) = (actor, &idempotency_key)
            && let Some(id) = self.replayed_appeal(user, key).await?
        {
            return Ok((self.appeal(id, Scope::All).await?, false));
        }
        let backend = self.backend;
        // What the rules need is read first, on a reader, so the write transaction only
        // writes: the single writer is held as briefly as possible. (An absence recorded in
        // the same millisecond may be missed; the handover rules still apply to the appeal.)
        let (officials, days, calendar) = {
            let mut conn = self.read.acquire().await?;
            plan_submission(&mut conn, &self.calendar, &input).await?
        };
        let claim = idempotency_key.clone();
        let returning = self.json_row(APPEAL_COLUMNS);
        let written = self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Appeal> {
            Box::pin(async move {
                let (b, leader) = (officials.b, officials.task_force_leader);
                let now = feidi_core::time::now();
                let submitted_at = input.submitted_at.unwrap_or(now);
                let (mut state, mut events) = AppealState::submit(&officials, &calendar, submitted_at, actor, days);
                // An appeal loaded from history meets the rules that fell due since at once.
                let away = absences_if_due(&mut *tx, &state, now).await?;
                events.extend(state.sweep(&calendar, &away, now));
                let stamp_now = stamp(now);
                let due_at = state.due_at().map(stamp);
                let row = sqlx::query(&format!(
                    "INSERT INTO appeals (enterprise_id, project_id, category, title, description, status, handler_id, \
                     handler_role, b_official_id, task_force_leader_id, resolve_working_days, submitted_at, submitted_by, \
                     ack_due_at, resolve_due_at, due_at, next_due_at, overdue, escalated_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
                     RETURNING {returning}"
                ))
                .bind(input.enterprise_id)
                .bind(input.project_id)
                .bind(input.category.clone())
                .bind(input.title.clone())
                .bind(input.description.clone())
                .bind(state.status.as_str())
                .bind(state.handler)
                .bind(state.role.as_str())
                .bind(b)
                .bind(leader)
                .bind(i64::from(days))
                .bind(stamp(submitted_at))
                .bind(actor)
                .bind(state.ack_due_at.map(stamp))
                .bind(stamp(state.resolve_due_at))
                .bind(due_at)
                .bind(state.next_due_at().map(stamp))
                .bind(i64::from(state.overdue))
                .bind(state.escalated_at.map(stamp))
                .bind(stamp_now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StoreError::from_write(e, &[]))?;
                let appeal = Appeal::from_json_row(&row)?;
                // The rest of the appeal's rows in one trip (see `Batch`).
                let rows: Vec<(i64, Event)> = events.iter().map(|e| (appeal.id, e.clone())).collect();
                let mut batch = Batch::default();
                batch.extend(event_statements(backend, &rows));
                batch.extend(crate::webhooks::delivery_statements(
                    backend,
                    &[(appeal.id, appeal.version, events)],
                ));
                batch.push(audit_statement(
                    AuditWrite::change(actor, "create", "appeal", appeal.id, None, Some(&appeal)),
                    Params::in_batch(backend),
                ));
                batch.run(&mut *tx, backend).await?;
                if let (Some(user), Some(key)) = (actor, claim) {
                    crate::registry::claim_key(&mut *tx, user, key, "appeal", appeal.id, appeal.created_at.clone()).await?;
                }
                Ok(appeal)
            })
        })
        .await;
        match (written, actor, idempotency_key) {
            (Ok(appeal), _, _) => Ok((appeal, true)),
            (Err(StoreError::Conflict), Some(user), Some(key)) => {
                match self.replayed_appeal(user, &key).await? {
                    Some(id) => Ok((self.appeal(id, Scope::All).await?, false)),
                    None => Err(StoreError::Conflict),
                }
            }
            (Err(e), _, _) => Err(e),
        }
    }

    async fn replayed_appeal(&self, user: i64, key: &str) -> StoreResult<Option<i64>> {
        self.replayed_id(user, key, "appeal").await
    }

    /// One appeal, if the caller may see it.
    pub async fn appeal(&self, id: i64, scope: Scope) -> StoreResult<Appeal> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM appeals WHERE id = $1",
            self.json_row(APPEAL_COLUMNS)
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        let appeal = row
            .as_ref()
            .map(Appeal::from_json_row)
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        match scope {
            Scope::Enterprise(e) if e != appeal.enterprise_id => Err(StoreError::NotFound),
            _ => Ok(appeal),
        }
    }

    /// An appeal's timeline, oldest first.
    pub async fn appeal_events(&self, id: i64, scope: Scope) -> StoreResult<Vec<AppealEvent>> {
        self.appeal(id, scope).await?;
        let rows = sqlx::query(
            "SELECT id, appeal_id, at, kind, actor_id, handler_id, reason, detail FROM appeal_events \
             WHERE appeal_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols::Row(row);
                Ok(AppealEvent {
                    id: c.int("id")?,
                    appeal_id: c.int("appeal_id")?,
                    at: c.text("at")?,
                    kind: c.text("kind")?,
                    actor_id: c.opt_int("actor_id")?,
                    handler_id: c.opt_int("handler_id")?,
                    reason: c.opt_text("reason")?,
                    detail: c.opt_text("detail")?,
                })
            })
            .collect()
    }

    /// A page of appeals, newest first (an inbox: by deadline, see `inbox`).
    pub async fn appeals(&self, filter: &AppealFilter, scope: Scope) -> StoreResult<Page<Appeal>> {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        let bind = |clause: &str, value: Val, binds: &mut Vec<Val>| {
            binds.push(value);
            clause.replace('?', &format!("${}", binds.len()))
        };
        if let Scope::Enterprise(e) = scope {
            clauses.push(bind("enterprise_id = ?", e.into(), &mut binds));
        }
        if let Some(e) = filter.enterprise_id {
            clauses.push(bind("enterprise_id = ?", e.into(), &mut binds));
        }
        if let Some(s) = filter.status {
            clauses.push(bind("status = ?", s.as_str().into(), &mut binds));
        }
        if let Some(h) = filter.handler_id {
            clauses.push(bind("handler_id = ?", h.into(), &mut binds));
        }
        if filter.overdue {
            let now = stamp(feidi_core::time::now());
            clauses.push(bind(
                "status IN ('submitted', 'acknowledged', 'reopened') AND resolve_due_at <= ?",
                now.into(),
                &mut binds,
            ));
        }
        if filter.escalated {
            // The supervision list: escalated and still open.
            clauses.push("escalated_at IS NOT NULL AND due_at IS NOT NULL".to_string());
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let order = if filter.escalated || filter.overdue {
            "due_at, id"
        } else {
            "id DESC"
        };
        self.appeal_page(&filter_sql, order, binds, filter.page, filter.per_page)
            .await
    }

    /// The appeals an official handles, open, by deadline (50 to a page); a leader's inbox
    /// also holds the appeals the leaders hold (escalated with no task force).
    pub async fn inbox(
        &self,
        user_id: i64,
        leader: bool,
        page: i64,
        per_page: i64,
    ) -> StoreResult<Page<Appeal>> {
        let filter = if leader {
            " WHERE due_at IS NOT NULL AND (handler_id = $1 OR handler_id IS NULL)"
        } else {
            " WHERE due_at IS NOT NULL AND handler_id = $1"
        };
        self.appeal_page(filter, "due_at, id", vec![user_id.into()], page, per_page)
            .await
    }

    async fn appeal_page(
        &self,
        filter: &str,
        order: &str,
        binds: Vec<Val>,
        page: i64,
        per_page: i64,
    ) -> StoreResult<Page<Appeal>> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 500);
        // One statement: the count, and the page as one JSON array built by the database
        // (decoding one text value is far cheaper through sqlx's `Any` driver than 34 per row).
        let items = self.json_rows(APPEAL_COLUMNS, order);
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM appeals{filter}) AS total, \
             (SELECT {items} FROM (SELECT {APPEAL_COLUMNS} FROM appeals{filter} ORDER BY {order} \
             LIMIT {per_page} OFFSET {}) AS page) AS items",
            (page - 1) * per_page
        );
        let row = bind_all(sqlx::query(&sql), &binds).fetch_one(&self.read).await?;
        let c = Cols::Row(&row);
        let total = c.int("total")?;
        let items = c.opt_text("items")?.unwrap_or_else(|| "[]".into());
        let items: Vec<Vec<serde_json::Value>> =
            serde_json::from_str(&items).map_err(|e| StoreError::Corrupt(format!("appeals page: {e}")))?;
        let items = items
            .iter()
            .map(|values| Appeal::from_json_values(values))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// A person acts on an appeal: the rules decide whether they may and what follows. A
    /// stale `version`: 409; not the caller's to see: 404; not theirs to do: 403 (as
    /// `StoreError::Forbidden`); not in this state: 409.
    pub async fn act_on_appeal(
        &self,
        who: Principal,
        id: i64,
        version: Option<i64>,
        action: AppealAction,
    ) -> StoreResult<Appeal> {
        let (cache, backend) = (self.calendar.clone(), self.backend);
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Appeal> {
            Box::pin(async move {
                let sql = format!(
                    "SELECT {APPEAL_COLUMNS} FROM appeals WHERE id = $1{}",
                    for_update(backend)
                );
                let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *tx).await?;
                let before = row
                    .as_ref()
                    .map(Appeal::from_row)
                    .transpose()?
                    .ok_or(StoreError::NotFound)?;
                if let Scope::Enterprise(e) = who.scope()
                    && e != before.enterprise_id
                {
                    return Err(StoreError::NotFound);
                }
                if version.is_some_and(|v| v != before.version) {
                    return Err(StoreError::Conflict);
                }
                let mut state = before.state()?;
                let calendar = calendar_in(&mut *tx, &cache).await?;
                let now = feidi_core::time::now();
                // Rules that fell due before this step (the sweep may not have run yet) are
                // applied first, so who may act, and whether in time, is judged on the appeal
                // as the rules have it now.
                let away = absences_if_due(&mut *tx, &state, now).await?;
                let mut events = state.sweep(&calendar, &away, now);
                if !may_act(&who, before.enterprise_id, &state, action.act()) {
                    return Err(StoreError::Forbidden);
                }
                let mut after = before.clone();
                let actor = who.user_id;
                let wrong = |e: feidi_core::appeals::NotNow| StoreError::WrongState(WrongState::Appeal(e.0));
                match &action {
                    AppealAction::Acknowledge => {
                        let (e, on_time) = state.acknowledge(actor, now).map_err(wrong)?;
                        events.extend(e);
                        after.acknowledged_at = Some(stamp(now));
                        after.ack_on_time.get_or_insert(on_time);
                    }
                    AppealAction::Return { reason } => {
                        events.extend(state.give_back(actor, now, reason.clone()).map_err(wrong)?)
                    }
                    AppealAction::Reassign { to, note } => {
                        let exists: Option<String> =
                            sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND active = TRUE")
                                .bind(*to)
                                .fetch_optional(&mut *tx)
                                .await?;
                        let official = exists
                            .as_deref()
                            .and_then(feidi_core::model::Role::parse)
                            .is_some_and(feidi_core::appeals::may_handle);
                        if !official {
                            return Err(FieldErrors::one("handler_id", Flaw::NoSuchRecord).into());
                        }
                        events.extend(
                            state
                                .reassign(actor, *to, now, &calendar, note.clone())
                                .map_err(wrong)?,
                        )
                    }
                    AppealAction::Resolve { resolution } => {
                        let (e, on_time) = state.resolve(actor, now, resolution.clone()).map_err(wrong)?;
                        events.extend(e);
                        after.resolved_at = Some(stamp(now));
                        after.resolution = Some(resolution.clone());
                        after.resolved_on_time.get_or_insert(on_time);
                    }
                    AppealAction::Rate { rating, comment } => {
                        events.extend(
                            state
                                .rate(
                                    actor,
                                    feidi_core::appeals::rates_on_behalf(&who, &state),
                                    *rating,
                                    comment.clone(),
                                    now,
                                    &calendar,
                                )
                                .map_err(wrong)?,
                        );
                        after.rating = Some(rating.as_str().to_string());
                        after.rating_comment = comment.clone();
                        after.rated_at = Some(stamp(now));
                        if !rating.is_satisfied() {
                            after.reopens += 1;
                        }
                    }
                    AppealAction::Reopen { reason } => {
                        events.extend(
                            state
                                .reopen(actor, reason.clone(), now, &calendar)
                                .map_err(wrong)?,
                        );
                        after.reopens += 1;
                    }
                }
                after.take_state(&state);
                let after = write_appeal(&mut *tx, backend, &after, before.version).await?;
                let rows: Vec<(i64, Event)> = events.iter().map(|e| (id, e.clone())).collect();
                let mut batch = Batch::default();
                batch.extend(event_statements(backend, &rows));
                batch.extend(crate::webhooks::delivery_statements(
                    backend,
                    &[(id, after.version, events)],
                ));
                batch.push(audit_statement(
                    AuditWrite::change(
                        Some(actor),
                        action.name(),
                        "appeal",
                        id,
                        Some(&before),
                        Some(&after),
                    ),
                    Params::in_batch(backend),
                ));
                batch.run(&mut *tx, backend).await?;
                Ok(after)
            })
        })
        .await
    }

    /// Applies every handover and escalation due by `now` to every open appeal, in short
    /// transactions. Each step happens once: a step moves the appeal's `next_due_at` past
    /// `now`, so a second run (or another app server's, at the same time) finds nothing.
    pub async fn sweep(&self, now: DateTime<FixedOffset>) -> StoreResult<SweepReport> {
        // SQLite sweeps on a connection of its own (`sqlite::sweep`); what follows is PostgreSQL's.
        if self.backend == Backend::Sqlite {
            let file = self
                .sqlite_file
                .clone()
                .ok_or_else(|| StoreError::Corrupt("a SQLite store without its file".into()))?;
            return self.sweep_sqlite(file, now).await;
        }
        let mut report = SweepReport::default();
        let select = self.json_row(APPEAL_COLUMNS);
        loop {
            // The due appeals, taken in id order: neighbours share pages, so a transaction
            // rewrites far fewer pages than in deadline order (each appeal's steps are its own,
            // so the order among appeals does not matter).
            let mut ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM appeals WHERE next_due_at <= $1")
                .bind(stamp(now))
                .fetch_all(&self.read)
                .await?;
            ids.sort_unstable();
            let mut read_any = false;
            let mut rest: &[i64] = &ids;
            while !rest.is_empty() {
                let (cache, backend, select) = (self.calendar.clone(), self.backend, select.clone());
                let slice = rest[..rest.len().min(SWEEP_STEP * SWEEP_STEPS_MAX)].to_vec();
                let (batch, read, used) = self
                    .in_write_tx(
                        move |tx: &mut AnyConnection| -> TxFuture<'_, (SweepReport, usize, usize)> {
                            Box::pin(async move {
                                let started = std::time::Instant::now();
                                let (mut batch, mut read, mut used) = (SweepReport::default(), 0, 0);
                                let calendar = calendar_in(&mut *tx, &cache).await?;
                                let wanted = crate::webhooks::wanted_events(&mut *tx).await?;
                                let away = absences_now(&mut *tx).await?;
                                for step in slice.chunks(SWEEP_STEP) {
                                    let (b, r) = sweep_batch(
                                        tx,
                                        backend,
                                        (&calendar, &away, &wanted),
                                        &select,
                                        now,
                                        step,
                                    )
                                    .await?;
                                    batch.add(&b);
                                    read += r;
                                    used += step.len();
                                    if started.elapsed() >= SWEEP_SLICE {
                                        break;
                                    }
                                }
                                Ok((batch, read, used))
                            })
                        },
                    )
                    .await?;
                rest = &rest[used..];
                read_any |= read > 0;
                report.add(&batch);
                // A breath between transactions lets other writers in — other processes' too,
                // whose writers try for the lock every millisecond (`begin_immediate`).
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            // Done when nothing is due, or what is listed is being swept by another server.
            if !read_any {
                break;
            }
        }
        Ok(report)
    }
}

impl Store {
    /// The sweep on SQLite: the due appeals listed, then swept, on a connection of the
    /// sweep's own from a blocking thread (`sqlite::sweep`), until none is left due.
    async fn sweep_sqlite(
        &self,
        file: std::path::PathBuf,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<SweepReport> {
        let mut held = {
            let mut tx = self.read.begin().await?;
            let version: i64 = sqlx::query_scalar(crate::sqlite::sweep::HELD_VERSION)
                .fetch_one(&mut *tx)
                .await?;
            let calendar_version: i64 =
                sqlx::query_scalar("SELECT version FROM data_versions WHERE name = 'calendar_days'")
                    .fetch_one(&mut *tx)
                    .await?;
            let held = crate::sqlite::sweep::HeldCalendar {
                version,
                calendar: calendar_at(&mut tx, &self.calendar, calendar_version).await?,
                away: std::sync::Arc::new(absences_now(&mut tx).await?),
            };
            tx.commit().await?;
            held
        };
        let bulk = self.bulk.load(std::sync::atomic::Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            let conn = crate::sqlite::sweep::connection(&file, bulk)?;
            let mut report = SweepReport::default();
            loop {
                // Listed here, on the thread that sweeps them, not on the pool (through sqlx
                // each of a hundred thousand ids is a message from its worker thread).
                let ids = crate::sqlite::sweep::due_ids(&conn, now)?;
                if ids.is_empty() {
                    break;
                }
                // The log is copied back by a thread of its own while the sweep writes, not
                // in the commits of whichever connection passes the checkpoint mark — often
                // a server's writer, in a request (with wrk writing appeals meanwhile its
                // p99 went from 1.5 to 1.0 times its own, and the sweep took 9 s, not 10).
                let checkpointer = crate::sqlite::direct::Checkpointer::start(file.clone())?;
                let pass = crate::sqlite::sweep::run(&conn, &ids, now, &mut held, SQLITE_SWEEP_PACING);
                let stopped = checkpointer.finish();
                let pass = pass.and_then(|p| stopped.map(|()| p))?;
                report.add(&pass.report);
                // Done when nothing listed was still due: what is listed is being swept
                // elsewhere.
                if !pass.read_any {
                    break;
                }
            }
            Ok(report)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("the sweep's thread: {e}")))?
    }
}

/// The appeals with these ids as the API shows them (JSON text), for webhook bodies.
pub(crate) async fn appeals_as_shown(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &[i64],
) -> StoreResult<HashMap<i64, String>> {
    let select = crate::registry::json_row_of(backend, APPEAL_COLUMNS);
    let rows: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT {select} FROM appeals WHERE id IN ({})",
        crate::value::id_set(backend, "$1")
    ))
    .bind(crate::value::ids_json(ids))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|text| {
            let appeal = Appeal::from_json_text(text)?;
            let shown = serde_json::to_string(&appeal).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((appeal.id, shown))
        })
        .collect()
}

/// One step of a sweep transaction: up to `SWEEP_STEP` due appeals, the rules applied to each, the
/// rows updated in one statement, their events, audit entries and webhook deliveries written.
async fn sweep_batch(
    tx: &mut AnyConnection,
    backend: Backend,
    (calendar, away, wanted): (&Calendar, &Absences, &std::collections::HashSet<String>),
    select: &str,
    now: DateTime<FixedOffset>,
    ids: &[i64],
) -> StoreResult<(SweepReport, usize)> {
    // Several app servers sweeping at once each take different appeals (PostgreSQL only runs
    // this path: see `Store::sweep`).
    let lock = " FOR UPDATE SKIP LOCKED";
    // Still due (another server may have swept some meanwhile), and not being swept elsewhere.
    let sql = format!(
        "SELECT {select} FROM appeals WHERE id IN ({}) AND next_due_at <= $2 ORDER BY id{lock}",
        crate::value::id_set(backend, "$1")
    );
    let rows: Vec<String> = sqlx::query_scalar(&sql)
        .bind(crate::value::ids_json(ids))
        .bind(stamp(now))
        .fetch_all(&mut *tx)
        .await?;
    if rows.is_empty() {
        return Ok((SweepReport::default(), 0));
    }
    let mut batch = SweepReport::default();
    let (mut events, mut audit, mut told, mut changed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for text in &rows {
        let before = Appeal::from_json_text(text)?;
        let mut state = before.state()?;
        let steps = state.sweep(calendar, away, now);
        let mut after = before.clone();
        after.take_state(&state);
        if !steps.is_empty() {
            batch.count(&steps);
            let note = steps
                .iter()
                .map(|s| s.kind.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            audit.push((before.id, note));
            events.extend(steps.iter().map(|e| (before.id, e.clone())));
            // The version `update_swept` gives it; only the events some endpoint wants.
            let told_of: Vec<Event> = steps
                .into_iter()
                .filter(|e| wanted.contains(e.kind.as_str()))
                .collect();
            if !told_of.is_empty() {
                told.push((before.id, before.version + 1, told_of));
            }
        }
        // (With no step, only the stored next_due_at was behind: it is set right.)
        changed.push((before.version, after));
    }
    update_swept(&mut *tx, &changed).await?;
    write_events(&mut *tx, backend, &events).await?;
    write_audits(&mut *tx, backend, &audit).await?;
    if !told.is_empty() {
        crate::webhooks::queue_deliveries(&mut *tx, backend, &told).await?;
    }
    Ok((batch, rows.len()))
}

/// Writes what the (PostgreSQL) sweep changes of many appeals in a few statements, each only if
/// its version is still the one read.
async fn update_swept(conn: &mut AnyConnection, rows: &[(i64, Appeal)]) -> StoreResult<()> {
    let now = stamp(feidi_core::time::now());
    for chunk in crate::value::statement_chunks(rows, SWEEP_STEP) {
        let mut values = Vec::with_capacity(chunk.len());
        let mut binds = Vec::with_capacity(chunk.len() * 9 + 1);
        for (version, a) in chunk {
            let n = binds.len();
            let slot = |k: usize, ty: &str| format!("CAST(${} AS {ty})", n + k);
            values.push(format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {})",
                slot(1, "BIGINT"),
                slot(2, "BIGINT"),
                slot(3, "BIGINT"),
                slot(4, "TEXT"),
                slot(5, "TEXT"),
                slot(6, "TEXT"),
                slot(7, "TEXT"),
                slot(8, "BIGINT"),
                slot(9, "TEXT"),
            ));
            binds.extend([
                Val::from(a.id),
                Val::from(*version),
                Val::from(a.handler_id),
                Val::from(a.handler_role.clone()),
                Val::from(a.ack_due_at.clone()),
                Val::from(a.due_at.clone()),
                Val::from(a.next_due_at.clone()),
                Val::from(i64::from(a.overdue)),
                Val::from(a.escalated_at.clone()),
            ]);
        }
        // The time is bound, not written into the text, which must stay the same from one
        // statement to the next.
        let now_slot = format!("${}", binds.len() + 1);
        binds.push(Val::from(now.clone()));
        let sql = format!(
            "WITH u (id, version, handler_id, handler_role, ack_due_at, due_at, next_due_at, overdue, escalated_at) AS \
             (VALUES {}) \
             UPDATE appeals SET handler_id = u.handler_id, handler_role = u.handler_role, ack_due_at = u.ack_due_at, \
             due_at = u.due_at, next_due_at = u.next_due_at, overdue = u.overdue, escalated_at = u.escalated_at, \
             version = appeals.version + 1, updated_at = {now_slot} FROM u WHERE appeals.id = u.id AND appeals.version = u.version",
            values.join(", ")
        );
        let done = bind_all(sqlx::query(&sql), &binds).execute(&mut *conn).await?;
        if done.rows_affected() as usize != chunk.len() {
            return Err(StoreError::Conflict);
        }
    }
    Ok(())
}

/// The sweep's audit entries, one per appeal it moved, in a few statements.
async fn write_audits(conn: &mut AnyConnection, backend: Backend, rows: &[(i64, String)]) -> StoreResult<()> {
    let at = stamp(feidi_core::time::now());
    for chunk in crate::value::statement_chunks(rows, SWEEP_STEP) {
        let values = chunk
            .iter()
            .map(|(id, note)| vec![Val::from(*id), Val::from(note.clone()), Val::from(at.clone())])
            .collect();
        crate::imports::insert_rows(
            &mut *conn,
            backend,
            "audit_log (entity_id, note, at, actor_id, action, entity)",
            values,
            "NULL, 'sweep', 'appeal'",
        )
        .await?;
    }
    Ok(())
}

fn category_from_row(row: &AnyRow) -> StoreResult<AppealCategory> {
    let c = Cols::Row(row);
    Ok(AppealCategory {
        key: c.text("key")?,
        name: c.text("name")?,
        name_en: c.opt_text("name_en")?,
        resolve_working_days: c.int("resolve_working_days")?,
        version: c.int("version")?,
        updated_at: c.text("updated_at")?,
    })
}

fn absence_from_row(row: &AnyRow) -> StoreResult<Absence> {
    let c = Cols::Row(row);
    Ok(Absence {
        id: c.int("id")?,
        user_id: c.int("user_id")?,
        from: c.text("from_date")?,
        to: c.text("to_date")?,
        reason: c.text("reason")?,
        version: c.int("version")?,
        created_at: c.text("created_at")?,
    })
}

/// An appeal as the generator made it: its final state and its whole timeline.
#[derive(Debug, Clone)]
pub struct GeneratedAppeal {
    pub enterprise_id: i64,
    pub category: String,
    pub title: String,
    pub description: String,
    pub submitted_at: DateTime<FixedOffset>,
    pub state: AppealState,
    pub acknowledged_at: Option<DateTime<FixedOffset>>,
    pub ack_on_time: Option<bool>,
    pub resolved_at: Option<DateTime<FixedOffset>>,
    pub resolution: Option<String>,
    pub resolved_on_time: Option<bool>,
    pub rating: Option<Rating>,
    pub reopens: i64,
    pub events: Vec<Event>,
}

/// Appeals per generator transaction.
const GENERATED_PER_TX: usize = 5_000;

impl Store {
    /// Sets enterprises' A and B officials and task force: (enterprise, A, B, task force).
    pub async fn bulk_assign_officials(&self, rows: Vec<(i64, i64, i64, i64)>) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                for (enterprise, a, b, task_force) in &rows {
                    sqlx::query(
                        "UPDATE enterprises SET a_official_id = $1, b_official_id = $2, task_force_id = $3, \
                         version = version + 1 WHERE id = $4",
                    )
                    .bind(*a)
                    .bind(*b)
                    .bind(*task_force)
                    .bind(*enterprise)
                    .execute(&mut *tx)
                    .await?;
                }
                write_audit(
                    &mut *tx,
                    AuditWrite::event(
                        None,
                        "bulk_update",
                        "enterprise",
                        None,
                        format!("feidi gen: officials of {} enterprises", rows.len()),
                    ),
                )
                .await
            })
        })
        .await
    }

    /// Writes generated appeals and their timelines, a few thousand per transaction, with one
    /// audit entry for the lot. Answers how many events were written.
    pub async fn bulk_appeals(&self, appeals: Vec<GeneratedAppeal>, note: String) -> StoreResult<usize> {
        let backend = self.backend;
        let mut events_written = 0;
        let appeals = Arc::new(appeals);
        for start in (0..appeals.len()).step_by(GENERATED_PER_TX) {
            let end = (start + GENERATED_PER_TX).min(appeals.len());
            let appeals = appeals.clone();
            events_written += self
                .in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, usize> {
                    Box::pin(async move {
                        let first: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM appeals")
                            .fetch_one(&mut *tx)
                            .await?;
                        let now = stamp(feidi_core::time::now());
                        let mut rows = Vec::with_capacity(end - start);
                        let mut events = Vec::new();
                        for (offset, g) in appeals[start..end].iter().enumerate() {
                            let id = first + 1 + offset as i64;
                            let s = &g.state;
                            let due_at = s.due_at().map(stamp);
                            rows.push(vec![
                                Val::from(id),
                                Val::from(g.enterprise_id),
                                Val::from(g.category.clone()),
                                Val::from(g.title.clone()),
                                Val::from(g.description.clone()),
                                Val::from(s.status.as_str()),
                                Val::from(s.handler),
                                Val::from(s.role.as_str()),
                                Val::from(s.b),
                                Val::from(s.task_force_leader),
                                Val::from(i64::from(s.resolve_working_days)),
                                Val::from(stamp(g.submitted_at)),
                                Val::from(s.ack_due_at.map(stamp)),
                                Val::from(stamp(s.resolve_due_at)),
                                Val::from(due_at),
                                Val::from(s.next_due_at().map(stamp)),
                                Val::from(i64::from(s.overdue)),
                                Val::from(s.escalated_at.map(stamp)),
                                Val::from(g.acknowledged_at.map(stamp)),
                                Val::from(g.ack_on_time.map(i64::from)),
                                Val::from(g.resolved_at.map(stamp)),
                                Val::from(s.resolved_by),
                                Val::from(g.resolution.clone()),
                                Val::from(g.resolved_on_time.map(i64::from)),
                                Val::from(g.rating.map(|r| r.as_str().to_string())),
                                Val::from(i64::from(s.returns)),
                                Val::from(g.reopens),
                            ]);
                            events.extend(g.events.iter().map(|e| (id, e.clone())));
                        }
                        for chunk in rows.chunks(200) {
                            crate::imports::insert_rows(
                                &mut *tx,
                                backend,
                                "appeals (id, enterprise_id, category, title, description, status, handler_id, handler_role, \
                                 b_official_id, task_force_leader_id, resolve_working_days, submitted_at, ack_due_at, \
                                 resolve_due_at, due_at, next_due_at, overdue, escalated_at, acknowledged_at, ack_on_time, \
                                 resolved_at, resolved_by, resolution, resolved_on_time, rating, returns, reopens, \
                                 created_at, updated_at)",
                                chunk.to_vec(),
                                &format!("'{now}', '{now}'"),
                            )
                            .await?;
                        }
                        write_events(&mut *tx, backend, &events).await?;
                        Ok(events.len())
                    })
                })
                .await?;
        }
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                if backend == Backend::Postgres {
                    // Ids were given explicitly: the identity must continue after them.
                    sqlx::query(
                        "SELECT setval(pg_get_serial_sequence('appeals', 'id'), COALESCE((SELECT MAX(id) FROM appeals), 1))",
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                write_audit(&mut *tx, AuditWrite::event(None, "bulk_create", "appeal", None, note)).await
            })
        })
        .await?;
        Ok(events_written)
    }
}

/// One group's appeal figures (a category, an official, a month).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppealGroup {
    pub key: String,
    pub total: i64,
    pub open: i64,
    pub acknowledged: i64,
    pub acknowledged_on_time: i64,
    pub resolved: i64,
    pub resolved_on_time: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub returns: i64,
}

/// Appeal statistics by category, by official (the current handler; "" for the leaders) and
/// by month of submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppealStats {
    pub by_category: Vec<AppealGroup>,
    pub by_official: Vec<AppealGroup>,
    pub by_month: Vec<AppealGroup>,
}

impl Store {
    /// Appeal statistics over the appeals submitted in `from..=to` (dates; either open-ended).
    pub async fn appeal_stats(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<AppealStats> {
        let from = from.map_or("0000".to_string(), |d| d.format("%Y-%m-%d").to_string());
        // Stamps of day `to` all sort before the next day's date.
        let to = to
            .and_then(|d| d.succ_opt())
            .map_or("9999".to_string(), |d| d.format("%Y-%m-%d").to_string());
        let group = |key: &str| {
            format!(
                "SELECT {key} AS k, CAST(COUNT(*) AS BIGINT) AS total, \
                 CAST(SUM(CASE WHEN due_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS open, \
                 CAST(SUM(CASE WHEN ack_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged, \
                 CAST(SUM(CASE WHEN ack_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged_on_time, \
                 CAST(SUM(CASE WHEN resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS resolved, \
                 CAST(SUM(CASE WHEN resolved_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT) AS resolved_on_time, \
                 CAST(SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS rated, \
                 CAST(SUM(CASE WHEN rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS BIGINT) AS satisfied, \
                 CAST(SUM(returns) AS BIGINT) AS returns \
                 FROM appeals WHERE submitted_at >= $1 AND submitted_at < $2 GROUP BY {key} ORDER BY {key}"
            )
        };
        let mut stats = AppealStats::default();
        for (key, into) in [
            ("category", &mut stats.by_category),
            ("COALESCE(CAST(handler_id AS TEXT), '')", &mut stats.by_official),
            ("SUBSTR(submitted_at, 1, 7)", &mut stats.by_month),
        ] {
            let rows = sqlx::query(&group(key))
                .bind(from.clone())
                .bind(to.clone())
                .fetch_all(&self.read)
                .await?;
            for row in &rows {
                let c = Cols::Row(row);
                into.push(AppealGroup {
                    key: c.text("k")?,
                    total: c.int("total")?,
                    open: c.int("open")?,
                    acknowledged: c.int("acknowledged")?,
                    acknowledged_on_time: c.int("acknowledged_on_time")?,
                    resolved: c.int("resolved")?,
                    resolved_on_time: c.int("resolved_on_time")?,
                    rated: c.int("rated")?,
                    satisfied: c.int("satisfied")?,
                    returns: c.int("returns")?,
                });
            }
        }
        Ok(stats)
    }
}
