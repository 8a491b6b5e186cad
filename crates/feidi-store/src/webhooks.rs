//! Outgoing webhooks for appeal events (api.md, Webhooks). A delivery is queued in the same
//! transaction as the event it tells of, so none is lost; any app server claims due deliveries
//! with a lease and sends them; every attempt is logged. A receiver that fails is retried with
//! exponential back-off for 24 hours and never holds an appeal up.

use chrono::{DateTime, Duration, FixedOffset};
use feidi_core::appeals::Event;
use feidi_core::time::{Stamp, parse_instant, stamp};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::audit::{AuditWrite, write_audit};
use crate::columns::{Column, StoredRow, row};
use crate::registry::Page;
use crate::sqlite::writer::TxFuture;
use crate::value::{Batch, Cols, Val};
use crate::{Backend, Store, StoreError, StoreResult};

pub use feidi_core::webhooks::{RETRY_FOR, back_off};

row! {
    /// A registered endpoint. Its secret is never shown again after it is set.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Webhook {
        pub id: i64,
        pub url: String,
        pub events: Vec<String>,
        pub active: bool,
        pub version: i64,
        pub created_at: Stamp,
        pub updated_at: Stamp,
    }
}

/// An endpoint as an admin sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookInput {
    pub url: String,
    /// None keeps the stored secret (on an update).
    pub secret: Option<String>,
    pub events: Vec<String>,
    pub active: bool,
}

/// One attempt to deliver.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Attempt {
    pub at: Stamp,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// A delivery and its attempts, for `GET /webhooks/{id}/deliveries`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub occurred_at: Stamp,
    pub appeal_id: i64,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: Option<Stamp>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: Stamp,
    pub delivered_at: Option<Stamp>,
    pub attempt_log: Vec<Attempt>,
}

/// A delivery claimed for sending: where, with what secret, and the exact body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub body: String,
    pub attempts: i64,
    pub created_at: DateTime<FixedOffset>,
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

const WEBHOOK_COLUMNS: &str = <Webhook as StoredRow>::COLUMNS;

/// Queues a delivery of each event to each active endpoint that wants it; in the caller's
/// transaction. `items` are (appeal id, the appeal's version after the events, the events).
/// The appeal itself is read when a delivery is first sent (see `claim_deliveries`): a copy
/// per delivery made the sweep write hundreds of megabytes.
pub(crate) async fn queue_deliveries(
    conn: &mut AnyConnection,
    backend: Backend,
    items: &[(i64, i64, Vec<Event>)],
) -> StoreResult<()> {
    let mut batch = Batch::default();
    batch.extend(delivery_statements(backend, items));
    batch.run(conn, backend).await
}

/// The statements `queue_deliveries` runs: one for up to 128 events.
pub(crate) fn delivery_statements(
    backend: Backend,
    items: &[(i64, i64, Vec<Event>)],
) -> Vec<(String, Vec<Val>)> {
    let mut statements = Vec::new();
    let rows: Vec<(&Event, i64, i64)> = items
        .iter()
        .flat_map(|(appeal, version, events)| events.iter().map(move |e| (e, *appeal, *version)))
        .collect();
    let now = stamp(feidi_core::time::now());
    // One statement matches the events with the endpoints that want them (no endpoint, no
    // row): asking for the endpoints first would be one more round trip on every write. (The
    // `_` of a kind is a LIKE wildcard, harmless: no two kinds differ only there.)
    let mut ord = 0;
    for chunk in crate::value::statement_chunks(&rows, 128) {
        let mut values = Vec::with_capacity(chunk.len());
        let mut binds = Vec::with_capacity(chunk.len() * 5 + 1);
        for (event, appeal, version) in chunk {
            ord += 1;
            values.push(crate::value::values_row(
                backend,
                &["BIGINT", "TEXT", "TEXT", "BIGINT", "BIGINT"],
                binds.len(),
            ));
            binds.extend([
                Val::from(ord),
                Val::from(event.kind.as_str()),
                Val::from(stamp(event.at)),
                Val::from(*appeal),
                Val::from(*version),
            ]);
        }
        // The time is bound last (SQLite numbers `?` in order of appearance), so that the
        // text is one of a few the connection keeps prepared.
        let now_slot = match backend {
            Backend::Sqlite => {
                binds.push(Val::from(now.clone()));
                "CAST(? AS TEXT)".to_string()
            }
            Backend::Postgres => format!("CAST(${} AS TEXT)", binds.len() + 1),
        };
        binds.push(Val::from(now.clone()));
        let sql = format!(
            "WITH v (ord, event, occurred_at, appeal_id, appeal_version) AS (VALUES {}) \
             INSERT INTO webhook_deliveries (webhook_id, event, occurred_at, appeal_id, appeal_version, state, \
             next_attempt_at, created_at) \
             SELECT h.id, v.event, v.occurred_at, v.appeal_id, v.appeal_version, 'pending', {now_slot}, {now_slot} \
             FROM v JOIN webhooks h ON h.active = 1 AND (',' || h.events || ',') LIKE ('%,' || v.event || ',%') \
             ORDER BY v.ord, h.id",
            values.join(", ")
        );
        statements.push((sql, binds));
    }
    statements
}

