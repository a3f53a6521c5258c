// Package sqlguard decides whether parsed PostgreSQL SQL may run on a
// connection, failing closed: only what it knows to be safe is allowed.
//
// Check works on sqlparse facts alone. Functions and operators whose
// safety depends on the connection's catalog come back in the Decision as
// Lookups; the caller asks the catalog (pg_proc.provolatile) and calls
// Resolve. The package imports no database code.
package sqlguard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

var (
	// ErrRefused matches every refusal.
	ErrRefused = errors.New("refused by the SQL guard")
	// ErrNotReadOnly matches refusals of statements that write or change
	// state (and so cannot run on a read-only connection).
	ErrNotReadOnly = errors.New("statement is not read-only")
	// ErrFunction matches refusals of a denied or volatile function or operator.
	ErrFunction = errors.New("function not allowed")
)

// Reason is the machine-readable cause of a refusal.
type Reason string

const (
	ReasonSyntax           Reason = "syntax"
	ReasonTooDeep          Reason = "too_deep"
	ReasonEmpty            Reason = "empty"
	ReasonMultiple         Reason = "multiple_statements"
	ReasonAmbiguousString  Reason = "ambiguous_string"
	ReasonStatement        Reason = "statement_not_allowed"
	ReasonSelectInto       Reason = "select_into"
	ReasonLocking          Reason = "locking_clause"
	ReasonModifyingCTE     Reason = "data_modifying_cte"
	ReasonNested           Reason = "nested_statement"
	ReasonExplainAnalyze   Reason = "explain_analyze"
	ReasonDeniedFunction   Reason = "denied_function"
	ReasonVolatileFunction Reason = "volatile_function"
	ReasonVolatileOperator Reason = "volatile_operator"
)

// Policy is what a connection allows.
type Policy struct {
	// Writes lists the classes of writing statements the connection may
	// run: sqlparse.ClassDML, ClassDDL, ClassAdmin. Empty is read-only,
	// which is what every connection is today. Session, transaction and
	// utility statements are never allowed: each call is one statement in
	// its own transaction.
	Writes []sqlparse.Class
	// AllowVolatile names functions and operators (unqualified, any case)
	// that may run although the catalog marks them volatile: for example
	// a user-defined function that is safe but was not declared STABLE.
	// It never overrides the deny list.
	AllowVolatile []string
}

func (p Policy) allows(c sqlparse.Class) bool {
	switch c {
	case sqlparse.ClassRead:
		return true
	case sqlparse.ClassDML, sqlparse.ClassDDL, sqlparse.ClassAdmin:
		return slices.Contains(p.Writes, c)
	}
	return false
}

