package query

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/conns"
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
	text := "EXPLAIN\n" + sql
	if analyze {
		text = "EXPLAIN ANALYZE\n" + sql
	}
	lim := r.resolve(h.Conn.Options, r.limits.MaxRows, r.limits.MaxBytes, 0)
	if err := r.checkExplain(ctx, h, sql, text, lim.Timeout, entry); err != nil {
		return nil, err
	}
	res, err := h.Source.Query(ctx, text, lim)
	if err != nil {
		return nil, err
	}
	return &Plan{Text: planText(res), Analyze: analyze, Engine: h.Source.Engine(), Elapsed: res.Elapsed}, nil
}

// checkExplain checks the caller's statement (for its syntax errors and
// fingerprint), then guards exactly the EXPLAIN text the database will
// run: EXPLAIN ANALYZE runs its statement, so that must be allowed itself.
func (r *Runner) checkExplain(ctx context.Context, h conns.Handle, sql, text string, timeout time.Duration, entry *store.QueryLogEntry) error {
	if err := r.precheck(sql); err != nil {
		return err
	}
	if source.Engine(h.Conn.Engine) != source.Postgres {
		entry.Fingerprint = sqlparse.Fingerprint(sql)
		return nil
	}
	p := r.parse(sql)
	entry.Fingerprint = p.fingerprint
	if p.err != nil {
		return syntaxRefusal(p.err)
	}
	if st := p.facts.Statements; len(st) == 1 && st[0].Kind == "explain" {
		return fmt.Errorf("%w: pass the statement itself, not EXPLAIN; set analyze to run it", ErrRefused)
	}
	full := r.parse(text)
	if full.err != nil {
		return fmt.Errorf("%w: %s statements cannot be explained; pass a query (SELECT, WITH, VALUES, TABLE) or INSERT, UPDATE, DELETE or MERGE",
			ErrRefused, strings.ToUpper(p.facts.Statements[0].Kind))
	}
	_, err := r.guardPostgres(ctx, h, full.facts, timeout)
	return err
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
