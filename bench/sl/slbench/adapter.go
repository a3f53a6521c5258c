package slbench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// The plug-in point for selectors that work on a catalog rather than on this
// package's schema model (the "iopsdata" selector, internal/catalog). The
// structs below are deliberately neutral: a caller converts them to its own
// catalog types in a few lines, and this package never imports the catalog.

// CatalogColumn is one column as a catalog would report it.
type CatalogColumn struct {
	Name    string
	Type    string   // source type as written (Spider "number", Snowflake "NUMBER(38,0)")
	Comment string   // description, if the suite has one
	Samples []string // distinct sample values; none in these suites (no data files)
}

// CatalogForeignKey is a foreign key owned by a table.
type CatalogForeignKey struct {
	Columns    []string
	RefSchema  string
	RefTable   string
	RefColumns []string
}

// CatalogTable is one table as a catalog would report it.
type CatalogTable struct {
	Schema      string // "" except Spider 2.0 (the DDL.csv folder)
	Name        string
	Comment     string
	Columns     []CatalogColumn
	PrimaryKey  []string
	ForeignKeys []CatalogForeignKey
}

// CatalogChoice is what a catalog selector returns: the rendered context and
// the chosen tables (as "schema.table" or "table") with their columns.
type CatalogChoice struct {
	Text   string
	Tables []ChosenTable
}

// ChosenTable is one table of a CatalogChoice.
type ChosenTable struct {
	Name    string // "table" or "schema.table"
	Columns []string
}

// CatalogRequest is one call of a catalog selector.
type CatalogRequest struct {
	DB       string         // database id (Spider/BIRD db_id, Spider 2.0 db_id)
	Tables   []CatalogTable // the database in schema order, converted once and cached
	Question string         // query text of the run's variant
	Budget   int            // tokens; 0 = unbounded
	// DuckDBPath is the file written by -load for this database, when the
	// selector was given a DuckDBDir: introspect it instead of Tables to
	// measure the real catalog path.
	DuckDBPath string
}

// CatalogFunc is the shape of a catalog-based selector.
type CatalogFunc func(ctx context.Context, req CatalogRequest) (CatalogChoice, error)

// ToCatalog converts a database to neutral catalog tables, in schema order.
func ToCatalog(db *Database) []CatalogTable {
	out := make([]CatalogTable, len(db.Tables))
	for i, t := range db.Tables {
		ct := CatalogTable{Schema: t.Schema, Name: t.Name, Comment: t.Description, PrimaryKey: t.PrimaryKey}
		for _, c := range t.Columns {
			ct.Columns = append(ct.Columns, CatalogColumn{Name: c.Name, Type: c.Type, Comment: c.Description})
		}
		for _, fk := range t.ForeignKeys {
			ct.ForeignKeys = append(ct.ForeignKeys, CatalogForeignKey{Columns: []string{fk.Column},
				RefSchema: t.Schema, RefTable: fk.RefTable, RefColumns: []string{fk.RefColumn}})
		}
		out[i] = ct
	}
	return out
}

// CatalogSelector adapts a CatalogFunc to Selector. Catalog conversion and
// name resolution are cached per database. Errors make the question score 0
// (empty context); the first one is kept for Err.
//
// Wiring internal/catalog takes a few lines: build a *catalog.Snapshot from
// req.Tables (TableInfo{Table{Schema: "main" when empty, Name, Kind:
// "table", Comment}, Columns: ColumnInfo{Column{Name, Type, Comment,
// PrimaryKey}, Samples}, PrimaryKey, ForeignKeys}), call
// catalog.Context(snapshot, req.Question, req.Budget) (0 = unbounded: pass a
// large budget), and return CatalogChoice{Text: res.Context, Tables:
// ContextTable{Name, Columns}}. Names may be "table", "schema.table" or the
// key; a leading schema the suite does not have ("main.") is ignored.
type CatalogSelector struct {
	ID        string
	Fn        CatalogFunc
	Ctx       context.Context
	DuckDBDir string // optional: DIR/<suite> as written by -load

	mu     sync.Mutex
	tables map[*Database][]CatalogTable
	names  map[*Database]map[string]string // lower name forms -> table key
	err    error
	errs   int
}

// Name returns the selector id.
func (s *CatalogSelector) Name() string { return s.ID }

// Err reports failed calls: nil, or the first error and how many failed.
func (s *CatalogSelector) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		return nil
	}
	return fmt.Errorf("%s: %d calls failed, first: %w", s.ID, s.errs, s.err)
}

// Select converts db, calls Fn and maps the choice back to table keys.
func (s *CatalogSelector) Select(db *Database, query string, budget int) Context {
	tables, names := s.catalog(db)
	ctx := s.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	req := CatalogRequest{DB: db.ID, Tables: tables, Question: query, Budget: budget}
	if s.DuckDBDir != "" {
		req.DuckDBPath = filepath.Join(s.DuckDBDir, db.ID+".duckdb")
	}
	ch, err := s.Fn(ctx, req)
	if err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.errs++
		s.mu.Unlock()
		return Context{}
	}
	out := Context{Text: ch.Text}
	for _, t := range ch.Tables {
		key, ok := resolveName(names, t.Name)
		if !ok {
			continue
		}
		out.Tables = append(out.Tables, key)
		for _, c := range t.Columns {
			out.Columns = append(out.Columns, key+"."+c)
		}
	}
	return out
}

// resolveName finds a table key for a returned name, dropping leading
// dotted parts (a schema such as "main.") until something matches.
func resolveName(names map[string]string, name string) (string, bool) {
	n := strings.ToLower(name)
	for {
		if key, ok := names[n]; ok {
			return key, true
		}
		i := strings.IndexByte(n, '.')
		if i < 0 {
			return "", false
		}
		n = n[i+1:]
	}
}

func (s *CatalogSelector) catalog(db *Database) ([]CatalogTable, map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tables == nil {
		s.tables = map[*Database][]CatalogTable{}
		s.names = map[*Database]map[string]string{}
	}
	if t, ok := s.tables[db]; ok {
		return t, s.names[db]
	}
	names := map[string]string{}
	count := map[string]int{}
	for _, t := range db.Tables {
		count[strings.ToLower(t.Name)]++
	}
	for _, t := range db.Tables {
		names[t.Key] = t.Key
		if t.Schema != "" {
			names[strings.ToLower(t.Schema+"."+t.Name)] = t.Key
		}
		if count[strings.ToLower(t.Name)] == 1 {
			names[strings.ToLower(t.Name)] = t.Key
		}
	}
	tables := ToCatalog(db)
	s.tables[db], s.names[db] = tables, names
	return tables, names
}
