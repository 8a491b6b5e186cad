//! Group commit for SQLite: one task owns the write connection and runs the write
//! transactions that arrive together inside one database transaction, each in a savepoint of
//! its own, then commits once and answers them all. Every caller still hears back only after
//! its work is durable (WAL, `synchronous=FULL`), but one fsync serves the whole group, and a
//! failing job undoes only its own savepoint.
//!
//! PostgreSQL needs none of this: it runs each job in a transaction of its own on the pool
//! (the server groups concurrent commits itself).

use std::any::Any as AnyValue;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;

use sqlx::{AnyConnection, AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

use crate::{Backend, Store, StoreError, StoreResult};

/// The future of a job running on the write connection.
pub type TxFuture<'c, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'c>>;

type Boxed = Box<dyn AnyValue + Send>;
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> TxFuture<'c, Boxed> + Send>;

struct Request {
    job: Job,
    reply: oneshot::Sender<StoreResult<Boxed>>,
}

/// The most jobs one commit serves.
const GROUP_MAX: usize = 64;

/// The pool every write goes through. Its field is this module's alone: no other part of the
/// store can run a statement on it, so no write can bypass the writer — and its wait for
/// another process's write lock — the way ending a session once did (a logout failed with 500
/// while `feidi sweep` wrote). Besides the writer, only the migrations' transaction, the bulk
/// commands' settings and `close` use it, through the methods below.
#[derive(Clone)]
pub(crate) struct WritePool(AnyPool);

impl WritePool {
    pub(crate) fn new(pool: AnyPool) -> Self {
        Self(pool)
    }

    /// Settings of the write connection itself (`Store::for_bulk_work`).
    pub(crate) async fn pragma(&self, sql: &'static str) -> StoreResult<()> {
        sqlx::query(sql).execute(&self.0).await?;
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.0.close().await;
    }

    /// The migrations' transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so a transaction that reads then writes never fails half-way on another
    /// process's commit; several processes starting at once wait for one another here.
    pub(crate) async fn begin(&self, backend: Backend) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        if backend == Backend::Postgres {
            return Ok(self.0.begin().await?);
        }
        let started = std::time::Instant::now();
        loop {
            let begun = self.0.begin_with("BEGIN IMMEDIATE").await;
            if !crate::sqlite::wait_if_locked(&begun, started).await {
                return Ok(begun?);
            }
        }
    }

    /// A raw connection, for a store unit test that drives one itself.
    #[cfg(test)]
    pub(crate) async fn connection_for_test(&self) -> sqlx::pool::PoolConnection<sqlx::Any> {
        self.0.acquire().await.expect("a connection")
    }
}

/// The handle through which jobs reach the writer task.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Request>,
}

impl Writer {
    pub(crate) fn start(pool: AnyPool) -> Self {
        let (queue, requests) = mpsc::channel(1024);
        tokio::spawn(run(pool, requests));
        Self { queue }
    }
}

async fn run(pool: AnyPool, mut requests: mpsc::Receiver<Request>) {
    while let Some(first) = requests.recv().await {
        serve_group(&pool, first, &mut requests).await;
    }
}

/// One statement without parameters, boxed: the box keeps the spawned writer's future type
/// simple enough for the compiler to see that it is `Send`.
fn exec<'c>(
    conn: &'c mut AnyConnection,
    sql: &'static str,
) -> Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'c>> {
    Box::pin(async move { sqlx::query(sql).execute(conn).await.map(|_| ()) })
}

fn failed(message: &str) -> StoreError {
    StoreError::Corrupt(format!("write transaction: {message}"))
}

