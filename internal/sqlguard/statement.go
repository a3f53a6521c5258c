package sqlguard

import (
	"strings"

	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

const readOnlyNext = "this connection is read-only: send one SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN statement"

// statement applies the statement-level rules: the kind must be allowed,
// and a query must not create a table, lock rows or hide a write.
func statement(st *sqlparse.Statement, p Policy) Decision {
	d := Decision{Allowed: true}
	switch st.Kind {
	case "select", "show": // SHOW has none of a query's risky parts; check anyway
		d = query(st, p)
	case "explain":
		d = explain(st, p)
	default:
		// Only the kinds above read. Any other kind runs only where the
		// policy grants its (writing) class, whatever class the facts claim.
		if st.Class == sqlparse.ClassRead {
			return refuse(ReasonStatement, "%s is not a query; %s", upper(st.Kind), readOnlyNext)
		}
	}
	if d.Allowed && !p.allows(st.Class) {
		// Also the backstop when facts disagree with themselves: a query
		// whose class is not read is refused like any other writer.
		return refuse(ReasonStatement, "%s %s; %s", upper(st.Kind), classText(st), readOnlyNext)
	}
	return d
}

// query checks a SELECT (also WITH, VALUES and TABLE, which parse as one).
func query(st *sqlparse.Statement, p Policy) Decision {
	for _, k := range st.Nested {
		if !isDML(k) {
			return refuse(ReasonNested, "the query holds a %s statement, which is not allowed inside a query; %s", upper(k), readOnlyNext)
		}
		if !p.allows(sqlparse.ClassDML) {
			return refuse(ReasonModifyingCTE, "WITH ... %s writes data inside the query; only read-only WITH queries (SELECT) run here: "+
				"remove the %s, or run the read part alone", upper(k), upper(k))
		}
	}
	if st.Into && !p.allows(sqlparse.ClassDDL) {
		return refuse(ReasonSelectInto, "SELECT ... INTO creates a table; remove INTO and the rows come back as the result")
	}
	if len(st.Locking) > 0 && !p.allows(sqlparse.ClassDML) {
		l := st.Locking[0]
		return refuse(ReasonLocking, "SELECT ... %s takes row locks; remove %s (reads need no locks here)", l, l)
	}
	return Decision{Allowed: true}
}

// explain allows EXPLAIN only of a statement that would itself be allowed
// here (issue 3): with ANALYZE the statement runs; without it, the plan of
// a write is still not something a read-only connection offers.
func explain(st *sqlparse.Statement, p Policy) Decision {
	in := st.Inner
	if in == nil || in.Kind == "explain" || in.Kind == "show" {
		return refuse(ReasonStatement, "EXPLAIN needs a query to explain; %s", readOnlyNext)
	}
	d := statement(in, p)
	if d.Allowed {
		return d
	}
	what, _, _ := strings.Cut(d.Message, "; ")
	if st.Analyze {
		return refuse(ReasonExplainAnalyze, "EXPLAIN ANALYZE runs the statement, and %s; remove ANALYZE to see the plan without running it", what)
	}
	return refuse(ReasonStatement, "EXPLAIN of a statement that may not run here: %s; %s", what, readOnlyNext)
}

func isDML(kind string) bool {
	switch kind {
	case "insert", "update", "delete", "merge":
		return true
	}
	return false
}

// classText says what a statement of st's class does.
func classText(st *sqlparse.Statement) string {
	switch st.Kind {
	case "call":
		return "runs a procedure, which may write"
	case "do":
		return "runs an anonymous code block, which may do anything"
	case "copy":
		return "copies data between a table and a file, program or client stream; read with SELECT instead"
	case "set", "reset":
		return "changes a session setting (timeouts come from timeout_ms)"
	case "set transaction", "begin", "start transaction", "commit", "rollback", "savepoint", "release",
		"rollback to", "prepare transaction", "commit prepared", "rollback prepared":
		return "controls the transaction; every call already runs in its own read-only transaction"
	case "prepare", "execute", "deallocate":
		return "uses prepared statements, which do not survive the call; send the query itself"
	case "declare", "fetch", "close":
		return "uses a cursor, which does not survive the call; send the query itself (results are capped by max_rows)"
	case "listen", "unlisten", "notify":
		return "uses notifications, which this server does not deliver"
	case "lock":
		return "locks tables"
	}
	switch st.Class {
	case sqlparse.ClassDML:
		return "writes data"
	case sqlparse.ClassDDL:
		return "changes the schema"
	case sqlparse.ClassAdmin:
		return "is an administrative statement"
	case sqlparse.ClassSession:
		return "changes session state"
	case sqlparse.ClassTransaction:
		return "controls the transaction"
	}
	return "is not a query"
}

func upper(kind string) string { return strings.ToUpper(kind) }
