package sqlparse

import (
	"iter"
	"strings"
	"sync"

	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// Shape parses PostgreSQL SQL into the relational shape of each statement,
// for lineage. Unlike Parse it does not check every node against the
// schema: it reads the nodes lineage needs and walks the others
// generically, so no expression can hide a column reference or a
// subquery. Errors are as for Parse.
func Shape(sql string) ([]relq.Stmt, error) {
	if err := checkText(sql); err != nil {
		return nil, err
	}
	tree, err := parser.ParseToJSON(sql)
	if err != nil {
		return nil, syntaxError(err)
	}
	c := shapers.Get().(*shaper)
	defer func() {
		c.d.src = ""
		if cap(c.d.vals) > 1<<16 || cap(c.d.mems) > 1<<16 {
			*c = shaper{}
		}
		shapers.Put(c)
	}()
	c.s, c.sql = schema(), sql
	root, err := c.d.decode(tree, &c.s.keys)
	if err != nil {
		return nil, err
	}
	rawStmt := c.s.types["RawStmt"]
	var out []relq.Stmt
	for _, raw := range c.d.items(c.s.root.get(&c.d, root, "stmts")) {
		node := rawStmt.get(&c.d, raw.val, "stmt")
		t, v := c.unwrap(node)
		if t == nil {
			continue
		}
		st := c.stmt(t, v)
		st.Text = c.stmtText(rawStmt, raw.val)
		out = append(out, st)
	}
	if len(out) == 0 {
		return nil, ErrEmpty
	}
	return out, nil
}

var shapers = sync.Pool{New: func() any { return &shaper{} }}

// shaper converts one decoded tree.
type shaper struct {
	d   jdoc
	s   *treeSchema
	sql string
}

// stmtText cuts a statement's text out of the SQL by its byte location.
func (c *shaper) stmtText(rawStmt *msgType, v int32) string {
	loc := c.int(rawStmt, v, "stmt_location")
	n := c.int(rawStmt, v, "stmt_len")
	if loc < 0 || loc > len(c.sql) {
		return ""
	}
	end := len(c.sql)
	if n > 0 && loc+n <= len(c.sql) {
		end = loc + n
	}
	return strings.TrimSpace(c.sql[loc:end])
}

// unwrap returns the type and value inside a Node wrapper, or nil.
func (c *shaper) unwrap(node int32) (*msgType, int32) {
	ms := c.d.items(node)
	if node < 0 || c.d.vals[node].kind != jObj || len(ms) != 1 {
		return nil, -1
	}
	f := c.s.node.field(ms[0].key)
	if f == nil || f.msg == nil {
		return nil, -1
	}
	return f.msg, ms[0].val
}

// get returns field name of message v of type t, unwrapped when the field
// holds a Node: the field's type and value, or nil.
func (c *shaper) get(t *msgType, v int32, name string) (*msgType, int32) {
	id := t.byProto[name]
	m := c.d.member(v, id)
	if m < 0 {
		return nil, -1
	}
	f := t.field(id)
	if f == nil || f.msg == nil || f.list {
		return nil, -1
	}
	if f.msg.node {
		return c.unwrap(m)
	}
	return f.msg, m
}

// list returns the elements of list field name, each unwrapped.
func (c *shaper) list(t *msgType, v int32, name string) []tv {
	var out []tv
	for _, e := range c.each(t, v, name) {
		out = append(out, e)
	}
	return out
}

// each iterates over the elements of list field name, each unwrapped,
// without allocating.
func (c *shaper) each(t *msgType, v int32, name string) iter.Seq2[int, tv] {
	return func(yield func(int, tv) bool) {
		id := t.byProto[name]
		m := c.d.member(v, id)
		if m < 0 {
			return
		}
		f := t.field(id)
		if f == nil || f.msg == nil || !f.list {
			return
		}
		for i, e := range c.d.items(m) {
			x := tv{f.msg, e.val}
			if f.msg.node {
				x.t, x.v = c.unwrap(e.val)
			}
			if !yield(i, x) {
				return
			}
		}
	}
}

type tv struct {
	t *msgType
	v int32
}

func (c *shaper) str(t *msgType, v int32, name string) string {
	return c.d.text(c.d.member(v, t.byProto[name]))
}

func (c *shaper) bool(t *msgType, v int32, name string) bool {
	m := c.d.member(v, t.byProto[name])
	return m >= 0 && c.d.vals[m].kind == jBool && c.d.src[c.d.vals[m].lo] == 't'
}

func (c *shaper) int(t *msgType, v int32, name string) int {
	m := c.d.member(v, t.byProto[name])
	if m < 0 || c.d.vals[m].kind != jNum {
		return 0
	}
	n, neg := 0, false
	for _, ch := range c.d.src[c.d.vals[m].lo : c.d.vals[m].lo+c.d.vals[m].n] {
		switch {
		case ch == '-':
			neg = true
		case ch >= '0' && ch <= '9':
			n = n*10 + int(ch-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

// strings returns the svals of a list of String nodes.
func (c *shaper) strings(t *msgType, v int32, name string) []string {
	var out []string
	for _, e := range c.each(t, v, name) {
		if e.t != nil && e.t.name == "String" {
			out = append(out, c.str(e.t, e.v, "sval"))
		}
	}
	return out
}

// rangeVar reads a RangeVar's name and alias.
func (c *shaper) rangeVar(t *msgType, v int32) (name relq.Name, alias string, cols []string) {
	if t == nil {
		return nil, "", nil
	}
	for _, f := range [...]string{"catalogname", "schemaname", "relname"} {
		if s := c.str(t, v, f); s != "" {
			name = append(name, s)
		}
	}
	// Temporary tables are named as written, without pg_temp.
	if len(name) == 2 && strings.HasPrefix(name[0], "pg_temp") {
		name = name[1:]
	}
	alias, cols = c.alias(t, v, "alias")
	return name, alias, cols
}

func (c *shaper) alias(t *msgType, v int32, field string) (string, []string) {
	at, av := c.get(t, v, field)
	if at == nil {
		return "", nil
	}
	return c.str(at, av, "aliasname"), c.strings(at, av, "colnames")
}
