-- Milestones of projects (M2) and admin settings. Dates are 'YYYY-MM-DD' text.
CREATE TABLE milestones (
    id {{id}},
    project_id {{int}} NOT NULL REFERENCES projects (id),
    kind TEXT NOT NULL CHECK (kind IN ('signed', 'land_supplied', 'construction_started', 'topped_out', 'completed', 'production_started', 'full_output')),
    planned_date TEXT NOT NULL,
    actual_date TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, kind)
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version {{int}} NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

INSERT INTO data_versions (name) VALUES ('milestones'), ('settings');
-- on postgres:
CREATE TRIGGER milestones_version AFTER INSERT OR UPDATE OR DELETE ON milestones
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER settings_version AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER milestones_version_insert AFTER INSERT ON milestones BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'milestones';
END;
CREATE TRIGGER milestones_version_update AFTER UPDATE ON milestones BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'milestones';
END;
CREATE TRIGGER milestones_version_delete AFTER DELETE ON milestones BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'milestones';
END;
CREATE TRIGGER settings_version_insert AFTER INSERT ON settings BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'settings';
END;
CREATE TRIGGER settings_version_update AFTER UPDATE ON settings BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'settings';
END;
