//! Files attached to an appeal, kept in the database (see migration 22). Whether a file is
//! taken and who may attach it are `feidi_core::attachments`' and the policy's; here a checked
//! file is written with its audit entry, and read back.

use chrono::{DateTime, FixedOffset};
use feidi_core::time::Stamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{StoredRow, read_all, row};
use crate::sqlite::writer::TxFuture;
use crate::{Store, StoreError, StoreResult};

row! {
    /// An attachment as listed: all but its bytes.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Attachment {
        pub id: i64,
        pub appeal_id: i64,
        pub name: String,
        /// The type read from the file's bytes.
        pub content_type: String,
        pub size: i64,
        pub uploaded_by: Option<i64>,
        pub created_at: Stamp,
    }
}

/// A checked file to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub appeal_id: i64,
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// A small JPEG of a photo, when one was made.
    pub thumb: Option<Vec<u8>>,
}

impl Store {
    /// Keeps a file with the appeal, and says so in the audit log.
    pub async fn attach_to_appeal(
        &self,
        actor: Option<i64>,
        file: NewAttachment,
        now: DateTime<FixedOffset>,
    ) -> StoreResult<Attachment> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Attachment> {
            Box::pin(async move {
                let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
                let at = Stamp::at(now);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeal_attachments (appeal_id, name, content_type, size, data, uploaded_by, created_at, thumb) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(file.appeal_id)
                .bind(file.name.clone())
                .bind(file.content_type)
                .bind(size)
                .bind(file.bytes)
                .bind(actor)
                .bind(at.as_str().to_string())
                .bind(file.thumb)
                .fetch_one(&mut *tx)
                .await?;
                write_audit(
                    &mut *tx,
                    AuditWrite::event(
                        actor,
                        "attach",
                        "appeal",
                        Some(file.appeal_id),
                        format!("{} · {} · {} KB", file.name, file.content_type, (size + 1023) / 1024),
                    ),
                )
                .await?;
                Ok(Attachment {
                    id,
                    appeal_id: file.appeal_id,
                    name: file.name,
                    content_type: file.content_type.to_string(),
                    size,
                    uploaded_by: actor,
                    created_at: at,
                })
            })
        })
        .await
    }

    /// An appeal's attachments, in the order they came.
    pub async fn attachments(&self, appeal_id: i64) -> StoreResult<Vec<Attachment>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM appeal_attachments WHERE appeal_id = $1 ORDER BY id",
            Attachment::COLUMNS
        ))
        .bind(appeal_id)
        .fetch_all(&self.read)
        .await?;
        read_all(&rows)
    }

    /// One attachment of an appeal with its bytes — its small JPEG instead when `thumb` is
    /// asked and it has one (the answer says which); `NotFound` when it is another appeal's.
    pub async fn attachment(
        &self,
        appeal_id: i64,
        id: i64,
        thumb: bool,
    ) -> StoreResult<(Attachment, Vec<u8>, bool)> {
        let row = sqlx::query(&format!(
            "SELECT {}, CASE WHEN $3 = 1 AND thumb IS NOT NULL THEN thumb ELSE data END AS bytes, \
             CAST(CASE WHEN $3 = 1 AND thumb IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS is_thumb \
             FROM appeal_attachments WHERE appeal_id = $1 AND id = $2",
            Attachment::COLUMNS
        ))
        .bind(appeal_id)
        .bind(id)
        .bind(i64::from(thumb))
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        let bytes: Vec<u8> = sqlx::Row::try_get(&row, "bytes")?;
        let is_thumb = crate::value::Cols::Row(&row).int("is_thumb")? == 1;
        Ok((Attachment::from_row(&row)?, bytes, is_thumb))
    }
}
