-- Open appeals by their resolve deadline: the count of those past it ("overdue") is read from
-- this index as of any instant, without a pass over every appeal.
CREATE INDEX appeals_open_by_resolve_due ON appeals (resolve_due_at) WHERE due_at IS NOT NULL;
