// Package relq describes SQL statements by their relational shape: the
// relations each statement reads and writes, the queries nested in it, and
// which column references each expression is built from, and how.
//
// Parsers produce it (internal/sqlparse from pg_query's tree, internal/lineage
// from DuckDB's json_serialize_sql); internal/lineage resolves it into table
// and column lineage. It holds no parser types and imports nothing, so
// both parsers can share one resolver.
package relq

import "strings"

// Name is a qualified name, its parts as written: unquoted identifiers
// folded to lower case, quoted ones as they are, without quotes.
type Name []string

func (n Name) String() string { return strings.Join(n, ".") }

// Last returns the last part of n, or "".
func (n Name) Last() string {
	if len(n) == 0 {
		return ""
	}
	return n[len(n)-1]
}

// Role says how a column reference takes part in the expression holding
// it. The first five are the OpenLineage transformation types of a column
// that feeds an output; the rest describe columns that only filter,
// join, group or sort rows.
type Role uint8

const (
	Identity       Role = iota // the expression is the column itself
	Transformation             // the column is an operand of an expression
	Aggregation                // the column is an argument of an aggregate
	Conditional                // a CASE condition, an aggregate FILTER
	Window                     // a window's PARTITION BY or ORDER BY
	Filter                     // WHERE, HAVING, QUALIFY, correlation
	Join                       // JOIN ... ON
	GroupBy                    // GROUP BY, DISTINCT ON
	Sort                       // ORDER BY
)

// Direct reports whether a column in this role is a source of the output
// holding it (the lineage conventions: CASE conditions and window keys
// count, filters, joins, grouping and sorting do not).
func (r Role) Direct() bool { return r <= Window }

// Ref is a column reference as written: c, t.c, s.t.c, t.* or *.
type Ref struct {
	Name Name // without the star for t.* and *
	Star bool
	Role Role
	// Own marks a DML target's own column (the old value kept by SET
	// col[i] = v): resolved on the target, whatever else is in scope.
	Own bool
	// Pos is GROUP BY n / ORDER BY n: the n-th output column (Name empty).
	Pos int
}

// SubKind is the kind of a subquery inside an expression.
type SubKind uint8

const (
	SubScalar SubKind = iota // (SELECT x ...): its projected column is a source
	SubArray                 // ARRAY(SELECT x ...): likewise
	SubExists                // EXISTS, IN, ANY, ALL: rows are tested, no column flows
)

// Sub is a subquery used in an expression.
type Sub struct {
	Query *Query
	Kind  SubKind
	Col   int  // for scalar subqueries: the projected column that flows (0 = first)
	Role  Role // how its value takes part in the enclosing expression
}

// Expr is an expression reduced to what lineage needs: the column
// references and subqueries in it, and the named windows it uses.
type Expr struct {
	Refs    []Ref
	Subs    []Sub
	Windows []string // named windows (OVER w) whose keys are window sources
}

// Empty reports whether e refers to nothing.
func (e Expr) Empty() bool { return len(e.Refs) == 0 && len(e.Subs) == 0 && len(e.Windows) == 0 }

// SubqueryName is the Name of a target named after the first column of
// its scalar subquery, which only resolving the subquery can tell:
// (SELECT * FROM t) is named after t's column.
const SubqueryName = "\x00subquery"

// Target is one item of a select list or RETURNING list.
type Target struct {
	Name string // the output name: the alias, or the one the engine derives
	Expr Expr
	// Star marks * (Qualifier empty) or q.* (Qualifier q). Exclude and
	// Replace are DuckDB's * EXCLUDE (...) and * REPLACE (... AS c).
	Star      bool
	Qualifier Name
	Exclude   []string
	Replace   []Target
	// Pattern is DuckDB's COLUMNS('regex') or a star with a LIKE pattern:
	// columns whose name matches.
	Pattern string
}

// NamedWindow is a window of a WINDOW clause.
type NamedWindow struct {
	Name   string
	Parent string // WINDOW w2 AS (w1 ...)
	Keys   Expr   // partition and order columns, role Window
}

// SetOp is a set operation between two queries.
type SetOp uint8

const (
	NoSetOp SetOp = iota
	Union
	Intersect
	Except
)

// CTE is one WITH query. Exactly one of Query and Stmt is set: Stmt for
// a data-modifying CTE (INSERT, UPDATE, DELETE, MERGE).
type CTE struct {
	Name    string
	Columns []string
	Query   *Query
	Stmt    *Stmt
	// Synthetic marks a CTE the grammar made, not the user: CREATE
	// RECURSIVE VIEW is rewritten into WITH RECURSIVE.
	Synthetic bool
	// Extra are the columns SEARCH and CYCLE add.
	Extra []ExtraColumn
}

// ExtraColumn is a column derived from other columns of the same relation.
type ExtraColumn struct {
	Name string
	From []string
}

