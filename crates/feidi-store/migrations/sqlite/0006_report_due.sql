-- When a month's report was first submitted, to tell late reports from punctual ones (a
-- resubmission after a return does not make a punctual report late). Kept in lockstep with
-- ../postgres/0006_report_due.sql.
ALTER TABLE monthly_reports ADD COLUMN first_submitted_at TEXT;
UPDATE monthly_reports SET first_submitted_at = submitted_at;
