-- Enterprise appeals (M5): the working-day calendar, task forces (工作专班), officials'
-- absences, appeal categories, appeals and their timeline.

-- The dates that break the weekly rule: holidays, and 调休 workdays at a weekend.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE task_forces (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    leader_id {{int}} NOT NULL REFERENCES users (id),
    description TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE task_force_members (
    task_force_id {{int}} NOT NULL REFERENCES task_forces (id) ON DELETE CASCADE,
    user_id {{int}} NOT NULL REFERENCES users (id),
    PRIMARY KEY (task_force_id, user_id)
);
CREATE INDEX task_force_members_by_user ON task_force_members (user_id);
ALTER TABLE enterprises ADD COLUMN task_force_id {{int}} REFERENCES task_forces (id);

-- An official away from..to (dates, inclusive).
CREATE TABLE absences (
    id {{id}},
    user_id {{int}} NOT NULL REFERENCES users (id),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (from_date <= to_date)
);
CREATE INDEX absences_by_user ON absences (user_id, to_date);

CREATE TABLE appeal_categories (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    resolve_working_days {{int}} NOT NULL CHECK (resolve_working_days BETWEEN 1 AND 125),
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO appeal_categories (key, name, resolve_working_days, created_at, updated_at) VALUES
    ('land', '用地', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('approvals', '审批', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('finance', '融资', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('labour', '用工', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('utilities', '水电气暖', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('policy', '政策', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('other', '其他', 5, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00'),
    ('urgent', '马上办', 1, '2026-11-30T00:00:00.000000+08:00', '2026-11-30T00:00:00.000000+08:00');

-- An appeal carries what the rules need (B and the task force leader as they were at
-- submission, the category's resolve time) and two derived instants kept with every write:
-- due_at, the handler's current deadline while it is open (the inbox's order), and
-- next_due_at, when the sweep next has something to do (so a sweep reads only due appeals).
CREATE TABLE appeals (
    id {{id}},
    enterprise_id {{int}} NOT NULL REFERENCES enterprises (id),
    project_id {{int}} REFERENCES projects (id),
    category TEXT NOT NULL REFERENCES appeal_categories (key),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'acknowledged', 'resolved', 'closed', 'reopened')),
    handler_id {{int}} REFERENCES users (id),
    handler_role TEXT NOT NULL CHECK (handler_role IN ('A', 'B', 'assigned', 'escalated')),
    b_official_id {{int}} REFERENCES users (id),
    task_force_leader_id {{int}} REFERENCES users (id),
    resolve_working_days {{int}} NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by {{int}} REFERENCES users (id),
    ack_due_at TEXT,
    resolve_due_at TEXT NOT NULL,
    due_at TEXT,
    next_due_at TEXT,
    overdue {{int}} NOT NULL DEFAULT 0, -- a boolean: the resolve deadline's passing is recorded
    escalated_at TEXT,
    acknowledged_at TEXT,
    ack_on_time {{int}}, -- a boolean, set at the first acknowledgement
    resolved_at TEXT,
    resolved_by {{int}} REFERENCES users (id),
    resolution TEXT,
    resolved_on_time {{int}}, -- a boolean, set at the first resolution
    rating TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    rating_comment TEXT,
    rated_at TEXT,
    returns {{int}} NOT NULL DEFAULT 0,
    reopens {{int}} NOT NULL DEFAULT 0,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX appeals_inbox ON appeals (handler_id, due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX appeals_sweep ON appeals (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX appeals_by_enterprise ON appeals (enterprise_id, id);
CREATE INDEX appeals_by_status ON appeals (status, id);
CREATE INDEX appeals_supervised ON appeals (escalated_at, id) WHERE escalated_at IS NOT NULL;
CREATE INDEX appeals_by_submitted ON appeals (submitted_at);

CREATE TABLE appeal_events (
    id {{id}},
    appeal_id {{int}} NOT NULL REFERENCES appeals (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_id {{int}} REFERENCES users (id),
    handler_id {{int}} REFERENCES users (id),
    reason TEXT,
    detail TEXT
);
CREATE INDEX appeal_events_by_appeal ON appeal_events (appeal_id, at, id);

INSERT INTO data_versions (name) VALUES ('calendar_days'), ('task_forces'), ('absences'), ('appeal_categories'), ('appeals');
INSERT INTO data_versions (name) VALUES ('task_force_members');
-- on postgres:
CREATE TRIGGER calendar_days_version AFTER INSERT OR UPDATE OR DELETE ON calendar_days FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER task_forces_version AFTER INSERT OR UPDATE OR DELETE ON task_forces FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER task_force_members_version AFTER INSERT OR UPDATE OR DELETE ON task_force_members FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER absences_version AFTER INSERT OR UPDATE OR DELETE ON absences FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER appeal_categories_version AFTER INSERT OR UPDATE OR DELETE ON appeal_categories FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
CREATE TRIGGER appeals_version AFTER INSERT OR UPDATE OR DELETE ON appeals FOR EACH STATEMENT EXECUTE FUNCTION feidi_bump_version();
-- on sqlite:
CREATE TRIGGER calendar_days_version_insert AFTER INSERT ON calendar_days BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'calendar_days';
END;
CREATE TRIGGER calendar_days_version_update AFTER UPDATE ON calendar_days BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'calendar_days';
END;
CREATE TRIGGER calendar_days_version_delete AFTER DELETE ON calendar_days BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'calendar_days';
END;
CREATE TRIGGER task_forces_version_insert AFTER INSERT ON task_forces BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'task_forces';
END;
CREATE TRIGGER task_forces_version_update AFTER UPDATE ON task_forces BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'task_forces';
END;
CREATE TRIGGER task_forces_version_delete AFTER DELETE ON task_forces BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'task_forces';
END;
CREATE TRIGGER task_force_members_version_insert AFTER INSERT ON task_force_members BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'task_force_members';
END;
CREATE TRIGGER task_force_members_version_update AFTER UPDATE ON task_force_members BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'task_force_members';
END;
CREATE TRIGGER task_force_members_version_delete AFTER DELETE ON task_force_members BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'task_force_members';
END;
CREATE TRIGGER absences_version_insert AFTER INSERT ON absences BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'absences';
END;
CREATE TRIGGER absences_version_update AFTER UPDATE ON absences BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'absences';
END;
CREATE TRIGGER absences_version_delete AFTER DELETE ON absences BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'absences';
END;
CREATE TRIGGER appeal_categories_version_insert AFTER INSERT ON appeal_categories BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'appeal_categories';
END;
CREATE TRIGGER appeal_categories_version_update AFTER UPDATE ON appeal_categories BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'appeal_categories';
END;
CREATE TRIGGER appeal_categories_version_delete AFTER DELETE ON appeal_categories BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'appeal_categories';
END;
CREATE TRIGGER appeals_version_insert AFTER INSERT ON appeals BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'appeals';
END;
CREATE TRIGGER appeals_version_update AFTER UPDATE ON appeals BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'appeals';
END;
CREATE TRIGGER appeals_version_delete AFTER DELETE ON appeals BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'appeals';
END;
