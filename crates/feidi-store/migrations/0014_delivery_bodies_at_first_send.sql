-- A delivery no longer carries a copy of the appeal from the moment it was queued: the sweep
-- queues hundreds of thousands at once and those copies were most of what it wrote. The
-- appeal is read when the delivery is first sent and kept from then on (`appeal_json`), so
-- every attempt still sends the same bytes; `appeal_version` is the version the event made.
-- SQLite cannot relax NOT NULL in place, so both tables are rebuilt (attempts first, held
-- aside, so that dropping the deliveries cascades to nothing), on PostgreSQL too so that the
-- two schemas stay the same.

CREATE TABLE webhook_deliveries_new (
    id {{id}},
    webhook_id {{int}} NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    appeal_id {{int}} NOT NULL,
    appeal_version {{int}},
    appeal_json TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts {{int}} NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_until TEXT,
    last_status {{int}},
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
    id {{id}},
    delivery_id {{int}} NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    status_code {{int}},
    error TEXT,
    duration_ms {{int}} NOT NULL
);
INSERT INTO webhook_attempts (id, delivery_id, at, status_code, error, duration_ms)
    SELECT id, delivery_id, at, status_code, error, duration_ms FROM webhook_attempts_kept;
DROP TABLE webhook_attempts_kept;
-- on postgres:
-- The copied ids were given explicitly: the identities carry on after the largest.
SELECT setval(pg_get_serial_sequence('webhook_deliveries', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM webhook_deliveries;
SELECT setval(pg_get_serial_sequence('webhook_attempts', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM webhook_attempts;
-- on both:
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);
