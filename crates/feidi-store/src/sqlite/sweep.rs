//! The sweep on SQLite, on a connection of its own driven from one blocking thread
//! (`sqlite::direct`): each appeal's few statements prepared once, with no round trip; the same
//! rules (`feidi_core`), the same rows (the two triggers' changes made once a transaction, see
//! `connection`), the same short transactions as the PostgreSQL path in `appeals/sweep.rs`.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use feidi_core::appeals::Absences;
use feidi_core::appeals::{AppealState, AppealStatus, Event, HandlerRole};
use feidi_core::calendar::Calendar;
use feidi_core::time::stamp;
use rusqlite::{Connection, OptionalExtension, ToSql, params};

use crate::appeals::{SweepReport, instant};
use crate::sqlite::direct::{begin, data_version};
use crate::{StoreError, StoreResult};

/// The sweep's own connection. Under a server's load the sweep's transactions are short and
/// every microsecond of one is a microsecond of the lock, so it leaves out two things whose
/// work it does itself or does not need:
/// - Triggers: the only ones its writes meet are the two on updates of `appeals` (the data
///   version, the appeals' totals), each an `UPDATE` a swept appeal, and each transaction
///   makes their changes once at its end instead (`Writes::flush`; a test keeps the list of
///   triggers to these two).
/// - Foreign key checks: every reference it writes is one it read in the same transaction (the
///   appeal's own B and task force leader, the appeal itself, an active endpoint), so none can
///   dangle — a test checks the references after an escalating sweep. With them on, SQLite
///   keeps a statement journal for every `UPDATE` of an appeal's handler (a copy of each page
///   the statement touches, in case a check fails half-way): a quarter of the sweep's time.
pub(crate) fn connection(file: &std::path::Path, bulk: bool) -> StoreResult<Connection> {
    let conn = crate::sqlite::direct::open(file, bulk)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    Ok(conn)
}

/// What one run over a list of due appeals did, and whether it found any of them still due.
pub(crate) struct Pass {
    pub report: SweepReport,
    pub read_any: bool,
}

/// The calendar the caller holds and the data version it was read at.
pub(crate) struct HeldCalendar {
    pub version: i64,
    pub calendar: Arc<Calendar>,
    /// The officials' absences, read with the calendar: a handover skips a B who is away.
    pub away: Arc<Absences>,
}

/// The version `HeldCalendar` is read at: the calendar's and the absences' data versions
/// added, so that it moves when either does.
pub(crate) const HELD_VERSION: &str =
    "SELECT SUM(version) FROM data_versions WHERE name IN ('calendar_days', 'absences')";

/// How the SQLite sweep shares the write lock with other writers.
///
/// SQLite has one writer at a time and no queue: the server's writers try for the lock every
/// millisecond or so, and get it only while the sweep pauses. So the sweep watches whether
/// anyone else writes: whether it finds the lock taken, and whether others committed since it
/// last looked (`PRAGMA data_version` moves only for other connections' commits). While
/// someone has lately, its transactions stay short (`least`) and
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

