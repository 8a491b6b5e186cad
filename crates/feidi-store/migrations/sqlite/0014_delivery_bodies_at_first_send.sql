-- A delivery no longer carries a copy of the appeal from the moment it was queued: the sweep
-- queues hundreds of thousands at once and those copies were most of what it wrote. The
-- appeal is read when the delivery is first sent and kept from then on (`appeal_json`), so
-- every attempt still sends the same bytes; `appeal_version` is the version the event made.
-- SQLite cannot relax NOT NULL in place, so both tables are rebuilt (attempts first, held
-- aside, so that dropping the deliveries cascades to nothing). Kept in lockstep with
-- ../postgres/0014_delivery_bodies_at_first_send.sql.

CREATE TABLE webhook_deliveries_new (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    appeal_id INTEGER NOT NULL,
    appeal_version INTEGER,
    appeal_json TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_until TEXT,
    last_status INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
);
INSERT INTO webhook_deliveries_new (id, webhook_id, event, occurred_at, appeal_id, appeal_json, state, attempts,
    next_attempt_at, claimed_until, last_status, last_error, created_at, delivered_at)
    SELECT id, webhook_id, event, occurred_at, appeal_id, appeal_json, state, attempts,
    next_attempt_at, claimed_until, last_status, last_error, created_at, delivered_at FROM webhook_deliveries;
CREATE TABLE webhook_attempts_kept AS SELECT id, delivery_id, at, status_code, error, duration_ms FROM webhook_attempts;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
INSERT INTO webhook_attempts (id, delivery_id, at, status_code, error, duration_ms)
    SELECT id, delivery_id, at, status_code, error, duration_ms FROM webhook_attempts_kept;
DROP TABLE webhook_attempts_kept;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);
