-- Resettlement (M6): the households the park's land displaced, each with its people, the
-- housing assigned and the day it moved, and the compensation items due to it. An ID number
-- is kept whole in id_number, which only an admin's audited look reads; every answer and page
-- carries id_number_masked. Disputes may now be raised from a household as well as a parcel.
CREATE TABLE households (
    id {{id}},
    village TEXT NOT NULL,
    head_name TEXT NOT NULL,
    people {{int}} NOT NULL CHECK (people > 0),
    parcel_id {{int}} REFERENCES parcels (id),
    id_number TEXT,
    id_number_masked TEXT,
    housing TEXT,
    resettled_on TEXT,
    sample {{bool}} NOT NULL DEFAULT {{false}},
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((id_number IS NULL) = (id_number_masked IS NULL))
);
CREATE INDEX households_by_village ON households (village, id);
CREATE INDEX households_by_parcel ON households (parcel_id);

-- Amounts are integer fen, like every sum of money.
CREATE TABLE compensations (
    id {{id}},
    household_id {{int}} NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    amount {{int}} NOT NULL CHECK (amount > 0),
    due_date TEXT NOT NULL,
    paid_on TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX compensations_by_household ON compensations (household_id, id);

INSERT INTO data_versions (name) VALUES ('households'), ('compensations');
-- on postgres:
CREATE TRIGGER households_version AFTER INSERT OR UPDATE OR DELETE ON households FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER compensations_version AFTER INSERT OR UPDATE OR DELETE ON compensations FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER households_version_insert AFTER INSERT ON households BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'households';
END;
CREATE TRIGGER households_version_update AFTER UPDATE ON households BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'households';
END;
CREATE TRIGGER households_version_delete AFTER DELETE ON households BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'households';
END;
CREATE TRIGGER compensations_version_insert AFTER INSERT ON compensations BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'compensations';
END;
CREATE TRIGGER compensations_version_update AFTER UPDATE ON compensations BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'compensations';
END;
CREATE TRIGGER compensations_version_delete AFTER DELETE ON compensations BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'compensations';
END;
-- on both:
-- A dispute need not name a parcel now. SQLite cannot drop a NOT NULL, so on both databases
-- the disputes table is built again with the new rule, its rows copied, its indexes and its
-- version triggers made anew.
CREATE TABLE disputes_new (
    id {{id}},
    parcel_id {{int}} REFERENCES parcels (id),
    household_id {{int}} REFERENCES households (id),
    category TEXT NOT NULL CHECK (category IN ('compensation', 'boundary', 'resettlement', 'other')),
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mediating', 'resolved')),
    opened_on TEXT NOT NULL,
    resolution TEXT,
    resolved_on TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (parcel_id IS NOT NULL OR household_id IS NOT NULL)
);
INSERT INTO disputes_new (id, parcel_id, category, description, status, opened_on, resolution, resolved_on, version, created_at, updated_at)
    SELECT id, parcel_id, category, description, status, opened_on, resolution, resolved_on, version, created_at, updated_at FROM disputes;
DROP TABLE disputes;
ALTER TABLE disputes_new RENAME TO disputes;
CREATE INDEX disputes_by_parcel ON disputes (parcel_id, status);
CREATE INDEX disputes_by_opened ON disputes (opened_on);
CREATE INDEX disputes_by_household ON disputes (household_id);
-- on postgres:
SELECT setval(pg_get_serial_sequence('disputes', 'id'), COALESCE((SELECT MAX(id) FROM disputes), 0) + 1, false);
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
