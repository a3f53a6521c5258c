// Command stdio measures the server as a stdio MCP client sees it: time from
// process start to the initialize response, execute_sql latency for a small
// (99 rows × 3 columns) and a large (10,000 rows) PostgreSQL result, response
// sizes, and resident memory when idle.
//
//	go build -o /tmp/iopsdata . && go run ./bench/stdio -bin /tmp/iopsdata \
//	    -pg 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// It speaks newline-delimited JSON-RPC over pipes itself, so no client
// library overhead is counted.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

type rpc struct {
	in       io.Writer
	out      *bufio.Reader
	id       int
	toolName string // the SQL tool measured
}

func (r *rpc) call(method string, params any) (json.RawMessage, int, error) {
	r.id++
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": r.id, "method": method, "params": params})
	if _, err := r.in.Write(append(msg, '\n')); err != nil {
		return nil, 0, err
	}
	for {
		line, err := r.out.ReadBytes('\n')
		if err != nil {
			return nil, 0, err
		}
		var resp struct {
			ID     *int            `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(line, &resp); err != nil || resp.ID == nil || *resp.ID != r.id {
			continue // a notification
		}
		if resp.Error != nil {
			return nil, len(line), fmt.Errorf("%s: %s", method, resp.Error)
		}
		return resp.Result, len(line), nil
	}
}

func (r *rpc) notify(method string) {
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	r.in.Write(append(msg, '\n'))
}

func (r *rpc) tool(name string, args map[string]any) (int, error) {
	res, n, err := r.call("tools/call", map[string]any{"name": name, "arguments": args})
	if err != nil {
		return n, err
	}
	var out struct {
		IsError bool `json:"isError"`
	}
	json.Unmarshal(res, &out)
	if out.IsError {
		return n, fmt.Errorf("%s: tool error: %s", name, res)
	}
	return n, nil
}

func main() {
	bin := flag.String("bin", "./iopsdata", "server binary")
	pg := flag.String("pg", os.Getenv("IOPSDATA_TEST_PG"), "PostgreSQL DSN")
	n := flag.Int("n", 2000, "small-query calls")
	nBig := flag.Int("nbig", 100, "10,000-row calls")
	vary := flag.Bool("vary", false, "make every small query's text different (a trailing comment), so no cache keyed by SQL text helps")
	ref := flag.String("reference", "", "instead of iopsdata, measure the reference server: path of @modelcontextprotocol/server-postgres dist/index.js (run with node)")
	flag.Parse()
	varyText = *vary
	if *ref != "" {
		err := runReference(*ref, *pg, *n, *nBig)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*bin, *pg, *n, *nBig); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(bin, pg string, n, nBig int) error {
	home, err := os.MkdirTemp("", "iopsdata-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	// Start once so that the demo database and key exist: later starts are the common case.
	if err := startStop(bin, home); err != nil {
		return err
	}
	var starts []time.Duration
	for i := 0; i < 15; i++ {
		d, err := timeToInitialize(bin, home)
		if err != nil {
			return err
		}
		starts = append(starts, d)
	}
	fmt.Printf("start to initialize answered: p50 %.1f ms (min %.1f, 15 starts)\n", ms(pct(starts, 50)), ms(slices.Min(starts)))

	cmd := exec.Command(bin, "--home", home) // default log level: one line per call on stderr
	cmd.Stderr = io.Discard
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { // end the session like a client does, so the server shuts down cleanly
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	}()
	r := &rpc{in: stdin, out: bufio.NewReaderSize(stdout, 1<<20)}
	if err := initialize(r); err != nil {
		return err
	}
	time.Sleep(time.Second)
	fmt.Printf("idle RSS after initialize: %.1f MiB\n", rssMiB(cmd.Process.Pid))
	if pg == "" {
		return fmt.Errorf("no PostgreSQL DSN: pass -pg or set IOPSDATA_TEST_PG")
	}
	if _, err := r.tool("add_connection", map[string]any{"name": "bench", "engine": "postgres", "dsn": pg}); err != nil {
		return err
	}
	r.toolName = "execute_sql"
	small := map[string]any{"connection": "bench", "sql": smallSQL}
	lat, size, err := measure(r, small, n)
	if err != nil {
		return err
	}
	fmt.Printf("execute_sql 99 rows x 3 cols: p50 %.3f ms, p99 %.3f ms, response %.1f KB (%d calls)\n", ms(pct(lat, 50)), ms(pct(lat, 99)), float64(size)/1000, n)
	big := map[string]any{"connection": "bench", "max_rows": 10000, "max_bytes": 16 << 20, "sql": bigSQL}
	lat, size, err = measure(r, big, nBig)
	if err != nil {
		return err
	}
	fmt.Printf("execute_sql 10,000 rows x 3 cols: p50 %.2f ms, p99 %.2f ms, response %.2f MB (%d calls)\n", ms(pct(lat, 50)), ms(pct(lat, 99)), float64(size)/1e6, nBig)
	fmt.Printf("RSS after the run: %.1f MiB\n", rssMiB(cmd.Process.Pid))
	return nil
}

func initialize(r *rpc) error {
	_, _, err := r.call("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "bench", "version": "1"}})
	if err == nil {
		r.notify("notifications/initialized")
	}
	return err
}

// runReference measures the reference Node server (one tool, "query") the
// same way, for an A/B comparison on the same machine and database.
func runReference(script, pg string, n, nBig int) error {
	start := time.Now()
	cmd := exec.Command("node", script, pg)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	r := &rpc{in: stdin, out: bufio.NewReaderSize(stdout, 1<<20)}
	if err := initialize(r); err != nil {
		return err
	}
	fmt.Printf("reference: start to initialize answered %.1f ms\n", ms(time.Since(start)))
	time.Sleep(time.Second)
	fmt.Printf("reference: idle RSS after initialize: %.1f MiB\n", rssMiB(cmd.Process.Pid))
	r.toolName = "query"
	lat, size, err := measure(r, map[string]any{"sql": smallSQL}, n)
	if err != nil {
		return err
	}
	fmt.Printf("reference: 99 rows x 3 cols: p50 %.3f ms, p99 %.3f ms, response %.1f KB\n", ms(pct(lat, 50)), ms(pct(lat, 99)), float64(size)/1000)
	lat, size, err = measure(r, map[string]any{"sql": bigSQL}, nBig)
	if err != nil {
		return err
	}
	fmt.Printf("reference: 10,000 rows x 3 cols: p50 %.2f ms, p99 %.2f ms, response %.2f MB\n", ms(pct(lat, 50)), ms(pct(lat, 99)), float64(size)/1e6)
	return nil
}

const (
	smallSQL = "SELECT g AS id, 'name ' || g AS name, g * 1.5 AS score FROM generate_series(1, 99) g"
	bigSQL   = "SELECT g AS id, 'name ' || g AS name, g * 1.5 AS score FROM generate_series(1, 10000) g"
)

// varyText makes each measured statement's text unique.
var varyText bool

func measure(r *rpc, args map[string]any, n int) ([]time.Duration, int, error) {
	var lat []time.Duration
	size := 0
	base, _ := args["sql"].(string)
	for i := 0; i < n+n/10; i++ {
		if varyText {
			args["sql"] = fmt.Sprintf("%s /* call %d */", base, i)
		}
		start := time.Now()
		sz, err := r.tool(r.toolName, args)
		if err != nil {
			return nil, 0, err
		}
		if i >= n/10 { // warm-up excluded
			lat = append(lat, time.Since(start))
		}
		size = sz
	}
	return lat, size, nil
}

// startStop runs the server once and waits until the demo database exists,
// so that the measured starts are the common case (not the first run).
func startStop(bin, home string) error {
	cmd := exec.Command(bin, "--home", home, "--log-level", "warn")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Wait()
	defer stdin.Close()
	r := &rpc{in: stdin, out: bufio.NewReader(stdout)}
	if err := initialize(r); err != nil {
		return err
	}
	_, err := r.tool("execute_sql", map[string]any{"connection": "demo", "sql": "SELECT 1"})
	return err
}

func timeToInitialize(bin, home string) (time.Duration, error) {
	cmd := exec.Command(bin, "--home", home, "--log-level", "warn")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	r := &rpc{in: stdin, out: bufio.NewReader(stdout)}
	err := initialize(r)
	d := time.Since(start)
	stdin.Close()
	cmd.Wait()
	return d, err
}

func rssMiB(pid int) float64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
