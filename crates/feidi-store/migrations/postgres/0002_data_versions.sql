-- A counter per table, moved on by every write to it in the same transaction, so that any app
-- server can tell in one cheap read whether what it has memoised is still current.
-- Kept in lockstep with ../sqlite/0002_data_versions.sql.
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO data_versions (name) VALUES ('jurisdictions'), ('zones'), ('enterprises'), ('projects'), ('users');
