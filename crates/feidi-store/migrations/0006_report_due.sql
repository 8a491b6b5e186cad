-- When a month's report was first submitted, to tell late reports from punctual ones (a
-- resubmission after a return does not make a punctual report late).
ALTER TABLE monthly_reports ADD COLUMN first_submitted_at TEXT;
UPDATE monthly_reports SET first_submitted_at = submitted_at;