func (p Policy) allowsVolatile(name string) bool {
	for _, n := range p.AllowVolatile {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// Ref is a function or operator whose safety the connection's catalog
// decides.
type Ref struct {
	Schema   string // as written, "" when unqualified
	Name     string // as PostgreSQL looks it up
	Operator bool
	// Attribute marks a name selected with a dot (t.f, (expr).f), which
	// calls a one-argument function f when no column is named f: only
	// volatile functions of one argument count.
	Attribute bool
	// Builtin marks a known-safe built-in: only a volatile function of the
	// same name outside pg_catalog makes the call unsafe. For any other
	// name, a volatile function of that name in any schema does.
	Builtin bool
}

func (r Ref) String() string {
	if r.Schema != "" {
		return r.Schema + "." + r.Name
	}
	return r.Name
}

// Decision is the guard's verdict on one SQL text.
type Decision struct {
	Allowed bool
	Reason  Reason // empty when allowed
	Message string // what is wrong and what to do next; empty when allowed
	Kind    string // the statement's kind, when there is one statement
	Class   sqlparse.Class
	// Lookups lists what the caller must resolve with Resolve before the
	// statement runs. Empty when refused.
	Lookups []Ref
}

// Err returns nil for an allowed decision and an *Error otherwise.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &Error{Reason: d.Reason, Message: d.Message}
}

// Error is a refusal. It matches ErrRefused, and ErrNotReadOnly or
// ErrFunction by reason.
type Error struct {
	Reason  Reason
	Message string
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() []error {
	switch e.Reason {
	case ReasonStatement, ReasonSelectInto, ReasonLocking, ReasonModifyingCTE, ReasonNested, ReasonExplainAnalyze:
		return []error{ErrRefused, ErrNotReadOnly}
	case ReasonDeniedFunction, ReasonVolatileFunction, ReasonVolatileOperator:
		return []error{ErrRefused, ErrFunction}
	}
	return []error{ErrRefused}
}

func refuse(reason Reason, format string, args ...any) Decision {
	return Decision{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// CheckSQL parses sql and checks it. What does not parse is refused with
// ReasonSyntax and the parser's message.
func CheckSQL(sql string, p Policy) Decision {
	f, err := sqlparse.Parse(sql)
	if errors.Is(err, sqlparse.ErrEmpty) {
		return Check(sqlparse.Facts{}, p)
	}
	if errors.Is(err, sqlparse.ErrTooDeep) {
		return refuse(ReasonTooDeep, "%v", err)
	}
	if err != nil {
		return refuse(ReasonSyntax, "%v; fix the SQL and try again", err)
	}
	return Check(f, p)
}

// Check decides whether the SQL described by f may run under p. An
// allowed decision may still carry Lookups for Resolve.
func Check(f sqlparse.Facts, p Policy) Decision {
	switch n := len(f.Statements); {
	case n == 0:
		return refuse(ReasonEmpty, "sql holds no statement; pass one SQL statement")
	case n > 1:
		return refuse(ReasonMultiple, "sql holds %d statements; send exactly one statement per call", n)
	}
	if f.AmbiguousString {
		return refuse(ReasonAmbiguousString, `a string literal holds a backslash before a quote ('...\'), `+
			"which reads differently when standard_conforming_strings is off; "+
			"write the string as E'...' with escapes, or use dollar quoting ($$...$$)")
	}
	st := &f.Statements[0]
	d := statement(st, p)
	d.Kind, d.Class = st.Kind, st.Class
	if !d.Allowed {
		return d
	}
	return calls(d, st, p)
}

// calls checks every function, operator and dotted name of st (and of the
// statement EXPLAIN explains) and lists those the catalog must decide.
func calls(d Decision, st *sqlparse.Statement, p Policy) Decision {
	for s := st; s != nil; s = s.Inner {
		for _, fn := range s.Functions {
			if cat, ok := denied(fn.Name); ok {
				return refused(d, refuse(ReasonDeniedFunction,
					"function %s %s and is not allowed on read-only connections; remove the call",
					display(fn.Schema, fn.Name), cat))
			}
			safe := knownSafe(fn.Schema, fn.Name)
			if safe && fn.Schema == "pg_catalog" {
				continue // exactly the built-in: nothing else can answer the call
			}
			d.Lookups = appendRef(d.Lookups, Ref{Schema: fn.Schema, Name: fn.Name, Builtin: safe})
		}
		for _, op := range s.Operators {
			d.Lookups = appendRef(d.Lookups, Ref{Schema: op.Schema, Name: op.Name, Operator: true})
		}
		for _, f := range s.Fields {
			if cat, ok := denied(f); ok {
				return refused(d, refuse(ReasonDeniedFunction,
					"x.%s may call function %s (when x has no column %s, PostgreSQL reads x.%s as %s(x)), which %s "+
						"and is not allowed on read-only connections; if it is a column, write it without the prefix",
					f, f, f, f, f, cat))
			}
			d.Lookups = appendRef(d.Lookups, Ref{Name: f, Attribute: true, Builtin: knownSafe("", f)})
		}
	}
	return d
}

func refused(d, r Decision) Decision {
	r.Kind, r.Class = d.Kind, d.Class
	return r
}

func appendRef(refs []Ref, r Ref) []Ref {
	if slices.Contains(refs, r) {
		return refs
	}
	return append(refs, r)
}

func display(schema, name string) string {
	if schema != "" {
		return schema + "." + name
	}
	return name
}

// Volatility is what a connection's catalog says about the functions (for
// an operator, the functions behind the operators; for an attribute, the
// functions of one argument) of one name.
// The zero value means no such function: the database reports the call.
type Volatility struct {
	Volatile        bool // some function of this name, in any schema, is volatile
	VolatileOutside bool // some volatile one is defined outside pg_catalog
}

// Resolve finishes an allowed decision with what the connection's catalog
// says about each of its Lookups. A volatile function may change data or
// state, so it is refused unless p allows it by name: for a known-safe
// built-in only a volatile function of the same name outside pg_catalog
// counts (it may be what an unqualified call reaches).
func Resolve(d Decision, p Policy, catalog func(Ref) Volatility) Decision {
	if !d.Allowed {
		return d
	}
	for _, r := range d.Lookups {
		if p.allowsVolatile(r.Name) {
			continue
		}
		v := catalog(r)
		unsafe := v.Volatile
		if r.Builtin {
			unsafe = v.VolatileOutside
		}
		if !unsafe {
			continue
		}
		switch {
		case r.Operator:
			return refused(d, refuse(ReasonVolatileOperator,
				"operator %s calls a volatile function, which may change data or state, so it is not allowed on this read-only connection; "+
					"rewrite the expression without it, or allow it for this connection", r))
		case r.Attribute:
			return refused(d, refuse(ReasonVolatileFunction,
				"x.%s may call the volatile function %s: when x has no column %s, PostgreSQL reads x.%s as %s(x), "+
					"so it is not allowed on this read-only connection; select a column that exists, or allow %s for this connection",
				r.Name, r.Name, r.Name, r.Name, r.Name, r.Name))
		case r.Builtin:
			return refused(d, refuse(ReasonVolatileFunction,
				"function %s has a volatile definition outside pg_catalog that the call may reach, so it is not allowed on this read-only connection; "+
					"call pg_catalog.%s explicitly, or allow it for this connection", r, r.Name))
		default:
			return refused(d, refuse(ReasonVolatileFunction,
				"function %s is volatile (it may change data or state), so it is not allowed on this read-only connection; "+
					"remove the call, declare the function STABLE or IMMUTABLE if it only reads, or allow it for this connection", r))
		}
	}
	return d
}
