-- The programme's appeal figures (counts, on-time and satisfaction numerators), kept with every
-- write to the appeals, so that the dashboard reads sixteen rows instead of counting a million
-- appeals whenever one changes. Sixteen shards (by appeal id) keep concurrent writers on
-- PostgreSQL from queueing on one row.

CREATE TABLE appeal_totals (
    shard {{int}} PRIMARY KEY,
    total_count {{int}} NOT NULL DEFAULT 0,
    open_count {{int}} NOT NULL DEFAULT 0,
    escalated_count {{int}} NOT NULL DEFAULT 0,
    acknowledged {{int}} NOT NULL DEFAULT 0,
    acknowledged_on_time {{int}} NOT NULL DEFAULT 0,
    resolved {{int}} NOT NULL DEFAULT 0,
    resolved_on_time {{int}} NOT NULL DEFAULT 0,
    rated {{int}} NOT NULL DEFAULT 0,
    satisfied {{int}} NOT NULL DEFAULT 0,
    return_count {{int}} NOT NULL DEFAULT 0
);
INSERT INTO appeal_totals (shard, total_count, open_count, escalated_count, acknowledged, acknowledged_on_time, resolved, resolved_on_time, rated, satisfied, return_count)
    SELECT a.id % 16, COUNT(*), SUM(CASE WHEN a.due_at IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN a.due_at IS NOT NULL AND a.escalated_at IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN a.ack_on_time IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN a.ack_on_time = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN a.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN a.resolved_on_time = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN a.rating IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN a.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END), SUM(a.returns) FROM appeals a GROUP BY a.id % 16;