/// The event kinds some active endpoint wants: a writer of many events (the sweep) asks once
/// per transaction and queues only those, instead of matching every event in SQL to find
/// that none is wanted.
pub(crate) async fn wanted_events(
    conn: &mut AnyConnection,
) -> StoreResult<std::collections::HashSet<String>> {
    let lists: Vec<String> = sqlx::query_scalar("SELECT events FROM webhooks WHERE active = 1")
        .fetch_all(&mut *conn)
        .await?;
    Ok(kinds_wanted(&lists))
}

/// The kinds named in the endpoints' comma-separated `events` lists.
pub(crate) fn kinds_wanted(lists: &[String]) -> std::collections::HashSet<String> {
    lists
        .iter()
        .flat_map(|list| list.split(','))
        .map(|kind| kind.trim().to_string())
        .filter(|kind| !kind.is_empty())
        .collect()
}

/// The setting that lets webhooks reach addresses of the server's own network.
const ALLOW_INTERNAL_KEY: &str = "webhooks_allow_internal";

impl Store {
    /// Whether an admin lets webhooks reach loopback, link-local and private addresses (off
    /// until an admin turns it on).
    pub async fn webhooks_allow_internal(&self) -> StoreResult<bool> {
        Ok(self.setting_int(ALLOW_INTERNAL_KEY, 0).await? != 0)
    }

    /// Lets webhooks reach the server's own network, or stops them (admins; audited).
    pub async fn set_webhooks_allow_internal(&self, actor: Option<i64>, allow: bool) -> StoreResult<bool> {
        Ok(self
            .set_setting_int(actor, ALLOW_INTERNAL_KEY, 0, i64::from(allow))
            .await?
            != 0)
    }
}

