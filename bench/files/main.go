// Command files measures profiling a large CSV file against DuckDB's own
// SUMMARIZE on the same file, in one process on one machine (issue 5,
// "Speed": profiling a 10-million-row, about 1 GB CSV must take at most
// 1.3× the time of SUMMARIZE, with bounded memory).
//
//	go run ./bench/files [-rows 10000000] [-dir /tmp/iopsdata-bench-files] [-keep]
//
// It generates the CSV once with DuckDB (cached in -dir), times
// SUMMARIZE on a fresh in-memory DuckDB (2 threads, the same memory limit as
// our engine), then ingests the file through internal/files, builds the
// views file, opens it with internal/source/duckdb and profiles the view
// with internal/profile. It prints a Markdown table with the times, the
// ratio profile/SUMMARIZE, the peak RSS (VmHWM) and the Go heap after each
// phase.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/files"
	"github.com/iopsdata/iopsdata/internal/profile"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
)

const (
	minFreeBytes = 3 << 30
	memoryLimit  = duckdb.DefaultMemoryLimit // what our engine runs with
	threads      = duckdb.DefaultThreads
	target       = 1.3
)

type row struct {
	phase   string
	elapsed time.Duration
	hwm     int64 // VmHWM after the phase, bytes
	heap    uint64
	note    string
}

func main() {
	rows := flag.Int64("rows", 10_000_000, "rows in the generated CSV")
	dir := flag.String("dir", "/tmp/iopsdata-bench-files", "directory for the generated CSV (cached) and the managed files")
	keep := flag.Bool("keep", false, "keep the managed copy and views file (the generated CSV is always kept as a cache)")
	maxTemp := flag.String("max-temp", "", "max_temp_directory_size of our engine's connection (\"\" → the production default, "+duckdb.DefaultMaxTempSize+")")
	flag.Parse()
	if err := run(context.Background(), *rows, *dir, *keep, *maxTemp); err != nil {
		fmt.Fprintln(os.Stderr, "bench/files:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, rows int64, dir string, keep bool, maxTemp string) error {
	if rows <= 0 {
		return errors.New("-rows must be positive")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	dataDir := filepath.Join(dir, "data")
	managedDir := filepath.Join(dir, "managed")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	csvPath := filepath.Join(dataDir, "bench_"+strconv.FormatInt(rows, 10)+".csv")
	ratio := -1.0

	var out []row
	resettable := resetHWM()
	mark := func(phase string, d time.Duration, note string) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r := row{phase: phase, elapsed: d, hwm: vmHWM(), heap: ms.HeapAlloc, note: note}
		out = append(out, r)
		fmt.Fprintf(os.Stderr, "%s: %s (VmHWM %s, Go heap %s) %s\n", phase, d.Round(time.Millisecond),
			human(r.hwm), human(int64(r.heap)), note)
		resetHWM() // the next row shows the peak of its own phase
	}
	defer func() { printTable(out, rows, csvPath, ratio, resettable) }()

	// 1. Generate (cached).
	if st, err := os.Stat(csvPath); err == nil && st.Size() > 0 {
		mark("generate (cached)", 0, fmt.Sprintf("%s, %s", filepath.Base(csvPath), human(st.Size())))
	} else {
		if err := checkFree(dataDir, minFreeBytes); err != nil {
			return err
		}
		t := time.Now()
		if err := generate(ctx, csvPath, rows); err != nil {
			return err
		}
		st, err := os.Stat(csvPath)
		if err != nil {
			return err
		}
		mark("generate", time.Since(t), fmt.Sprintf("%s, %s", filepath.Base(csvPath), human(st.Size())))
	}
	// Ingest copies the file into managed storage.
	if st, err := os.Stat(csvPath); err == nil {
		if err := checkFree(dir, st.Size()+minFreeBytes/3); err != nil {
			return err
		}
	}

	// 2. Reference: DuckDB's SUMMARIZE on a fresh in-memory database.
	t := time.Now()
	sumRows, err := summarize(ctx, csvPath)
	if err != nil {
		return err
	}
	summ := time.Since(t)
	mark("DuckDB SUMMARIZE", summ, fmt.Sprintf("%d columns", sumRows))

	// 3. Our path.
	if !keep {
		defer os.RemoveAll(managedDir)
	}
	if err := os.MkdirAll(managedDir, 0o700); err != nil {
		return err
	}
	t = time.Now()
	eng, err := files.Open(ctx, managedDir)
	if err != nil {
		return err
	}
	asset, err := eng.Ingest(ctx, files.Source{Path: csvPath}, []string{dataDir}, 0, nil)
	eng.Close()
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	ingest := time.Since(t)
	mark("ingest (copy+detect+inspect)", ingest, fmt.Sprintf("view %s, %d rows, %d columns", asset.Name, asset.Rows, len(asset.Columns)))

	t = time.Now()
	realManaged, err := filepath.EvalSymlinks(managedDir)
	if err != nil {
		return err
	}
	viewsDir := filepath.Join(realManaged, ".views")
	if err := os.MkdirAll(viewsDir, 0o700); err != nil {
		return err
	}
	viewsFile := filepath.Join(viewsDir, "bench.duckdb")
	os.Remove(viewsFile)
	if err := files.BuildViews(ctx, viewsFile, []files.View{{Name: asset.Name, ReadExpr: asset.Options.Expr(asset.Path)}}); err != nil {
		return err
	}
	src, err := duckdb.Open(ctx, duckdb.Config{Path: viewsFile, FilesDir: realManaged, DefaultTimeout: 30 * time.Minute, MaxTempSize: maxTemp})
	if err != nil {
		return err
	}
	defer src.Close()
	mark("build views + open", time.Since(t), "")

	t = time.Now()
	p, err := profile.Table(ctx, src, asset.Name, nil, profile.Options{KnownRows: asset.Rows})
	prof := time.Since(t)
	if err != nil {
		mark("profile.Table (FAILED)", prof, err.Error())
		return err
	}
	ratio = prof.Seconds() / summ.Seconds()
	mark("profile.Table", prof, fmt.Sprintf("%d rows, %d columns, sampled=%v", p.RowCount, len(p.Columns), p.Sampled))

	return nil
}

// generate writes rows of realistic mixed columns to path with an in-memory DuckDB.
func generate(ctx context.Context, path string, rows int64) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "SET memory_limit = '"+memoryLimit+"'"); err != nil {
		return err
	}
	tmp := path + ".tmp"
	q := fmt.Sprintf(`COPY (
SELECT
  i + 1 AS id,
  hash(i) %% 100000 AS customer_id,
  TIMESTAMP '2020-01-01 00:00:00' + to_seconds((hash(i, 1) %% 157680000)::BIGINT) AS created_at,
  DATE '2015-01-01' + ((hash(i, 2) %% 3650)::INTEGER) AS birth_date,
  CASE WHEN i %% 50 = 0 THEN NULL ELSE round(((hash(i, 3) %% 10000000)::DOUBLE / 100), 2)::DECIMAL(12,2) END AS amount,
  round((hash(i, 4) %% 1000000)::DOUBLE / 7919.0 - 60, 4) AS score,
  ['US','FR','DE','GB','JP','BR','IN','CN','ES','IT','NL','SE','CA','AU','MX'][1 + (hash(i, 5) %% 15)::INTEGER] AS country,
  ['new','active','suspended','closed','pending'][1 + (hash(i, 6) %% 5)::INTEGER] AS status,
  CASE WHEN i %% 97 = 0 THEN NULL ELSE 'user' || (hash(i, 7) %% 5000000)::VARCHAR || '@' || ['example.com','mail.org','corp.net','test.io'][1 + (i %% 4)::INTEGER] END AS email,
  (hash(i, 8) %% 2 = 0) AS is_active,
  ['quick brown fox','lorem ipsum dolor sit amet','order shipped, awaiting confirmation','customer asked for a refund','n/a','"quoted" text with a comma, here'][1 + (hash(i, 9) %% 6)::INTEGER] || ' #' || (i %% 1000)::VARCHAR AS comment
FROM range(%d) t(i)
) TO '%s' (HEADER, DELIMITER ',')`, rows, strings.ReplaceAll(tmp, "'", "''"))
	if _, err := db.ExecContext(ctx, q); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("generate: %w", err)
	}
	return os.Rename(tmp, path)
}

