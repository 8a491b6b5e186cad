-- The land a project needs (用地需求), in hundredths of a 亩: the cockpit holds the land
-- delivered against what the signed projects need.
ALTER TABLE projects ADD COLUMN land_mu {{int}};
