//! The sweep on SQLite, on a connection of its own driven from one blocking thread
//! (`sqlite_direct`): each appeal's few statements prepared once, with no round trip; the same
//! rules (`feidi_core`), the same rows and triggers, the same short transactions as the
//! PostgreSQL path in `appeals.rs`.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::{AppealState, AppealStatus, HandlerRole};
use feidi_core::calendar::Calendar;
use feidi_core::time::stamp;
use rusqlite::{Connection, OptionalExtension, params};

use crate::appeals::{SweepReport, instant};
use crate::sqlite_direct::{begin, data_version};
use crate::{StoreError, StoreResult};

/// What one run over a list of due appeals did, and whether it found any of them still due.
pub(crate) struct Pass {
    pub report: SweepReport,
    pub read_any: bool,
}

/// The calendar the caller holds and the data version it was read at.
pub(crate) struct HeldCalendar {
    pub version: i64,
    pub calendar: Arc<Calendar>,
}

/// How the SQLite sweep shares the write lock with other writers.
///
/// SQLite has one writer at a time and no queue: the server's writers try for the lock every
/// millisecond or so, and get it only while the sweep pauses. So the sweep watches whether
/// anyone else commits during its pauses (`PRAGMA data_version` moves only for other
/// connections' commits). While someone has lately, its transactions stay short (`least`) and
/// it pauses at least as long as it held the lock, so that it never takes more than half of
/// the writers' time. Once nobody has for `calm`, it doubles its transactions up to `most`,
/// with only the least pause between them: long enough for a writer that came meanwhile to get
/// in, and so be noticed. (A busy server's writer misses a pause now and then — its own tries
/// wait on a loaded machine — hence a quiet spell, not one quiet pause.) Longer transactions
/// sweep much faster: a commit writes each page it touched once, however many appeals touched
/// it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pacing {
    /// The work in one transaction while other writers are about (and at the start).
    pub least: Duration,
    /// The work in one transaction once nobody else writes.
    pub most: Duration,
    /// The least pause between transactions.
    pub pause: Duration,
    /// How long nobody else must have committed before transactions grow.
    pub calm: Duration,
}

impl Pacing {
    /// The pause after a transaction that held the lock for `held`, when another writer last
    /// committed `since_other` ago.
    pub(crate) fn pause(&self, held: Duration, since_other: Duration) -> Duration {
        if since_other < self.calm {
            self.pause.max(held)
        } else {
            self.pause
        }
    }

    /// The work in the transaction after one of `slice`, when another writer last committed
    /// `since_other` ago.
    pub(crate) fn slice(&self, slice: Duration, since_other: Duration) -> Duration {
        if since_other < self.calm {
            self.least
        } else {
            (slice * 2).clamp(self.least, self.most)
        }
    }
}

