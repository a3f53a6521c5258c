package sqlparse

import (
	"fmt"
	"strings"
)

// walker turns one JSON parse tree into statements. It visits every member
// of every object; a key the protobuf schema does not know, or a value of
// the wrong shape, fails the walk rather than being skipped.
type walker struct {
	d    jdoc
	s    *treeSchema
	st   *Statement
	top  int32      // value of the statement being walked, not itself nested
	path []*msgType // enclosing messages, Node wrappers left out
	err  error
}

// parseResult walks a ParseResult and returns its statements.
func (w *walker) parseResult(tree string) ([]Statement, error) {
	w.s, w.err, w.path = schema(), nil, w.path[:0]
	root, err := w.d.decode(tree, &w.s.keys)
	if err != nil {
		return nil, err
	}
	if w.d.vals[root].kind != jObj {
		return nil, errBadTree
	}
	rawStmt := w.s.types["RawStmt"]
	for _, m := range w.d.items(root) {
		if w.s.root.field(m.key) == nil {
			return nil, fmt.Errorf("%w: unknown key in ParseResult", errBadTree)
		}
	}
	var out []Statement
	for _, raw := range w.d.items(w.s.root.get(&w.d, root, "stmts")) {
		for _, m := range w.d.items(raw.val) {
			if rawStmt.field(m.key) == nil {
				return nil, fmt.Errorf("%w: unknown key in RawStmt", errBadTree)
			}
		}
		node := rawStmt.get(&w.d, raw.val, "stmt")
		if node < 0 {
			continue
		}
		st := w.statement(node)
		if w.err != nil {
			return nil, w.err
		}
		out = append(out, st)
	}
	return out, nil
}

// statement walks one statement node (a Node wrapper) into its facts.
func (w *walker) statement(node int32) Statement {
	var st Statement
	saved, savedTop := w.st, w.top
	w.st = &st
	defer func() { w.st, w.top = saved, savedTop }()
	t, v := w.unwrap(node)
	if t == nil {
		st.Kind, st.Class = "unknown", ClassAdmin
		return st
	}
	w.top = v
	st.Kind, st.Class = kindOf(t, &w.d, v)
	if t.name == "ExplainStmt" {
		w.explain(t, v)
	} else {
		w.message(t, v)
	}
	finish(&st)
	return st
}

// unwrap returns the type and value inside a Node wrapper.
func (w *walker) unwrap(node int32) (*msgType, int32) {
	ms := w.d.items(node)
	if w.d.vals[node].kind != jObj || len(ms) != 1 {
		if len(ms) > 1 {
			w.fail("node with %d keys", len(ms))
		}
		return nil, -1
	}
	f := w.s.node.field(ms[0].key)
	if f == nil || f.msg == nil {
		w.fail("unknown node type")
		return nil, -1
	}
	return f.msg, ms[0].val
}

// explain records EXPLAIN's options and walks the explained statement as
// a statement of its own.
func (w *walker) explain(t *msgType, v int32) {
	query, options := t.byProto["query"], t.byProto["options"]
	for _, m := range w.d.items(v) {
		switch m.key {
		case query:
			inner := w.statement(m.val)
			w.st.Inner = &inner
		case options:
			for _, o := range w.d.items(m.val) {
				if name, on := w.defElem(o.val); on {
					w.st.Options = append(w.st.Options, name)
					w.st.Analyze = w.st.Analyze || name == "analyze"
				}
			}
			w.member(t, m)
		default:
			w.member(t, m)
		}
	}
}

// defElem reads an option like ANALYZE, ANALYZE true or ANALYZE off.
func (w *walker) defElem(node int32) (string, bool) {
	t, v := w.unwrap(node)
	if t == nil || t.name != "DefElem" {
		return "", false
	}
	name := strings.ToLower(w.d.text(t.get(&w.d, v, "defname")))
	arg := t.get(&w.d, v, "arg")
	if arg < 0 {
		return name, true
	}
	at, av := w.unwrap(arg)
	if at == nil {
		return name, true
	}
	switch at.name {
	case "Boolean":
		return name, at.get(&w.d, av, "boolval") >= 0 // false is left out
	case "Integer":
		return name, at.get(&w.d, av, "ival") >= 0 // 0 is left out
	case "String":
		switch strings.ToLower(w.d.text(at.get(&w.d, av, "sval"))) {
		case "false", "off", "0", "no":
			return name, false
		}
	}
	return name, true
}

// message walks every member of object v of type t.
func (w *walker) message(t *msgType, v int32) {
	if w.err != nil {
		return
	}
	if w.d.vals[v].kind != jObj {
		w.fail("%s is not an object", t.name)
		return
	}
	if !t.node {
		w.path = append(w.path, t)
		w.visit(t, v)
	}
	for _, m := range w.d.items(v) {
		w.member(t, m)
	}
	if !t.node {
		w.path = w.path[:len(w.path)-1]
	}
}

// member walks one member of a message of type t.
func (w *walker) member(t *msgType, m jmem) {
	f := t.field(m.key)
	switch {
	case f == nil:
		w.fail("unknown key in %s", t.name)
	case f.msg == nil:
		if k := w.d.vals[m.val].kind; k == jObj || (k == jArr && !f.list) {
			w.fail("%s.%s holds a container", t.name, m.key)
		}
	case f.list:
		if w.d.vals[m.val].kind != jArr {
			w.fail("%s.%s is not a list", t.name, m.key)
			return
		}
		for _, e := range w.d.items(m.val) {
			w.message(f.msg, e.val)
		}
	default:
		w.message(f.msg, m.val)
	}
}

func (w *walker) fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf("%w: "+format, append([]any{errBadTree}, args...)...)
	}
}
