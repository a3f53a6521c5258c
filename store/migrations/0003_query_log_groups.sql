-- 0003: a covering index for QueryGroups (impact analysis): successful
-- entries in (connection, fingerprint) order, with at and id (the rowid) at
-- hand, so grouping the whole log neither sorts nor reads the SQL texts.

CREATE INDEX query_log_groups ON query_log (verdict, connection, fingerprint, at);
