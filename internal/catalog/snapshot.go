package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Snapshot is the whole catalog of one database at one moment: every table
// and view with its columns, keys and comments. LoadSnapshot reads it from
// a database; a benchmark or test may build one from plain values. Treat a
// Snapshot as immutable once Context has seen it (it indexes it lazily).
type Snapshot struct {
	Engine source.Engine
	// Tables in schema, name order.
	Tables []TableInfo
	// Fingerprint identifies the catalog state it was read from.
	Fingerprint string
	LoadedAt    time.Time
	// Samples says whether sample values were asked for.
	Samples bool

	once sync.Once
	idx  *index
}

// TableInfo is one table of a Snapshot.
type TableInfo struct {
	Table
	Columns     []ColumnInfo
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	// Unique are the unique constraints and unique indexes on plain
	// columns, the primary key excluded.
	Unique [][]string
	// Sampled says sample values were read for this table (maybe none).
	Sampled bool
}

// ColumnInfo is one column of a TableInfo with a few of its distinct values.
type ColumnInfo struct {
	Column
	Samples []string
}

// snapshotLimits: one row of JSON text per query; the cell may be large.
var snapshotLimits = source.Limits{MaxRows: 1, MaxBytes: 1 << 30, Timeout: time.Minute}

func snapshotSQLFor(src source.Source) (*snapshotSQL, error) {
	switch src.Engine() {
	case source.Postgres:
		return &pgSnapshotSQL, nil
	case source.DuckDB:
		return &duckSnapshotSQL, nil
	}
	return nil, fmt.Errorf("catalog: engine %q is not supported", src.Engine())
}

// LoadSnapshot reads the whole catalog in five queries, whatever the number
// of tables: a fingerprint, relations, columns, constraints and unique
// indexes. It reads no data (see AddSamples).
func LoadSnapshot(ctx context.Context, src source.Source) (*Snapshot, error) {
	q, err := snapshotSQLFor(src)
	if err != nil {
		return nil, err
	}
	fp, err := fingerprint(ctx, src, q)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Engine: src.Engine(), Fingerprint: fp, LoadedAt: time.Now()}
	var rels [][]any
	if err := jsonCell(ctx, src, "snapshot tables", q.relations, &rels); err != nil {
		return nil, err
	}
	byKey := make(map[string]int, len(rels))
	s.Tables = make([]TableInfo, 0, len(rels))
	for _, r := range rels {
		if len(r) != 5 {
			return nil, fmt.Errorf("catalog: snapshot tables: got %d fields, want 5", len(r))
		}
		est, err := toInt64(r[3])
		if err != nil {
			est = -1
		}
		t := Table{Schema: toString(r[0]), Name: toString(r[1]), Kind: toString(r[2]),
			RowEstimate: est, Comment: toString(r[4])}
		byKey[tableKey(t.Schema, t.Name)] = len(s.Tables)
		s.Tables = append(s.Tables, TableInfo{Table: t, PrimaryKey: []string{}, ForeignKeys: []ForeignKey{}})
	}
	if err := loadColumns(ctx, src, q, s, byKey); err != nil {
		return nil, err
	}
	if err := loadConstraints(ctx, src, q, s, byKey); err != nil {
		return nil, err
	}
	if err := loadUniqueIndexes(ctx, src, q, s, byKey); err != nil {
		return nil, err
	}
	return s, nil
}

func tableKey(schema, name string) string { return schema + "\x00" + name }

