-- A parcel split into parts, or parcels merged into one, is retired on the day, its steps and
-- disputes kept; the new parcels carry its steps forward, and the lineage says which came from
-- which. Maps and figures read the parcels not retired.
ALTER TABLE parcels ADD COLUMN retired_on TEXT;
CREATE TABLE parcel_lineage (
    id {{id}},
    parent_id {{int}} NOT NULL REFERENCES parcels (id),
    child_id {{int}} NOT NULL REFERENCES parcels (id),
    kind TEXT NOT NULL CHECK (kind IN ('split', 'merge')),
    date TEXT NOT NULL,
    recorded_by {{int}} REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    UNIQUE (parent_id, child_id)
);
CREATE INDEX parcel_lineage_by_child ON parcel_lineage (child_id);
