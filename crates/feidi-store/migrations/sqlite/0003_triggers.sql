-- The portfolio totals and the data versions kept by the database itself, with every write
-- whatever its path (one record, a bulk import, a hand-written statement): no code path can
-- forget them, and the writer makes fewer round trips. Kept in lockstep with
-- ../postgres/0003_triggers.sql (PostgreSQL uses statement triggers with transition tables).

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
