-- Annual plans and monthly investment reports (M3), with report totals per month, category and
-- status kept by triggers, so the dashboard's as-of sums read a few hundred rows at most.
-- Kept in lockstep with ../postgres/0005_reports.sql.
CREATE TABLE annual_plans (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    year INTEGER NOT NULL,
    planned_investment INTEGER NOT NULL CHECK (planned_investment >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, year)
);

CREATE TABLE monthly_reports (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    month TEXT NOT NULL,
    completed_investment INTEGER NOT NULL CHECK (completed_investment >= 0),
    progress_note TEXT,
    problems TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
    return_reason TEXT,
    submitted_by INTEGER,
    submitted_at TEXT NOT NULL,
    reviewed_by INTEGER,
    reviewed_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, month)
);
CREATE INDEX monthly_reports_by_month ON monthly_reports (month, status);

CREATE TABLE report_totals (
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    report_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, category, status)
);

INSERT INTO data_versions (name) VALUES ('annual_plans'), ('monthly_reports');

CREATE TRIGGER reports_totals_insert AFTER INSERT ON monthly_reports BEGIN
    INSERT INTO report_totals (month, category, status, amount, report_count)
    VALUES (NEW.month, (SELECT category FROM projects WHERE id = NEW.project_id), NEW.status, NEW.completed_investment, 1)
    ON CONFLICT (month, category, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + 1;
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
CREATE TRIGGER reports_totals_delete AFTER DELETE ON monthly_reports BEGIN
    UPDATE report_totals SET amount = amount - OLD.completed_investment, report_count = report_count - 1
    WHERE month = OLD.month AND status = OLD.status AND category = (SELECT category FROM projects WHERE id = OLD.project_id);
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
CREATE TRIGGER reports_totals_update AFTER UPDATE ON monthly_reports BEGIN
    UPDATE report_totals SET amount = amount - OLD.completed_investment, report_count = report_count - 1
    WHERE month = OLD.month AND status = OLD.status AND category = (SELECT category FROM projects WHERE id = OLD.project_id);
    INSERT INTO report_totals (month, category, status, amount, report_count)
    VALUES (NEW.month, (SELECT category FROM projects WHERE id = NEW.project_id), NEW.status, NEW.completed_investment, 1)
    ON CONFLICT (month, category, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + 1;
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
-- A project that changes category takes its reports' sums along.
CREATE TRIGGER projects_category_reports AFTER UPDATE OF category ON projects WHEN OLD.category <> NEW.category BEGIN
    UPDATE report_totals SET amount = amount - (SELECT COALESCE(SUM(r.completed_investment), 0) FROM monthly_reports r
        WHERE r.project_id = NEW.id AND r.month = report_totals.month AND r.status = report_totals.status),
        report_count = report_count - (SELECT COUNT(*) FROM monthly_reports r
        WHERE r.project_id = NEW.id AND r.month = report_totals.month AND r.status = report_totals.status)
    WHERE category = OLD.category;
    INSERT INTO report_totals (month, category, status, amount, report_count)
    SELECT month, NEW.category, status, SUM(completed_investment), COUNT(*) FROM monthly_reports
    WHERE project_id = NEW.id GROUP BY month, status
    ON CONFLICT (month, category, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + excluded.report_count;
END;
CREATE TRIGGER annual_plans_version_insert AFTER INSERT ON annual_plans BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'annual_plans';
END;
CREATE TRIGGER annual_plans_version_update AFTER UPDATE ON annual_plans BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'annual_plans';
END;
