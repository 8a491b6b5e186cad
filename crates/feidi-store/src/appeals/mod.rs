//! Enterprise appeals (M5) in storage: the working-day calendar, appeal categories, officials'
//! absences, appeals with their timeline, and the sweep. The rules themselves are
//! `feidi_core::appeals`'; here an appeal's row becomes an `AppealState`, a rule is applied to
//! it, and the row, its new events and the audit entry are written in one transaction.
//!
//! By concern: `calendar`, `categories`, `absences`, `submission`, `actions`, `attachments`, `inbox`,
//! `statistics`, `sweep` and `generate` (bulk loading for `feidi gen`); the shared types and
//! writers are here.

mod absences;
mod actions;
mod attachments;
mod calendar;
mod categories;
mod generate;
mod inbox;
mod statistics;
mod submission;
mod sweep;

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::{Act, AppealState, AppealStatus, Event, HandlerRole, Rating};
use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::columns::{Column, row};
use crate::value::{Batch, Cols, Val};
use crate::{Backend, StoreError, StoreResult};

pub(crate) use absences::{ABSENCE_PERIODS, absences_of};
pub use absences::{Absence, AbsenceClash};
pub use attachments::{Attachment, NewAttachment};
pub(crate) use calendar::{CalendarCache, calendar_of};
pub use calendar::{CalendarDay, MarkedDay};
pub use categories::AppealCategory;
pub use generate::GeneratedAppeal;
pub use statistics::{AppealFigures, AppealGroup, AppealStats};
pub use sweep::SweepReport;
pub(crate) use sweep::appeals_as_shown;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

pub(crate) fn instant(col: &str, text: &str) -> StoreResult<DateTime<FixedOffset>> {
    feidi_core::time::parse_instant(text).ok_or_else(|| corrupt(col, text))
}

fn for_update(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    }
}

const APPEAL_COLUMNS: &str = "id, enterprise_id, project_id, category, title, description, status, handler_id, \
     handler_role, b_official_id, task_force_leader_id, resolve_working_days, submitted_at, submitted_by, ack_due_at, \
     resolve_due_at, due_at, next_due_at, overdue, escalated_at, acknowledged_at, ack_on_time, resolved_at, resolved_by, \
     resolution, resolved_on_time, rating, rating_comment, rated_at, returns, reopens, version, created_at, updated_at";

/// Instants as the API writes them: stored with microseconds (fixed width, so text order is
/// time order), shown without a zero fraction, so a deadline reads `2023-10-08T00:00:00+08:00`.
fn instant_out<S: serde::Serializer>(stamp: &Stamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&stamp.as_str().replace(".000000+", "+"))
}

fn opt_instant_out<S: serde::Serializer>(stamp: &Option<Stamp>, s: S) -> Result<S::Ok, S::Error> {
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
    pub submitted_at: Stamp,
    pub submitted_by: Option<i64>,
    #[serde(serialize_with = "opt_instant_out")]
    pub ack_due_at: Option<Stamp>,
    #[serde(serialize_with = "instant_out")]
    pub resolve_due_at: Stamp,
    /// The handler's current deadline while it is open.
    #[serde(serialize_with = "opt_instant_out")]
    pub due_at: Option<Stamp>,
    #[serde(skip)]
    pub next_due_at: Option<Stamp>,
    pub overdue: bool,
    pub escalated: bool,
    #[serde(serialize_with = "opt_instant_out")]
    pub escalated_at: Option<Stamp>,
    #[serde(serialize_with = "opt_instant_out")]
    pub acknowledged_at: Option<Stamp>,
    pub ack_on_time: Option<bool>,
    #[serde(serialize_with = "opt_instant_out")]
    pub resolved_at: Option<Stamp>,
    pub resolved_by: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_on_time: Option<bool>,
    pub rating: Option<String>,
    pub rating_comment: Option<String>,
    #[serde(serialize_with = "opt_instant_out")]
    pub rated_at: Option<Stamp>,
    pub returns: i64,
    pub reopens: i64,
    pub version: i64,
    #[serde(serialize_with = "instant_out")]
    pub created_at: Stamp,
    #[serde(serialize_with = "instant_out")]
    pub updated_at: Stamp,
}

impl Appeal {
    fn from_cols(c: &Cols<'_>) -> StoreResult<Self> {
        let opt_bool = |col: &str| -> StoreResult<Option<bool>> { Ok(c.opt_int(col)?.map(|v| v != 0)) };
        let escalated_at: Option<Stamp> = Column::read(c, "escalated_at")?;
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
            submitted_at: Stamp::read(c, "submitted_at")?,
            submitted_by: c.opt_int("submitted_by")?,
            ack_due_at: Column::read(c, "ack_due_at")?,
            resolve_due_at: Stamp::read(c, "resolve_due_at")?,
            due_at: Column::read(c, "due_at")?,
            next_due_at: Column::read(c, "next_due_at")?,
            overdue: c.int("overdue")? != 0,
            escalated: escalated_at.is_some(),
            escalated_at,
            acknowledged_at: Column::read(c, "acknowledged_at")?,
            ack_on_time: opt_bool("ack_on_time")?,
            resolved_at: Column::read(c, "resolved_at")?,
            resolved_by: c.opt_int("resolved_by")?,
            resolution: c.opt_text("resolution")?,
            resolved_on_time: opt_bool("resolved_on_time")?,
            rating: c.opt_text("rating")?,
            rating_comment: c.opt_text("rating_comment")?,
            rated_at: Column::read(c, "rated_at")?,
            returns: c.int("returns")?,
            reopens: c.int("reopens")?,
            version: c.int("version")?,
            created_at: Stamp::read(c, "created_at")?,
            updated_at: Stamp::read(c, "updated_at")?,
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
                .as_ref()
                .map(|t| instant("ack_due_at", t.as_str()))
                .transpose()?,
            resolve_due_at: instant("resolve_due_at", self.resolve_due_at.as_str())?,
            overdue: self.overdue,
            escalated_at: self
                .escalated_at
                .as_ref()
                .map(|t| instant("escalated_at", t.as_str()))
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
        self.ack_due_at = state.ack_due_at.map(Stamp::at);
        self.resolve_due_at = Stamp::at(state.resolve_due_at);
        self.overdue = state.overdue;
        self.escalated_at = state.escalated_at.map(Stamp::at);
        self.escalated = self.escalated_at.is_some();
        self.resolved_by = state.resolved_by;
        self.returns = i64::from(state.returns);
        self.next_due_at = state.next_due_at().map(Stamp::at);
        self.due_at = state.due_at().map(Stamp::at);
    }
}

row! {
    /// One step of an appeal's timeline.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct AppealEvent {
        pub id: i64,
        pub appeal_id: i64,
        #[serde(serialize_with = "instant_out")]
        pub at: Stamp,
        pub kind: String,
        pub actor_id: Option<i64>,
        pub handler_id: Option<i64>,
        pub reason: Option<String>,
        pub detail: Option<String>,
    }
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
    /// Of one category.
    pub category: Option<String>,
    /// Whose title contains this text.
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
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
                    Val::from(Stamp::at(e.at)),
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
    Projects,
}
