package lineage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// duckRoles are one-letter role names for dumps.
var duckRoles = map[relq.Role]string{
	relq.Identity: "I", relq.Transformation: "T", relq.Aggregation: "A", relq.Conditional: "C",
	relq.Window: "W", relq.Filter: "F", relq.Join: "J", relq.GroupBy: "G", relq.Sort: "S",
}

// dumpDuckQuery renders q compactly:
//
//	select <targets> from <from items> filter <filters>
//
// a target is name=refs; a ref is name:role; * targets are *, q.*,
// *-(excluded) +(replacements) ~pattern.
func dumpDuckQuery(q *relq.Query) string {
	if q == nil {
		return "<nil>"
	}
	var b strings.Builder
	if q.With != nil {
		b.WriteString("with ")
		if q.With.Recursive {
			b.WriteString("recursive ")
		}
		for i, c := range q.With.CTEs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Name)
			if len(c.Columns) > 0 {
				fmt.Fprintf(&b, "(%s)", strings.Join(c.Columns, ","))
			}
			fmt.Fprintf(&b, " as (%s)", dumpDuckQuery(c.Query))
		}
		b.WriteString(" ")
	}
	if q.Op != relq.NoSetOp {
		op := map[relq.SetOp]string{relq.Union: "union", relq.Intersect: "intersect", relq.Except: "except"}[q.Op]
		fmt.Fprintf(&b, "(%s) %s (%s)", dumpDuckQuery(q.Left), op, dumpDuckQuery(q.Right))
		return b.String()
	}
	if q.Values != nil {
		b.WriteString("values")
		for _, row := range q.Values {
			var cells []string
			for _, e := range row {
				cells = append(cells, dumpDuckExpr(e))
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(cells, ", "))
		}
		return b.String()
	}
	b.WriteString("select ")
	var ts []string
	for _, t := range q.Targets {
		ts = append(ts, dumpDuckTarget(t))
	}
	b.WriteString(strings.Join(ts, ", "))
	if len(q.From) > 0 {
		var fs []string
		for _, f := range q.From {
			fs = append(fs, dumpDuckFrom(f))
		}
		b.WriteString(" from " + strings.Join(fs, ", "))
	}
	if len(q.Filters) > 0 {
		var fs []string
		for _, f := range q.Filters {
			fs = append(fs, dumpDuckExpr(f))
		}
		b.WriteString(" filter " + strings.Join(fs, " ; "))
	}
	return b.String()
}

func dumpDuckTarget(t relq.Target) string {
	if !t.Star {
		return t.Name + "=" + dumpDuckExpr(t.Expr)
	}
	s := "*"
	if len(t.Qualifier) > 0 {
		s = t.Qualifier.String() + ".*"
	}
	if len(t.Exclude) > 0 {
		s += "-(" + strings.Join(t.Exclude, ",") + ")"
	}
	if len(t.Replace) > 0 {
		var rs []string
		for _, r := range t.Replace {
			rs = append(rs, dumpDuckTarget(r))
		}
		s += "+(" + strings.Join(rs, ",") + ")"
	}
	if t.Pattern != "" {
		s += "~" + t.Pattern
	}
	return s
}

