package impact

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/store"
)

// BenchmarkImpact measures an impact question end to end over a full
// query log (100,000 entries, the store's pruning bound): grouping the log
// in the store, then the walk with lineage.Analyze, for a table and for
// one of its columns. The log covers 50 tables.
//
//	go test -run '^$' -bench Impact -benchtime 5x ./internal/impact/
//
// Cases: shapes=2000 is a realistic log (100,000 runs of 2,000 query
// shapes); distinct=100000 has every entry a shape of its own (so 100,000
// groups, 2,000 of them naming the target); distinct-all-target has
// 100,000 distinct shapes that all read the target table, the worst case
// for analysis. groups-ms and walk-ms split the time; table-budget=700ms
// is the table question with Engine.Budget set.
//
// On linux/amd64 (AMD EPYC, 2 shared cores), ms/op (groups + walk):
//
//	shapes=2000          table   27 (22 + 5),   78 analyzed;  column 25
//	distinct=100000      table  380 (230 + 150), 3,720 analyzed; column 365
//	distinct-all-target  table 3,500 (220 + 3,300), 100,000 analyzed; column 3,700
//	                     with Budget 700ms: 1,280, 27,658 analyzed, and a note
func BenchmarkImpact(b *testing.B) {
	for _, bc := range []struct {
		name        string
		shapes      int
		allOnTarget bool
	}{
		{"shapes=2000", 2000, false},
		{"distinct=100000", 100_000, false},
		{"distinct-all-target", 100_000, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := store.Open(b.Context(), store.Options{Home: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			seedBenchLog(b, s, 100_000, bc.shapes, bc.allOnTarget)
			views := benchViews()
			for _, rc := range []struct {
				name   string
				req    Request
				budget time.Duration
			}{
				{"table", Request{Table: "t07", Connection: "sales"}, 0},
				{"column", Request{Table: "t07", Column: "c3", Connection: "sales"}, 0},
				{"table-budget=700ms", Request{Table: "t07", Connection: "sales"}, 700 * time.Millisecond},
			} {
				e := &Engine{Analyze: realAnalyzer("postgres"), DefaultSchema: public, Budget: rc.budget}
				req := rc.req
				b.Run(rc.name, func(b *testing.B) {
					var groupsT, walkT time.Duration
					var last *Result
					for b.Loop() {
						t0 := time.Now()
						gs, err := s.QueryGroups(b.Context(), req.Connection)
						if err != nil {
							b.Fatal(err)
						}
						t1 := time.Now()
						last, err = e.Run(b.Context(), req, Data{Groups: gs, Views: map[string][]catalog.ViewDef{"sales": views}})
						if err != nil {
							b.Fatal(err)
						}
						groupsT += t1.Sub(t0)
						walkT += time.Since(t1)
					}
					n := float64(b.N)
					b.ReportMetric(float64(groupsT.Milliseconds())/n, "groups-ms")
					b.ReportMetric(float64(walkT.Milliseconds())/n, "walk-ms")
					b.ReportMetric(float64(last.Scanned), "scanned")
					b.ReportMetric(float64(last.Analyzed), "analyzed")
					b.ReportMetric(float64(len(last.Dependents)), "dependents")
				})
			}
		})
	}
}

// BenchmarkWalkFake is the walk alone, with an analyzer that costs
// nothing: the engine's own overhead (prefilter, matching, sorting) over
// 100,000 distinct groups.
//
//	go test -run '^$' -bench WalkFake ./internal/impact/
func BenchmarkWalkFake(b *testing.B) {
	var gs []store.QueryGroup
	r := res(st(list("t07"), nil, list("output.c1<-t07.c1"), list("t07.c2")))
	other := res(st(list("t08"), nil, nil, nil))
	for i := range 100_000 {
		sql := benchSQL(i, i, false)
		gs = append(gs, group("sales", fmt.Sprintf("%016x", i), sql, 1))
	}
	e := &Engine{Analyze: func(_ context.Context, _, sql string) (*lineage.Result, error) {
		if containsWord(sql, "t07") {
			return r, nil
		}
		return other, nil
	}, DefaultSchema: public}
	for b.Loop() {
		if _, err := e.Run(b.Context(), Request{Table: "t07"}, Data{Groups: gs}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSQL is entry i of the log, of shape shape: one of a few query
// forms over tables t00..t49 with columns id, c1..c8.
func benchSQL(i, shape int, onTarget bool) string {
	a, c := shape%50, (shape/50)%50
	if onTarget {
		a = 7
	}
	k := shape / 2500 // makes shapes distinct beyond the table pair
	switch shape % 5 {
	case 0:
		return fmt.Sprintf("SELECT c1, c2, sum(c3) AS s%d FROM t%02d WHERE c4 > %d AND created_at > now() - interval '%d days' GROUP BY c1, c2 ORDER BY 3 DESC LIMIT 100", k, a, i%1000, i%30)
	case 1:
		return fmt.Sprintf("SELECT x.id, x.c3, y.c5 AS y%d FROM t%02d x JOIN t%02d y ON y.id = x.c1 WHERE x.c2 = 'v%d'", k, a, c, i%100)
	case 2:
		return fmt.Sprintf("WITH r AS (SELECT c1, count(*) AS n%d FROM t%02d WHERE c6 IS NOT NULL GROUP BY c1) SELECT r.c1, r.n%d, z.c8 FROM r JOIN t%02d z ON z.id = r.c1 WHERE z.c7 < %d", k, a, k, c, i%500)
	case 3:
		return fmt.Sprintf("INSERT INTO agg_%02d_%d (c1, total) SELECT c1, sum(c3) FROM t%02d WHERE c2 <> 'x%d' GROUP BY c1", c, k, a, i%10)
	default:
		return fmt.Sprintf("SELECT id, c1, c2, c3, c4, c5 AS e%d FROM t%02d WHERE id = %d", k, a, i)
	}
}

// seedBenchLog logs n successful entries over the given number of shapes
// (fingerprints) on connection "sales".
func seedBenchLog(b *testing.B, s *store.Store, n, shapes int, onTarget bool) {
	b.Helper()
	ctx := context.Background()
	start := time.Now().Add(-time.Duration(n) * time.Second)
	for i := range n {
		shape := (i * 7919) % shapes
		if err := s.LogQuery(ctx, store.QueryLogEntry{At: start.Add(time.Duration(i) * time.Second), Connection: "sales",
			Tool: "execute_sql", SQL: benchSQL(i, shape, onTarget), Fingerprint: fmt.Sprintf("%016x", shape), Verdict: "ok", Rows: 1}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.QueryHistory(ctx, store.HistoryFilter{Limit: 1}); err != nil { // flushes
		b.Fatal(err)
	}
}

// benchViews: 20 views over the 50 tables, two on t07 and one on a view.
func benchViews() []catalog.ViewDef {
	var vs []catalog.ViewDef
	for i := range 20 {
		t := fmt.Sprintf("t%02d", (i*3)%50)
		if i < 2 {
			t = "t07"
		}
		name := fmt.Sprintf("v%02d", i)
		vs = append(vs, view("public", name, fmt.Sprintf("CREATE VIEW public.%s AS SELECT id, c3 AS m, c4 FROM %s WHERE c5 > 0", name, t)))
	}
	vs = append(vs, view("public", "v_top", "CREATE VIEW public.v_top AS SELECT id, m FROM v00 ORDER BY m DESC LIMIT 10"))
	return vs
}
