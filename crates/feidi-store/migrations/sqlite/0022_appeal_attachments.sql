-- Files attached to an appeal: photos and documents from the enterprise, proof of the fix
-- from its handler. The bytes are kept in the database, so that every app server serves them
-- and a backup holds them. `content_type` is the type read from the bytes, never the one a
-- browser claimed. Kept in lockstep with ../postgres/0022_appeal_attachments.sql.
CREATE TABLE appeal_attachments (
    id INTEGER PRIMARY KEY,
    appeal_id INTEGER NOT NULL REFERENCES appeals (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX appeal_attachments_by_appeal ON appeal_attachments (appeal_id, id);
