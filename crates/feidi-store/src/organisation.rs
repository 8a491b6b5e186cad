//! Task force members (工作专班成员, M5): the officials who serve with a task force's leader.
//! Membership is a set; each addition and removal is audited against the task force.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{read_all, row};
use crate::sqlite::writer::TxFuture;
use crate::{Store, StoreError, StoreResult};
use feidi_core::{FieldErrors, Flaw};

row! {
    /// One member of a task force, with what a list shows of them.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct TaskForceMember {
        pub user_id: i64 as "id",
        pub name: String,
        pub login: String,
        pub role: String,
        pub active: bool,
    }
}

async fn task_force_exists(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM task_forces WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

impl Store {
    /// A task force's members by name; `NotFound` when there is no such task force.
    pub async fn task_force_members(&self, task_force: i64) -> StoreResult<Vec<TaskForceMember>> {
        let mut conn = self.read.acquire().await?;
        task_force_exists(&mut conn, task_force).await?;
        let rows = sqlx::query(
            "SELECT u.id, u.name, u.login, u.role, u.active FROM task_force_members m \
             JOIN users u ON u.id = m.user_id WHERE m.task_force_id = $1 ORDER BY u.name, u.id",
        )
        .bind(task_force)
        .fetch_all(&mut *conn)
        .await?;
        read_all(&rows)
    }

    /// Adds an official (an active leader or staff member) to a task force. `Ok(false)` when
    /// they already belong to it: nothing is written.
    pub async fn add_task_force_member(
        &self,
        actor: Option<i64>,
        task_force: i64,
        user: i64,
    ) -> StoreResult<bool> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, bool> {
            Box::pin(async move {
                task_force_exists(&mut *tx, task_force).await?;
                let sql = format!(
                    "SELECT id FROM users WHERE id = $1 AND role IN ({}) AND active = TRUE",
                    feidi_core::model::Role::officials_sql()
                );
                let official: Option<i64> = sqlx::query_scalar(&sql)
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
                if official.is_none() {
                    return Err(FieldErrors::one("user_id", Flaw::NoSuchRecord).into());
                }
                let present: Option<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM task_force_members WHERE task_force_id = $1 AND user_id = $2",
                )
                .bind(task_force)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?;
                if present.is_some() {
                    return Ok(false);
                }
                sqlx::query("INSERT INTO task_force_members (task_force_id, user_id) VALUES ($1, $2)")
                    .bind(task_force)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::event(
                        actor,
                        "add_member",
                        "task_force",
                        Some(task_force),
                        format!("#{user}"),
                    ),
                )
                .await?;
                Ok(true)
            })
        })
        .await
    }

    /// Takes an official off a task force; `NotFound` when they are not on it.
    pub async fn remove_task_force_member(
        &self,
        actor: Option<i64>,
        task_force: i64,
        user: i64,
    ) -> StoreResult<()> {
        self.delete_audited(
            "DELETE FROM task_force_members WHERE task_force_id = $1 AND user_id = $2",
            vec![task_force.into(), user.into()],
            AuditWrite::event(
                actor,
                "remove_member",
                "task_force",
                Some(task_force),
                format!("#{user}"),
            ),
        )
        .await
    }
}