// jsonCell runs a query returning one JSON text cell and decodes it.
func jsonCell(ctx context.Context, src source.Source, what, sql string, v any) error {
	res, err := src.Query(ctx, sql, snapshotLimits)
	if err != nil {
		return fmt.Errorf("catalog: %s: %w", what, err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 || res.Truncated {
		return fmt.Errorf("catalog: %s: want one cell", what)
	}
	var text []byte
	switch x := res.Rows[0][0].(type) {
	case string:
		text = []byte(x)
	case json.RawMessage:
		text = x
	case nil:
		text = []byte("[]")
	default:
		return fmt.Errorf("catalog: %s: unexpected %T", what, x)
	}
	if err := json.Unmarshal(text, v); err != nil {
		return fmt.Errorf("catalog: %s: %w", what, err)
	}
	return nil
}

func fingerprint(ctx context.Context, src source.Source, q *snapshotSQL) (string, error) {
	rows, err := query(ctx, src, "fingerprint", false, q.fingerprint)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		return "", fmt.Errorf("catalog: fingerprint: want one cell")
	}
	return toString(rows[0][0]), nil
}

func loadColumns(ctx context.Context, src source.Source, q *snapshotSQL, s *Snapshot, byKey map[string]int) error {
	var cols [][]any
	if err := jsonCell(ctx, src, "snapshot columns", q.columns, &cols); err != nil {
		return err
	}
	for _, r := range cols {
		if len(r) != 7 {
			return fmt.Errorf("catalog: snapshot columns: got %d fields, want 7", len(r))
		}
		i, ok := byKey[tableKey(toString(r[0]), toString(r[1]))]
		if !ok {
			continue
		}
		s.Tables[i].Columns = append(s.Tables[i].Columns, ColumnInfo{Column: Column{
			Name: toString(r[2]), Type: toString(r[3]), Nullable: toBool(r[4]),
			Default: toStringPtr(r[5]), Comment: toString(r[6]),
		}})
	}
	return nil
}

// snapConstraint is one row of the constraints query.
type snapConstraint struct {
	Schema     string   `json:"s"`
	Table      string   `json:"t"`
	Kind       string   `json:"k"`
	Name       string   `json:"n"`
	Columns    []string `json:"c"`
	RefSchema  *string  `json:"rs"`
	RefTable   *string  `json:"rt"`
	RefColumns []string `json:"rc"`
}

func loadConstraints(ctx context.Context, src source.Source, q *snapshotSQL, s *Snapshot, byKey map[string]int) error {
	var cons []snapConstraint
	if err := jsonCell(ctx, src, "snapshot constraints", q.constraints, &cons); err != nil {
		return err
	}
	for _, c := range cons {
		i, ok := byKey[tableKey(c.Schema, c.Table)]
		if !ok {
			continue
		}
		t := &s.Tables[i]
		switch c.Kind {
		case "p":
			t.PrimaryKey = c.Columns
		case "u":
			t.Unique = append(t.Unique, c.Columns)
		case "f":
			fk := ForeignKey{Name: c.Name, Columns: c.Columns, RefColumns: c.RefColumns, RefSchema: c.Schema}
			if c.RefSchema != nil {
				fk.RefSchema = *c.RefSchema
			}
			if c.RefTable != nil {
				fk.RefTable = *c.RefTable
			}
			if fk.RefColumns == nil {
				fk.RefColumns = []string{}
			}
			t.ForeignKeys = append(t.ForeignKeys, fk)
		}
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		inPK := map[string]bool{}
		for _, c := range t.PrimaryKey {
			inPK[c] = true
		}
		for j := range t.Columns {
			t.Columns[j].PrimaryKey = inPK[t.Columns[j].Name]
		}
		fixDuckRefs(s, t, byKey)
	}
	return nil
}

// fixDuckRefs replaces a referenced table name spelled as the REFERENCES
// clause wrote it (DuckDB) by the table's own spelling.
func fixDuckRefs(s *Snapshot, t *TableInfo, byKey map[string]int) {
	for k := range t.ForeignKeys {
		fk := &t.ForeignKeys[k]
		if _, ok := byKey[tableKey(fk.RefSchema, fk.RefTable)]; ok {
			continue
		}
		for _, u := range s.Tables {
			if u.Schema == fk.RefSchema && strings.EqualFold(u.Name, fk.RefTable) {
				fk.RefTable = u.Name
				break
			}
		}
	}
}

func loadUniqueIndexes(ctx context.Context, src source.Source, q *snapshotSQL, s *Snapshot, byKey map[string]int) error {
	var idx [][]any
	if err := jsonCell(ctx, src, "snapshot indexes", q.indexes, &idx); err != nil {
		return err
	}
	for _, r := range idx {
		if len(r) != 4 {
			return fmt.Errorf("catalog: snapshot indexes: got %d fields, want 4", len(r))
		}
		i, ok := byKey[tableKey(toString(r[0]), toString(r[1]))]
		if !ok {
			continue
		}
		var cols []string
		if str, ok := r[3].(string); ok { // DuckDB: "[a, \"B c\"]"
			cols = parseDuckList(str)
		} else {
			cols = toStrings(r[3])
		}
		if len(cols) > 0 {
			s.Tables[i].Unique = append(s.Tables[i].Unique, cols)
		}
	}
	return nil
}

// parseDuckList reads DuckDB's text form of an index's expressions, keeping
// plain or quoted column names; any expression makes the result empty.
func parseDuckList(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "["), "]")
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if u, err := strconv.Unquote(p); err == nil && strings.HasPrefix(p, `"`) {
			p = u
		} else if !isPlainIdent(strings.ToLower(p)) {
			return nil
		}
		out = append(out, p)
	}
	return out
}
