-- Land (M6): parcels and the steps of their pipeline, planned → approved (报批) → acquired (征收)
-- → cleared (清表) → delivered (交地) → supplied (供地, to one project). Areas are integer
-- hundredths of a 亩; a boundary is a GeoJSON geometry as text. Each step is a row of its own
-- with its date, document number and who recorded it; the parcel keeps the status reached.
CREATE TABLE parcels (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    zone_id {{int}} NOT NULL REFERENCES zones (id),
    village TEXT NOT NULL,
    area_mu {{int}} NOT NULL CHECK (area_mu > 0),
    land_use TEXT NOT NULL,
    boundary TEXT,
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'approved', 'acquired', 'cleared', 'delivered', 'supplied')),
    project_id {{int}} REFERENCES projects (id),
    sample {{bool}} NOT NULL DEFAULT {{false}},
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- A supplied parcel belongs to one project, and only a supplied one does.
    CHECK ((status = 'supplied') = (project_id IS NOT NULL))
);
CREATE INDEX parcels_by_zone ON parcels (zone_id, id);
CREATE INDEX parcels_by_project ON parcels (project_id);
CREATE INDEX parcels_by_status ON parcels (status, zone_id);

CREATE TABLE parcel_steps (
    id {{id}},
    parcel_id {{int}} NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    date TEXT NOT NULL,
    document_no TEXT,
    project_id {{int}} REFERENCES projects (id),
    recorded_by {{int}} REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    UNIQUE (parcel_id, status)
);

INSERT INTO data_versions (name) VALUES ('parcels');
-- on postgres:
CREATE TRIGGER parcels_version AFTER INSERT OR UPDATE OR DELETE ON parcels FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER parcels_version_insert AFTER INSERT ON parcels BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'parcels';
END;
CREATE TRIGGER parcels_version_update AFTER UPDATE ON parcels BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'parcels';
END;
CREATE TRIGGER parcels_version_delete AFTER DELETE ON parcels BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'parcels';
END;
