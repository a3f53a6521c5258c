package tools

import (
	"context"
	"fmt"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/mark3labs/mcp-go/server"
)

// DefaultContextTokens is schema_context's budget when the caller gives none.
const DefaultContextTokens = 2000

// maxContextTokens bounds what one call may ask for.
const maxContextTokens = 64000

type SchemaContextIn struct {
	Connection string `json:"connection"`
	Question   string `json:"question,omitempty" jsonschema:"the question to answer with SQL; without it you get an overview of the whole database"`
	MaxTokens  int    `json:"max_tokens,omitempty" jsonschema:"token budget for the context (tokens = characters/4; default 2000, max 64000)"`
	Refresh    bool   `json:"refresh,omitempty" jsonschema:"re-read the catalog now instead of using the cached one (it is re-checked every few seconds anyway)"`
}

type SchemaContextTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns" jsonschema:"columns shown in the context"`
	Score   float64  `json:"score" jsonschema:"relevance to the question"`
}

type SchemaContextOut struct {
	Context       string               `json:"context" jsonschema:"CREATE TABLE statements with keys, comments and sample values, or an overview"`
	Tables        []SchemaContextTable `json:"tables"`
	Tokens        int                  `json:"tokens"`
	Truncated     bool                 `json:"truncated" jsonschema:"true when tables, columns, comments or samples were left out to fit the budget"`
	OmittedTables int                  `json:"omitted_tables"`
	Message       string               `json:"message,omitempty"`
}

func schemaContext(d *Deps) server.ServerTool {
	return newTool("schema_context",
		"Get exactly the part of a connection's schema a question needs, within a token budget: the most relevant tables ranked by name, comment and sample-value matches, joined along foreign keys, as CREATE TABLE DDL with keys, comments and sample values. Without a question: an overview of the whole database. Use before writing SQL on a large database.",
		hints{title: "Schema context", readOnly: true, idempotent: true, openWorld: true},
		func(ctx context.Context, in SchemaContextIn) (SchemaContextOut, error) {
			budget := in.MaxTokens
			if budget <= 0 {
				budget = DefaultContextTokens
			}
			if budget > maxContextTokens {
				return SchemaContextOut{}, fmt.Errorf("max_tokens %d is over the %d limit; ask for less, or narrow the question", budget, maxContextTokens)
			}
			h, err := d.Conns.Get(ctx, in.Connection)
			if err != nil {
				return SchemaContextOut{}, onConn(in.Connection, err)
			}
			if in.Refresh {
				d.Catalog.Invalidate(in.Connection)
			}
			res, err := d.Catalog.Context(ctx, in.Connection, h.Source, catalog.Options{Samples: !h.Conn.Options.NoSamples}, in.Question, budget)
			if err != nil {
				return SchemaContextOut{}, onConn(in.Connection, err)
			}
			out := SchemaContextOut{Context: res.Context, Tokens: res.Tokens, Truncated: res.Truncated,
				OmittedTables: res.OmittedTables, Message: res.Message, Tables: make([]SchemaContextTable, 0, len(res.Tables))}
			for _, t := range res.Tables {
				out.Tables = append(out.Tables, SchemaContextTable{Name: t.Name, Columns: nonNil(t.Columns), Score: t.Score})
			}
			return out, nil
		},
		func(o SchemaContextOut) string {
			s := o.Context
			if o.Message != "" {
				s += "\n-- " + o.Message
			}
			if o.Truncated {
				s += fmt.Sprintf("\n-- %d tokens; %d tables left out (raise max_tokens or narrow the question)", o.Tokens, o.OmittedTables)
			}
			return s + "\n"
		})
}
