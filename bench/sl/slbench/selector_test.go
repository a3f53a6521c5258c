package slbench

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFirstFitSkipsWhatDoesNotFit(t *testing.T) {
	db := tinyDB(false)
	small := Tokens(db.Block(0)) // singer alone; concert is larger
	if Tokens(db.Block(1)) <= small {
		t.Fatal("test needs concert to be larger than singer")
	}
	ctx := FirstFit(db, []int{1, 0}, small)
	if diff := cmp.Diff([]string{"singer"}, ctx.Tables); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	if Tokens(ctx.Text) > small {
		t.Errorf("over budget: %d > %d", Tokens(ctx.Text), small)
	}
	if got := FirstFit(db, []int{0, 1}, 0); got.Text != db.WholeSchema() {
		t.Errorf("unbounded first-fit is not the whole schema")
	}
}

func TestBM25RanksByQuery(t *testing.T) {
	db := tinyDB(false)
	budget := max(Tokens(db.Block(0)), Tokens(db.Block(1)))
	got := BM25Table().Select(db, "concerts in which year", budget)
	if diff := cmp.Diff([]string{"concert"}, got.Tables); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	// Ties keep schema order.
	got = BM25Table().Select(db, "zzz", budget)
	if diff := cmp.Diff([]string{"singer"}, got.Tables); diff != "" {
		t.Errorf("tie tables (-want +got):\n%s", diff)
	}
}

func TestScoreContext(t *testing.T) {
	db := tinyDB(false)
	q := Scored{Gold: Gold{Tables: []string{"singer"}, Columns: []string{"singer.name"}}}
	tests := []struct {
		name   string
		ctx    Context
		budget int
		tr, fc float64
		over   bool
	}{
		{"covered", Context{Text: "singer(name)", Tables: []string{"singer"}, Columns: []string{"singer.Name"}}, 0, 1, 1, false},
		{"table not in text", Context{Text: "name", Tables: []string{"singer"}, Columns: []string{"singer.Name"}}, 0, 0, 0, false},
		{"column not in text", Context{Text: "SINGER", Tables: []string{"singer"}, Columns: []string{"singer.Name"}}, 0, 1, 0, false},
		{"column of unlisted table", Context{Text: "singer name", Columns: []string{"singer.Name"}}, 0, 0, 0, false},
		{"over budget", Context{Text: "singer name", Tables: []string{"singer"}, Columns: []string{"singer.Name"}}, 2, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ScoreContext(db, q, tt.ctx, tt.budget)
			if s.TR != tt.tr || s.FC != tt.fc || s.Over != tt.over {
				t.Errorf("got TR %v FC %v over %v, want %v %v %v", s.TR, s.FC, s.Over, tt.tr, tt.fc, tt.over)
			}
		})
	}
}

func TestAggregate(t *testing.T) {
	m := Aggregate([]Score{{TR: 1, FC: 1, Tokens: 10, HasColumnScore: true}, {Tokens: 30, Over: true, HasColumnScore: true}})
	if m.N != 2 || m.TR != 0.5 || m.FC != 0.5 || m.TokMean != 20 || m.OverBudgetRate != 0.5 || m.TokP50 != 10 || m.TokP95 != 30 {
		t.Errorf("Aggregate = %+v", m)
	}
}

func TestCatalogSelector(t *testing.T) {
	db := tinyDB(true)
	var seen []CatalogTable
	sel := &CatalogSelector{ID: "fake", DuckDBDir: "/x", Fn: func(_ context.Context, req CatalogRequest) (CatalogChoice, error) {
		seen = req.Tables
		if req.Budget == 1 {
			return CatalogChoice{}, errors.New("boom")
		}
		if req.DB != "tiny" || req.DuckDBPath != "/x/tiny.duckdb" {
			return CatalogChoice{}, fmt.Errorf("request %+v", req)
		}
		return CatalogChoice{Text: "CREATE TABLE concert (Year)", Tables: []ChosenTable{{Name: "main.CONCERT", Columns: []string{"Year"}}}}, nil
	}}
	got := sel.Select(db, "q", 100)
	if diff := cmp.Diff(Context{Text: "CREATE TABLE concert (Year)", Tables: []string{"concert"}, Columns: []string{"concert.Year"}}, got); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
	if len(seen) != 2 || seen[0].Columns[0].Comment != "id of the singer" || seen[1].ForeignKeys[0].RefTable != "singer" {
		t.Errorf("catalog = %+v", seen)
	}
	if sel.Err() != nil {
		t.Fatal(sel.Err())
	}
	sel.Select(db, "q", 1)
	if sel.Err() == nil {
		t.Error("error not reported")
	}
}
