-- Imports of monthly reports (M9): each import is recorded, and each report it wrote carries
-- its id, so an import that fails while publishing can be taken back whole. Kept in lockstep
-- with ../postgres/0008_imports.sql.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('publishing', 'done', 'failed')),
    created_at TEXT NOT NULL,
    finished_at TEXT
);
ALTER TABLE monthly_reports ADD COLUMN import_id INTEGER REFERENCES imports (id);
