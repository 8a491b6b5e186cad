-- Files attached to an appeal: photos and documents from the enterprise, proof of the fix
-- from its handler. The bytes are kept in the database, so that every app server serves them
-- and a backup holds them. `content_type` is the type read from the bytes, never the one a
-- browser claimed.
CREATE TABLE appeal_attachments (
    id {{id}},
    appeal_id {{int}} NOT NULL REFERENCES appeals (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size {{int}} NOT NULL,
    data {{blob}} NOT NULL,
    uploaded_by {{int}} REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX appeal_attachments_by_appeal ON appeal_attachments (appeal_id, id);