// summarize runs SUMMARIZE on a fresh in-memory DuckDB and returns the number
// of summary rows (one per column).
func summarize(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		"SET threads = " + strconv.Itoa(threads),
		"SET memory_limit = '" + memoryLimit + "'",
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("summarize: %s: %w", s, err)
		}
	}
	rs, err := db.QueryContext(ctx, "SUMMARIZE SELECT * FROM read_csv('"+strings.ReplaceAll(path, "'", "''")+"')")
	if err != nil {
		return 0, fmt.Errorf("summarize: %w", err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		n++
	}
	return n, rs.Err()
}

func checkFree(dir string, need int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return fmt.Errorf("free space of %s: %w", dir, err)
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if free < need {
		return fmt.Errorf("only %s free in %s; this benchmark needs at least %s (use -dir elsewhere or fewer -rows)",
			human(free), dir, human(need))
	}
	return nil
}

// resetHWM resets the process's peak RSS to its current RSS (Linux ≥ 4.0,
// "5" to /proc/self/clear_refs) and reports whether that worked.
func resetHWM() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// vmHWM is the process's peak resident set size, from /proc/self/status.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return -1
}

func human(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func printTable(rows []row, n int64, path string, ratio float64, perPhase bool) {
	fmt.Printf("\n### Profiling a %d-row CSV (%s), %d CPUs, DuckDB threads=%d, memory_limit=%s\n\n",
		n, filepath.Base(path), runtime.NumCPU(), threads, memoryLimit)
	peak := "peak RSS (VmHWM) during phase"
	if !perPhase {
		peak = "peak RSS (VmHWM) since start"
	}
	fmt.Println("| phase | time | " + peak + " | Go heap after | notes |")
	fmt.Println("|---|---:|---:|---:|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %.2f s | %s | %s | %s |\n", r.phase, r.elapsed.Seconds(), human(r.hwm), human(int64(r.heap)), r.note)
	}
	if ratio < 0 {
		fmt.Printf("\nprofile / SUMMARIZE: no figure (profile did not finish)\n")
		return
	}
	verdict := "meets"
	if ratio > target {
		verdict = "misses"
	}
	fmt.Printf("\nprofile / SUMMARIZE = **%.2f×** (target ≤ %.1f×: %s)\n", ratio, target, verdict)
}
