-- Annual plans and monthly investment reports (M3), with report totals per month, category and
-- status kept by triggers, so the dashboard's as-of sums read a few hundred rows at most.
CREATE TABLE annual_plans (
    id {{id}},
    project_id {{int}} NOT NULL REFERENCES projects (id),
    year {{int}} NOT NULL,
    planned_investment {{int}} NOT NULL CHECK (planned_investment >= 0),
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, year)
);

CREATE TABLE monthly_reports (
    id {{id}},
    project_id {{int}} NOT NULL REFERENCES projects (id),
    month TEXT NOT NULL,
    completed_investment {{int}} NOT NULL CHECK (completed_investment >= 0),
    progress_note TEXT,
    problems TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
    return_reason TEXT,
    submitted_by {{int}},
    submitted_at TEXT NOT NULL,
    reviewed_by {{int}},
    reviewed_at TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, month)
);
CREATE INDEX monthly_reports_by_month ON monthly_reports (month, status);

CREATE TABLE report_totals (
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    amount {{int}} NOT NULL DEFAULT 0,
    report_count {{int}} NOT NULL DEFAULT 0,
    PRIMARY KEY (month, category, status)
);

INSERT INTO data_versions (name) VALUES ('annual_plans'), ('monthly_reports');

-- on postgres:
CREATE FUNCTION feidi_report_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE report_totals SET amount = amount - OLD.completed_investment, report_count = report_count - 1
        WHERE month = OLD.month AND status = OLD.status
          AND category = (SELECT category FROM projects WHERE id = OLD.project_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO report_totals (month, category, status, amount, report_count)
        VALUES (NEW.month, (SELECT category FROM projects WHERE id = NEW.project_id), NEW.status, NEW.completed_investment, 1)
        ON CONFLICT (month, category, status) DO UPDATE
        SET amount = report_totals.amount + EXCLUDED.amount, report_count = report_totals.report_count + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_totals AFTER INSERT OR UPDATE OR DELETE ON monthly_reports
    FOR EACH ROW EXECUTE FUNCTION feidi_report_totals();
CREATE TRIGGER monthly_reports_version AFTER INSERT OR UPDATE OR DELETE ON monthly_reports
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
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
-- on both:

-- on postgres:
-- A project that changes category takes its reports' sums along.
CREATE FUNCTION feidi_category_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.category <> NEW.category THEN
        UPDATE report_totals t SET amount = t.amount - s.amount, report_count = t.report_count - s.n
        FROM (SELECT month, status, SUM(completed_investment) AS amount, COUNT(*) AS n FROM monthly_reports
              WHERE project_id = NEW.id GROUP BY month, status) s
        WHERE t.category = OLD.category AND t.month = s.month AND t.status = s.status;
        INSERT INTO report_totals (month, category, status, amount, report_count)
        SELECT month, NEW.category, status, SUM(completed_investment), COUNT(*) FROM monthly_reports
        WHERE project_id = NEW.id GROUP BY month, status
        ON CONFLICT (month, category, status) DO UPDATE
        SET amount = report_totals.amount + EXCLUDED.amount, report_count = report_totals.report_count + EXCLUDED.report_count;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_category_reports AFTER UPDATE OF category ON projects
    FOR EACH ROW EXECUTE FUNCTION feidi_category_reports();
CREATE TRIGGER annual_plans_version AFTER INSERT OR UPDATE OR DELETE ON annual_plans
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
