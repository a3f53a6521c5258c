package slbench

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// dataDir returns the text2sql folder (SL_DATA overrides), skipping the test
// when it is absent.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SL_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "testdata", "text2sql")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("text2sql data not found at %s (set SL_DATA)", dir)
	}
	return dir
}

var (
	suiteMu    sync.Mutex
	suiteCache = map[string]*Suite{}
)

func loadSuite(t *testing.T, id string, described bool) *Suite {
	t.Helper()
	dir := dataDir(t)
	suiteMu.Lock()
	defer suiteMu.Unlock()
	key := id
	if described {
		key += "+described"
	}
	if s := suiteCache[key]; s != nil {
		return s
	}
	s, err := LoadSuite(dir, id, described)
	if err != nil {
		t.Fatal(err)
	}
	suiteCache[key] = s
	return s
}

// published is a subset of the reference table in BENCHMARKS.md (SL@N).
var published = []struct {
	suite     string
	described bool
	variant   string
	selector  string
	budget    int
	tr, cr    float64 // -1: not published
	fc        float64
}{
	{SpiderDev, false, VariantQuestion, "whole-schema", 500, -1, -1, .969},
	{SpiderDev, false, VariantQuestion, "bm25-table", 500, -1, -1, .999},
	{BirdDev, false, VariantQuestion, "whole-schema", 500, .831, .830, .720},
	{BirdDev, false, VariantQuestion, "bm25-table", 500, .932, .934, .863},
	{BirdDev, false, VariantEvidence, "bm25-table", 500, .960, .962, .916},
	{BirdDev, false, VariantEvidence, "bm25-table", 1000, .992, .990, .982},
	{BirdDev, true, VariantEvidence, "whole-schema", 2000, -1, -1, .434},
	{BirdDev, true, VariantEvidence, "bm25-table", 2000, .764, -1, .611},
	{BirdDev, true, VariantEvidence, "bm25-table", 4000, .905, -1, .849},
	{BirdMiniDev, false, VariantEvidence, "bm25-table", 500, -1, -1, .912},
	{Spider2Snow, false, VariantQuestion, "whole-schema", 1000, .597, -1, .494},
	{Spider2Snow, false, VariantQuestion, "bm25-table", 16000, .945, -1, .903},
	{Spider2SnowLarge, false, VariantQuestion, "whole-schema", 8000, .399, -1, .175},
	{Spider2SnowLarge, false, VariantQuestion, "bm25-table", 8000, .543, -1, .337},
	{Spider2SnowLarge, false, VariantQuestion, "bm25-table", 16000, .819, -1, .681},
}

func TestPublishedBaselines(t *testing.T) {
	for _, p := range published {
		name := p.suite + "/" + p.variant + "/" + p.selector + "/" + BudgetLabel(p.budget)
		if p.described {
			name = "described/" + name
		}
		t.Run(name, func(t *testing.T) {
			s := loadSuite(t, p.suite, p.described)
			sel := WholeSchema()
			if p.selector == "bm25-table" {
				sel = BM25Table()
			}
			res, err := Run(t.Context(), s, sel, RunConfig{Variant: p.variant, Budgets: []int{p.budget}})
			if err != nil {
				t.Fatal(err)
			}
			m := res[0].Metrics
			check := func(metric string, got, want float64) {
				if want >= 0 && math.Abs(got-want) > 0.005 {
					t.Errorf("%s = %.4f, published %.3f (±0.005)", metric, got, want)
				}
			}
			check("TR", m.TR, p.tr)
			check("CR", m.CR, p.cr)
			check("FC", m.FC, p.fc)
			if m.OverBudgetRate != 0 {
				t.Errorf("baseline over budget: %v", m.OverBudgetRate)
			}
		})
	}
}

func TestSuiteSizes(t *testing.T) {
	for id, want := range map[string]int{SpiderDev: 1034, BirdDev: 1534, BirdMiniDev: 500, Spider2Snow: 547, Spider2SnowLarge: 166} {
		if got := len(loadSuite(t, id, false).Questions); got != want {
			t.Errorf("%s: %d scored questions, want %d", id, got, want)
		}
	}
	// Whole-schema cost at N = ∞, as published (mean tokens, rounded up).
	for id, want := range map[string]float64{SpiderDev: 240, BirdDev: 593, Spider2Snow: 29464, Spider2SnowLarge: 93487} {
		s := loadSuite(t, id, false)
		sum := 0.0
		for _, q := range s.Questions {
			sum += float64(q.WholeTokens)
		}
		if got := math.Ceil(sum / float64(len(s.Questions))); got != want {
			t.Errorf("%s: whole-schema tokens %v, published %v", id, got, want)
		}
	}
}

func TestSpiderCheck(t *testing.T) {
	res, _, err := SpiderCheck(loadSuite(t, SpiderDev, false))
	if err != nil {
		t.Fatal(err)
	}
	if res.N != 1034 || res.TablePct() != 100 || res.ColumnPct() < 98.5 {
		t.Errorf("spider check: n=%d tables %.2f%% columns %.2f%%, want 100%% and >= 98.5%%",
			res.N, res.TablePct(), res.ColumnPct())
	}
}

func TestSnowDuplicatesAndSchemaOrder(t *testing.T) {
	s := loadSuite(t, Spider2Snow, false)
	db := s.DBs["IOWA_LIQUOR_SALES_PLUS"] // both schemas exist only as DUPLICATES.tsv entries
	if db == nil || len(db.Tables) == 0 {
		t.Fatal("IOWA_LIQUOR_SALES_PLUS not loaded from DUPLICATES.tsv")
	}
	var schemas []string
	for _, tb := range db.Tables {
		if len(schemas) == 0 || schemas[len(schemas)-1] != tb.Schema {
			schemas = append(schemas, tb.Schema)
		}
		if !strings.HasPrefix(tb.Key, "iowa_liquor_sales_plus.") {
			t.Errorf("key %q not qualified with the database", tb.Key)
		}
	}
	if want := []string{"CENSUS_BUREAU_USA", "IOWA_LIQUOR_SALES"}; !slices.Equal(schemas, want) {
		t.Errorf("schemas %v, want %v in name order", schemas, want)
	}
	// Rows whose table_name is already DB.SCHEMA.TABLE are not qualified twice.
	qualified := 0
	for _, d := range s.DBs {
		for _, tb := range d.Tables {
			if strings.Count(tb.Key, ".") != 2 {
				t.Errorf("key %q", tb.Key)
			}
			if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(tb.DDL)), "CREATE TABLE "+strings.ToUpper(d.ID)+".") {
				qualified++
			}
		}
	}
	if qualified == 0 {
		t.Error("no pre-qualified rows seen")
	}
}
