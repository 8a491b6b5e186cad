-- The portfolio totals and the data versions kept by the database itself, with every write
-- whatever its path: statement triggers with transition tables, so a bulk insert moves each
-- total once. Kept in lockstep with ../sqlite/0003_triggers.sql.

CREATE FUNCTION feidi_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END $$;
CREATE TRIGGER jurisdictions_version AFTER INSERT OR UPDATE OR DELETE ON jurisdictions FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER zones_version AFTER INSERT OR UPDATE OR DELETE ON zones FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER enterprises_version AFTER INSERT OR UPDATE OR DELETE ON enterprises FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER projects_version AFTER INSERT OR UPDATE OR DELETE ON projects FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER users_version AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();

CREATE FUNCTION feidi_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE portfolio_totals t SET project_count = t.project_count + d.n, total_investment = t.total_investment + d.s
    FROM (SELECT category, COUNT(*) AS n, SUM(total_investment) AS s FROM new_rows GROUP BY category) d
    WHERE t.category = d.category;
    RETURN NULL;
END $$;
CREATE FUNCTION feidi_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE portfolio_totals t SET project_count = t.project_count - d.n, total_investment = t.total_investment - d.s
    FROM (SELECT category, COUNT(*) AS n, SUM(total_investment) AS s FROM old_rows GROUP BY category) d
    WHERE t.category = d.category;
    RETURN NULL;
END $$;
CREATE FUNCTION feidi_totals_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE portfolio_totals t SET project_count = t.project_count - d.n, total_investment = t.total_investment - d.s
    FROM (SELECT category, COUNT(*) AS n, SUM(total_investment) AS s FROM old_rows GROUP BY category) d
    WHERE t.category = d.category;
    UPDATE portfolio_totals t SET project_count = t.project_count + d.n, total_investment = t.total_investment + d.s
    FROM (SELECT category, COUNT(*) AS n, SUM(total_investment) AS s FROM new_rows GROUP BY category) d
    WHERE t.category = d.category;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_totals_insert AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_totals_add();
CREATE TRIGGER projects_totals_delete AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_totals_remove();
CREATE TRIGGER projects_totals_update AFTER UPDATE ON projects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_totals_change();
