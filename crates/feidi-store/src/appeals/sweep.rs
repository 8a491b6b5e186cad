use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::{Absences, Event};
use feidi_core::calendar::Calendar;
use feidi_core::time::stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use super::absences::absences_now;
use super::calendar::{calendar_at, calendar_in};
use super::{APPEAL_COLUMNS, Appeal, write_events};
use crate::sqlite::writer::TxFuture;
use crate::value::{Val, bind_all};
use crate::{Backend, Store, StoreError, StoreResult};

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

impl Store {
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
                // a server's writer, in a request (BENCHMARKS.md, "Figures behind the code").
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
