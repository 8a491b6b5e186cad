-- The appeals concerning a project, which may block it (堵点): the cockpit reads them at each
-- build, and most appeals name no project.
CREATE INDEX appeals_by_project ON appeals (project_id, submitted_at) WHERE project_id IS NOT NULL;
