-- The report totals gain the zone, so the cockpit's figures filtered by zone or category and
-- its monthly trend read the kept sums instead of every report; and the programme's stages
-- (M4).
-- on postgres:
DROP TRIGGER reports_totals ON monthly_reports;
DROP TRIGGER projects_category_reports ON projects;
DROP FUNCTION feidi_category_reports();
-- on sqlite:
DROP TRIGGER reports_totals_insert;
DROP TRIGGER reports_totals_delete;
DROP TRIGGER reports_totals_update;
DROP TRIGGER projects_category_reports;
-- on both:
DROP TABLE report_totals;

CREATE TABLE report_totals (
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    zone_id {{int}} NOT NULL,
    status TEXT NOT NULL,
    amount {{int}} NOT NULL DEFAULT 0,
    report_count {{int}} NOT NULL DEFAULT 0,
    PRIMARY KEY (month, category, zone_id, status)
);
INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
SELECT r.month, p.category, p.zone_id, r.status, SUM(r.completed_investment), COUNT(*)
FROM monthly_reports r JOIN projects p ON p.id = r.project_id
GROUP BY r.month, p.category, p.zone_id, r.status;

-- on postgres:
CREATE OR REPLACE FUNCTION feidi_report_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE report_totals t SET amount = t.amount - OLD.completed_investment, report_count = t.report_count - 1
        FROM projects p
        WHERE p.id = OLD.project_id AND t.month = OLD.month AND t.status = OLD.status
          AND t.category = p.category AND t.zone_id = p.zone_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
        SELECT NEW.month, category, zone_id, NEW.status, NEW.completed_investment, 1 FROM projects WHERE id = NEW.project_id
        ON CONFLICT (month, category, zone_id, status) DO UPDATE
        SET amount = report_totals.amount + EXCLUDED.amount, report_count = report_totals.report_count + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_totals AFTER INSERT OR UPDATE OR DELETE ON monthly_reports
    FOR EACH ROW EXECUTE FUNCTION feidi_report_totals();

-- on sqlite:
CREATE TRIGGER reports_totals_insert AFTER INSERT ON monthly_reports BEGIN
    INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
    SELECT NEW.month, category, zone_id, NEW.status, NEW.completed_investment, 1 FROM projects WHERE id = NEW.project_id
    ON CONFLICT (month, category, zone_id, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + 1;
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
CREATE TRIGGER reports_totals_delete AFTER DELETE ON monthly_reports BEGIN
    UPDATE report_totals SET amount = amount - OLD.completed_investment, report_count = report_count - 1
    WHERE month = OLD.month AND status = OLD.status
      AND (category, zone_id) = (SELECT category, zone_id FROM projects WHERE id = OLD.project_id);
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
CREATE TRIGGER reports_totals_update AFTER UPDATE ON monthly_reports BEGIN
    UPDATE report_totals SET amount = amount - OLD.completed_investment, report_count = report_count - 1
    WHERE month = OLD.month AND status = OLD.status
      AND (category, zone_id) = (SELECT category, zone_id FROM projects WHERE id = OLD.project_id);
    INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
    SELECT NEW.month, category, zone_id, NEW.status, NEW.completed_investment, 1 FROM projects WHERE id = NEW.project_id
    ON CONFLICT (month, category, zone_id, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + 1;
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
-- on both:
-- A project that moves to another category or zone takes its reports' sums along.
-- on postgres:
CREATE FUNCTION feidi_move_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.category <> NEW.category OR OLD.zone_id <> NEW.zone_id THEN
        UPDATE report_totals t SET amount = t.amount - s.amount, report_count = t.report_count - s.n
        FROM (SELECT month, status, SUM(completed_investment) AS amount, COUNT(*) AS n FROM monthly_reports
              WHERE project_id = NEW.id GROUP BY month, status) s
        WHERE t.category = OLD.category AND t.zone_id = OLD.zone_id AND t.month = s.month AND t.status = s.status;
        INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
        SELECT month, NEW.category, NEW.zone_id, status, SUM(completed_investment), COUNT(*) FROM monthly_reports
        WHERE project_id = NEW.id GROUP BY month, status
        ON CONFLICT (month, category, zone_id, status) DO UPDATE
        SET amount = report_totals.amount + EXCLUDED.amount, report_count = report_totals.report_count + EXCLUDED.report_count;
        UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_move_reports AFTER UPDATE OF category, zone_id ON projects
    FOR EACH ROW EXECUTE FUNCTION feidi_move_reports();
-- on sqlite:
CREATE TRIGGER projects_move_reports AFTER UPDATE OF category, zone_id ON projects
WHEN OLD.category <> NEW.category OR OLD.zone_id <> NEW.zone_id BEGIN
    UPDATE report_totals SET amount = amount - (SELECT COALESCE(SUM(r.completed_investment), 0) FROM monthly_reports r
        WHERE r.project_id = NEW.id AND r.month = report_totals.month AND r.status = report_totals.status),
        report_count = report_count - (SELECT COUNT(*) FROM monthly_reports r
        WHERE r.project_id = NEW.id AND r.month = report_totals.month AND r.status = report_totals.status)
    WHERE category = OLD.category AND zone_id = OLD.zone_id;
    INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
    SELECT month, NEW.category, NEW.zone_id, status, SUM(completed_investment), COUNT(*) FROM monthly_reports
    WHERE project_id = NEW.id GROUP BY month, status
    ON CONFLICT (month, category, zone_id, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + excluded.report_count;
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
-- on both:

CREATE TABLE programme_stages (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    target_project_count {{int}},
    target_total_investment {{int}},
    target_completed_investment {{int}},
    target_annual_output {{int}},
    target_jobs {{int}},
    sample {{bool}} NOT NULL DEFAULT {{false}},
    note TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO data_versions (name) VALUES ('programme_stages');
-- on postgres:
CREATE TRIGGER programme_stages_version AFTER INSERT OR UPDATE OR DELETE ON programme_stages
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER programme_stages_version_insert AFTER INSERT ON programme_stages BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'programme_stages';
END;
CREATE TRIGGER programme_stages_version_update AFTER UPDATE ON programme_stages BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'programme_stages';
END;
CREATE TRIGGER programme_stages_version_delete AFTER DELETE ON programme_stages BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'programme_stages';
END;
