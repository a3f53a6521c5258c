package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/iopsdata/iopsdata/bench/sl/slbench"
)

// job is one (suite, described, variant) combination.
type job struct {
	suite     string
	described bool
	variant   string
}

// publishedJobs is the grid of the reference table in BENCHMARKS.md.
var publishedJobs = []job{
	{slbench.SpiderDev, false, slbench.VariantQuestion},
	{slbench.BirdDev, false, slbench.VariantQuestion},
	{slbench.BirdDev, false, slbench.VariantEvidence},
	{slbench.BirdDev, true, slbench.VariantEvidence},
	{slbench.BirdMiniDev, false, slbench.VariantEvidence},
	{slbench.Spider2Snow, false, slbench.VariantQuestion},
	{slbench.Spider2SnowLarge, false, slbench.VariantQuestion},
}

func selectors(names []string) ([]slbench.Selector, error) {
	var out []slbench.Selector
	for _, n := range names {
		switch n {
		case "none": // with -load: only write the DuckDB files
		case "whole-schema":
			out = append(out, slbench.WholeSchema())
		case "bm25-table":
			out = append(out, slbench.BM25Table())
		case "iopsdata":
			out = append(out, iopsdataSelector())
		default:
			return nil, fmt.Errorf("unknown selector %q (want whole-schema, bm25-table, all)", n)
		}
	}
	return out, nil
}

func execute(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	jobs := publishedJobs
	if !cfg.published {
		jobs = nil
		for _, s := range cfg.suites {
			for _, v := range cfg.variants {
				jobs = append(jobs, job{s, cfg.described, v})
			}
		}
	}
	var jsonOut io.Writer
	if cfg.jsonPath != "" {
		f, err := os.OpenFile(cfg.jsonPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("open json output: %w", err)
		}
		defer f.Close()
		jsonOut = f
	}
	var all []slbench.Result
	loaded := map[job]*slbench.Suite{}
	written := map[job]bool{}
	for _, j := range jobs {
		key := job{j.suite, j.described, ""}
		loadKey := job{suite: j.suite}
		s := loaded[key]
		if s == nil {
			start := time.Now()
			var err error
			if s, err = slbench.LoadSuite(cfg.data, j.suite, j.described); err != nil {
				return err
			}
			loaded[key] = s
			log.Info("suite loaded", "suite", s.ID, "databases", len(s.DBs), "questions", len(s.AllQuestions),
				"scored", len(s.Questions), "excluded", s.Excluded, "dropped_gold", s.DroppedGold,
				"took", time.Since(start).Round(time.Millisecond))
		}
		if cfg.loadDir != "" && !written[loadKey] {
			written[loadKey] = true
			if err := loadDuckDB(ctx, cfg, s, log); err != nil {
				return err
			}
		}
		if cfg.check {
			if err := spiderCheck(s, stdout); err != nil {
				return err
			}
			continue
		}
		sels, err := selectors(cfg.selectors)
		if err != nil {
			return err
		}
		for _, sel := range sels {
			start := time.Now()
			res, err := slbench.Run(ctx, s, sel, slbench.RunConfig{Variant: j.variant, Budgets: cfg.budgets, Limit: cfg.limit})
			if err != nil {
				return err
			}
			log.Info("run done", "suite", s.ID, "selector", sel.Name(), "variant", j.variant,
				"took", time.Since(start).Round(time.Millisecond))
			if e, ok := sel.(interface{ Err() error }); ok && e.Err() != nil {
				log.Warn("selector errors", "err", e.Err())
			}
			for _, r := range res {
				if jsonOut != nil {
					b, _ := json.Marshal(r)
					fmt.Fprintf(jsonOut, "%s\n", b)
				}
			}
			all = append(all, res...)
		}
	}
	if len(all) > 0 {
		fmt.Fprint(stdout, slbench.MarkdownTable(all))
	}
	return nil
}

func spiderCheck(s *slbench.Suite, w io.Writer) error {
	res, diffs, err := slbench.SpiderCheck(s)
	if err != nil {
		return err
	}
	if res.N == 0 {
		return fmt.Errorf("suite %s has no Spider sql trees; use -suite spider-dev", s.ID)
	}
	fmt.Fprintf(w, "spider check: n=%d tables %.2f%% columns %.2f%% (spec: 100%% / >= 98.5%%)\n",
		res.N, res.TablePct(), res.ColumnPct())
	for _, d := range diffs {
		fmt.Fprintln(w, d)
	}
	return nil
}

// loadDuckDB writes every database of the suite to DIR/<suite>/<db>.duckdb,
// always with the descriptions the suite has.
func loadDuckDB(ctx context.Context, cfg config, s *slbench.Suite, log *slog.Logger) error {
	if !s.Described {
		var err error
		if s, err = slbench.LoadSuite(cfg.data, s.ID, true); err != nil {
			return err
		}
	}
	dir, suite := cfg.loadDir, s.ID
	start := time.Now()
	var total slbench.LoadStats
	for _, id := range slices.Sorted(maps.Keys(s.DBs)) {
		path := filepath.Join(dir, suite, id+".duckdb")
		st, err := slbench.WriteDuckDB(ctx, path, s.DBs[id])
		if err != nil {
			return fmt.Errorf("load %s: %w", id, err)
		}
		total.Tables += st.Tables
		total.Columns += st.Columns
		total.Comments += st.Comments
		total.ForeignKeys += st.ForeignKeys
		total.SkippedForeignKeys += st.SkippedForeignKeys
		total.SkippedColumns += st.SkippedColumns
	}
	log.Info("duckdb written", "dir", filepath.Join(dir, suite), "databases", len(s.DBs),
		"tables", total.Tables, "columns", total.Columns, "comments", total.Comments,
		"foreign_keys", total.ForeignKeys, "skipped_foreign_keys", total.SkippedForeignKeys,
		"skipped_columns", total.SkippedColumns, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