/// Runs `first` and the jobs that have arrived by the time the write lock is taken (up to
/// `GROUP_MAX`): while another process holds the lock (`feidi sweep`, an import, another
/// server), the jobs that arrive meanwhile share the commit that follows instead of each
/// waiting for one of their own.
async fn serve_group(pool: &AnyPool, first: Request, requests: &mut mpsc::Receiver<Request>) {
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(e) => return fail_all(std::iter::once(first.reply), &e.to_string()),
    };
    if let Err(e) = crate::sqlite::begin_immediate(&mut conn).await {
        // Another process held the lock all the time a writer waits: the caller hears so
        // (a 503 it may retry), not of a broken transaction.
        if crate::is_busy(&e) {
            let _ = first.reply.send(Err(StoreError::Busy));
            return;
        }
        // The connection's state is unknown: never hand it out again.
        let _ = conn.detach().close().await;
        return fail_all(std::iter::once(first.reply), &e.to_string());
    }
    let mut group = vec![first];
    while group.len() < GROUP_MAX {
        match requests.try_recv() {
            Ok(request) => group.push(request),
            Err(_) => break,
        }
    }
    let single = group.len() == 1;
    let mut done: Vec<(oneshot::Sender<StoreResult<Boxed>>, StoreResult<Boxed>)> =
        Vec::with_capacity(group.len());
    let mut broken: Option<String> = None;
    let mut pending = group.into_iter().peekable();
    // Each job runs in a savepoint. The end of one and the start of the next go to the
    // connection's thread together: one trip there and back the fewer per job, while the
    // write lock is held.
    let mut savepoint_open = false;
    while let Some(request) = pending.next() {
        if !single
            && !savepoint_open
            && let Err(e) = exec(&mut conn, "SAVEPOINT job").await
        {
            broken = Some(e.to_string());
            done.push((request.reply, Err(failed(&e.to_string()))));
            break;
        }
        // A job that panics fails alone and leaves the writer running.
        let result = match AssertUnwindSafe((request.job)(&mut conn)).catch_unwind().await {
            Ok(result) => result,
            Err(_) => Err(failed("a write job panicked")),
        };
        if !single {
            let next = pending.peek().is_some();
            let end = match (result.is_ok(), next) {
                (true, true) => "RELEASE job; SAVEPOINT job",
                (true, false) => "RELEASE job",
                (false, true) => "ROLLBACK TO job; RELEASE job; SAVEPOINT job",
                (false, false) => "ROLLBACK TO job; RELEASE job",
            };
            // If the savepoint is gone, SQLite has rolled the whole transaction back: nothing
            // of this group can be kept.
            if let Err(e) = exec(&mut conn, end).await {
                broken = Some(e.to_string());
                done.push((request.reply, result));
                break;
            }
            savepoint_open = next;
        }
        done.push((request.reply, result));
    }
    let all_failed = single && done.iter().all(|(_, r)| r.is_err());
    let outcome = if broken.is_some() || all_failed {
        match exec(&mut conn, "ROLLBACK").await {
            Ok(()) => broken,
            Err(e) => Some(broken.unwrap_or_else(|| e.to_string())),
        }
    } else {
        exec(&mut conn, "COMMIT").await.err().map(|e| e.to_string())
    };
    match outcome {
        // The group as a whole failed: every job hears so, since even a job's own error may
        // have come from an earlier job's write that was never kept.
        Some(message) => {
            let _ = conn.detach().close().await;
            fail_all(
                done.into_iter()
                    .map(|(reply, _)| reply)
                    .chain(pending.map(|r| r.reply)),
                &message,
            );
        }
        None => {
            for (reply, result) in done {
                let _ = reply.send(result);
            }
        }
    }
}

fn fail_all(replies: impl Iterator<Item = oneshot::Sender<StoreResult<Boxed>>>, message: &str) {
    for reply in replies {
        let _ = reply.send(Err(failed(message)));
    }
}

impl Store {
    /// Runs `job` in a write transaction and answers once it is committed: on SQLite through
    /// the group-commit writer, on PostgreSQL in a transaction of its own.
    pub(crate) async fn in_write_tx<T, F>(&self, job: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> TxFuture<'c, T> + Send + 'static,
    {
        match (&self.writer, self.backend) {
            (Some(writer), Backend::Sqlite) => {
                let (reply, answer) = oneshot::channel();
                let job: Job = Box::new(move |conn| {
                    Box::pin(async move { job(conn).await.map(|v| Box::new(v) as Boxed) })
                });
                writer
                    .queue
                    .send(Request { job, reply })
                    .await
                    .map_err(|_| failed("the writer has stopped"))?;
                let value = answer.await.map_err(|_| failed("the writer has stopped"))??;
                value
                    .downcast::<T>()
                    .map(|v| *v)
                    .map_err(|_| failed("unexpected answer type"))
            }
            _ => {
                let mut conn = self.write.0.acquire().await?;
                let mut tx = conn.begin().await?;
                let value = job(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
        }
    }
}
