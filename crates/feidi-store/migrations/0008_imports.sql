-- Imports of monthly reports (M9): each import is recorded, and each report it wrote carries
-- its id, so an import that fails while publishing can be taken back whole.
CREATE TABLE imports (
    id {{id}},
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    row_count {{int}} NOT NULL,
    actor_id {{int}} REFERENCES users (id),
    state TEXT NOT NULL CHECK (state IN ('publishing', 'done', 'failed')),
    created_at TEXT NOT NULL,
    finished_at TEXT
);
ALTER TABLE monthly_reports ADD COLUMN import_id {{int}} REFERENCES imports (id);
