package main

import (
	"context"
	"sync"

	"github.com/iopsdata/iopsdata/bench/sl/slbench"
	"github.com/iopsdata/iopsdata/internal/catalog"
)

// unbounded stands in for budget 0 ("no limit") in catalog.Context.
const unbounded = 1 << 30

// iopsdataSelector runs schema_context's selector (catalog.Context) on a
// snapshot built from the suite's schema, one snapshot per database.
func iopsdataSelector() slbench.Selector {
	var mu sync.Mutex
	snaps := map[string]*catalog.Snapshot{}
	fn := func(_ context.Context, req slbench.CatalogRequest) (slbench.CatalogChoice, error) {
		mu.Lock()
		s, ok := snaps[req.DB]
		if !ok {
			s = snapshotOf(req.Tables)
			snaps[req.DB] = s
		}
		mu.Unlock()
		budget := req.Budget
		if budget == 0 {
			budget = unbounded
		}
		res := catalog.Context(s, req.Question, budget)
		out := slbench.CatalogChoice{Text: res.Context}
		for _, t := range res.Tables {
			out.Tables = append(out.Tables, slbench.ChosenTable{Name: t.Name, Columns: t.Columns})
		}
		return out, nil
	}
	return &slbench.CatalogSelector{ID: "iopsdata", Fn: fn}
}

func snapshotOf(tables []slbench.CatalogTable) *catalog.Snapshot {
	s := &catalog.Snapshot{Tables: make([]catalog.TableInfo, 0, len(tables))}
	for _, t := range tables {
		schema := t.Schema
		if schema == "" {
			schema = "main"
		}
		ti := catalog.TableInfo{
			Table:      catalog.Table{Schema: schema, Name: t.Name, Kind: catalog.KindTable, RowEstimate: -1, Comment: t.Comment},
			PrimaryKey: t.PrimaryKey,
		}
		for _, c := range t.Columns {
			ti.Columns = append(ti.Columns, catalog.ColumnInfo{
				Column:  catalog.Column{Name: c.Name, Type: c.Type, Nullable: true, Comment: c.Comment},
				Samples: c.Samples,
			})
		}
		for _, fk := range t.ForeignKeys {
			refSchema := fk.RefSchema
			if refSchema == "" {
				refSchema = "main"
			}
			ti.ForeignKeys = append(ti.ForeignKeys, catalog.ForeignKey{Columns: fk.Columns, RefSchema: refSchema, RefTable: fk.RefTable, RefColumns: fk.RefColumns})
		}
		s.Tables = append(s.Tables, ti)
	}
	return s
}
