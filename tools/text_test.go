package tools

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iopsdata/iopsdata/internal/source"
)

// TestRenderRowsIsCSV: the text block parses back as CSV with the same
// values, and NULL stays apart from the empty string.
func TestRenderRowsIsCSV(t *testing.T) {
	out := ExecuteSQLOut{
		Columns: []source.Column{{Name: "a,b", Type: "text"}, {Name: "n", Type: "int8"}, {Name: "j", Type: "json"}, {Name: "f", Type: "float8"}},
		Rows: [][]any{
			{"plain", int64(1), json.RawMessage(`{"k":"v,w"}`), 1.5},
			{`quote " and, comma`, "9007199254740993", nil, source.Float(math.NaN())},
			{"", int64(-3), json.RawMessage(`[1,2]`), 1e21},
			{" padded ", nil, json.RawMessage(`"s"`), -0.25},
			{"line\nbreak", true, nil, float64(3)},
		},
		RowCount: 5,
	}
	text := renderRows(out)
	body := text[:strings.LastIndex(text, "(")]
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, text)
	}
	want := [][]string{
		{"a,b", "n", "j", "f"},
		{"plain", "1", `{"k":"v,w"}`, "1.5"},
		{`quote " and, comma`, "9007199254740993", "", "NaN"},
		{"", "-3", "[1,2]", "1e+21"},
		{" padded ", "", `"s"`, "-0.25"},
		{"line\nbreak", "true", "", "3"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Fatalf("CSV round trip (-want +got):\n%s", diff)
	}
	if !strings.Contains(text, "\n\"\",-3,") {
		t.Errorf("empty string is not quoted: %s", text)
	}
	if !strings.HasSuffix(text, "(5 rows, 0.0 ms)\n") {
		t.Errorf("summary line: %q", text)
	}
}
