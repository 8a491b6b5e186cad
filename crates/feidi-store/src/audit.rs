//! The audit log: who changed what, when, with the values before and after.

use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::columns::{StoredRow, row};
use crate::registry::Page;
use crate::value::{Cols, Val, bind_all};
use crate::{Store, StoreResult};

/// One entry to write, in the same transaction as the change it records.
pub(crate) struct AuditWrite {
    pub actor: Option<i64>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub note: Option<String>,
}

impl AuditWrite {
    pub fn change<T: Serialize>(
        actor: Option<i64>,
        action: &'static str,
        entity: &'static str,
        id: i64,
        before: Option<&T>,
        after: Option<&T>,
    ) -> Self {
        Self {
            actor,
            action,
            entity,
            entity_id: Some(id),
            before: before.and_then(|b| serde_json::to_value(b).ok()),
            after: after.and_then(|a| serde_json::to_value(a).ok()),
            note: None,
        }
    }

    pub fn event(
        actor: Option<i64>,
        action: &'static str,
        entity: &'static str,
        id: Option<i64>,
        note: String,
    ) -> Self {
        Self {
            actor,
            action,
            entity,
            entity_id: id,
            before: None,
            after: None,
            note: Some(note),
        }
    }
}

pub(crate) async fn write_audit(conn: &mut AnyConnection, entry: AuditWrite) -> StoreResult<()> {
    let (sql, binds) = audit_statement(entry, Params::Numbered);
    bind_all(sqlx::query(&sql), &binds).execute(conn).await?;
    Ok(())
}

impl Store {
    /// Deletes the rows `sql` picks and writes `entry`, in one write transaction; `NotFound`
    /// (and nothing written) when it picks none.
    pub(crate) async fn delete_audited(
        &self,
        sql: &'static str,
        binds: Vec<Val>,
        entry: AuditWrite,
    ) -> StoreResult<()> {
        self.in_write_tx(
            move |tx: &mut AnyConnection| -> crate::sqlite::writer::TxFuture<'_, ()> {
                Box::pin(async move {
                    let gone = bind_all(sqlx::query(sql), &binds).execute(&mut *tx).await?;
                    if gone.rows_affected() == 0 {
                        return Err(crate::StoreError::NotFound);
                    }
                    write_audit(&mut *tx, entry).await
                })
            },
        )
        .await
    }
}

/// How a statement's parameters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Params {
    /// `$1`, `$2`…: read by both databases.
    Numbered,
    /// `?`: for a `Batch` on SQLite.
    Anonymous,
}

impl Params {
    /// Those of a statement in a `Batch` on `backend`.
    pub(crate) fn in_batch(backend: crate::Backend) -> Self {
        match backend {
            crate::Backend::Sqlite => Self::Anonymous,
            crate::Backend::Postgres => Self::Numbered,
        }
    }
}

/// The statement writing `entry`, and its parameters.
pub(crate) fn audit_statement(entry: AuditWrite, params: Params) -> (String, Vec<Val>) {
    let slots = match params {
        Params::Numbered => "$1, $2, $3, $4, $5, $6, $7, $8",
        Params::Anonymous => "?, ?, ?, ?, ?, ?, ?, ?",
    };
    (
        format!(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before_json, after_json, note) \
             VALUES ({slots})"
        ),
        vec![
            Val::from(feidi_core::time::stamp(feidi_core::time::now())),
            Val::from(entry.actor),
            Val::from(entry.action),
            Val::from(entry.entity),
            Val::from(entry.entity_id),
            Val::from(entry.before.map(|v| v.to_string())),
            Val::from(entry.after.map(|v| v.to_string())),
            Val::from(entry.note),
        ],
    )
}

row! {
    /// One entry of the audit log as the API shows it.
    #[derive(Debug, Clone, Serialize)]
    pub struct AuditEntry {
        pub id: i64,
        pub at: Stamp,
        pub actor_id: Option<i64>,
        pub actor_login: Option<String>,
        pub action: String,
        pub entity: String,
        pub entity_id: Option<i64>,
        pub before: Option<serde_json::Value> as "before_json",
        pub after: Option<serde_json::Value> as "after_json",
        pub note: Option<String>,
    }
}

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

impl Store {
    /// A page of the audit log, newest first.
    pub async fn audit(&self, query: &AuditQuery) -> StoreResult<Page<AuditEntry>> {
        let mut clause = String::from(" WHERE 1 = 1");
        let mut values = Vec::new();
        for (column, value) in [
            ("a.entity", query.entity.clone().map(Val::from)),
            ("a.entity_id", query.entity_id.map(Val::from)),
            ("a.actor_id", query.actor_id.map(Val::from)),
        ] {
            if let Some(value) = value {
                values.push(value);
                clause.push_str(&format!(" AND {column} = ${}", values.len()));
            }
        }
        let per_page = query.per_page.clamp(1, 500);
        let page = query.page.max(1);
        let total: i64 = {
            let sql = format!("SELECT COUNT(*) AS n FROM audit_log a{clause}");
            let row = bind_all(sqlx::query(&sql), &values).fetch_one(&self.read).await?;
            Cols::Row(&row).int("n")?
        };
        let sql = format!(
            "SELECT a.id, a.at, a.actor_id, u.login AS actor_login, a.action, a.entity, a.entity_id, \
             a.before_json, a.after_json, a.note FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id{clause} \
             ORDER BY a.id DESC LIMIT {per_page} OFFSET {}",
            (page - 1) * per_page
        );
        let rows = bind_all(sqlx::query(&sql), &values).fetch_all(&self.read).await?;
        let items = rows
            .iter()
            .map(AuditEntry::from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::of(items, total, page, per_page))
    }
}
