package catalog

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/testutil"
)

// A synthetic database of the size: 2,000 tables of 11 columns
// (22,000) and 666 foreign keys, with words from a small business
// vocabulary so that questions have something to match.
const (
	scaleTables = 2000
	scaleFKs    = 666
)

var scaleNouns = strings.Fields(`customer order product invoice payment shipment supplier employee
	store region campaign account ticket contract asset vehicle patient visit claim policy
	course student teacher grade room booking flight airport carrier route sensor reading device
	firmware alert incident team project task sprint release build artifact repo commit`)

var scaleAttrs = strings.Fields(`name status amount price total created_at updated_at code category
	description quantity country city email phone rating score due_date start_date end_date level
	balance currency weight color size notes priority owner source channel discount tax`)

// scaleModel returns the synthetic tables: name, columns, and the table
// each foreign key points to (or -1).
func scaleModel() []TableInfo {
	r := rand.New(rand.NewPCG(1, 2))
	tables := make([]TableInfo, scaleTables)
	for i := range tables {
		noun := scaleNouns[i%len(scaleNouns)]
		name := fmt.Sprintf("%s_%s_%04d", noun, scaleNouns[(i/len(scaleNouns))%len(scaleNouns)], i)
		t := TableInfo{Table: Table{Schema: "public", Name: name, Kind: KindTable, RowEstimate: -1,
			Comment: "Records of " + noun + "s"}, PrimaryKey: []string{"id"}, ForeignKeys: []ForeignKey{}}
		t.Columns = append(t.Columns, ColumnInfo{Column: Column{Name: "id", Type: "integer", PrimaryKey: true}})
		attrs := slices.Clone(scaleAttrs)
		r.Shuffle(len(attrs), func(a, b int) { attrs[a], attrs[b] = attrs[b], attrs[a] })
		for _, a := range attrs[:10] {
			t.Columns = append(t.Columns, ColumnInfo{Column: Column{Name: a, Type: "text", Nullable: true}})
		}
		tables[i] = t
	}
	for k := range scaleFKs { // table 3k+1 points to table 3k
		i, j := 3*k+1, 3*k
		col := &tables[i].Columns[10]
		col.Name, col.Type = "ref_"+tables[j].Name[:min(len(tables[j].Name), 50)], "integer"
		tables[i].ForeignKeys = append(tables[i].ForeignKeys, ForeignKey{Name: fmt.Sprintf("fk_%d", k),
			Columns: []string{col.Name}, RefSchema: "public", RefTable: tables[j].Name, RefColumns: []string{"id"}})
	}
	return tables
}

// scaleDDL is scaleModel as PostgreSQL DDL.
func scaleDDL(tables []TableInfo) string {
	var b strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&b, "CREATE TABLE %s (", QuoteIdent(t.Name))
		for j, c := range t.Columns {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteIdent(c.Name) + " " + c.Type)
			if c.PrimaryKey {
				b.WriteString(" PRIMARY KEY")
			}
		}
		b.WriteString(");\n")
		fmt.Fprintf(&b, "COMMENT ON TABLE %s IS '%s';\n", QuoteIdent(t.Name), t.Comment)
	}
	for _, t := range tables {
		for _, fk := range t.ForeignKeys {
			fmt.Fprintf(&b, "ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s (id);\n",
				QuoteIdent(t.Name), identList(fk.Columns), QuoteIdent(fk.RefTable))
		}
	}
	return b.String()
}

// BenchmarkSnapshot2000 reads the catalog of a 2,000-table PostgreSQL
// database cold (no cache) and reports the snapshot's heap size.
func BenchmarkSnapshot2000(b *testing.B) {
	model := scaleModel()
	start := time.Now()
	src := openPGDSN(b, testutil.PGDatabase(b, scaleDDL(model)))
	b.Logf("created %d tables in %v", len(model), time.Since(start))
	var snap *Snapshot
	var heap uint64
	var load []time.Duration
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		s, err := LoadSnapshot(b.Context(), src)
		if err != nil {
			b.Fatal(err)
		}
		load = append(load, time.Since(start))
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
		snap = s
	}
	b.ReportMetric(float64(slices.Max(load).Microseconds())/1000, "max-load-ms")
	cols, fks := 0, 0
	for _, t := range snap.Tables {
		cols += len(t.Columns)
		fks += len(t.ForeignKeys)
	}
	if len(snap.Tables) != scaleTables || cols != 22000 || fks != scaleFKs {
		b.Fatalf("snapshot: %d tables, %d columns, %d foreign keys", len(snap.Tables), cols, fks)
	}
	b.ReportMetric(float64(heap)/(1<<20), "snapshot-MiB")
	q, _ := snapshotSQLFor(src)
	start = time.Now()
	for range 10 {
		if _, err := fingerprint(b.Context(), src, q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/10000, "fingerprint-ms")

	// list_tables walks all 2,000 tables through cursors, 500 a page.
	start = time.Now()
	seen, pages, cursor := map[string]bool{}, 0, ""
	for {
		page, err := ListTables(b.Context(), src, ListOptions{Limit: 500, Cursor: cursor})
		if err != nil {
			b.Fatal(err)
		}
		pages++
		for _, t := range page.Tables {
			if seen[t.QualifiedName()] {
				b.Fatalf("%s listed twice", t.QualifiedName())
			}
			seen[t.QualifiedName()] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != scaleTables || pages != scaleTables/500 {
		b.Fatalf("cursors listed %d tables in %d pages", len(seen), pages)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "list-all-ms")
}

// BenchmarkContext2000 runs the selector over a 2,000-table snapshot and
// reports p50 and p95 latency per question, and the first call, which
// builds the snapshot's index.
func BenchmarkContext2000(b *testing.B) {
	qs := []string{"total payment amount per customer last month", "which sensors raised alerts",
		"students with the best grades per course", "flights by carrier and airport", "open tickets by priority"}
	snap := &Snapshot{Tables: scaleModel()}
	start := time.Now()
	Context(snap, qs[0], 2000)
	first := time.Since(start)
	var lat []time.Duration
	for b.Loop() {
		for _, q := range qs {
			start := time.Now()
			res := Context(snap, q, 2000)
			lat = append(lat, time.Since(start))
			if res.Tokens > 2000 || len(res.Tables) == 0 {
				b.Fatalf("%q: %d tokens, %d tables", q, res.Tokens, len(res.Tables))
			}
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
}
