-- The report totals gain the zone, so the cockpit's figures filtered by zone or category and
-- its monthly trend read the kept sums instead of every report; and the programme's stages
-- (M4). Kept in lockstep with ../postgres/0007_programme.sql.
DROP TRIGGER reports_totals_insert;
DROP TRIGGER reports_totals_delete;
DROP TRIGGER reports_totals_update;
DROP TRIGGER projects_category_reports;
DROP TABLE report_totals;

CREATE TABLE report_totals (
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    zone_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    report_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, category, zone_id, status)
);
INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
SELECT r.month, p.category, p.zone_id, r.status, SUM(r.completed_investment), COUNT(*)
FROM monthly_reports r JOIN projects p ON p.id = r.project_id
GROUP BY r.month, p.category, p.zone_id, r.status;

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
-- A project that moves to another category or zone takes its reports' sums along.
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

CREATE TABLE programme_stages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    target_project_count INTEGER,
    target_total_investment INTEGER,
    target_completed_investment INTEGER,
    target_annual_output INTEGER,
    target_jobs INTEGER,
    sample INTEGER NOT NULL DEFAULT 0, -- a boolean
    note TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO data_versions (name) VALUES ('programme_stages');
CREATE TRIGGER programme_stages_version_insert AFTER INSERT ON programme_stages BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'programme_stages';
END;
CREATE TRIGGER programme_stages_version_update AFTER UPDATE ON programme_stages BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'programme_stages';
END;
CREATE TRIGGER programme_stages_version_delete AFTER DELETE ON programme_stages BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'programme_stages';
END;
