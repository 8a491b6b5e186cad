-- The portfolio totals and the data versions kept by the database itself, with every write
-- whatever its path (one record, a bulk import, a hand-written statement): no code path can
-- forget them, and the writer makes fewer round trips. PostgreSQL uses statement triggers with
-- transition tables, so a bulk insert moves each total once.

-- on postgres:
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
-- on sqlite:
CREATE TRIGGER jurisdictions_version_insert AFTER INSERT ON jurisdictions BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'jurisdictions';
END;
CREATE TRIGGER jurisdictions_version_update AFTER UPDATE ON jurisdictions BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'jurisdictions';
END;
CREATE TRIGGER jurisdictions_version_delete AFTER DELETE ON jurisdictions BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'jurisdictions';
END;
CREATE TRIGGER zones_version_insert AFTER INSERT ON zones BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'zones';
END;
CREATE TRIGGER zones_version_update AFTER UPDATE ON zones BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'zones';
END;
CREATE TRIGGER zones_version_delete AFTER DELETE ON zones BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'zones';
END;
CREATE TRIGGER enterprises_version_insert AFTER INSERT ON enterprises BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'enterprises';
END;
CREATE TRIGGER enterprises_version_update AFTER UPDATE ON enterprises BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'enterprises';
END;
CREATE TRIGGER enterprises_version_delete AFTER DELETE ON enterprises BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'enterprises';
END;
CREATE TRIGGER projects_version_insert AFTER INSERT ON projects BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'projects';
END;
CREATE TRIGGER projects_version_update AFTER UPDATE ON projects BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'projects';
END;
CREATE TRIGGER projects_version_delete AFTER DELETE ON projects BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'projects';
END;
CREATE TRIGGER users_version_insert AFTER INSERT ON users BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'users';
END;
CREATE TRIGGER users_version_update AFTER UPDATE ON users BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'users';
END;
CREATE TRIGGER users_version_delete AFTER DELETE ON users BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'users';
END;
CREATE TRIGGER projects_totals_insert AFTER INSERT ON projects BEGIN
    UPDATE portfolio_totals SET project_count = project_count + 1, total_investment = total_investment + NEW.total_investment
    WHERE category = NEW.category;
END;
CREATE TRIGGER projects_totals_delete AFTER DELETE ON projects BEGIN
    UPDATE portfolio_totals SET project_count = project_count - 1, total_investment = total_investment - OLD.total_investment
    WHERE category = OLD.category;
END;
CREATE TRIGGER projects_totals_update AFTER UPDATE OF category, total_investment ON projects BEGIN
    UPDATE portfolio_totals SET project_count = project_count - 1, total_investment = total_investment - OLD.total_investment
    WHERE category = OLD.category;
    UPDATE portfolio_totals SET project_count = project_count + 1, total_investment = total_investment + NEW.total_investment
    WHERE category = NEW.category;
END;
-- on both:

-- on postgres:
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
