package lineage

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// goldenCase is one lineage case, in the format of the shared examples.
type goldenCase struct {
	ID         string                       `json:"id"`
	SQL        string                       `json:"sql"`
	Read       []string                     `json:"read"`
	Write      []string                     `json:"write"`
	CTEs       []string                     `json:"ctes"`
	Columns    map[string][]string          `json:"columns"`
	Schema     Schema                       `json:"schema"`
	Note       string                       `json:"note"`
	Disputed   bool                         `json:"disputed"`
	Dialect    string                       `json:"dialect"`
	Transforms map[string]map[string]string `json:"transforms"`
}

func loadCases(t *testing.T, path string) []goldenCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent (a clone without ../shared)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cases
}

// checkCase compares a result with a case: read, write and ctes exactly,
// and each column key the case lists (others are unchecked).
func checkCase(t *testing.T, c goldenCase) {
	t.Helper()
	res, err := Analyze(context.Background(), c.SQL, Options{Schema: c.Schema, Dialect: c.Dialect})
	if err != nil {
		t.Errorf("%s: %v\nSQL: %s", c.ID, err, c.SQL)
		return
	}
	var diffs []string
	cmp := func(what string, got, want []string) {
		if want == nil {
			want = []string{}
		}
		if !slices.Equal(got, want) {
			diffs = append(diffs, what+": got "+jsonString(got)+", want "+jsonString(want))
		}
	}
	cmp("read", res.Read, c.Read)
	cmp("write", res.Write, c.Write)
	cmp("ctes", res.CTEs, c.CTEs)
	keys := make([]string, 0, len(c.Columns))
	for k := range c.Columns {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		want := slices.Clone(c.Columns[k])
		slices.Sort(want)
		got, ok := res.Columns[k]
		if !ok {
			diffs = append(diffs, "columns["+k+"]: missing, want "+jsonString(want))
			continue
		}
		cmp("columns["+k+"]", got, want)
	}
	for k, m := range c.Transforms {
		for srcCol, want := range m {
			got := transformOf(res, k, srcCol)
			if got != want {
				diffs = append(diffs, "transforms["+k+"]["+srcCol+"]: got "+got+", want "+want)
			}
		}
	}
	if len(diffs) > 0 {
		t.Errorf("%s (%s)\nSQL: %s\n  %s\nwarnings: %v", c.ID, c.Note, c.SQL, strings.Join(diffs, "\n  "), res.Warnings)
	}
}

// transformOf names the transformation types of the edge src → key, as
// "DIRECT/IDENTITY" and so on, joined with "+" when there are several.
func transformOf(res *Result, key, srcCol string) string {
	var how Transform
	for _, st := range res.Statements {
		for _, e := range st.Edges {
			if e.Target.String() == key && e.Source.String() == srcCol {
				how |= e.How
			}
		}
	}
	var names []string
	for _, t := range how.Types() {
		names = append(names, t.Type+"/"+t.Subtype)
	}
	return strings.Join(names, "+")
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestSharedExamples runs the examples of ../shared/testdata/lineage.
func TestSharedExamples(t *testing.T) {
	cases := loadCases(t, filepath.Join("..", "..", "..", "shared", "testdata", "lineage", "examples.json"))
	for _, c := range cases {
		checkCase(t, c)
	}
}

// TestGolden runs our own golden cases in testdata/golden.json.
func TestGolden(t *testing.T) {
	cases := loadCases(t, filepath.Join("testdata", "golden.json"))
	if len(cases) < 150 {
		t.Errorf("%d golden cases, want at least 150", len(cases))
	}
	for _, c := range cases {
		checkCase(t, c)
	}
}
