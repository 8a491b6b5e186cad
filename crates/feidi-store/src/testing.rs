//! A fresh database per test, on either backend, dropped afterwards.
//!
//! SQLite: a file in a temporary folder. PostgreSQL: a database named `feidi_test_<random>`
//! created on the server of `FEIDI_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! dropped when the [`TestDb`] is dropped, even after a failed assertion.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Backend, Store};

/// The PostgreSQL server the tests use.
pub fn pg_admin_url() -> String {
    std::env::var("FEIDI_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database made for one test.
pub struct TestDb {
    pub url: String,
    backend: Backend,
    name: String,
}

impl TestDb {
    /// Creates an empty database on `backend`.
    pub async fn new(backend: Backend) -> Self {
        let name = format!("feidi_test_{}", unique_suffix());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("feidi-tests");
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(format!("{name}.db"));
                Self {
                    url: format!("sqlite://{}", path.display()),
                    backend,
                    name: path.display().to_string(),
                }
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL at {} is needed for this test: {e}",
                        crate::redact(&admin)
                    )
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("create database {name}: {e}"));
                pool.close().await;
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin);
                Self {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                }
            }
        }
    }

    /// Creates a database and opens a migrated store on it.
    pub async fn store(backend: Backend) -> (Self, Store) {
        let db = Self::new(backend).await;
        let store = Store::open(&db.url)
            .await
            .unwrap_or_else(|e| panic!("open {}: {e:?}", db.url));
        (db, store)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            Backend::Postgres => {
                let name = self.name.clone();
                // Drop runs outside async code: a thread of its own with its own runtime.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(pool) = sqlx::AnyPool::connect(&pg_admin_url()).await {
                            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&pool)
                                .await;
                            pool.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Declares a test that runs on SQLite always and on PostgreSQL when ignored tests are run
/// (the README's test command does; a plain `cargo test` reports it as ignored).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                $body($crate::Backend::Sqlite).await;
            }

            #[tokio::test]
            #[ignore = "needs PostgreSQL: run the README's test command"]
            async fn postgres() {
                $body($crate::Backend::Postgres).await;
            }
        }
    };
}

/// Runs a statement directly, for a test that must put the database into a state no operation
/// leaves it in (a process that died mid-way).
pub async fn execute(store: &Store, sql: &str) {
    let statement = sql.to_string();
    store
        .in_write_tx(
            move |tx: &mut sqlx::AnyConnection| -> crate::sqlite::writer::TxFuture<'_, ()> {
                Box::pin(async move {
                    sqlx::query(&statement).execute(&mut *tx).await?;
                    Ok(())
                })
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One integer a query answers, for a test that checks what no operation reports (how many
/// rows a table holds after a process was killed).
pub async fn scalar(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&store.read)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
