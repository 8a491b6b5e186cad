use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::{AppealState, Event, Officials, Pair};
use feidi_core::calendar::Calendar;
use feidi_core::policy::Scope;
use feidi_core::time::stamp;
use feidi_core::{FieldErrors, Flaw};
use sqlx::AnyConnection;

use super::absences::{absences_if_due, is_absent};
use super::calendar::{CalendarCache, calendar_at};
use super::{APPEAL_COLUMNS, Appeal, NewAppeal, event_statements};
use crate::audit::{AuditWrite, Params, audit_statement};
use crate::sqlite::writer::TxFuture;
use crate::value::{Batch, Cols};
use crate::{Store, StoreError, StoreResult};

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
    now: DateTime<FixedOffset>,
) -> StoreResult<(Officials, u32, Arc<Calendar>)> {
    let mut errors = Vec::new();
    let mut flag = |field: &str, flaw: Flaw| {
        errors.push(feidi_core::FieldError {
            field: field.into(),
            flaw,
        })
    };
    let submitted_at = input.submitted_at.unwrap_or(now);
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
    let enterprise = Pair {
        a: c.opt_int("a_official_id")?,
        b: c.opt_int("b_official_id")?,
        a_absent: c.int("a_absent")? == 1,
        b_absent: c.int("b_absent")? == 1,
    };
    let mut project_pair = None;
    let leader = c.opt_int("leader_id")?;
    let calendar_version = c.int("calendar_version")?;
    if let Some(project) = input.project_id {
        let row: Option<(Option<i64>, Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT enterprise_id, a_official_id, b_official_id FROM projects WHERE id = $1")
                .bind(project)
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some((owner, a, b)) if owner == Some(input.enterprise_id) => {
                let mut pair = Pair {
                    a,
                    b,
                    ..Pair::default()
                };
                // Who is away is read only for a pair that may answer (core's rule decides).
                if pair.is_named() {
                    if let Some(a) = a {
                        pair.a_absent = is_absent(&mut *conn, a, &day).await?;
                    }
                    if let Some(b) = b {
                        pair.b_absent = is_absent(&mut *conn, b, &day).await?;
                    }
                }
                project_pair = Some(pair);
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
    let officials = Officials::of(enterprise, project_pair, leader);
    let calendar = calendar_at(&mut *conn, cache, calendar_version).await?;
    Ok((officials, u32::try_from(days).unwrap_or(1), calendar))
}

impl Store {
    /// Submits an appeal: its handler by the AB rule (the project's own pair if it has one),
    /// its deadlines by the calendar, its first events, in one transaction.
    /// With an idempotency key this actor used before, answers the appeal submitted then and
    /// writes nothing; the flag tells which happened.
    pub async fn submit_appeal(
        &self,
        actor: Option<i64>,
        input: NewAppeal,
        idempotency_key: Option<String>,
        now: DateTime<FixedOffset>,
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
            plan_submission(&mut conn, &self.calendar, &input, now).await?
        };
        let claim = idempotency_key.clone();
        let returning = self.json_row(APPEAL_COLUMNS);
        let written = self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Appeal> {
            Box::pin(async move {
                let (b, leader) = (officials.b, officials.task_force_leader);
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
                    crate::registry::claim_key(&mut *tx, user, key, "appeal", appeal.id, appeal.created_at.as_str().to_string()).await?;
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
}
