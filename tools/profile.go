package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/profile"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/server"
)

type ProfileIn struct {
	Connection string   `json:"connection,omitempty" jsonschema:"connection of the table (with table)"`
	Table      string   `json:"table,omitempty" jsonschema:"table or view to profile, optionally schema-qualified"`
	File       string   `json:"file,omitempty" jsonschema:"an uploaded file's name, instead of connection and table"`
	Columns    []string `json:"columns,omitempty" jsonschema:"only these columns (default all)"`
}

// ProfileOut is the engine's profile: row count, and per column type, nulls,
// distinct values, min, max, mean, stddev, quartiles, top values, a
// histogram and hints.
type ProfileOut = profile.Profile

func profileTool(d *Deps) server.ServerTool {
	return newTool("profile",
		"Profile a table, or an uploaded file (file): per column the type, null count and fraction, distinct count (approximate on large tables, and said so), min, max, mean, stddev, quartiles, top values, a histogram for numbers and dates, and hints (looks like an email, uuid, date stored as text, candidate key, constant). One pass per table; tables and files over a million rows are sampled and say so.",
		hints{title: "Profile table", readOnly: true, idempotent: true, openWorld: true},
		func(ctx context.Context, in ProfileIn) (ProfileOut, error) {
			var opt profile.Options
			switch {
			case in.File != "" && (in.Connection != "" || in.Table != ""):
				return ProfileOut{}, errors.New("give either file, or connection and table, not both")
			case in.File != "":
				asset, err := d.Store.GetFileAsset(ctx, in.File)
				if errors.Is(err, store.ErrNotFound) {
					return ProfileOut{}, fmt.Errorf("file %q not found; call list_tables with connection \"files\" to see the uploaded files", in.File)
				} else if err != nil {
					return ProfileOut{}, err
				}
				in.Connection, in.Table = conns.Files, in.File
				opt.KnownRows = asset.RowCount
			case in.Connection == "" || in.Table == "":
				return ProfileOut{}, errors.New("give connection and table, or file (an uploaded file's name)")
			}
			h, err := d.Conns.Get(ctx, in.Connection)
			if err != nil {
				return ProfileOut{}, onConn(in.Connection, err)
			}
			stop := reportProgress(ctx, "profiling "+in.Table)
			defer stop()
			p, err := profile.Table(ctx, h.Source, in.Table, in.Columns, opt)
			if err != nil {
				return ProfileOut{}, onConn(in.Connection, err)
			}
			return *p, nil
		},
		renderProfile)
}

// renderProfile is the text block: one line per column.
func renderProfile(p ProfileOut) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d rows", p.Table, p.RowCount)
	if p.Sampled {
		fmt.Fprintf(&sb, " (estimated from a %.1f%% sample)", p.SampleFraction*100)
	}
	sb.WriteByte('\n')
	for _, c := range p.Columns {
		fmt.Fprintf(&sb, "%s %s: nulls %d (%.1f%%), distinct %d", c.Name, c.Type, c.NullCount, c.NullFraction*100, c.DistinctCount)
		if c.DistinctApprox {
			sb.WriteString(" (approx.)")
		}
		if c.Min != nil || c.Max != nil {
			fmt.Fprintf(&sb, ", min %v, max %v", c.Min, c.Max)
		}
		if c.Mean != nil {
			fmt.Fprintf(&sb, ", mean %.4g", *c.Mean)
		}
		if c.Stddev != nil {
			fmt.Fprintf(&sb, ", stddev %.4g", *c.Stddev)
		}
		if q := c.Quantiles; q != nil {
			fmt.Fprintf(&sb, ", p25/p50/p75 %v/%v/%v", q.P25, q.P50, q.P75)
		}
		if len(c.TopValues) > 0 {
			sb.WriteString(", top")
			for i, tv := range c.TopValues {
				if i == 3 {
					break
				}
				fmt.Fprintf(&sb, " %v×%d", tv.Value, tv.Count)
			}
		}
		if len(c.Hints) > 0 {
			sb.WriteString(", hints: " + strings.Join(c.Hints, ", "))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
