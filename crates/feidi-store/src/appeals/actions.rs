use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::{Event, may_act};
use feidi_core::policy::{Principal, Scope};
use feidi_core::time::Stamp;
use feidi_core::{FieldErrors, Flaw};
use sqlx::AnyConnection;

use super::absences::absences_if_due;
use super::calendar::calendar_in;
use super::{APPEAL_COLUMNS, Appeal, AppealAction, event_statements, for_update};
use crate::audit::{AuditWrite, Params, audit_statement};
use crate::error::WrongState;
use crate::sqlite::writer::TxFuture;
use crate::value::Batch;
use crate::{Backend, Store, StoreError, StoreResult};

/// Writes an appeal's changed columns, if its version is still `version`; answers the row.
async fn write_appeal(
    conn: &mut AnyConnection,
    backend: Backend,
    a: &Appeal,
    version: i64,
) -> StoreResult<Appeal> {
    let now = feidi_core::time::stamp(feidi_core::time::now());
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
        .bind(a.ack_due_at.as_ref().map(|t| t.as_str().to_string()))
        .bind(a.resolve_due_at.as_str().to_string())
        .bind(a.due_at.as_ref().map(|t| t.as_str().to_string()))
        .bind(a.next_due_at.as_ref().map(|t| t.as_str().to_string()))
        .bind(i64::from(a.overdue))
        .bind(a.escalated_at.as_ref().map(|t| t.as_str().to_string()))
        .bind(a.acknowledged_at.as_ref().map(|t| t.as_str().to_string()))
        .bind(a.ack_on_time.map(i64::from))
        .bind(a.resolved_at.as_ref().map(|t| t.as_str().to_string()))
        .bind(a.resolved_by)
        .bind(a.resolution.clone())
        .bind(a.resolved_on_time.map(i64::from))
        .bind(a.rating.clone())
        .bind(a.rating_comment.clone())
        .bind(a.rated_at.as_ref().map(|t| t.as_str().to_string()))
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
    /// A person acts on an appeal: the rules decide whether they may and what follows. A
    /// stale `version`: 409; not the caller's to see: 404; not theirs to do: 403 (as
    /// `StoreError::Forbidden`); not in this state: 409.
    pub async fn act_on_appeal(
        &self,
        who: Principal,
        id: i64,
        version: Option<i64>,
        action: AppealAction,
        now: DateTime<FixedOffset>,
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
                        after.acknowledged_at = Some(Stamp::at(now));
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
                        after.resolved_at = Some(Stamp::at(now));
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
                        after.rated_at = Some(Stamp::at(now));
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
}
