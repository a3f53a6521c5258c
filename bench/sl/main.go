// Command sl runs the SL@N schema-linking benchmark (BENCHMARKS.md, "Schema
// linking at a token budget") over ../shared/testdata/text2sql:
//
//	go run ./bench/sl -published -json /tmp/sl.jsonl   # the grid of the reference table
//	go run ./bench/sl -suite bird-dev -variant question+evidence -described
//	go run ./bench/sl -suite spider2-snow-large -selector bm25-table -budgets 8000,0
//	go run ./bench/sl -suite spider-dev -check          # extractor vs Spider's sql trees
//	go run ./bench/sl -suite all -selector none -load /tmp/sl-duckdb
//
// -load writes each suite database's schema, with descriptions as comments,
// to DIR/<suite>/<db>.duckdb for the catalog to introspect. The data folder
// defaults to ../shared/testdata/text2sql relative to the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/iopsdata/iopsdata/bench/sl/slbench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sl:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	return execute(ctx, cfg, log, stdout)
}

type config struct {
	data      string
	suites    []string
	variants  []string
	described bool
	selectors []string
	budgets   []int
	jsonPath  string
	limit     int
	check     bool
	loadDir   string
	published bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("sl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var suite, variant, selector, budgets string
	fs.StringVar(&c.data, "data", "../shared/testdata/text2sql", "text2sql data folder")
	fs.StringVar(&suite, "suite", "bird-dev", "suite id, comma list or 'all': "+strings.Join(slbench.Suites, ", "))
	fs.StringVar(&variant, "variant", "question", "query text: question, question+evidence (comma list)")
	fs.BoolVar(&c.described, "described", false, "BIRD: render column descriptions from column_meaning.json")
	fs.StringVar(&selector, "selector", "all", "whole-schema, bm25-table or all (comma list)")
	fs.StringVar(&budgets, "budgets", "500,1000,2000,4000,8000,16000,32000,0", "token budgets, 0 = unbounded")
	fs.StringVar(&c.jsonPath, "json", "", "append one JSON line per run to this file")
	fs.IntVar(&c.limit, "limit", 0, "score only the first N questions of each suite (0 = all)")
	fs.BoolVar(&c.check, "check", false, "spider-dev: compare extracted gold with Spider's parsed sql trees")
	fs.StringVar(&c.loadDir, "load", "", "write each database's schema into DIR/<suite>/<db>.duckdb and exit")
	fs.BoolVar(&c.published, "published", false, "run the grid of the published reference table")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if suite == "all" {
		c.suites = slbench.Suites
	} else {
		c.suites = splitList(suite)
	}
	c.variants = splitList(variant)
	if selector == "all" {
		c.selectors = []string{"whole-schema", "bm25-table"}
	} else {
		c.selectors = splitList(selector)
	}
	for _, b := range splitList(budgets) {
		n, err := strconv.Atoi(b)
		if err != nil || n < 0 {
			return c, fmt.Errorf("bad budget %q", b)
		}
		c.budgets = append(c.budgets, n)
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
