package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-suite", "all", "-selector", "bm25-table", "-budgets", "500,0", "-limit", "3"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.suites) != 5 || len(c.selectors) != 1 || len(c.budgets) != 2 || c.budgets[1] != 0 || c.limit != 3 {
		t.Errorf("config = %+v", c)
	}
	if _, err := parseFlags([]string{"-budgets", "x"}, os.Stderr); err == nil {
		t.Error("bad budget accepted")
	}
	if _, err := selectors([]string{"nope"}); err == nil {
		t.Error("unknown selector accepted")
	}
}

func testData(t *testing.T) string {
	t.Helper()
	data := filepath.Join("..", "..", "..", "shared", "testdata", "text2sql")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("text2sql data not found at %s", data)
	}
	return data
}

func TestRunCheck(t *testing.T) {
	data := testData(t)
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"-data", data, "-suite", "spider-dev", "-check"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.Contains(first, "tables 100.00%") {
		t.Errorf("check line = %q", first)
	}
}

func TestRunQuick(t *testing.T) {
	data := testData(t)
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "out.jsonl")
	var out, errOut bytes.Buffer
	args := []string{"-data", data, "-suite", "bird-dev,spider2-snow", "-variant", "question+evidence",
		"-budgets", "1000,0", "-limit", "20", "-json", jsonPath}
	if err := run(t.Context(), args, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	load := []string{"-data", data, "-suite", "bird-dev", "-selector", "none", "-load", filepath.Join(dir, "duck")}
	if err := run(t.Context(), load, &bytes.Buffer{}, &errOut); err != nil {
		t.Fatalf("run -load: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "| bird-dev / question+evidence | bm25-table | 20 |") {
		t.Errorf("markdown lacks the bird-dev bm25 row:\n%s", out.String())
	}
	f, err := os.Open(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"suite", "selector", "query_variant", "budget", "n", "TR", "CR", "FC",
			"tok_mean", "tok_p50", "tok_p95", "over_budget_rate", "prec_T", "prec_C", "lat_p50_ms", "lat_p95_ms"} {
			if _, ok := r[k]; !ok {
				t.Errorf("json line lacks %q", k)
			}
		}
		lines++
	}
	if lines != 2*2*2 { // suites × selectors × budgets
		t.Errorf("%d json lines, want 8", lines)
	}
	if _, err := os.Stat(filepath.Join(dir, "duck", "bird-dev", "california_schools.duckdb")); err != nil {
		t.Errorf("duckdb file: %v", err)
	}
}