/// Sweeps the appeals `ids` (in id order) that are still due at `now`, in transactions paced
/// by `pacing`.
pub(crate) fn run(
    conn: &Connection,
    ids: &[i64],
    now: DateTime<FixedOffset>,
    held: &mut HeldCalendar,
    pacing: Pacing,
) -> StoreResult<Pass> {
    let mut pass = Pass {
        report: SweepReport::default(),
        read_any: false,
    };
    let mut rest = ids;
    // It starts as if someone had just written: short, until it has seen a quiet spell.
    let (mut slice, mut other_wrote) = (pacing.least, Instant::now());
    while !rest.is_empty() {
        let started = Instant::now();
        begin(conn)?;
        match transaction(conn, rest, now, held, slice) {
            Ok((report, read, used)) => {
                conn.execute_batch("COMMIT")?;
                pass.report.add(&report);
                pass.read_any |= read > 0;
                rest = &rest[used..];
            }
            Err(e) => {
                // The transaction is undone whole; the appeals stay due for the next sweep.
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        if rest.is_empty() {
            break;
        }
        let seen = data_version(conn)?;
        std::thread::sleep(pacing.pause(started.elapsed(), other_wrote.elapsed()));
        if data_version(conn)? != seen {
            other_wrote = Instant::now();
        }
        slice = pacing.slice(slice, other_wrote.elapsed());
    }
    Ok(pass)
}

/// One transaction's work: appeals from the front of `ids` until `slice` has passed. Answers
/// what it did, how many appeals it found still due, and how many ids it used.
fn transaction(
    conn: &Connection,
    ids: &[i64],
    now: DateTime<FixedOffset>,
    held: &mut HeldCalendar,
    slice: Duration,
) -> StoreResult<(SweepReport, usize, usize)> {
    let started = Instant::now();
    let version: i64 = conn.query_row(
        "SELECT version FROM data_versions WHERE name = 'calendar_days'",
        [],
        |row| row.get(0),
    )?;
    if version != held.version {
        let mut read = conn.prepare_cached("SELECT day, kind FROM calendar_days")?;
        let rows = read
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        *held = HeldCalendar {
            version,
            calendar: Arc::new(crate::appeals::calendar_of(rows)?),
        };
    }
    let wanted = wanted_events(conn)?;
    // Due by the sweep's `now`; written at the clock's (the audit log's and `updated_at`'s time).
    let stamps = Stamps {
        due_by: stamp(now),
        written: stamp(feidi_core::time::now()),
    };
    let (mut report, mut read, mut used) = (SweepReport::default(), 0, 0);
    for id in ids {
        used += 1;
        if sweep_one(conn, *id, now, &stamps, &held.calendar, &wanted, &mut report)? {
            read += 1;
        }
        if started.elapsed() >= slice {
            break;
        }
    }
    Ok((report, read, used))
}

/// The event kinds some active endpoint wants (as `webhooks::wanted_events`).
fn wanted_events(conn: &Connection) -> StoreResult<HashSet<String>> {
    let mut read = conn.prepare_cached("SELECT events FROM webhooks WHERE active = 1")?;
    let lists = read
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(crate::webhooks::kinds_wanted(&lists))
}

struct Stamps {
    due_by: String,
    written: String,
}

/// What the sweep reads of an appeal.
struct Due {
    version: i64,
    state: AppealState,
}

fn read_due(conn: &Connection, id: i64, now: &str) -> StoreResult<Option<Due>> {
    let mut read = conn.prepare_cached(
        "SELECT version, status, handler_role, handler_id, ack_due_at, resolve_due_at, overdue, escalated_at, \
         b_official_id, task_force_leader_id, resolved_by, resolve_working_days, returns \
         FROM appeals WHERE id = ?1 AND next_due_at <= ?2",
    )?;
    type Row = (
        i64,
        String,
        String,
        Option<i64>,
        Option<String>,
        String,
        i64,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
    );
    let row: Option<Row> = read
        .query_row(params![id, now], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .optional()?;
    let Some((
        version,
        status,
        role,
        handler,
        ack,
        resolve,
        overdue,
        escalated,
        b,
        leader,
        resolved_by,
        days,
        returns,
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(Due {
        version,
        state: AppealState {
            status: AppealStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("status: {status}")))?,
            role: HandlerRole::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("handler_role: {role}")))?,
            handler,
            ack_due_at: ack.as_deref().map(|t| instant("ack_due_at", t)).transpose()?,
            resolve_due_at: instant("resolve_due_at", &resolve)?,
            overdue: overdue != 0,
            escalated_at: escalated
                .as_deref()
                .map(|t| instant("escalated_at", t))
                .transpose()?,
            b,
            task_force_leader: leader,
            resolved_by,
            resolve_working_days: u32::try_from(days).unwrap_or(1),
            returns: u32::try_from(returns).unwrap_or_default(),
        },
    }))
}

