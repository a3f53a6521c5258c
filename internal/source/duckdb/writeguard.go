package duckdb

import (
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// stmtMergeInto is DUCKDB_STATEMENT_TYPE_MERGE_INTO (DuckDB 1.4+), which
// duckdb-go does not name. The MERGE case of TestWriteCommitsOrRollsBack
// pins the value.
const stmtMergeInto = duckdb.StmtType(30)

// writePlan is what the leading words of a write statement say it is,
// decided before DuckDB prepares it (preparing COPY, IMPORT or ATTACH
// already touches files).
type writePlan struct {
	types []duckdb.StmtType // statement types DuckDB may report for it
	ddl   string            // "CREATE TABLE", "DROP VIEW", "COMMENT"; "" for DML
}

// ddlObjects are the catalog objects writes may create, alter, drop or
// comment on. Macros and functions are left out (see ddlRefusals): a macro
// may take the name of a built-in function (CREATE MACRO abs(x) AS ...)
// and silently change what every later query means. Secrets, databases
// and temporary objects are refused too.
var ddlObjects = map[string]map[string]bool{
	"CREATE":  {"TABLE": true, "VIEW": true, "SCHEMA": true, "INDEX": true, "SEQUENCE": true, "TYPE": true},
	"ALTER":   {"TABLE": true, "VIEW": true, "SEQUENCE": true},
	"DROP":    {"TABLE": true, "VIEW": true, "SCHEMA": true, "INDEX": true, "SEQUENCE": true, "TYPE": true},
	"COMMENT": {"TABLE": true, "VIEW": true, "COLUMN": true, "INDEX": true, "SEQUENCE": true, "SCHEMA": true, "TYPE": true},
}

var dmlTypes = []duckdb.StmtType{duckdb.STATEMENT_TYPE_INSERT, duckdb.STATEMENT_TYPE_UPDATE,
	duckdb.STATEMENT_TYPE_DELETE, stmtMergeInto}

// refusedVerbs explain the statements writes never run.
var refusedVerbs = func() map[string]string {
	m := map[string]string{}
	refuse := func(reason string, verbs ...string) {
		for _, v := range verbs {
			m[v] = reason
		}
	}
	refuse("it reaches files, extensions or server settings outside the database",
		"INSTALL", "LOAD", "FORCE", "ATTACH", "DETACH", "COPY", "EXPORT", "IMPORT",
		"SET", "RESET", "PRAGMA", "CHECKPOINT", "USE")
	refuse("the server runs each write in its own transaction and commits it only after confirmation",
		"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE")
	refuse("maintenance statements and procedure calls are not run as writes",
		"VACUUM", "ANALYZE", "CALL")
	refuse("prepared statements are not supported", "PREPARE", "EXECUTE", "DEALLOCATE")
	refuse("it only reads; run it as a query",
		"SELECT", "FROM", "VALUES", "TABLE", "SHOW", "DESCRIBE", "SUMMARIZE", "EXPLAIN", "PIVOT", "UNPIVOT")
	return m
}()

// planWrite reads the leading words of a statement and refuses, with the
// reason, anything that is not DML or DDL on the objects in ddlObjects.
func planWrite(toks []token) (writePlan, error) {
	words := leadingWords(toks)
	if len(words) == 0 {
		for _, t := range toks {
			if t.text != ";" {
				return writePlan{}, &source.Error{Kind: source.KindUnsupported,
					Message: "a write starts with a keyword such as INSERT, UPDATE or CREATE", Hint: allowedWrites}
			}
		}
		return writePlan{}, &source.Error{Kind: source.KindSyntax, Message: "empty statement: send one SQL statement"}
	}
	verb := words[0]
	if reason, ok := refusedVerbs[verb]; ok {
		if verb == "FORCE" && len(words) > 1 {
			verb += " " + words[1]
		}
		return writePlan{}, refusal(verb, reason)
	}
	switch verb {
	case "INSERT":
		return writePlan{types: dmlTypes[:1]}, nil
	case "UPDATE":
		if len(words) > 1 && words[1] == "EXTENSIONS" {
			return writePlan{}, refusal("UPDATE EXTENSIONS", refusedVerbs["INSTALL"])
		}
		return writePlan{types: dmlTypes[1:2]}, nil
	case "DELETE", "TRUNCATE":
		return writePlan{types: dmlTypes[2:3]}, nil
	case "MERGE":
		return writePlan{types: dmlTypes[3:]}, nil
	case "WITH":
		return writePlan{types: dmlTypes}, nil
	case "CREATE", "ALTER", "DROP", "COMMENT":
		return planDDL(verb, words[1:])
	}
	return writePlan{}, &source.Error{Kind: source.KindUnsupported,
		Message: fmt.Sprintf("%s statements are not allowed as writes", verb),
		Hint:    allowedWrites}
}

const allowedWrites = "writes are INSERT, UPDATE, DELETE, TRUNCATE, MERGE, and CREATE/ALTER/DROP/COMMENT ON " +
	"of tables, views, schemas, indexes, sequences and types"

func refusal(what, reason string) error {
	return &source.Error{Kind: source.KindUnsupported,
		Message: fmt.Sprintf("%s is not allowed as a write: %s", what, reason)}
}

// planDDL checks the object of CREATE [OR REPLACE] [TEMP] [UNIQUE] <object>,
// ALTER <object>, DROP <object> and COMMENT ON <object>.
func planDDL(verb string, rest []string) (writePlan, error) {
	what := verb
	if verb == "COMMENT" {
		if len(rest) == 0 || rest[0] != "ON" {
			return writePlan{}, refusal("COMMENT", "expected COMMENT ON")
		}
		what, rest = "COMMENT ON", rest[1:]
	}
	if verb == "CREATE" && len(rest) >= 2 && rest[0] == "OR" && rest[1] == "REPLACE" {
		rest = rest[2:]
	}
	if len(rest) == 0 {
		return writePlan{}, refusal(what, "no object named")
	}
	switch rest[0] {
	case "TEMP", "TEMPORARY":
		return writePlan{}, refusal(what+" "+rest[0], "a temporary object would live only on one pooled "+
			"connection and vanish; create a regular one")
	case "UNIQUE", "PERSISTENT":
		if len(rest) > 1 {
			rest = rest[1:]
		}
	}
	object := rest[0]
	if reason := ddlRefusals[object]; reason != "" {
		return writePlan{}, refusal(what+" "+object, reason)
	}
	if !ddlObjects[verb][object] {
		return writePlan{}, &source.Error{Kind: source.KindUnsupported,
			Message: fmt.Sprintf("%s %s is not allowed as a write", what, object), Hint: allowedWrites}
	}
	plan := writePlan{ddl: verb + " " + object}
	switch verb {
	case "CREATE":
		plan.types = []duckdb.StmtType{duckdb.STATEMENT_TYPE_CREATE}
	case "DROP":
		plan.types = []duckdb.StmtType{duckdb.STATEMENT_TYPE_DROP}
	case "ALTER":
		plan.types = []duckdb.StmtType{duckdb.STATEMENT_TYPE_ALTER}
	case "COMMENT":
		plan.types = []duckdb.StmtType{duckdb.STATEMENT_TYPE_ALTER}
		plan.ddl = "COMMENT"
	}
	return plan, nil
}

const macroRefusal = "macros are not managed through writes: a macro can take the name of a " +
	"built-in function and change what every later query means"

// ddlRefusals explain the catalog objects writes never touch.
var ddlRefusals = map[string]string{
	"MACRO": macroRefusal, "FUNCTION": macroRefusal,
	"SECRET":   "secrets hold credentials for outside services, which this server does not reach",
	"DATABASE": "the server attaches and manages databases itself",
}

// check confirms that DuckDB's statement type is one the leading words
// promised: a statement that starts like a write but parses as something
// else is refused.
func (p writePlan) check(t duckdb.StmtType) error {
	for _, want := range p.types {
		if t == want {
			return nil
		}
	}
	if t == duckdb.STATEMENT_TYPE_SELECT || t == duckdb.STATEMENT_TYPE_EXPLAIN {
		return refusal("a read statement", refusedVerbs["SELECT"])
	}
	name := statementNames[t]
	if name == "" {
		name = fmt.Sprintf("statement type %d", t)
	}
	return &source.Error{Kind: source.KindUnsupported,
		Message: fmt.Sprintf("%s is not allowed as a write", name), Hint: allowedWrites}
}

// dmlTag names the command tag of a DML statement type.
func dmlTag(t duckdb.StmtType) string {
	if t == stmtMergeInto {
		return "MERGE"
	}
	return statementNames[t]
}

// leadingWords returns the upper-cased words at the start of the statement
// (after comments and stray semicolons), up to the first token that is not
// a bare word.
func leadingWords(toks []token) []string {
	var words []string
	for _, t := range toks {
		if t.kind == tokPunct && t.text == ";" && len(words) == 0 {
			continue
		}
		if t.kind != tokWord {
			break
		}
		words = append(words, strings.ToUpper(t.text))
	}
	return words
}

// hasWord reports whether a bare word (not a string, quoted identifier or
// comment) equal to w appears anywhere in toks.
func hasWord(toks []token, w string) bool {
	for _, t := range toks {
		if t.kind == tokWord && strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}