/// The appeals due by `now`, in id order: neighbours share pages, so a transaction rewrites
/// far fewer pages than in deadline order (each appeal's steps are its own, so the order among
/// appeals does not matter).
pub(crate) fn due_ids(conn: &Connection, now: DateTime<FixedOffset>) -> StoreResult<Vec<i64>> {
    let mut list = conn.prepare_cached("SELECT id FROM appeals WHERE next_due_at <= ?1")?;
    let mut ids = list
        .query_map([stamp(now)], |row| row.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// Sweeps the appeals `ids` (in id order) that are still due at `now`, in transactions paced
/// by `pacing`.
///
/// Each transaction's appeals are read and worked out before it, on a snapshot taken during
/// the pause between transactions (`Plans`), so that the transaction, which holds the one
/// write lock, only writes: while other writers are about, a transaction of the same length
/// then sweeps more appeals.
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
    let mut plans = Plans {
        ahead: VecDeque::new(),
    };
    plans.extend(conn, rest, PLANNED_FIRST, now, held)?;
    // It starts as if someone had just written: short, until it has seen a quiet spell.
    let (mut slice, mut other_wrote) = (pacing.least, Instant::now());
    // Another writer shows by the lock being taken when the sweep wants it, or by the data
    // version having moved since the sweep last looked: during its pause, or while it waited
    // for the lock (a writer that got in during the pause and held the lock past its end
    // commits only then).
    let mut version = data_version(conn)?;
    while !rest.is_empty() {
        if begin(conn)? {
            other_wrote = Instant::now();
        }
        // The lock is held from here to the commit: that long is left to the others after.
        let locked = Instant::now();
        let used = match transaction(conn, rest, &mut plans, now, held, slice) {
            Ok((report, read, used)) => {
                conn.execute_batch("COMMIT")?;
                pass.report.add(&report);
                pass.read_any |= read > 0;
                rest = &rest[used..];
                used
            }
            Err(e) => {
                // The transaction is undone whole; the appeals stay due for the next sweep.
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        };
        if rest.is_empty() {
            break;
        }
        let pause = pacing.pause(locked.elapsed(), other_wrote.elapsed());
        let seen = data_version(conn)?;
        if seen != version {
            other_wrote = Instant::now();
        }
        // The next transaction's appeals are worked out in the pause (as many again as this
        // one swept, and half that for good measure), taking from it only the time it takes.
        let planning = Instant::now();
        plans.extend(conn, rest, used + used / 2, now, held)?;
        std::thread::sleep(pause.saturating_sub(planning.elapsed()));
        version = data_version(conn)?;
        if version != seen {
            other_wrote = Instant::now();
        }
        slice = pacing.slice(slice, other_wrote.elapsed());
    }
    Ok(pass)
}

/// Appeals worked out before the first transaction.
const PLANNED_FIRST: usize = 128;

/// What the rules make of an appeal, as read before its transaction.
struct Plan {
    id: i64,
    /// The version read and what the sweep makes of it; none if it was not due.
    due: Option<(i64, Change)>,
}

/// The plans for the appeals at the front of those left, in their order, worked out with the
/// calendar held (a transaction that finds the calendar changed drops them).
struct Plans {
    ahead: VecDeque<Plan>,
}

impl Plans {
    /// Works out the appeals after those already planned among `rest`, up to `wanted` in all,
    /// on one read snapshot (a reader takes no lock a writer needs).
    fn extend(
        &mut self,
        conn: &Connection,
        rest: &[i64],
        wanted: usize,
        now: DateTime<FixedOffset>,
        held: &HeldCalendar,
    ) -> StoreResult<()> {
        let from = self.ahead.len();
        let to = wanted.min(rest.len());
        if from >= to {
            return Ok(());
        }
        let due_by = stamp(now);
        conn.execute_batch("BEGIN")?;
        let read = (|| {
            for id in &rest[from..to] {
                let due = read_due(conn, *id, &due_by)?.map(
                    |Due {
                         version,
                         mut state,
                         counted,
                     }| {
                        let steps = state.sweep(&held.calendar, &held.away, now);
                        (version, Change::new(&state, steps, counted))
                    },
                );
                self.ahead.push_back(Plan { id: *id, due });
            }
            Ok(())
        })();
        conn.execute_batch("COMMIT")?;
        read
    }
}

/// One transaction's work: appeals from the front of `ids` until `slice` has passed, each as
/// planned if it is still as it was read. Answers what it did, how many appeals it found still
/// due, and how many ids it used.
fn transaction(
    conn: &Connection,
    ids: &[i64],
    plans: &mut Plans,
    now: DateTime<FixedOffset>,
    held: &mut HeldCalendar,
    slice: Duration,
) -> StoreResult<(SweepReport, usize, usize)> {
    let started = Instant::now();
    let version: i64 = conn.query_row(HELD_VERSION, [], |row| row.get(0))?;
    if version != held.version {
        let mut read = conn.prepare_cached("SELECT day, kind FROM calendar_days")?;
        let rows = read
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut read = conn.prepare_cached(crate::appeals::ABSENCE_PERIODS)?;
        let periods = read
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        *held = HeldCalendar {
            version,
            calendar: Arc::new(crate::appeals::calendar_of(rows)?),
            away: Arc::new(crate::appeals::absences_of(periods)?),
        };
        // Worked out with the calendar before: each is worked out again below.
        plans.ahead.clear();
    }
    let wanted = wanted_events(conn)?;
    // Due by the sweep's `now`; written at the clock's (the audit log's and `updated_at`'s time).
    let stamps = Stamps {
        due_by: stamp(now),
        written: stamp(feidi_core::time::now()),
    };
    let mut writes = Writes {
        conn,
        stamps: &stamps,
        wanted: &wanted,
        events: Vec::new(),
        audit: Vec::new(),
        totals: [(0, 0); TOTAL_SHARDS],
        wrote: false,
    };
    let (mut report, mut read, mut used) = (SweepReport::default(), 0, 0);
    for id in ids {
        used += 1;
        let plan = match plans.ahead.front() {
            Some(plan) if plan.id == *id => plans.ahead.pop_front(),
            _ => None,
        };
        let still_due = match plan {
            // Not due when read: left alone.
            Some(Plan { due: None, .. }) => false,
            Some(Plan {
                due: Some((version, change)),
                ..
            }) => {
                // Changed since it was read: read and worked out here.
                writes.apply(*id, version, change, &mut report)?
                    || sweep_one(&mut writes, *id, now, held, &mut report)?
            }
            // Not read yet.
            None => sweep_one(&mut writes, *id, now, held, &mut report)?,
        };
        if still_due {
            read += 1;
        }
        if started.elapsed() >= slice {
            break;
        }
    }
    writes.flush()?;
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
    counted: Counted,
}

/// What the appeals' totals count of a row: open (`due_at` set), and open and escalated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counted {
    open: bool,
    escalated: bool,
}

impl Counted {
    fn of(due_at: Option<&str>, escalated_at: Option<&str>) -> Self {
        Self {
            open: due_at.is_some(),
            escalated: due_at.is_some() && escalated_at.is_some(),
        }
    }
}

fn read_due(conn: &Connection, id: i64, now: &str) -> StoreResult<Option<Due>> {
    let mut read = conn.prepare_cached(
        "SELECT version, status, handler_role, handler_id, ack_due_at, resolve_due_at, overdue, escalated_at, \
         b_official_id, task_force_leader_id, resolved_by, resolve_working_days, returns, due_at \
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
        Option<String>,
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
                r.get(13)?,
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
        due_at,
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(Due {
        version,
        counted: Counted::of(due_at.as_deref(), escalated.as_deref()),
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

/// Applies the rules due by `now` to one appeal, read in the writing transaction, if it is still
/// due. Answers whether it was.
fn sweep_one(
    writes: &mut Writes<'_>,
    id: i64,
    now: DateTime<FixedOffset>,
    held: &HeldCalendar,
    report: &mut SweepReport,
) -> StoreResult<bool> {
    let Some(Due {
        version,
        mut state,
        counted,
    }) = read_due(writes.conn, id, &writes.stamps.due_by)?
    else {
        // Swept meanwhile (by another server), or no longer open.
        return Ok(false);
    };
    let steps = state.sweep(&held.calendar, &held.away, now);
    if writes.apply(id, version, Change::new(&state, steps, counted), report)? {
        Ok(true)
    } else {
        // Read in this transaction, which holds the write lock: nobody can have changed it.
        Err(StoreError::Conflict)
    }
}

/// An appeal's row after the sweep, its steps and its audit note, as the statements bind them
/// (the times written out before the transaction that writes them).
struct Change {
    handler: Option<i64>,
    role: &'static str,
    ack_due_at: Option<String>,
    due_at: Option<String>,
    next_due_at: Option<String>,
    overdue: i64,
    escalated_at: Option<String>,
    steps: Vec<Event>,
    step_stamps: Vec<String>,
    note: String,
    /// What the totals counted of the row as read.
    was: Counted,
}

impl Change {
    fn new(state: &AppealState, steps: Vec<Event>, was: Counted) -> Self {
        Self {
            was,
            handler: state.handler,
            role: state.role.as_str(),
            ack_due_at: state.ack_due_at.map(stamp),
            due_at: state.due_at().map(stamp),
            next_due_at: state.next_due_at().map(stamp),
            overdue: i64::from(state.overdue),
            escalated_at: state.escalated_at.map(stamp),
            step_stamps: steps.iter().map(|s| stamp(s.at)).collect(),
            note: steps
                .iter()
                .map(|s| s.kind.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            steps,
        }
    }
}

/// What a transaction writes with, and the timeline and audit rows it writes at its end.
struct Writes<'a> {
    conn: &'a Connection,
    stamps: &'a Stamps,
    wanted: &'a HashSet<String>,
    events: Vec<EventRow>,
    /// Appeal and note.
    audit: Vec<(i64, String)>,
    /// What the rows written change in the appeals' totals, by shard (`id % 16`, as the
    /// totals' triggers): open and escalated.
    totals: [(i64, i64); TOTAL_SHARDS],
    /// Whether an appeal was written (the appeals' data version then moves).
    wrote: bool,
}

/// The appeals' totals are kept in this many rows (`appeal_totals`, migration 15).
const TOTAL_SHARDS: usize = 16;

/// A timeline row: appeal, time, kind, actor, handler, reason, detail.
type EventRow = (
    i64,
    String,
    &'static str,
    Option<i64>,
    Option<i64>,
    Option<&'static str>,
    Option<String>,
);

/// Rows in one of the inserts `flush` makes.
const ROWS_PER_INSERT: usize = 128;

impl Writes<'_> {
    /// Writes an appeal's sweep (its row now; its timeline and audit entry at the
    /// transaction's end; the webhook deliveries wanted) if it is still at `version`; answers
    /// whether it was.
    fn apply(
        &mut self,
        id: i64,
        version: i64,
        change: Change,
        report: &mut SweepReport,
    ) -> StoreResult<bool> {
        let conn = self.conn;
        // (With no step, only the stored next_due_at was behind: it is set right.)
        let changed = conn
            .prepare_cached(
                "UPDATE appeals SET handler_id = ?1, handler_role = ?2, ack_due_at = ?3, due_at = ?4, next_due_at = ?5, \
                 overdue = ?6, escalated_at = ?7, version = version + 1, updated_at = ?8 WHERE id = ?9 AND version = ?10",
            )?
            .execute(params![
                change.handler,
                change.role,
                change.ack_due_at,
                change.due_at,
                change.next_due_at,
                change.overdue,
                change.escalated_at,
                self.stamps.written,
                id,
                version,
            ])?;
        if changed != 1 {
            return Ok(false);
        }
        // What the totals' update trigger would do for this row.
        self.wrote = true;
        let now = Counted::of(change.due_at.as_deref(), change.escalated_at.as_deref());
        let shard = &mut self.totals[usize::try_from(id.rem_euclid(TOTAL_SHARDS as i64)).unwrap_or_default()];
        shard.0 += i64::from(now.open) - i64::from(change.was.open);
        shard.1 += i64::from(now.escalated) - i64::from(change.was.escalated);
        if change.steps.is_empty() {
            return Ok(true);
        }
        report.count(&change.steps);
        let mut deliver = conn.prepare_cached(
            "INSERT INTO webhook_deliveries (webhook_id, event, occurred_at, appeal_id, appeal_version, state, \
             next_attempt_at, created_at) \
             SELECT h.id, ?1, ?2, ?3, ?4, 'pending', ?5, ?5 FROM webhooks h \
             WHERE h.active = 1 AND (',' || h.events || ',') LIKE ('%,' || ?1 || ',%') ORDER BY h.id",
        )?;
        for (step, at) in change.steps.into_iter().zip(change.step_stamps) {
            if self.wanted.contains(step.kind.as_str()) {
                deliver.execute(params![
                    step.kind.as_str(),
                    at,
                    id,
                    version + 1,
                    self.stamps.written
                ])?;
            }
            self.events.push((
                id,
                at,
                step.kind.as_str(),
                step.actor,
                step.handler,
                step.reason.map(|r| r.as_str()),
                step.detail,
            ));
        }
        self.audit.push((id, change.note));
        Ok(true)
    }

    /// Writes the timeline and audit rows gathered, many to a statement: a statement's own
    /// cost (binding, starting, its cursors) spread over many rows.
    fn flush(&mut self) -> StoreResult<()> {
        insert_many(
            self.conn,
            "INSERT INTO appeal_events (appeal_id, at, kind, actor_id, handler_id, reason, detail) VALUES",
            "(?, ?, ?, ?, ?, ?, ?)",
            &self.events,
            |(appeal, at, kind, actor, handler, reason, detail), values| {
                values.extend([appeal as &dyn ToSql, at, kind, actor, handler, reason, detail]);
            },
        )?;
        let written = &self.stamps.written;
        insert_many(
            self.conn,
            "INSERT INTO audit_log (entity_id, note, at, actor_id, action, entity) VALUES",
            "(?, ?, ?, NULL, 'sweep', 'appeal')",
            &self.audit,
            |(appeal, note), values| values.extend([appeal as &dyn ToSql, note, written]),
        )?;
        self.events.clear();
        self.audit.clear();
        // The triggers' work for the whole transaction (see `connection`).
        let mut totals = self
            .conn
            .prepare_cached("UPDATE appeal_totals SET open_count = open_count + ?1, escalated_count = escalated_count + ?2 WHERE shard = ?3")?;
        for (shard, (open, escalated)) in self.totals.iter().enumerate() {
            if (*open, *escalated) != (0, 0) {
                totals.execute(params![open, escalated, shard as i64])?;
            }
        }
        self.totals = [(0, 0); TOTAL_SHARDS];
        if std::mem::take(&mut self.wrote) {
            self.conn
                .prepare_cached("UPDATE data_versions SET version = version + 1 WHERE name = 'appeals'")?
                .execute([])?;
        }
        Ok(())
    }
}

/// Inserts `rows`, `ROWS_PER_INSERT` to a statement (then fewer, in the few sizes of
/// `statement_sizes`, each prepared once): `head` then `row`, with the values `bind` gives.
fn insert_many<'r, R>(
    conn: &Connection,
    head: &str,
    row: &str,
    rows: &'r [R],
    bind: impl Fn(&'r R, &mut Vec<&'r dyn ToSql>),
) -> StoreResult<()> {
    let mut rest = rows;
    for n in crate::value::statement_sizes(rest.len(), ROWS_PER_INSERT) {
        let (part, tail) = rest.split_at(n);
        rest = tail;
        let mut insert = conn.prepare_cached(&format!("{head} {}", vec![row; n].join(", ")))?;
        let mut values = Vec::new();
        for r in part {
            bind(r, &mut values);
        }
        insert.execute(values.as_slice())?;
    }
    Ok(())
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

    /// Three appeals past A's deadline: the first two are worked out ahead, then the first is
    /// acknowledged (its version moves) before the transaction. The transaction reads that one
    /// again and leaves it alone, writes the second as planned and works out the third itself.
    #[tokio::test]
    async fn an_appeal_changed_after_it_was_worked_out_is_read_again_in_the_transaction() {
        let (db, _store) = crate::testing::TestDb::store(crate::Backend::Sqlite).await;
        let file = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
        let setup = crate::sqlite::direct::open(&file, false).expect("open");
        let at = |t: &str| feidi_core::time::parse_instant(t).expect("instant");
        let made = "2026-11-02T10:00:00.000000+08:00";
        setup
            .execute_batch(&format!(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO users (id, login, name, role, password_hash, created_at, updated_at) VALUES
                   (1, 'a', 'A', 'staff', 'x', '{made}', '{made}'), (2, 'b', 'B', 'staff', 'x', '{made}', '{made}'),
                   (3, 'l', 'Leader', 'staff', 'x', '{made}', '{made}');"
            ))
            .expect("officials");
        for id in 1..=3 {
            setup
                .execute(
                    "INSERT INTO appeals (id, enterprise_id, category, title, description, status, handler_id, handler_role, \
                     b_official_id, task_force_leader_id, resolve_working_days, submitted_at, ack_due_at, resolve_due_at, \
                     due_at, next_due_at, created_at, updated_at) \
                     VALUES (?1, 1, 'other', 't', 'd', 'submitted', 1, 'A', 2, 3, 5, ?2, ?3, ?4, ?3, ?3, ?2, ?2)",
                    params![
                        id,
                        made,
                        "2026-11-03T00:00:00.000000+08:00",
                        "2026-11-10T00:00:00.000000+08:00"
                    ],
                )
                .expect("appeal");
        }
        let conn = connection(&file, false).expect("open");
        let version: i64 = conn.query_row(HELD_VERSION, [], |r| r.get(0)).expect("version");
        let days = conn
            .prepare("SELECT day, kind FROM calendar_days")
            .and_then(|mut q| {
                q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect("calendar");
        let mut held = HeldCalendar {
            version,
            calendar: Arc::new(crate::appeals::calendar_of(days).expect("calendar")),
            away: Default::default(),
        };
        let now = at("2026-11-03T12:00:00+08:00");
        let ids = [1, 2, 3];
        let mut plans = Plans {
            ahead: VecDeque::new(),
        };
        plans.extend(&conn, &ids, 2, now, &held).expect("plans");
        assert_eq!(plans.ahead.len(), 2);
        setup
            .execute(
                "UPDATE appeals SET status = 'acknowledged', ack_due_at = NULL, due_at = resolve_due_at, \
                 next_due_at = resolve_due_at, version = version + 1 WHERE id = 1",
                [],
            )
            .expect("acknowledged meanwhile");

        begin(&conn).expect("begin");
        let (report, read, used) =
            transaction(&conn, &ids, &mut plans, now, &mut held, Duration::from_secs(5))
                .expect("transaction");
        conn.execute_batch("COMMIT").expect("commit");

        assert_eq!((report.appeals, report.handed_over, read, used), (2, 2, 2, 3));
        let row = |id: i64| -> (Option<i64>, String, i64) {
            conn.query_row(
                "SELECT handler_id, handler_role, version FROM appeals WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("appeal")
        };
        assert_eq!(
            row(1),
            (Some(1), "A".to_string(), 2),
            "acknowledged by A: left alone"
        );
        assert_eq!(row(2), (Some(2), "B".to_string(), 2));
        assert_eq!(row(3), (Some(2), "B".to_string(), 2));
        let events: Vec<(i64, String, String)> = conn
            .prepare("SELECT appeal_id, kind, at FROM appeal_events ORDER BY id")
            .and_then(|mut q| {
                q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect("events");
        let a_due = "2026-11-03T00:00:00.000000+08:00".to_string();
        assert_eq!(
            events,
            vec![
                (2, "handed_over".to_string(), a_due.clone()),
                (3, "handed_over".to_string(), a_due)
            ]
        );
        let audited: Vec<(i64, String)> = conn
            .prepare("SELECT entity_id, note FROM audit_log WHERE action = 'sweep' ORDER BY id")
            .and_then(|mut q| {
                q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect("audit");
        assert_eq!(
            audited,
            vec![(2, "handed_over".to_string()), (3, "handed_over".to_string())]
        );

        // A week later B has missed too: escalated, and past the resolve deadline. The
        // connection runs no triggers, so the transaction keeps the totals and the data
        // version itself: they agree with the rows.
        let appeals_version = || -> i64 {
            conn.query_row(
                "SELECT version FROM data_versions WHERE name = 'appeals'",
                [],
                |r| r.get(0),
            )
            .expect("version")
        };
        let before = appeals_version();
        let later = at("2026-11-12T12:00:00+08:00");
        begin(&conn).expect("begin");
        let (report, _, _) = transaction(
            &conn,
            &ids,
            &mut Plans {
                ahead: VecDeque::new(),
            },
            later,
            &mut held,
            Duration::from_secs(5),
        )
        .expect("transaction");
        conn.execute_batch("COMMIT").expect("commit");
        assert_eq!((report.appeals, report.escalated), (3, 3));
        assert!(appeals_version() > before, "readers see the appeals changed");
        let counted = |sql: &str| -> Vec<(i64, i64, i64)> {
            conn.prepare(sql)
                .and_then(|mut q| {
                    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                        .collect::<Result<Vec<_>, _>>()
                })
                .expect("totals")
        };
        let kept = counted(
            "SELECT shard, open_count, escalated_count FROM appeal_totals \
             WHERE open_count <> 0 OR escalated_count <> 0 ORDER BY shard",
        );
        let recounted = counted(
            "SELECT id % 16, SUM(due_at IS NOT NULL), SUM(due_at IS NOT NULL AND escalated_at IS NOT NULL) \
             FROM appeals GROUP BY id % 16 ORDER BY 1",
        );
        assert_eq!(kept, recounted);
        assert_eq!(kept, vec![(1, 1, 1), (2, 1, 1), (3, 1, 1)]);

        // The connection checks no foreign keys: what it wrote refers only to rows that exist
        // (the leader it escalated to, the appeals of its timeline rows).
        let handlers: Vec<Option<i64>> = conn
            .prepare("SELECT handler_id FROM appeals ORDER BY id")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect::<Result<Vec<_>, _>>())
            .expect("handlers");
        assert_eq!(handlers, vec![Some(3), Some(3), Some(3)]);
        let dangling: i64 = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM pragma_foreign_key_check('appeal_events')) \
                 + (SELECT COUNT(*) FROM pragma_foreign_key_check('audit_log')) \
                 + (SELECT COUNT(*) FROM appeals WHERE handler_id NOT IN (SELECT id FROM users))",
                [],
                |r| r.get(0),
            )
            .expect("references");
        assert_eq!(dangling, 0);
    }

    /// The sweep's connection runs no triggers and makes the changes of the two its writes
    /// would meet itself (`connection`): a trigger added on what it writes must be added there
    /// too, or this fails.
    #[tokio::test]
    async fn the_only_triggers_the_sweep_writes_meet_are_the_two_it_does_itself() {
        let (db, _store) = crate::testing::TestDb::store(crate::Backend::Sqlite).await;
        let file = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
        let conn = connection(&file, false).expect("open");
        let met: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND \
                 (tbl_name IN ('appeal_events', 'audit_log', 'webhook_deliveries', 'appeal_totals', 'data_versions') \
                  OR (tbl_name = 'appeals' AND sql NOT LIKE '%AFTER INSERT%' AND sql NOT LIKE '%AFTER DELETE%')) \
                 ORDER BY name",
            )
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect::<Result<Vec<_>, _>>())
            .expect("triggers");
        assert_eq!(met, vec!["appeal_totals_update", "appeals_version_update"]);
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
