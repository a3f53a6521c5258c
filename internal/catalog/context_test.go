package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// model builds a snapshot from "table: col, col; pk col; fk col -> table.col"
// specs, for selector tests that need no database.
func model(specs ...string) *Snapshot {
	s := &Snapshot{}
	for _, spec := range specs {
		name, rest, _ := strings.Cut(spec, ":")
		t := TableInfo{Table: Table{Schema: "public", Name: name, Kind: KindTable, RowEstimate: -1},
			PrimaryKey: []string{}, ForeignKeys: []ForeignKey{}}
		for _, part := range strings.Split(rest, ";") {
			part = strings.TrimSpace(part)
			switch {
			case strings.HasPrefix(part, "pk "):
				t.PrimaryKey = strings.Fields(part[3:])
			case strings.HasPrefix(part, "fk "):
				col, ref, _ := strings.Cut(part[3:], "->")
				rt, rc, _ := strings.Cut(strings.TrimSpace(ref), ".")
				t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Columns: []string{strings.TrimSpace(col)},
					RefSchema: "public", RefTable: rt, RefColumns: []string{rc}})
			case part != "":
				for _, c := range strings.Split(part, ",") {
					t.Columns = append(t.Columns, ColumnInfo{Column: Column{Name: strings.TrimSpace(c), Type: "integer"}})
				}
			}
		}
		s.Tables = append(s.Tables, t)
	}
	return s
}

func tableNames(r Result) []string {
	var out []string
	for _, t := range r.Tables {
		out = append(out, t.Name)
	}
	return out
}

// TestContextBudgetNeverExceeded: for many questions and budgets, on the
// demo database (with samples) and a 2,000-table model.
func TestContextBudgetNeverExceeded(t *testing.T) {
	snaps := map[string]*Snapshot{"demo": demoSnapshot(t), "scale": {Tables: scaleModel()}}
	questions := []string{"", "revenue by country", "customers", "x", "Which product categories sell the most units?",
		"failed payments", "delivery time per carrier last year", "ticket sprint release build artifact commit",
		`"Order Items" ünïcödé ß`, strings.Repeat("order customer product ", 50)}
	for name, s := range snaps {
		for _, q := range questions {
			for budget := 0; budget <= 3000; budget += budgetStep(budget) {
				res := Context(s, q, budget)
				if res.Tokens > budget || res.Tokens != Tokens(res.Context) {
					t.Fatalf("%s %q budget %d: %d tokens (text %d)", name, q, budget, res.Tokens, Tokens(res.Context))
				}
				if res.Context == "" && res.Message == "" {
					t.Errorf("%s %q budget %d: empty context without a message", name, q, budget)
				}
				for _, ct := range res.Tables {
					if !strings.Contains(strings.ToLower(res.Context), strings.ToLower(lastPart(ct.Name))) {
						t.Errorf("%s %q budget %d: table %s listed but not in the text", name, q, budget, ct.Name)
					}
				}
			}
		}
	}
}

func budgetStep(b int) int {
	switch {
	case b < 60:
		return 1
	case b < 600:
		return 13
	}
	return 331
}

func lastPart(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[i+1:]
	}
	return name
}

// TestContextBridge: two tables the question names are joined through a
// table it does not name, which comes along.
func TestContextBridge(t *testing.T) {
	s := model(
		"customers: id, name; pk id",
		"purchases_log: id, customer_id, basket_id; pk id; fk customer_id -> customers.id; fk basket_id -> baskets.id",
		"baskets: id, warehouse_id; pk id; fk warehouse_id -> warehouses.id",
		"warehouses: id, city; pk id",
		"unrelated_a: id, foo; pk id",
		"unrelated_b: id, bar; pk id",
	)
	res := Context(s, "customer names per warehouse city", 400)
	got := tableNames(res)
	for _, want := range []string{"customers", "warehouses", "purchases_log", "baskets"} {
		if !slices.Contains(got, want) {
			t.Errorf("tables %v: want %s", got, want)
		}
	}
	if slices.Contains(got[:4], "unrelated_a") {
		t.Errorf("unrelated table before the join path: %v", got)
	}
	if !strings.Contains(res.Context, "FOREIGN KEY (basket_id) REFERENCES baskets(id)") {
		t.Errorf("join key missing:\n%s", res.Context)
	}
}

// TestContextWideTable: a wide table keeps its keys and the relevant
// columns, and says how many were left out.
func TestContextWideTable(t *testing.T) {
	cols := []string{"id", "owner_id"}
	for i := range 80 {
		cols = append(cols, fmt.Sprintf("metric_%02d", i))
	}
	cols = append(cols, "churn_probability")
	s := model("owners: id, label; pk id",
		"wide_facts: "+strings.Join(cols, ", ")+"; pk id; fk owner_id -> owners.id")
	// When the whole table fits, every column is shown.
	res := Context(s, "churn probability of facts", 2000)
	if !strings.Contains(res.Context, "  metric_79 integer") || strings.Contains(res.Context, "more columns not shown") {
		t.Errorf("a wide table that fits should be shown whole:\n%s", res.Context)
	}
	res = Context(s, "churn probability of facts", 300)
	if !strings.Contains(res.Context, "  churn_probability integer") || !strings.Contains(res.Context, "  owner_id integer") {
		t.Errorf("relevant or key column missing:\n%s", res.Context)
	}
	if !regexp.MustCompile(`-- \d+ more columns not shown`).MatchString(res.Context) || !res.Truncated || res.Tokens > 300 {
		t.Errorf("no elision line at a small budget:\n%s", res.Context)
	}
	// A small budget shrinks the table rather than dropping it.
	res = Context(s, "churn probability of facts", 60)
	if len(res.Tables) == 0 || res.Tables[0].Name != "wide_facts" || !strings.Contains(res.Context, "churn_probability") {
		t.Errorf("small budget: %+v", res)
	}
}

