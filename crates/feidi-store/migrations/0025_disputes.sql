-- Land disputes (纠纷, M6): raised on a parcel, open → mediating → resolved (with how). A
-- dispute is open until resolved; an open one on a parcel supplied to a project blocks it.
CREATE TABLE disputes (
    id {{id}},
    parcel_id {{int}} NOT NULL REFERENCES parcels (id),
    category TEXT NOT NULL CHECK (category IN ('compensation', 'boundary', 'resettlement', 'other')),
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mediating', 'resolved')),
    opened_on TEXT NOT NULL,
    resolution TEXT,
    resolved_on TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX disputes_by_parcel ON disputes (parcel_id, status);
CREATE INDEX disputes_by_opened ON disputes (opened_on);

INSERT INTO data_versions (name) VALUES ('disputes');
-- on postgres:
CREATE TRIGGER disputes_version AFTER INSERT OR UPDATE OR DELETE ON disputes FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER disputes_version_insert AFTER INSERT ON disputes BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'disputes';
END;
CREATE TRIGGER disputes_version_update AFTER UPDATE ON disputes BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'disputes';
END;
CREATE TRIGGER disputes_version_delete AFTER DELETE ON disputes BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'disputes';
END;
