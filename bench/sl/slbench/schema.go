// Package slbench implements the SL@N schema-linking benchmark described in
// BENCHMARKS.md ("Schema linking at a token budget"): suite loaders, the
// schema model and canonical rendering, gold extraction from SQL, the
// selector contract, the two baselines and the metrics.
package slbench

import (
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Tokens is the benchmark's only cost measure: ceil(runes/4).
func Tokens(text string) int {
	return int(math.Ceil(float64(utf8.RuneCountInString(text)) / 4))
}

// Column is one column of a table.
type Column struct {
	Name        string
	Type        string // as in the source (rendered upper-cased)
	Description string // optional (BIRD column_meaning.json)
}

// ForeignKey is a single-column reference owned by a table.
type ForeignKey struct {
	Column, RefTable, RefColumn string
}

// Table is one table of a database.
type Table struct {
	Key         string // lower(name); lower(DB.SCHEMA.TABLE) for Spider 2.0
	Name        string // the name as rendered (last dotted part for Spider 2.0)
	Schema      string // Spider 2.0 schema; empty elsewhere
	Description string
	Columns     []Column
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	DDL         string // Spider 2.0: the DDL cell, used verbatim for rendering
}

// Database is the schema of one database, tables in schema order.
type Database struct {
	ID        string
	Tables    []*Table
	Described bool // render column descriptions (BIRD described variant)
	// Sep joins table blocks: "\n" for the canonical rendering, "" for
	// Spider 2.0 DDL cells (each block already ends in a newline).
	Sep string

	byKey  map[string]*Table
	blocks []string // canonical rendering per table, lazily built
}

// Table returns the table with the given key (case-insensitive), or nil.
func (d *Database) Table(key string) *Table {
	if d.byKey == nil {
		d.byKey = make(map[string]*Table, len(d.Tables))
		for _, t := range d.Tables {
			d.byKey[t.Key] = t
		}
	}
	return d.byKey[strings.ToLower(key)]
}

// Column returns the column of t named name (case-insensitive).
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return Column{}, false
}

// ColumnKey is the identity of a column: lower(table key) + "." + lower(column).
func ColumnKey(tableKey, column string) string {
	return strings.ToLower(tableKey) + "." + strings.ToLower(column)
}

// Block returns the canonical rendering of table i (ending in a newline).
func (d *Database) Block(i int) string {
	if d.blocks == nil {
		d.blocks = make([]string, len(d.Tables))
		for j, t := range d.Tables {
			d.blocks[j] = RenderTable(t, d.Described)
		}
	}
	return d.blocks[i]
}

// WholeSchema is the canonical rendering of every table in schema order.
func (d *Database) WholeSchema() string {
	blocks := make([]string, len(d.Tables))
	for i := range d.Tables {
		blocks[i] = d.Block(i)
	}
	return strings.Join(blocks, d.Sep)
}

var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// QuoteIdent wraps name in backticks unless it is a plain identifier.
func QuoteIdent(name string) string {
	if plainIdent.MatchString(name) {
		return name
	}
	return "`" + name + "`"
}

// RenderTable renders one table in the canonical form of §3.
func RenderTable(t *Table, described bool) string {
	if t.DDL != "" || (t.Schema != "" && len(t.Columns) == 0) {
		return strings.TrimSpace(t.DDL) + "\n"
	}
	var lines, notes []string
	for _, c := range t.Columns {
		lines = append(lines, "  "+QuoteIdent(c.Name)+" "+strings.ToUpper(c.Type))
		note := ""
		if described && c.Description != "" {
			note = " -- " + c.Description
		}
		notes = append(notes, note)
	}
	if len(t.PrimaryKey) > 0 {
		q := make([]string, len(t.PrimaryKey))
		for i, c := range t.PrimaryKey {
			q[i] = QuoteIdent(c)
		}
		lines = append(lines, "  PRIMARY KEY ("+strings.Join(q, ", ")+")")
	}
	for _, fk := range t.ForeignKeys {
		lines = append(lines, "  FOREIGN KEY ("+QuoteIdent(fk.Column)+") REFERENCES "+
			QuoteIdent(fk.RefTable)+"("+QuoteIdent(fk.RefColumn)+")")
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE " + QuoteIdent(t.Name) + " (\n")
	for i, l := range lines {
		b.WriteString(l)
		if i < len(lines)-1 {
			b.WriteString(",")
		}
		if i < len(notes) {
			b.WriteString(notes[i])
		}
		b.WriteString("\n")
	}
	b.WriteString(");\n")
	return b.String()
}