-- on postgres:
INSERT INTO appeal_totals (shard) SELECT n FROM generate_series(0, 15) n WHERE n NOT IN (SELECT shard FROM appeal_totals);
CREATE FUNCTION feidi_appeal_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE appeal_totals t SET
            total_count = t.total_count - d.total_count,
            open_count = t.open_count - d.open_count,
            escalated_count = t.escalated_count - d.escalated_count,
            acknowledged = t.acknowledged - d.acknowledged,
            acknowledged_on_time = t.acknowledged_on_time - d.acknowledged_on_time,
            resolved = t.resolved - d.resolved,
            resolved_on_time = t.resolved_on_time - d.resolved_on_time,
            rated = t.rated - d.rated,
            satisfied = t.satisfied - d.satisfied,
            return_count = t.return_count - d.return_count
        FROM (SELECT r.id % 16 AS shard, COUNT(*) AS total_count, SUM(CASE WHEN r.due_at IS NOT NULL THEN 1 ELSE 0 END) AS open_count, SUM(CASE WHEN r.due_at IS NOT NULL AND r.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated_count, SUM(CASE WHEN r.ack_on_time IS NOT NULL THEN 1 ELSE 0 END) AS acknowledged, SUM(CASE WHEN r.ack_on_time = 1 THEN 1 ELSE 0 END) AS acknowledged_on_time, SUM(CASE WHEN r.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) AS resolved, SUM(CASE WHEN r.resolved_on_time = 1 THEN 1 ELSE 0 END) AS resolved_on_time, SUM(CASE WHEN r.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, SUM(CASE WHEN r.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS satisfied, SUM(r.returns) AS return_count FROM old_rows r GROUP BY r.id % 16) d WHERE t.shard = d.shard;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE appeal_totals t SET
            total_count = t.total_count + d.total_count,
            open_count = t.open_count + d.open_count,
            escalated_count = t.escalated_count + d.escalated_count,
            acknowledged = t.acknowledged + d.acknowledged,
            acknowledged_on_time = t.acknowledged_on_time + d.acknowledged_on_time,
            resolved = t.resolved + d.resolved,
            resolved_on_time = t.resolved_on_time + d.resolved_on_time,
            rated = t.rated + d.rated,
            satisfied = t.satisfied + d.satisfied,
            return_count = t.return_count + d.return_count
        FROM (SELECT r.id % 16 AS shard, COUNT(*) AS total_count, SUM(CASE WHEN r.due_at IS NOT NULL THEN 1 ELSE 0 END) AS open_count, SUM(CASE WHEN r.due_at IS NOT NULL AND r.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated_count, SUM(CASE WHEN r.ack_on_time IS NOT NULL THEN 1 ELSE 0 END) AS acknowledged, SUM(CASE WHEN r.ack_on_time = 1 THEN 1 ELSE 0 END) AS acknowledged_on_time, SUM(CASE WHEN r.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) AS resolved, SUM(CASE WHEN r.resolved_on_time = 1 THEN 1 ELSE 0 END) AS resolved_on_time, SUM(CASE WHEN r.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, SUM(CASE WHEN r.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) AS satisfied, SUM(r.returns) AS return_count FROM new_rows r GROUP BY r.id % 16) d WHERE t.shard = d.shard;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appeal_totals_insert AFTER INSERT ON appeals REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_appeal_totals();
CREATE TRIGGER appeal_totals_update AFTER UPDATE ON appeals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_appeal_totals();
CREATE TRIGGER appeal_totals_delete AFTER DELETE ON appeals REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feidi_appeal_totals();
-- on sqlite:
WITH RECURSIVE s (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 15)
    INSERT INTO appeal_totals (shard) SELECT n FROM s WHERE n NOT IN (SELECT shard FROM appeal_totals);
CREATE TRIGGER appeal_totals_insert AFTER INSERT ON appeals BEGIN
    UPDATE appeal_totals SET
        total_count = total_count + (1),
        open_count = open_count + (CASE WHEN NEW.due_at IS NOT NULL THEN 1 ELSE 0 END),
        escalated_count = escalated_count + (CASE WHEN NEW.due_at IS NOT NULL AND NEW.escalated_at IS NOT NULL THEN 1 ELSE 0 END),
        acknowledged = acknowledged + (CASE WHEN NEW.ack_on_time IS NOT NULL THEN 1 ELSE 0 END),
        acknowledged_on_time = acknowledged_on_time + (CASE WHEN NEW.ack_on_time = 1 THEN 1 ELSE 0 END),
        resolved = resolved + (CASE WHEN NEW.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END),
        resolved_on_time = resolved_on_time + (CASE WHEN NEW.resolved_on_time = 1 THEN 1 ELSE 0 END),
        rated = rated + (CASE WHEN NEW.rating IS NOT NULL THEN 1 ELSE 0 END),
        satisfied = satisfied + (CASE WHEN NEW.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END),
        return_count = return_count + (NEW.returns)
    WHERE shard = NEW.id % 16;
END;
CREATE TRIGGER appeal_totals_update AFTER UPDATE OF due_at, escalated_at, ack_on_time, resolved_on_time, rating, returns ON appeals BEGIN
    UPDATE appeal_totals SET
        total_count = total_count - (1) + (1),
        open_count = open_count - (CASE WHEN OLD.due_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.due_at IS NOT NULL THEN 1 ELSE 0 END),
        escalated_count = escalated_count - (CASE WHEN OLD.due_at IS NOT NULL AND OLD.escalated_at IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.due_at IS NOT NULL AND NEW.escalated_at IS NOT NULL THEN 1 ELSE 0 END),
        acknowledged = acknowledged - (CASE WHEN OLD.ack_on_time IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.ack_on_time IS NOT NULL THEN 1 ELSE 0 END),
        acknowledged_on_time = acknowledged_on_time - (CASE WHEN OLD.ack_on_time = 1 THEN 1 ELSE 0 END) + (CASE WHEN NEW.ack_on_time = 1 THEN 1 ELSE 0 END),
        resolved = resolved - (CASE WHEN OLD.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END),
        resolved_on_time = resolved_on_time - (CASE WHEN OLD.resolved_on_time = 1 THEN 1 ELSE 0 END) + (CASE WHEN NEW.resolved_on_time = 1 THEN 1 ELSE 0 END),
        rated = rated - (CASE WHEN OLD.rating IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN NEW.rating IS NOT NULL THEN 1 ELSE 0 END),
        satisfied = satisfied - (CASE WHEN OLD.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) + (CASE WHEN NEW.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END),
        return_count = return_count - (OLD.returns) + (NEW.returns)
    WHERE shard = NEW.id % 16;
END;
CREATE TRIGGER appeal_totals_delete AFTER DELETE ON appeals BEGIN
    UPDATE appeal_totals SET
        total_count = total_count - (1),
        open_count = open_count - (CASE WHEN OLD.due_at IS NOT NULL THEN 1 ELSE 0 END),
        escalated_count = escalated_count - (CASE WHEN OLD.due_at IS NOT NULL AND OLD.escalated_at IS NOT NULL THEN 1 ELSE 0 END),
        acknowledged = acknowledged - (CASE WHEN OLD.ack_on_time IS NOT NULL THEN 1 ELSE 0 END),
        acknowledged_on_time = acknowledged_on_time - (CASE WHEN OLD.ack_on_time = 1 THEN 1 ELSE 0 END),
        resolved = resolved - (CASE WHEN OLD.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END),
        resolved_on_time = resolved_on_time - (CASE WHEN OLD.resolved_on_time = 1 THEN 1 ELSE 0 END),
        rated = rated - (CASE WHEN OLD.rating IS NOT NULL THEN 1 ELSE 0 END),
        satisfied = satisfied - (CASE WHEN OLD.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END),
        return_count = return_count - (OLD.returns)
    WHERE shard = OLD.id % 16;
END;
