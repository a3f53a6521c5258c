// Command iopsdata is an MCP server that lets AI agents read database
// schemas and run read-only SQL on PostgreSQL and DuckDB connections.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/query"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/resources"
	"github.com/iopsdata/iopsdata/store"
	"github.com/iopsdata/iopsdata/tools"
	"github.com/mark3labs/mcp-go/server"
)

// stdioWorkers is how many tool calls run at once over stdio.
const stdioWorkers = 32

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "iopsdata:", err)
		os.Exit(1)
	}
}

// run wires the server from args and environment and serves until ctx ends
// or the client goes away. Logs go to stderr; stdout carries the protocol.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.showVersion {
		fmt.Fprintln(stdout, "iopsdata", version)
		return nil
	}
	log, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	if path := getenv("IOPSDATA_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	st, err := store.Open(ctx, store.Options{Home: cfg.home, FernetKey: getenv("FERNET_KEY"), Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.KeyCheck(ctx); err != nil {
		log.Warn("stored connections cannot be decrypted; the server runs, but they fail until the key is fixed", "err", err)
	}

	demo := ""
	if !cfg.noDemo {
		demo = filepath.Join(cfg.home, "demo.duckdb")
		go ensureDemo(ctx, demo, log)
	}
	filesDir := filepath.Join(cfg.home, "files")
	cm := conns.New(st, conns.Config{
		Home: cfg.home, DemoPath: demo, FilesDir: filesDir, PoolSize: cfg.poolSize,
		DefaultTimeout: cfg.timeout, MaxRowsCap: cfg.maxRowsCap, AllowWrites: cfg.allowWrites,
	}, log, nil)
	defer cm.Close()
	runner := query.New(cm, st, query.Limits{
		DefaultRows: cfg.maxRows, MaxRows: cfg.maxRowsCap, DefaultBytes: cfg.maxBytes, MaxBytes: cfg.maxBytesCap,
		DefaultTimeout: cfg.timeout, MaxTimeout: cfg.maxTimeout,
	}, log)
	cat := catalog.NewCache(0)
	res := &resources.Deps{Conns: cm, Catalog: cat}
	mcpServer := tools.NewServer(&tools.Deps{Conns: cm, Runner: runner, Store: st, Log: log, AllowWrites: cfg.allowWrites, Catalog: cat,
		FilesRoots: cfg.filesRoots, FilesMaxBytes: cfg.filesMax},
		tools.Options{Name: "iopsdata", Version: version, Toolsets: cfg.toolsets, ServerOptions: resources.ServerOptions(res)})
	resources.Register(mcpServer, res)

	if cfg.httpAddr != "" {
		return serveHTTP(ctx, mcpServer, cfg.httpAddr, log)
	}
	log.Info("serving MCP over stdio", "home", cfg.home, "version", version)
	stdio := server.NewStdioServer(mcpServer)
	// Long statements must not hold up other calls: a model may run several
	// tools at once, and a slow query should not block list_tables.
	server.WithWorkerPoolSize(stdioWorkers)(stdio)
	err = stdio.Listen(ctx, stdin, stdout)
	if err != nil && (errors.Is(err, io.EOF) || errors.Is(err, context.Canceled)) {
		return nil
	}
	return err
}

// ensureDemo creates the demo database on first run, in the background so
// that the server answers initialize at once.
func ensureDemo(ctx context.Context, path string, log *slog.Logger) {
	if _, err := os.Stat(path); err == nil {
		return
	}
	start := time.Now()
	if err := duckdb.EnsureDemo(ctx, path); err != nil {
		log.Warn("create demo database", "err", err)
		return
	}
	log.Info("created demo database", "path", path, "ms", time.Since(start).Milliseconds())
}

// serveHTTP serves streamable HTTP at /mcp until ctx ends.
func serveHTTP(ctx context.Context, s *server.MCPServer, addr string, log *slog.Logger) error {
	h := server.NewStreamableHTTPServer(s, server.WithEndpointPath("/mcp"), server.WithStreamableHTTPLogger(log))
	mux := http.NewServeMux()
	mux.Handle("/mcp", guardHTTP(h))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving MCP over streamable HTTP", "url", "http://"+addr+"/mcp", "version", version)
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.Shutdown(sctx)
	return srv.Shutdown(sctx)
}