func TestContextTinyBudget(t *testing.T) {
	s := model("order_lines: order_id, line, qty; pk order_id line; fk order_id -> orders.id", "orders: id, total; pk id")
	res := Context(s, "quantity per order line", 12)
	if !res.Truncated || res.Message == "" || !strings.Contains(res.Context, "order_lines") || res.Tokens > 12 {
		t.Errorf("budget 12: %+v", res)
	}
	if res.Tables[0].Name != "order_lines" || !slices.Contains(res.Tables[0].Columns, "order_id") {
		t.Errorf("budget 12 table: %+v", res.Tables)
	}
	res = Context(s, "quantity per order line", 1)
	if res.Context != "" || !res.Truncated || !strings.Contains(res.Message, "at least") {
		t.Errorf("budget 1: %+v", res)
	}
}

func TestContextOverview(t *testing.T) {
	s := &Snapshot{Tables: scaleModel()}
	res := Context(s, "", 500)
	if res.OmittedTables == 0 || !res.Truncated || !strings.Contains(res.Context, fmt.Sprintf("of %d tables not shown", scaleTables)) {
		t.Errorf("overview of 2,000 tables in 500 tokens: omitted %d\n%s", res.OmittedTables, res.Context)
	}
	if len(res.Tables)+res.OmittedTables != scaleTables || res.Tokens > 500 {
		t.Errorf("tables %d + omitted %d, tokens %d", len(res.Tables), res.OmittedTables, res.Tokens)
	}
	// Tables with foreign keys come first.
	if first := res.Tables[0].Name; !strings.HasPrefix(strings.Split(res.Context, "\n")[2], QuoteIdent(first)) {
		t.Errorf("first table %s not first in text:\n%s", first, res.Context)
	}
}

// TestContextQuoting: names that need quotes are quoted in the DDL and
// found by the words they hold.
func TestContextQuoting(t *testing.T) {
	s := &Snapshot{Tables: []TableInfo{
		{Table: Table{Schema: "Weird Schema", Name: `Order "Items"`, Kind: KindTable, RowEstimate: -1},
			Columns:    []ColumnInfo{{Column: Column{Name: "Line Nº", Type: "integer"}}, {Column: Column{Name: "Ünïcödé", Type: "text"}}},
			PrimaryKey: []string{"Line Nº"}},
		{Table: Table{Schema: "public", Name: "MixedCase", Kind: KindView, RowEstimate: -1},
			Columns: []ColumnInfo{{Column: Column{Name: "Id", Type: "integer"}}, {Column: Column{Name: "user", Type: "text"}}}},
	}}
	res := Context(s, "ünïcödé of order items", 500)
	for _, want := range []string{`CREATE TABLE "Weird Schema"."Order ""Items""" (`, `  "Line Nº" integer`,
		`PRIMARY KEY ("Line Nº")`, `CREATE VIEW public."MixedCase" (`, `  "user" text`} {
		if !strings.Contains(res.Context, want) {
			t.Errorf("missing %s in:\n%s", want, res.Context)
		}
	}
	if res.Tables[0].Name != `Weird Schema.Order "Items"` || res.Tables[0].Score <= 0 {
		t.Errorf("tables: %+v", res.Tables)
	}
	if !utf8.ValidString(res.Context) {
		t.Error("invalid UTF-8")
	}
}

func TestTermsAndStems(t *testing.T) {
	cases := map[string][]string{
		"orderDate":        {"order", "dat"},
		"CUSTOMER_ID":      {"customer", "id"},
		"created_at":       {"creat", "at"},
		"Creating Entries": {"creat", "entry"},
		"shipped boxes":    {"ship", "box"},
		"HTTPServer2xx":    {"httpserver", "2", "xx"},
		"Ünïcödé Straße":   {"ünïcödé", "straß"},
	}
	for in, want := range cases {
		if got := terms(in); !slices.Equal(got, want) {
			t.Errorf("terms(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestContextTwins: date-sharded tables with the same columns are shown
// once in full and then as LIKE lines, so many fit.
func TestContextTwins(t *testing.T) {
	var specs []string
	for d := 1; d <= 30; d++ {
		specs = append(specs, fmt.Sprintf("events_202401%02d: event_id, user_id, event_name, revenue_usd, device, country; pk event_id", d))
	}
	specs = append(specs, "users: user_id, country; pk user_id")
	s := model(specs...)
	res := Context(s, "event revenue per day in January 2024", 400)
	if len(res.Tables) < 30 || res.Tokens > 400 {
		t.Fatalf("%d tables in %d tokens:\n%s", len(res.Tables), res.Tokens, res.Context)
	}
	if !strings.Contains(res.Context, "\n-- same columns as events_20240101: events_20240102, events_20240103, ") {
		t.Errorf("no LIKE line:\n%s", res.Context)
	}
	for _, ct := range res.Tables {
		if strings.HasPrefix(ct.Name, "events_") && !slices.Contains(ct.Columns, "revenue_usd") {
			t.Errorf("%s columns %v", ct.Name, ct.Columns)
		}
	}
}