// With is a WITH clause.
type With struct {
	CTEs      []CTE
	Recursive bool
}

// Query is a SELECT, VALUES or set operation.
type Query struct {
	With *With
	// A set operation: Left Op Right. Otherwise the fields below.
	Op          SetOp
	Left, Right *Query
	ByName      bool // DuckDB's UNION BY NAME: columns matched by name, not position

	Targets []Target
	From    []*From
	Values  [][]Expr // VALUES rows, when the query is a VALUES list
	// Filters are the expressions that choose, group or order rows:
	// WHERE, HAVING, GROUP BY, ORDER BY, LIMIT, QUALIFY, DISTINCT ON.
	// Their references carry the matching role.
	Filters []Expr
	Windows []NamedWindow
	// Into is the table SELECT ... INTO creates.
	Into Name
}

// FromKind is the kind of a FROM item.
type FromKind uint8

const (
	FromTable FromKind = iota
	FromSubquery
	FromFunction
	FromJoin
)

// From is one FROM item (also a JOIN tree).
type From struct {
	Kind       FromKind
	Table      Name     // FromTable
	Alias      string   // the alias, "" when none
	ColAliases []string // alias column names: AS a(x, y)
	Query      *Query   // FromSubquery
	Lateral    bool
	// FromFunction: per function (ROWS FROM may hold several; a
	// multi-argument unnest is one per argument): its arguments, its name,
	// and its column definition list if any. Ordinality adds the WITH
	// ORDINALITY column.
	Args       []Expr
	Funcs      []string
	FuncCols   [][]string
	Ordinality bool
	// Counters are columns that only number rows (XMLTABLE's FOR
	// ORDINALITY): no source.
	Counters []string
	// FromJoin
	Left, Right *From
	JoinType    string // "inner", "left", "right", "full", "cross", "positional", "asof"
	Natural     bool
	Using       []string
	UsingAlias  string
	On          Expr // role Join
}

// AlterColumn is one column change: Op "add", "drop" or "rename".
type AlterColumn struct {
	Op      string
	Column  string
	NewName string
}

// Set is one assignment of UPDATE, ON CONFLICT DO UPDATE or MERGE.
type Set struct {
	Column string
	Expr   Expr
}

// MergeWhen is one WHEN clause of MERGE.
type MergeWhen struct {
	Match   string // "matched", "not matched", "not matched by source"
	Action  string // "update", "insert", "delete", "nothing"
	Cond    Expr
	Sets    []Set    // update
	Columns []string // insert column list
	Values  []Expr   // insert values
}

// Stmt is one statement.
type Stmt struct {
	// Kind names the statement: "select", "insert", "update", "delete",
	// "merge", "create table", "create table as", "create view",
	// "create materialized view", "copy to", "copy from", "truncate",
	// "drop", "alter table", "rename", "refresh materialized view",
	// "explain", or the statement's own words for others, which carry no
	// lineage.
	Kind string
	Text string // the statement's text, when known

	With *With
	// Query is the SELECT of a select statement, the source of INSERT,
	// CREATE TABLE AS, CREATE VIEW and COPY (query) TO.
	Query *Query
	// Inner is the statement EXPLAIN explains.
	Inner *Stmt

	// Target is the relation written: INSERT, UPDATE, DELETE, MERGE,
	// CREATE TABLE [AS], views, COPY FROM, REFRESH, ALTER TABLE. A rename
	// reads the old name and writes the new one (Reads, Writes).
	Target      Name
	TargetAlias string
	// Columns is INSERT's column list, the column list of CREATE VIEW or
	// CREATE TABLE AS, or the columns CREATE TABLE defines.
	Columns []string
	// Writes and Reads are further relations written or read by name:
	// TRUNCATE and DROP lists, the new name of a rename; COPY t TO,
	// CREATE TABLE (LIKE src), the old name of a rename.
	Writes []Name
	Reads  []Name
	// LikeAt gives, for each CREATE TABLE (LIKE src) in Reads, the index in
	// Columns where the source's columns go.
	LikeAt []int
	// Inherits are the parents of CREATE TABLE ... INHERITS, whose columns
	// come first; Partition marks PARTITION OF (its columns are the
	// parent's).
	Inherits  []Name
	Partition bool
	// Alter lists column changes of ALTER TABLE (or RENAME COLUMN).
	Alter []AlterColumn

	From  []*From // UPDATE ... FROM, DELETE ... USING, MERGE ... USING
	Where Expr    // UPDATE/DELETE WHERE, MERGE ON: role Filter or Join
	// Filters holds other expressions that only read: ON CONFLICT's
	// WHERE, subqueries in the WHERE of UPDATE/DELETE go in Where.
	Filters   []Expr
	Sets      []Set // UPDATE SET
	Conflict  []Set // INSERT ... ON CONFLICT DO UPDATE SET
	Merge     []MergeWhen
	Returning []Target
}
