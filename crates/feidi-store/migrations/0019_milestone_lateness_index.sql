-- The standings (every dashboard, cockpit and as-of figure built after a change) take each
-- project's worst milestone lateness from its planned and actual dates: with both in the
-- index the table's rows are never read (on SQLite a cold standings' milestone part took
-- half as long).
CREATE INDEX milestones_lateness ON milestones (project_id, planned_date, actual_date);
