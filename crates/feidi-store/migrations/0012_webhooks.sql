-- Outgoing webhooks for appeal events (api.md, Webhooks): endpoints, the delivery queue (written
-- in the same transaction as the event, so none is lost and any app server may send it) and
-- every attempt.

CREATE TABLE webhooks (
    id {{id}},
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL, -- the timeline kinds it wants, comma-separated
    active {{int}} NOT NULL DEFAULT 1, -- a boolean
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A delivery keeps what its body is made of, so every attempt sends the same bytes.
CREATE TABLE webhook_deliveries (
    id {{id}},
    webhook_id {{int}} NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    appeal_id {{int}} NOT NULL,
    appeal_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts {{int}} NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_until TEXT,
    last_status {{int}},
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_attempts (
    id {{id}},
    delivery_id {{int}} NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    status_code {{int}},
    error TEXT,
    duration_ms {{int}} NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);

INSERT INTO data_versions (name) VALUES ('webhooks');
-- on postgres:
CREATE TRIGGER webhooks_version AFTER INSERT OR UPDATE OR DELETE ON webhooks FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER webhooks_version_insert AFTER INSERT ON webhooks BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'webhooks';
END;
CREATE TRIGGER webhooks_version_update AFTER UPDATE ON webhooks BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'webhooks';
END;
CREATE TRIGGER webhooks_version_delete AFTER DELETE ON webhooks BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'webhooks';
END;
