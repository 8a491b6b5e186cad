-- The open appeals' resolve-deadline index (0013) is kept by status, not by `due_at`: the
-- sweep rewrites `due_at` of every appeal it hands over or escalates, and an index whose
-- condition names a column the update sets is rewritten with it — two B-tree changes per
-- appeal for an entry whose key, `resolve_due_at`, the sweep never moves. The open statuses
-- are exactly those with a running deadline (`AppealStatus::is_open`).
DROP INDEX appeals_open_by_resolve_due;
CREATE INDEX appeals_open_by_resolve_due ON appeals (resolve_due_at)
    WHERE status IN ('submitted', 'acknowledged', 'reopened');
