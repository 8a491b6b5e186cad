-- Reports written by an import skip the per-row totals trigger: the import adds its rows to
-- the totals with one aggregate statement per transaction instead, which is what lets a
-- million-row import run at hundreds of thousands of rows a second.
-- on postgres:
DROP TRIGGER reports_totals ON monthly_reports;
CREATE TRIGGER reports_totals_insert AFTER INSERT ON monthly_reports
    FOR EACH ROW WHEN (NEW.import_id IS NULL) EXECUTE FUNCTION feidi_report_totals();
CREATE TRIGGER reports_totals_change AFTER UPDATE OR DELETE ON monthly_reports
    FOR EACH ROW EXECUTE FUNCTION feidi_report_totals();
-- on sqlite:
DROP TRIGGER reports_totals_insert;
CREATE TRIGGER reports_totals_insert AFTER INSERT ON monthly_reports WHEN NEW.import_id IS NULL BEGIN
    INSERT INTO report_totals (month, category, zone_id, status, amount, report_count)
    SELECT NEW.month, category, zone_id, NEW.status, NEW.completed_investment, 1 FROM projects WHERE id = NEW.project_id
    ON CONFLICT (month, category, zone_id, status) DO UPDATE SET amount = amount + excluded.amount, report_count = report_count + 1;
    UPDATE data_versions SET version = version + 1 WHERE name = 'monthly_reports';
END;
