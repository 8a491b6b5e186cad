use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::{AppealState, Event, Rating};
use feidi_core::time::stamp;
use sqlx::AnyConnection;

use super::write_events;
use crate::audit::{AuditWrite, write_audit};
use crate::sqlite::writer::TxFuture;
use crate::value::Val;
use crate::{Backend, Store, StoreResult};

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