/// Applies the rules due by `now` to one appeal, if it is still due: its row, its timeline,
/// its audit entry and the webhook deliveries wanted. Answers whether it was still due.
fn sweep_one(
    conn: &Connection,
    id: i64,
    now: DateTime<FixedOffset>,
    stamps: &Stamps,
    calendar: &Calendar,
    wanted: &HashSet<String>,
    report: &mut SweepReport,
) -> StoreResult<bool> {
    let Some(Due { version, mut state }) = read_due(conn, id, &stamps.due_by)? else {
        // Swept meanwhile (by another server), or no longer open.
        return Ok(false);
    };
    let steps = state.sweep(calendar, now);
    // (With no step, only the stored next_due_at was behind: it is set right.)
    let changed = conn
        .prepare_cached(
            "UPDATE appeals SET handler_id = ?1, handler_role = ?2, ack_due_at = ?3, due_at = ?4, next_due_at = ?5, \
             overdue = ?6, escalated_at = ?7, version = version + 1, updated_at = ?8 WHERE id = ?9 AND version = ?10",
        )?
        .execute(params![
            state.handler,
            state.role.as_str(),
            state.ack_due_at.map(stamp),
            state.due_at().map(stamp),
            state.next_due_at().map(stamp),
            i64::from(state.overdue),
            state.escalated_at.map(stamp),
            stamps.written,
            id,
            version,
        ])?;
    if changed != 1 {
        return Err(StoreError::Conflict);
    }
    if steps.is_empty() {
        return Ok(true);
    }
    report.count(&steps);
    let mut event = conn.prepare_cached(
        "INSERT INTO appeal_events (appeal_id, at, kind, actor_id, handler_id, reason, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut deliver = conn.prepare_cached(
        "INSERT INTO webhook_deliveries (webhook_id, event, occurred_at, appeal_id, appeal_version, state, \
         next_attempt_at, created_at) \
         SELECT h.id, ?1, ?2, ?3, ?4, 'pending', ?5, ?5 FROM webhooks h \
         WHERE h.active = 1 AND (',' || h.events || ',') LIKE ('%,' || ?1 || ',%') ORDER BY h.id",
    )?;
    for step in &steps {
        let at = stamp(step.at);
        event.execute(params![
            id,
            at,
            step.kind.as_str(),
            step.actor,
            step.handler,
            step.reason.map(|r| r.as_str()),
            step.detail,
        ])?;
        if wanted.contains(step.kind.as_str()) {
            deliver.execute(params![step.kind.as_str(), at, id, version + 1, stamps.written])?;
        }
    }
    let note = steps
        .iter()
        .map(|s| s.kind.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    conn.prepare_cached(
        "INSERT INTO audit_log (entity_id, note, at, actor_id, action, entity) VALUES (?1, ?2, ?3, NULL, 'sweep', 'appeal')",
    )?
    .execute(params![id, note, stamps.written])?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACING: Pacing = Pacing {
        least: Duration::from_millis(3),
        most: Duration::from_millis(24),
        pause: Duration::from_millis(3),
        calm: Duration::from_millis(250),
    };
    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn while_others_write_the_sweep_stays_short_and_leaves_them_as_long_as_it_held_the_lock() {
        // Another writer committed 10 ms ago: short transactions whatever came before, and a
        // pause no shorter than the last transaction's hold on the lock.
        assert_eq!(PACING.slice(24 * MS, 10 * MS), 3 * MS);
        assert_eq!(PACING.pause(8 * MS, 10 * MS), 8 * MS);
        assert_eq!(PACING.pause(MS, 10 * MS), 3 * MS);
        // Just inside the quiet spell it still counts as contended.
        assert_eq!(PACING.slice(3 * MS, 249 * MS), 3 * MS);
    }

    #[test]
    fn after_a_quiet_spell_transactions_double_up_to_the_most_with_the_least_pause() {
        let quiet = 300 * MS;
        assert_eq!(PACING.slice(3 * MS, quiet), 6 * MS);
        assert_eq!(PACING.slice(6 * MS, quiet), 12 * MS);
        assert_eq!(PACING.slice(12 * MS, quiet), 24 * MS);
        assert_eq!(PACING.slice(24 * MS, quiet), 24 * MS);
        assert_eq!(PACING.pause(30 * MS, quiet), 3 * MS);
    }
}