func dumpDuckExpr(e relq.Expr) string {
	var parts []string
	for _, r := range e.Refs {
		n := r.Name.String()
		if r.Star {
			if n == "" {
				n = "*"
			} else {
				n += ".*"
			}
		}
		parts = append(parts, n+":"+duckRoles[r.Role])
	}
	for _, s := range e.Subs {
		kind := map[relq.SubKind]string{relq.SubScalar: "scalar", relq.SubArray: "array", relq.SubExists: "exists"}[s.Kind]
		parts = append(parts, fmt.Sprintf("%s:%s{%s}", kind, duckRoles[s.Role], dumpDuckQuery(s.Query)))
	}
	for _, w := range e.Windows {
		parts = append(parts, "window "+w)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func dumpDuckFrom(f *relq.From) string {
	var s string
	switch f.Kind {
	case relq.FromTable:
		s = f.Table.String()
	case relq.FromSubquery:
		s = "(" + dumpDuckQuery(f.Query) + ")"
	case relq.FromFunction:
		var args []string
		for _, a := range f.Args {
			args = append(args, dumpDuckExpr(a))
		}
		s = strings.Join(f.Funcs, "+") + "(" + strings.Join(args, ",") + ")"
	case relq.FromJoin:
		s = "{" + dumpDuckFrom(f.Left) + " " + f.JoinType
		if f.Natural {
			s += " natural"
		}
		s += " join " + dumpDuckFrom(f.Right)
		if len(f.Using) > 0 {
			s += " using(" + strings.Join(f.Using, ",") + ")"
		}
		if !f.On.Empty() {
			s += " on " + dumpDuckExpr(f.On)
		}
		return s + "}"
	}
	if f.Lateral {
		s = "lateral " + s
	}
	if f.Alias != "" {
		s += " as " + f.Alias
	}
	if len(f.ColAliases) > 0 {
		s += "(" + strings.Join(f.ColAliases, ",") + ")"
	}
	return s
}

func TestDuckParse(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, sql, want string
	}{
		{"exclude", `SELECT * EXCLUDE (a) FROM t`,
			`select *-(a) from t`},
		{"replace", `SELECT * REPLACE (a+1 AS a) FROM t`,
			`select *+(a=[a:T]) from t`},
		{"qualified star exclude", `SELECT t.* EXCLUDE (t.a, b), u.* FROM t, u`,
			`select t.*-(b,a), u.* from {t cross join u}`},
		{"from first", `FROM t SELECT a, b AS c`,
			`select a=[a:I], c=[b:I] from t`},
		{"from only", `FROM main.t`,
			`select * from main.t`},
		{"derived names", `SELECT a+1, upper(b), s.x.y, "My Col" * 2, CAST(c AS INT), count(*) FROM cat.sch.t AS x(p, q)`,
			`select (a + 1)=[a:T], upper(b)=[b:T], y=[s.x.y:I], ("My Col" * 2)=[My Col:T], CAST(c AS INTEGER)=[c:T], count_star()=[] from cat.sch.t as x(p,q)`},
		{"group by all", `SELECT a, sum(b) FROM t GROUP BY ALL`,
			`select a=[a:I], sum(b)=[b:A] from t`},
		{"aggregate forms", `SELECT sum(a) FILTER (WHERE b > 0) AS s, count(DISTINCT c) AS n, first(d ORDER BY e) AS f, string_agg(g, ',') AS h FROM t GROUP BY k HAVING max(m) > 1`,
			`select s=[a:A b:C], n=[c:A], f=[d:A e:A], h=[g:A] from t filter [k:G] ; [m:F]`},
		{"order by all", `SELECT a, b + 1 AS c FROM t ORDER BY ALL LIMIT 10`,
			`select a=[a:I], c=[b:T] from t filter [a:S b:S]`},
		{"qualify", `SELECT a, b FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1`,
			`select a=[a:I], b=[b:I] from t filter [a:F b:F]`},
		{"windows", `SELECT sum(b) OVER (PARTITION BY a ORDER BY c) AS s, lag(d, 1, e) OVER w AS l FROM t WINDOW w AS (PARTITION BY f)`,
			`select s=[b:A a:W c:W], l=[d:T f:W e:T] from t`},
		{"columns regex", `SELECT COLUMNS('x.*'), COLUMNS(['a', 'b.c']), * LIKE 'a%', * ILIKE 'B_' FROM t`,
			`select *~x.*, *~^(?:a|b\.c)$, *~^(?s:a.*)$, *~(?i)^(?s:B.)$ from t`},
		{"list and struct literals", `SELECT [a, b + 1] AS l, {'k': c, 'j': [d]} AS s, MAP {'x': e} AS m FROM t`,
			`select l=[a:T b:T], s=[c:T d:T], m=[e:T] from t`},
		{"struct access", `SELECT s.a.b, (s).a AS x, s['k'] AS y, struct_extract(s, 'z') AS z, l[1:2] AS w FROM t`,
			`select b=[s.a.b:I], x=[s:T], y=[s:T], z=[s:T], w=[l:T] from t`},
		{"table function", `SELECT t.x FROM read_parquet('f.parquet') t`,
			`select x=[t.x:I] from read_parquet([]) as t`},
		{"table function named parameters", `SELECT * FROM read_csv('f.csv', header = true, sep := ',', columns = {'a': 'INT'})`,
			`select * from read_csv([],[],[],[])`},
		{"table functions lateral", `SELECT i, v FROM range(10) r(i), unnest(a.l) u(v)`,
			`select i=[i:I], v=[v:I] from {range([]) as r(i) cross join lateral unnest([a.l:T]) as u(v)}`},
		{"replacement scan", `SELECT * FROM 'data/f.csv'`,
			`select * from data/f.csv`},
		{"sample", `SELECT a FROM t USING SAMPLE 10%`,
			`select a=[a:I] from t`},
		{"joins", `SELECT a.x, b.y FROM a JOIN b USING (k) LEFT JOIN c ON a.x = c.x FULL JOIN d ON d.z > 0 NATURAL JOIN e`,
			`select x=[a.x:I], y=[b.y:I] from {{{{a inner join b using(k)} left join c on [a.x:J c.x:J]} full join d on [d.z:J]} inner natural join e}`},
		{"positional join", `SELECT * FROM a POSITIONAL JOIN b`,
			`select * from {a positional join b}`},
		{"asof join", `SELECT a.v, b.w FROM a ASOF JOIN b ON a.id = b.id AND a.t >= b.t`,
			`select v=[a.v:I], w=[b.w:I] from {a asof join b on [a.id:J b.id:J a.t:J b.t:J]}`},
		{"semi join", `SELECT a.x FROM a SEMI JOIN b ON a.k = b.k`,
			`select x=[a.x:I] from a filter [exists:J{select  from b filter [a.k:J b.k:J]}]`},
		{"cte", `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), m AS MATERIALIZED (SELECT x FROM t) SELECT n, x FROM r, m`,
			`with recursive r(n) as ((select 1=[]) union (select (n + 1)=[n:T] from r filter [n:F])), m as (select x=[x:I] from t) select n=[n:I], x=[x:I] from {r cross join m}`},
		{"set ops", `SELECT a FROM t UNION BY NAME SELECT b FROM u EXCEPT SELECT c FROM v`,
			`((select a=[a:I] from t) union (select b=[b:I] from u)) except (select c=[c:I] from v)`},
		{"lambda", `SELECT list_transform(l, x -> x + y) AS a, list_reduce(l, (acc, v) -> acc + v + w) AS b, [x + 1 for x in l if x > z] AS c FROM t`,
			`select a=[l:T y:T], b=[l:T w:T], c=[l:T z:T] from t`},
		{"json arrow is no lambda", `SELECT j->'y' AS a, j->>'y' AS b, length(j->'$.z') AS c, list_filter(l, lambda e: e > k) AS d FROM t`,
			`select a=[j:T], b=[j:T], c=[j:T], d=[l:T k:T] from t`},
		{"case", `SELECT CASE WHEN a > 1 THEN b ELSE c END AS x, sum(CASE WHEN d THEN e END) AS y FROM t`,
			`select x=[a:C b:T c:T], y=[d:C e:A] from t`},
		{"scalar subquery", `SELECT (SELECT max(x) FROM u WHERE u.k = t.k) AS m, ARRAY(SELECT y FROM v) AS duckArr FROM t`,
			`select m=[scalar:I{select max(x)=[x:A] from u filter [u.k:F t.k:F]}], duckArr=[array:I{select y=[y:I] from v}] from t`},
		{"exists and in", `SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k) AND b IN (SELECT c FROM v) AND NOT EXISTS (FROM w)`,
			`select a=[a:I] from t filter [b:F exists:F{select 1=[] from u filter [u.k:F t.k:F]} exists:F{select c=[c:I] from v} exists:F{select * from w}]`},
		{"distinct on", `SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b DESC LIMIT 5 OFFSET 2`,
			`select a=[a:I], b=[b:I] from t filter [a:G] ; [a:S] ; [b:S]`},
		{"values", `SELECT * FROM (VALUES (1, 'x'), (2, 'y')) v(id, name)`,
			`select * from (values ([], []) ([], [])) as v(id,name)`},
		{"subquery in from", `SELECT s.a FROM (SELECT a FROM t) s`,
			`select a=[s.a:I] from (select a=[a:I] from t) as s`},
		{"parameters and constants", `SELECT $1 AS p, 42 AS c, 'x' AS s, a FROM t WHERE b = ?`,
			`select p=[], c=[], s=[], a=[a:I] from t filter [b:F]`},
		{"between collate in", `SELECT a BETWEEN b AND c AS x, d COLLATE nocase AS y, e IN (1, f) AS z, TRY_CAST(g AS INT) AS w FROM t`,
			`select x=[a:T b:T c:T], y=[d:T], z=[e:T f:T], w=[g:T] from t`},
		{"star in expressions", `SELECT hash(t.*, a) AS h, count(*) AS n FROM t WHERE COLUMNS(*) IS NOT NULL`,
			`select h=[t.*:T a:T], n=[] from t filter [*:F]`},
		{"pivot", `SELECT * FROM t PIVOT (sum(v) FOR y IN (2020, 2021 AS b) GROUP BY k) AS p`,
			`select * from (select k=[k:I], 2020=[v:A y:C], b=[v:A y:C] from t filter [k:G]) as p`},
		{"pivot names", `PIVOT t ON y IN (1, 2) USING sum(v) AS s, max(w)`,
			`select * from (select *-(v,w,y), 1_s=[v:A y:C], 1_max(w)=[w:A y:C], 2_s=[v:A y:C], 2_max(w)=[w:A y:C] from t)`},
		{"unpivot", `FROM t UNPIVOT ((v1, v2) FOR name IN ((a, b) AS x, (c, d) AS y)) u`,
			`select * from (select *-(a,b,c,d), name=[], v1=[a:I c:I], v2=[b:I d:I] from t) as u`},
		{"unpivot statement", `UNPIVOT t ON a, b INTO NAME n VALUE v`,
			`select * from (select *-(a,b), n=[], v=[a:I b:I] from t)`},
		{"case sensitivity", `SELECT "Id", Name FROM "MyTable"`,
			`select Id=[Id:I], Name=[Name:I] from MyTable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts, err := duckParse(ctx, tt.sql)
			if err != nil {
				t.Fatalf("duckParse(%q): %v", tt.sql, err)
			}
			if len(stmts) != 1 {
				t.Fatalf("got %d statements, want 1", len(stmts))
			}
			st := stmts[0]
			if st.Kind != "select" || st.Text != tt.sql {
				t.Errorf("Kind %q Text %q, want select and the SQL", st.Kind, st.Text)
			}
			if got := dumpDuckQuery(st.Query); got != tt.want {
				t.Errorf("%s\n got: %s\nwant: %s", tt.sql, got, tt.want)
			}
		})
	}
}

func TestDuckParseScript(t *testing.T) {
	stmts, err := duckParse(context.Background(), "SELECT a FROM t; FROM u SELECT b + 1")
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 {
		t.Fatalf("got %d statements, want 2", len(stmts))
	}
	if stmts[0].Text != "SELECT a FROM t" || stmts[1].Text != "SELECT (b + 1) FROM u" {
		t.Errorf("texts %q, %q", stmts[0].Text, stmts[1].Text)
	}
	if got := dumpDuckQuery(stmts[1].Query); got != "select (b + 1)=[b:T] from u" {
		t.Errorf("second statement: %s", got)
	}
}

func TestDuckParseNoLineage(t *testing.T) {
	for sql, kind := range map[string]string{"DESCRIBE t": "describe", "SUMMARIZE t": "summarize", "SHOW TABLES": "show"} {
		stmts, err := duckParse(context.Background(), sql)
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		if len(stmts) != 1 || stmts[0].Kind != kind || stmts[0].Query != nil {
			t.Errorf("%s: got %+v, want one %q statement without a query", sql, stmts, kind)
		}
	}
}

func TestDuckParseErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"INSERT INTO t SELECT 1", "only SELECT queries in DuckDB syntax can be analyzed"},
		{"CREATE TABLE x AS FROM t", "only SELECT queries in DuckDB syntax can be analyzed"},
		{"PIVOT t ON y USING sum(v)", "PIVOT without an IN list"},
		{"SELECT * FROM t PIVOT (sum(v) FOR y IN (DATE '2020-01-01'))", "PIVOT IN value of type date"},
		{"UNPIVOT t ON COLUMNS(* EXCLUDE (k)) INTO NAME n VALUE v", "PIVOT/UNPIVOT IN lists"},
		{"SELEC 1 FROM", `DuckDB cannot parse this SQL either: syntax error at or near "SELEC"`},
		{"SELECT * RENAME (a AS b) FROM t", "RENAME"},
		{"SELECT COLUMNS(c -> c LIKE 'a%') FROM t", "COLUMNS(...) with a lambda"},
		{"SELECT max(COLUMNS(*)) FROM t", "COLUMNS(...) or * inside an expression"},
		{"SELECT * NOT LIKE 'a%' FROM t", "NOT LIKE"},
		{"SELECT #1 FROM t", "positional column references"},
	}
	for _, tt := range tests {
		_, err := duckParse(context.Background(), tt.sql)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("duckParse(%q) = %v, want error containing %q", tt.sql, err, tt.want)
		}
	}
}

func TestDuckParserLockedDown(t *testing.T) {
	ctx := context.Background()
	if _, err := duckParse(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	db := duckShared.p.db
	if _, err := db.ExecContext(ctx, "SET enable_external_access=true"); err == nil {
		t.Error("configuration can be changed")
	}
	if _, err := db.ExecContext(ctx, "SELECT * FROM read_csv('/etc/hostname')"); err == nil {
		t.Error("external access is enabled")
	}
}

func TestDuckParseConcurrent(t *testing.T) {
	queries := []string{
		"SELECT * EXCLUDE (a) FROM t",
		"FROM t SELECT a + 1, b",
		"SELECT a, sum(b) FROM t GROUP BY ALL ORDER BY ALL",
		"SELECT x FROM read_parquet('f.parquet') WHERE y > 1",
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		stmts, err := duckParse(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = dumpDuckQuery(stmts[0].Query)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*20)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				k := (g + i) % len(queries)
				stmts, err := duckParse(context.Background(), queries[k])
				if err != nil {
					errs <- err
					return
				}
				if got := dumpDuckQuery(stmts[0].Query); got != want[k] {
					errs <- fmt.Errorf("%s: got %s, want %s", queries[k], got, want[k])
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkDuckParse(b *testing.B) {
	ctx := context.Background()
	for _, sql := range []string{
		"SELECT a, t.b AS c FROM t JOIN u USING (k) WHERE x > 1",
		"SELECT a, sum(b) + 1, upper(c) FROM t GROUP BY ALL",
	} {
		b.Run(sql[:20], func(b *testing.B) {
			for b.Loop() {
				if _, err := duckParse(ctx, sql); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
