package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// QueryGroup is one shape of successful query in the query log: the
// entries sharing a fingerprint (or, without one, the exact SQL text).
type QueryGroup struct {
	Connection  string
	Fingerprint string // "" when the SQL did not parse: then the group is one exact text
	SQL         string // the most recent text of the group
	Count       int
	FirstSeen   time.Time
	LastSeen    time.Time
}

// queryGroupsSQL groups the successful entries in two halves, so that the
// fingerprinted half (nearly all rows) is aggregated in the order of the
// query_log_groups index (migration 0003), without a sort and without
// reading the SQL text of every row. The text of each group is then read
// from its newest row, in row id order: with 100,000 distinct groups,
// fetching them in group order jumps around a table larger than SQLite's
// page cache and took three times as long. %[1]s is the connection filter.
const queryGroupsSQL = `
WITH g AS MATERIALIZED (
  SELECT connection, fingerprint, count(*) AS n, min(at) AS first_at, max(at) AS last_at, max(id) AS last_id
  FROM query_log
  WHERE verdict = 'ok' AND fingerprint <> ''%[1]s
  GROUP BY connection, fingerprint
  UNION ALL
  SELECT connection, '', count(*), min(at), max(at), max(id)
  FROM query_log
  WHERE verdict = 'ok' AND fingerprint = ''%[1]s
  GROUP BY connection, sql
  ORDER BY last_id
)
SELECT g.connection, g.fingerprint, q.sql, g.n, g.first_at, g.last_at
FROM g CROSS JOIN query_log q ON q.id = g.last_id`

// QueryGroups returns the successful (verdict "ok") entries of the query
// log of one connection ("" = every connection) grouped by fingerprint,
// entries without a fingerprint by exact SQL text, the group with the
// newest entry first. The log holds at most the newest 100,000 rows (see
// pruneLog), so this is bounded; it is one query, which reads the SQL text
// only of each group's newest row. It flushes the log writer first.
func (s *Store) QueryGroups(ctx context.Context, connection string) ([]QueryGroup, error) {
	if err := s.flushLog(ctx); err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	filter, args := "", []any{}
	if connection != "" {
		filter = ` AND connection = ?`
		args = append(args, connection, connection)
	}
	rows, err := s.rdb.QueryContext(ctx, fmt.Sprintf(queryGroupsSQL, filter), args...)
	if err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	defer rows.Close()
	var out []QueryGroup
	for rows.Next() {
		var (
			g           QueryGroup
			first, last int64
		)
		if err := rows.Scan(&g.Connection, &g.Fingerprint, &g.SQL, &g.Count, &first, &last); err != nil {
			return nil, fmt.Errorf("query groups: %w", err)
		}
		g.FirstSeen, g.LastSeen = time.UnixMicro(first).UTC(), time.UnixMicro(last).UTC()
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query groups: %w", err)
	}
	slices.Reverse(out) // newest first
	return out, nil
}
