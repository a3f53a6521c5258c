package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the schema snapshots in testdata/schemas")

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestToolSchemasMatchSnapshots walks every registered tool: unique
// snake_case names, descriptions, annotations, and input/output schemas equal
// to their snapshot (the contract is public API; -update rewrites).
func TestToolSchemasMatchSnapshots(t *testing.T) {
	all := All(&Deps{})
	seen := map[string]bool{}
	descBytes := 0
	for _, tl := range all {
		tool := tl.Tool
		name := tool.Name
		if !snakeCase.MatchString(name) {
			t.Errorf("tool name %q is not snake_case", name)
		}
		if seen[name] {
			t.Errorf("duplicate tool %q", name)
		}
		seen[name] = true
		if len(tool.Description) < 40 || len(tool.Description) > 600 {
			t.Errorf("%s: description is %d bytes; keep it between 40 and 600", name, len(tool.Description))
		}
		descBytes += len(tool.Description)
		a := tool.Annotations
		if a.Title == "" || a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
			t.Errorf("%s: annotations incomplete: %+v", name, a)
		}
		if *a.ReadOnlyHint && *a.DestructiveHint {
			t.Errorf("%s: read-only and destructive at once", name)
		}
		if tl.Toolset == "" {
			t.Errorf("%s: no toolset", name)
		}
		snap := map[string]any{"input": rawOrTyped(tool.RawInputSchema, tool.InputSchema), "output": tool.OutputSchema}
		got, err := json.MarshalIndent(snap, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", "schemas", name+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no snapshot (%v); run go test ./tools -run TestToolSchemas -update", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: schema differs from %s (public API; if intended, rerun with -update and note it in the README):\n%s", name, path, cmp.Diff(string(want), string(got)))
		}
	}
	for _, want := range []string{"list_connections", "add_connection", "remove_connection", "test_connection", "list_tables", "describe_table", "schema_context", "execute_sql", "explain_sql", "query_history", "upload_file", "remove_file", "profile"} {
		if !seen[want] {
			t.Errorf("contract tool %q is not registered", want)
		}
	}
	t.Logf("%d tools, %d bytes of descriptions", len(all), descBytes)
}

func rawOrTyped(raw json.RawMessage, typed any) any {
	if len(raw) > 0 {
		return raw
	}
	return typed
}

func TestSelectToolsets(t *testing.T) {
	all := All(&Deps{})
	got := Select(all, []string{ToolsetQuery})
	if len(got) != 3 {
		t.Fatalf("query toolset has %d tools, want 3", len(got))
	}
	if len(Select(all, nil)) != len(all) {
		t.Fatal("empty selection must keep every tool")
	}
}
