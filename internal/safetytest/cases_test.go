package safetytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Outcomes a want block may name.
const (
	refused = "refused" // the call is a tool error
	allowed = "allowed" // the call returns rows
	limited = "limited" // the row/byte cap truncated it, or the timeout or a resource limit stopped it
)

// call is one tool call of a case.
type call struct {
	Tool      string `json:"tool"` // execute_sql (default) or explain_sql
	SQL       string `json:"sql"`
	Analyze   bool   `json:"analyze,omitempty"`
	TimeoutMS int    `json:"timeout_ms,omitempty"`
	MaxRows   int    `json:"max_rows,omitempty"`
	// Repeat replaces each placeholder in SQL with a text repeated some
	// times: very long or deeply nested statements without large files.
	Repeat map[string]repeat `json:"repeat,omitempty"`
}

type repeat struct {
	Text  string `json:"text"`
	Times int    `json:"times"`
}

type testCase struct {
	name    string
	dir     string
	engines []string
	calls   []call
}

// attack reports whether the case is an attack (else it is legitimate).
func (c testCase) attack() bool { return strings.HasPrefix(c.name, "attack-") }

// loadCases reads every folder under testdata.
func loadCases(t *testing.T) []testCase {
	t.Helper()
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var cases []testCase
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		c, err := loadCase(filepath.Join("testdata", d.Name()))
		if err != nil {
			t.Errorf("case %s: %v", d.Name(), err)
			continue
		}
		cases = append(cases, c)
	}
	return cases
}

func loadCase(dir string) (testCase, error) {
	c := testCase{name: filepath.Base(dir), dir: dir}
	if !c.attack() && !strings.HasPrefix(c.name, "legit-") {
		return c, errors.New("a case name starts with attack- or legit-")
	}
	engine, err := os.ReadFile(filepath.Join(dir, "engine"))
	if err != nil {
		return c, err
	}
	switch e := strings.TrimSpace(string(engine)); e {
	case "postgres", "duckdb":
		c.engines = []string{e}
	case "both":
		c.engines = []string{"postgres", "duckdb"}
	default:
		return c, fmt.Errorf("engine %q: want postgres, duckdb or both", e)
	}
	sql, sqlErr := os.ReadFile(filepath.Join(dir, "query.sql"))
	calls, callsErr := os.ReadFile(filepath.Join(dir, "calls.json"))
	switch {
	case sqlErr == nil && callsErr == nil:
		return c, errors.New("has both query.sql and calls.json")
	case sqlErr == nil:
		c.calls = []call{{Tool: "execute_sql", SQL: string(sql)}}
	case callsErr == nil:
		if err := json.Unmarshal(calls, &c.calls); err != nil {
			return c, fmt.Errorf("calls.json: %w", err)
		}
	default:
		return c, errors.New("has neither query.sql nor calls.json")
	}
	for i := range c.calls {
		if c.calls[i].Tool == "" {
			c.calls[i].Tool = "execute_sql"
		}
		for ph, r := range c.calls[i].Repeat {
			c.calls[i].SQL = strings.ReplaceAll(c.calls[i].SQL, ph, strings.Repeat(r.Text, r.Times))
		}
	}
	return c, nil
}

// blockKey names the want block of one engine and call.
func (c testCase) blockKey(engine string, i int) string {
	if len(c.calls) == 1 {
		return engine
	}
	return fmt.Sprintf("%s call %d", engine, i+1)
}

// want is a parsed want.txt: blocks in file order.
type want struct {
	keys   []string
	blocks map[string]string // key → block text without the "# key" line
}

func readWant(dir string) (want, error) {
	w := want{blocks: map[string]string{}}
	b, err := os.ReadFile(filepath.Join(dir, "want.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		return w, nil
	}
	if err != nil {
		return w, err
	}
	key := ""
	for line := range strings.SplitAfterSeq(string(b), "\n") {
		if k, ok := strings.CutPrefix(line, "# "); ok {
			key = strings.TrimSpace(k)
			w.keys = append(w.keys, key)
			continue
		}
		if key == "" {
			if strings.TrimSpace(line) != "" {
				return w, errors.New("want.txt: text before the first \"# engine\" line")
			}
			continue
		}
		w.blocks[key] += line
	}
	return w, nil
}

// outcome is the outcome line of a block; "" when there is none.
func outcomeOf(block string) string {
	first, _, _ := strings.Cut(block, "\n")
	o, _ := strings.CutPrefix(first, "outcome: ")
	return strings.TrimSpace(o)
}

func (w *want) set(key, block string) {
	if !slices.Contains(w.keys, key) {
		w.keys = append(w.keys, key)
	}
	w.blocks[key] = block
}

func (w want) write(dir string) error {
	var sb strings.Builder
	for _, k := range w.keys {
		sb.WriteString("# " + k + "\n" + w.blocks[k])
	}
	return os.WriteFile(filepath.Join(dir, "want.txt"), []byte(sb.String()), 0o644)
}

// observed is what one call did.
type observed struct {
	isError   bool
	errText   string
	verdict   string
	truncated string
	rows      string // CSV text block without its summary line
}

// block renders an observation under the wanted outcome. Rows are shown
// for allowed calls unless the want block says "rows: unchecked".
func (o observed) block(outcome string, unchecked bool) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "outcome: %s\nverdict: %s\n", outcome, o.verdict)
	if o.isError {
		fmt.Fprintf(&sb, "error: %s\n", strings.ReplaceAll(strings.TrimSpace(o.errText), "\n", `\n`))
	}
	if o.truncated != "" {
		fmt.Fprintf(&sb, "truncated: %s\n", o.truncated)
	}
	if outcome == allowed && !o.isError {
		if unchecked {
			sb.WriteString("rows: unchecked\n")
		} else {
			sb.WriteString("rows:\n" + o.rows)
		}
	}
	return sb.String()
}

// judge says why o does not have the wanted outcome, or "".
func (o observed) judge(outcome string) string {
	switch outcome {
	case refused:
		if o.isError && strings.TrimSpace(o.errText) != "" && (o.verdict == "refused" || o.verdict == "error") {
			return ""
		}
	case allowed:
		if !o.isError && o.verdict == "ok" {
			return ""
		}
	case limited:
		if !o.isError && o.truncated != "" {
			return ""
		}
		if o.isError && (o.verdict == "timeout" || o.verdict == "canceled" || resourceError(o.errText)) {
			return ""
		}
	default:
		return fmt.Sprintf("unknown outcome %q in want.txt", outcome)
	}
	switch {
	case o.isError:
		return fmt.Sprintf("the call failed (verdict %s) instead of being %s: %s", o.verdict, outcome, o.errText)
	case o.truncated != "":
		return fmt.Sprintf("the call RAN (truncated by %s) instead of being %s", o.truncated, outcome)
	}
	return fmt.Sprintf("the call RAN (verdict %s) instead of being %s; rows:\n%s", o.verdict, outcome, o.rows)
}

func resourceError(text string) bool {
	l := strings.ToLower(text)
	return strings.Contains(l, "memory") || strings.Contains(l, "limit") || strings.Contains(l, "too large")
}

// csvRows drops the summary line from execute_sql's text block.
func csvRows(text string) string {
	text = strings.TrimSuffix(text, "\n")
	if i := strings.LastIndexByte(text, '\n'); i >= 0 && strings.HasPrefix(text[i+1:], "(") {
		return text[:i+1]
	}
	if strings.HasPrefix(text, "(") {
		return ""
	}
	return text + "\n"
}
