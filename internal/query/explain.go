package query

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
	"github.com/iopsdata/iopsdata/store"
)

// Plan is the outcome of explain_sql.
type Plan struct {
	Text    string
	Analyze bool
	Engine  source.Engine
	Elapsed time.Duration
}

// Explain shows the plan of one statement. With analyze the statement runs
// (inside the read-only transaction), so only queries may be analyzed.
func (r *Runner) Explain(ctx context.Context, connection, sql string, analyze bool) (*Plan, error) {
	start := time.Now()
	entry := store.QueryLogEntry{Connection: connection, Tool: "explain_sql", SQL: sql}
	plan, err := r.explain(ctx, connection, sql, analyze, &entry)
	r.record(ctx, &entry, start, nil, err)
	return plan, err
}

func (r *Runner) explain(ctx context.Context, connection, sql string, analyze bool, entry *store.QueryLogEntry) (*Plan, error) {
	h, err := r.conns.Get(ctx, connection)
	if err != nil {
		return nil, err
	}
	if err := r.check(h.Conn.Engine, sql, entry); err != nil {
		return nil, err
	}
	engine := h.Source.Engine()
	if engine == source.Postgres {
		facts, _ := sqlparse.Parse(sql) // check already parsed it
		switch k := facts.Statements[0].Kind; {
		case k == "explain":
			return nil, fmt.Errorf("%w: pass the statement itself, not EXPLAIN; set analyze to run it", ErrRefused)
		case analyze && k != "select":
			return nil, fmt.Errorf("%w: analyze runs the statement, so only queries (SELECT, WITH, VALUES, TABLE) can be analyzed; this is a %s statement", ErrRefused, k)
		}
	}
	text := "EXPLAIN\n" + sql
	if analyze {
		text = "EXPLAIN ANALYZE\n" + sql
	}
	lim := r.resolve(h.Conn.Options, r.limits.MaxRows, r.limits.MaxBytes, 0)
	res, err := h.Source.Query(ctx, text, lim)
	if err != nil {
		return nil, err
	}
	return &Plan{Text: planText(res), Analyze: analyze, Engine: engine, Elapsed: res.Elapsed}, nil
}

// planText joins the plan rows. PostgreSQL returns one line per row in one
// column; DuckDB returns (explain_key, explain_value) rows.
func planText(res *source.Result) string {
	var sb strings.Builder
	for _, row := range res.Rows {
		if len(row) == 0 {
			continue
		}
		v := row[len(row)-1]
		if s, ok := v.(string); ok {
			sb.WriteString(strings.TrimRight(s, "\n"))
		} else {
			fmt.Fprint(&sb, v)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
