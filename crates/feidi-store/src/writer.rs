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
use std::pin::Pin;

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
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match requests.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        serve_group(&pool, group).await;
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

async fn serve_group(pool: &AnyPool, group: Vec<Request>) {
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(e) => {
            let message = e.to_string();
            for request in group {
                let _ = request.reply.send(Err(failed(&message)));
            }
            return;
        }
    };
    if let Err(e) = exec(&mut conn, "BEGIN IMMEDIATE").await {
        let message = e.to_string();
        for request in group {
            let _ = request.reply.send(Err(failed(&message)));
        }
        return;
    }
    let single = group.len() == 1;
    let mut done: Vec<(oneshot::Sender<StoreResult<Boxed>>, StoreResult<Boxed>)> =
        Vec::with_capacity(group.len());
    let mut broken: Option<String> = None;
    for request in group {
        if let Some(message) = &broken {
            let _ = request.reply.send(Err(failed(message)));
            continue;
        }
        if !single && let Err(e) = exec(&mut conn, "SAVEPOINT job").await {
            broken = Some(e.to_string());
            let _ = request.reply.send(Err(failed(&e.to_string())));
            continue;
        }
        let result = (request.job)(&mut conn).await;
        if !single {
            let end = if result.is_ok() {
                "RELEASE job"
            } else {
                "ROLLBACK TO job"
            };
            // If the savepoint is gone, SQLite has rolled the whole transaction back: nothing
            // of this group can be kept, so every job of it fails.
            let ended = match exec(&mut conn, end).await {
                Ok(()) if result.is_err() => exec(&mut conn, "RELEASE job").await,
                other => other,
            };
            if let Err(e) = ended {
                broken = Some(e.to_string());
            }
        }
        done.push((request.reply, result));
    }
    let all_failed = single && done.iter().all(|(_, r)| r.is_err());
    let outcome = if broken.is_some() || all_failed {
        let _ = exec(&mut conn, "ROLLBACK").await;
        broken.clone()
    } else {
        exec(&mut conn, "COMMIT").await.err().map(|e| e.to_string())
    };
    for (reply, result) in done {
        let answer = match (&outcome, result) {
            (Some(message), Ok(_)) => Err(failed(message)),
            (_, result) => result,
        };
        let _ = reply.send(answer);
    }
    if outcome.is_some() && broken.is_none() && !all_failed {
        // A failed COMMIT leaves the connection in an unknown state: do not reuse it.
        let _ = conn.detach().close().await;
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
                let mut conn = self.write.acquire().await?;
                let mut tx = conn.begin().await?;
                let value = job(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
        }
    }
}