impl Store {
    pub async fn create_webhook(&self, actor: Option<i64>, input: WebhookInput) -> StoreResult<Webhook> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Webhook> {
            Box::pin(async move {
                let now = stamp(feidi_core::time::now());
                let row = sqlx::query(&format!(
                    "INSERT INTO webhooks (url, secret, events, active, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING {WEBHOOK_COLUMNS}"
                ))
                .bind(input.url)
                .bind(input.secret.unwrap_or_default())
                .bind(input.events.join(","))
                .bind(i64::from(input.active))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let hook = Webhook::from_row(&row)?;
                write_audit(
                    &mut *tx,
                    AuditWrite::change(actor, "create", "webhook", hook.id, None, Some(&hook)),
                )
                .await?;
                Ok(hook)
            })
        })
        .await
    }

    pub async fn webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let rows = sqlx::query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id"))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(Webhook::from_row).collect()
    }

    pub async fn webhook(&self, id: i64) -> StoreResult<Webhook> {
        let row = sqlx::query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref()
            .map(Webhook::from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)
    }

    /// Replaces an endpoint's settings if `version` is still the stored one.
    pub async fn update_webhook(
        &self,
        actor: Option<i64>,
        id: i64,
        version: i64,
        input: WebhookInput,
    ) -> StoreResult<Webhook> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Webhook> {
            Box::pin(async move {
                let row = sqlx::query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let before = row.as_ref().map(Webhook::from_row).transpose()?.ok_or(StoreError::NotFound)?;
                if before.version != version {
                    return Err(StoreError::Conflict);
                }
                let row = sqlx::query(&format!(
                    "UPDATE webhooks SET url = $1, secret = COALESCE($2, secret), events = $3, active = $4, \
                     version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7 RETURNING {WEBHOOK_COLUMNS}"
                ))
                .bind(input.url)
                .bind(input.secret)
                .bind(input.events.join(","))
                .bind(i64::from(input.active))
                .bind(stamp(feidi_core::time::now()))
                .bind(id)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
                let after = row.as_ref().map(Webhook::from_row).transpose()?.ok_or(StoreError::Conflict)?;
                write_audit(&mut *tx, AuditWrite::change(actor, "update", "webhook", id, Some(&before), Some(&after)))
                    .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Removes an endpoint and its deliveries.
    pub async fn delete_webhook(&self, actor: Option<i64>, id: i64) -> StoreResult<()> {
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                let row = sqlx::query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let before = row.as_ref().map(Webhook::from_row).transpose()?.ok_or(StoreError::NotFound)?;
                // Attempts and deliveries go with it (cascades, spelled out for SQLite
                // connections that may not enforce them).
                sqlx::query(
                    "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = $1)",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1").bind(id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM webhooks WHERE id = $1").bind(id).execute(&mut *tx).await?;
                write_audit(&mut *tx, AuditWrite::change(actor, "delete", "webhook", id, Some(&before), None)).await
            })
        })
        .await
    }

    /// An endpoint's deliveries, newest first, each with its attempts.
    pub async fn deliveries(&self, webhook_id: i64, page: i64, per_page: i64) -> StoreResult<Page<Delivery>> {
        self.webhook(webhook_id).await?;
        let (page, per_page) = (page.max(1), per_page.clamp(1, 500));
        let total: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM webhook_deliveries WHERE webhook_id = $1",
        )
        .bind(webhook_id)
        .fetch_one(&self.read)
        .await?;
        let rows = sqlx::query(&format!(
            "SELECT id, webhook_id, event, occurred_at, appeal_id, state, attempts, next_attempt_at, last_status, \
             last_error, created_at, delivered_at FROM webhook_deliveries WHERE webhook_id = $1 \
             ORDER BY id DESC LIMIT {per_page} OFFSET {}",
            (page - 1) * per_page
        ))
        .bind(webhook_id)
        .fetch_all(&self.read)
        .await?;
        // Every attempt of the page's deliveries in one query.
        let ids: Vec<i64> = rows
            .iter()
            .map(|row| Cols::Row(row).int("id"))
            .collect::<StoreResult<_>>()?;
        let mut logs: std::collections::HashMap<i64, Vec<Attempt>> = Default::default();
        if !ids.is_empty() {
            let attempts = sqlx::query(&format!(
                "SELECT delivery_id, at, status_code, error, duration_ms FROM webhook_attempts \
                 WHERE delivery_id IN ({}) ORDER BY id",
                crate::value::id_set(self.backend, "$1")
            ))
            .bind(crate::value::ids_json(&ids))
            .fetch_all(&self.read)
            .await?;
            for a in &attempts {
                let a = Cols::Row(a);
                logs.entry(a.int("delivery_id")?).or_default().push(Attempt {
                    at: Stamp::read(&a, "at")?,
                    status_code: a.opt_int("status_code")?,
                    error: a.opt_text("error")?,
                    duration_ms: a.int("duration_ms")?,
                });
            }
        }
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let c = Cols::Row(row);
            let id = c.int("id")?;
            items.push(Delivery {
                id,
                webhook_id: c.int("webhook_id")?,
                event: c.text("event")?,
                occurred_at: Stamp::read(&c, "occurred_at")?,
                appeal_id: c.int("appeal_id")?,
                state: c.text("state")?,
                attempts: c.int("attempts")?,
                next_attempt_at: Column::read(&c, "next_attempt_at")?,
                last_status: c.opt_int("last_status")?,
                last_error: c.opt_text("last_error")?,
                created_at: Stamp::read(&c, "created_at")?,
                delivered_at: Column::read(&c, "delivered_at")?,
                attempt_log: logs.remove(&id).unwrap_or_default(),
            });
        }
        Ok(Page::of(items, total, page, per_page))
    }

    /// Claims up to `limit` deliveries due at `now` for `lease` (another server skips them
    /// meanwhile; a server that dies mid-send lets the lease run out and another retries).
    pub async fn claim_deliveries(
        &self,
        now: DateTime<FixedOffset>,
        lease: Duration,
        limit: i64,
    ) -> StoreResult<Vec<DueDelivery>> {
        // Most calls find nothing: asked on a reader first, so an idle sender never takes the
        // single writer.
        let due = "SELECT d.id FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id \
             WHERE d.state = 'pending' AND h.active = 1 AND d.next_attempt_at <= $1 \
             AND (d.claimed_until IS NULL OR d.claimed_until <= $1)";
        let any: Option<i64> = sqlx::query_scalar(&format!("{due} LIMIT 1"))
            .bind(stamp(now))
            .fetch_optional(&self.read)
            .await?;
        if any.is_none() {
            return Ok(Vec::new());
        }
        let backend = self.backend;
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, Vec<DueDelivery>> {
            Box::pin(async move {
                let lock = match backend {
                    Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
                    Backend::Sqlite => "",
                };
                let at = stamp(now);
                let ids: Vec<i64> = sqlx::query_scalar(&format!(
                    "{due} ORDER BY d.next_attempt_at, d.id LIMIT {limit}{lock}"
                ))
                .bind(at.clone())
                .fetch_all(&mut *tx)
                .await?;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                // The ids are bound as one JSON array, so that these statements' text is the
                // same at every claim and stays prepared.
                let (ids_json, list) = (crate::value::ids_json(&ids), crate::value::id_set(backend, "$1"));
                sqlx::query(&format!("UPDATE webhook_deliveries SET claimed_until = $2 WHERE id IN ({list})"))
                    .bind(ids_json.clone())
                    .bind(stamp(now + lease))
                    .execute(&mut *tx)
                    .await?;
                // A delivery's first send fixes its appeal (as it stands now; its `version` says
                // whether it moved on since the event), so that every attempt sends these bytes.
                let unfixed: Vec<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT id, appeal_id FROM webhook_deliveries WHERE id IN ({list}) AND appeal_json IS NULL"
                ))
                .bind(ids_json.clone())
                .fetch_all(&mut *tx)
                .await?;
                if !unfixed.is_empty() {
                    let appeal_ids: Vec<i64> = unfixed.iter().map(|(_, a)| *a).collect();
                    let shown = crate::appeals::appeals_as_shown(&mut *tx, backend, &appeal_ids).await?;
                    // Few statements for the batch: the sender shares the one writer with requests.
                    for part in crate::value::statement_chunks(&unfixed, 64) {
                        let mut values = Vec::with_capacity(part.len());
                        let mut binds = Vec::with_capacity(part.len() * 2);
                        for (delivery, appeal) in part {
                            values.push(crate::value::values_row(backend, &["BIGINT", "TEXT"], binds.len()));
                            binds.push(Val::from(*delivery));
                            binds.push(Val::from(shown.get(appeal).cloned().unwrap_or_else(|| "null".into())));
                        }
                        let sql = format!(
                            "WITH v (id, json) AS (VALUES {}) UPDATE webhook_deliveries SET appeal_json = v.json \
                             FROM v WHERE webhook_deliveries.id = v.id",
                            values.join(", ")
                        );
                        crate::value::bind_all(sqlx::query(&sql), &binds)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                let rows = sqlx::query(&format!(
                    "SELECT d.id, h.url, h.secret, d.event, d.occurred_at, d.appeal_json, d.attempts, d.created_at \
                     FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id WHERE d.id IN ({list}) ORDER BY d.id"
                ))
                .bind(ids_json)
                .fetch_all(&mut *tx)
                .await?;
                rows.iter()
                    .map(|row| {
                        let c = Cols::Row(row);
                        let id = c.int("id")?;
                        let event = c.text("event")?;
                        let occurred = c.text("occurred_at")?.replace(".000000+", "+");
                        // The body as api.md has it; built from stored parts, so every attempt
                        // sends (and signs) the same bytes.
                        let body = format!(
                            "{{\"id\":{id},\"event\":{},\"occurred_at\":{},\"appeal\":{}}}",
                            serde_json::Value::String(event.clone()),
                            serde_json::Value::String(occurred),
                            c.text("appeal_json")?
                        );
                        let created = c.text("created_at")?;
                        Ok(DueDelivery {
                            id,
                            url: c.text("url")?,
                            secret: c.text("secret")?,
                            event,
                            body,
                            attempts: c.int("attempts")?,
                            created_at: parse_instant(&created)
                                .ok_or_else(|| StoreError::Corrupt(format!("created_at: {created}")))?,
                        })
                    })
                    .collect()
            })
        })
        .await
    }

    /// Records attempts (a batch sent at once, in one transaction): delivered on a 2xx;
    /// otherwise retried after the back-off, or failed for good once that would pass 24 hours
    /// after it was queued.
    pub async fn record_attempts(
        &self,
        done: Vec<(DueDelivery, DateTime<FixedOffset>, Outcome)>,
    ) -> StoreResult<()> {
        if done.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        // Worked out before the transaction, which then writes the whole batch in two
        // multi-row statements: the sender shares the one writer with requests, and two
        // statements a delivery were two trips to the writer's thread each, with the lock held.
        let rows: Vec<[Val; 8]> = done
            .into_iter()
            .map(|(delivery, at, outcome)| {
                let attempts = delivery.attempts + 1;
                let (state, next) = if outcome.delivered() {
                    ("delivered", None)
                } else {
                    match feidi_core::webhooks::retry_at(delivery.created_at, attempts, at) {
                        Some(next) => ("pending", Some(stamp(next))),
                        None => ("failed", None),
                    }
                };
                let at = stamp(at);
                [
                    Val::from(delivery.id),
                    Val::from(at.clone()),
                    Val::from(outcome.status_code),
                    Val::from(outcome.error),
                    Val::from(outcome.duration_ms),
                    Val::from(state),
                    Val::from(next),
                    Val::from((state == "delivered").then_some(at)),
                ]
            })
            .collect();
        self.in_write_tx(move |tx: &mut AnyConnection| -> TxFuture<'_, ()> {
            Box::pin(async move {
                for part in crate::value::statement_chunks(&rows, 64) {
                    // [delivery, at, status, error, duration] for the attempts;
                    // [delivery, status, error, state, next, delivered_at] for the deliveries.
                    let (mut attempts, mut attempt_binds) = (Vec::new(), Vec::new());
                    let (mut deliveries, mut delivery_binds) = (Vec::new(), Vec::new());
                    for [id, at, status, error, duration, state, next, delivered] in part {
                        attempts.push(crate::value::values_row(
                            backend,
                            &["BIGINT", "TEXT", "BIGINT", "TEXT", "BIGINT"],
                            attempt_binds.len(),
                        ));
                        attempt_binds.extend([id, at, status, error, duration].map(Clone::clone));
                        deliveries.push(crate::value::values_row(
                            backend,
                            &["BIGINT", "BIGINT", "TEXT", "TEXT", "TEXT", "TEXT"],
                            delivery_binds.len(),
                        ));
                        delivery_binds.extend([id, status, error, state, next, delivered].map(Clone::clone));
                    }
                    let sql = format!(
                        "INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms) VALUES {}",
                        attempts.join(", ")
                    );
                    crate::value::bind_all(sqlx::query(&sql), &attempt_binds)
                        .execute(&mut *tx)
                        .await?;
                    let sql = format!(
                        "WITH v (id, last_status, last_error, state, next_attempt_at, delivered_at) AS (VALUES {}) \
                         UPDATE webhook_deliveries SET state = v.state, attempts = webhook_deliveries.attempts + 1, \
                         next_attempt_at = v.next_attempt_at, claimed_until = NULL, last_status = v.last_status, \
                         last_error = v.last_error, delivered_at = v.delivered_at FROM v WHERE webhook_deliveries.id = v.id",
                        deliveries.join(", ")
                    );
                    crate::value::bind_all(sqlx::query(&sql), &delivery_binds)
                        .execute(&mut *tx)
                        .await?;
                }
                Ok(())
            })
        })
        .await
    }
}
