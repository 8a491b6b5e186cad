use feidi_core::time::Stamp;
use feidi_core::time::stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use super::for_update;
use crate::audit::{AuditWrite, write_audit};
use crate::columns::{StoredRow, row};
use crate::sqlite::writer::TxFuture;
use crate::{Store, StoreError, StoreResult};

row! {
    /// An appeal category and its resolve time.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct AppealCategory {
        pub key: String,
        pub name: String,
        /// The name on English pages, if an admin gave one (see `feidi_core::appeals::category_name`).
        pub name_en: Option<String>,
        pub resolve_working_days: i64,
        pub version: i64,
        pub updated_at: Stamp,
    }
}

impl Store {
    pub async fn appeal_categories(&self) -> StoreResult<Vec<AppealCategory>> {
        let rows = sqlx::query(
            "SELECT key, name, name_en, resolve_working_days, version, updated_at FROM appeal_categories ORDER BY key",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(AppealCategory::from_row).collect()
    }

    /// Creates or replaces a category.
    pub async fn put_appeal_category(
        &self,
        actor: Option<i64>,
        key: String,
        name: String,
        name_en: Option<Option<String>>,
        resolve_working_days: u32,
        version: Option<i64>,
    ) -> StoreResult<AppealCategory> {
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, AppealCategory> {
            Box::pin(async move {
                let columns = "key, name, name_en, resolve_working_days, version, updated_at";
                let sql = format!("SELECT {columns} FROM appeal_categories WHERE key = $1{}", for_update(backend));
                let row = sqlx::query(&sql).bind(key.clone()).fetch_optional(&mut *tx).await?;
                let before = row.as_ref().map(AppealCategory::from_row).transpose()?;
                if let (Some(v), Some(b)) = (version, &before)
                    && v != b.version
                {
                    return Err(StoreError::Conflict);
                }
                let now = stamp(feidi_core::time::now());
                // Not given: the English name stays as it was.
                let name_en = match name_en {
                    Some(given) => given,
                    None => before.as_ref().and_then(|b| b.name_en.clone()),
                };
                let sql = if before.is_some() {
                    format!(
                        "UPDATE appeal_categories SET name = $1, resolve_working_days = $2, version = version + 1, \
                         updated_at = $3, name_en = $5 WHERE key = $4 RETURNING {columns}"
                    )
                } else {
                    format!(
                        "INSERT INTO appeal_categories (name, resolve_working_days, created_at, updated_at, key, name_en) \
                         VALUES ($1, $2, $3, $3, $4, $5) RETURNING {columns}"
                    )
                };
                let row = sqlx::query(&sql)
                    .bind(name)
                    .bind(i64::from(resolve_working_days))
                    .bind(now)
                    .bind(key.clone())
                    .bind(name_en)
                    .fetch_one(&mut *tx)
                    .await?;
                let after = AppealCategory::from_row(&row)?;
                let action = if before.is_some() { "update" } else { "create" };
                write_audit(
                    &mut *tx,
                    AuditWrite {
                        note: Some(key),
                        ..AuditWrite::change(actor, action, "appeal_category", 0, before.as_ref(), Some(&after))
                    },
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }
}
