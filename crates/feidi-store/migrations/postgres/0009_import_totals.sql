-- Reports written by an import skip the per-row totals trigger: the import adds its rows to
-- the totals with one aggregate statement per transaction instead, which is what lets a
-- million-row import run at hundreds of thousands of rows a second. Kept in lockstep with
-- ../sqlite/0009_import_totals.sql.
DROP TRIGGER reports_totals ON monthly_reports;
CREATE TRIGGER reports_totals_insert AFTER INSERT ON monthly_reports
    FOR EACH ROW WHEN (NEW.import_id IS NULL) EXECUTE FUNCTION feidi_report_totals();
CREATE TRIGGER reports_totals_change AFTER UPDATE OR DELETE ON monthly_reports
    FOR EACH ROW EXECUTE FUNCTION feidi_report_totals();
