-- A counter per table, moved on by every write to it in the same transaction, so that any app
-- server can tell in one cheap read whether what it has memoised is still current.
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY,
    version {{int}} NOT NULL DEFAULT 0
);
INSERT INTO data_versions (name) VALUES ('jurisdictions'), ('zones'), ('enterprises'), ('projects'), ('users');
