package sqlparse

import (
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

const benchSQL = "SELECT g AS id, 'name ' || g AS name, g * 1.5 AS score FROM generate_series(1, 99) g"

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(benchSQL); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPgQueryParseOnly(b *testing.B) {
	for b.Loop() {
		pg_query.Parse(benchSQL)
	}
}

func BenchmarkFingerprintOnly(b *testing.B) {
	for b.Loop() {
		Fingerprint(benchSQL)
	}
}

func BenchmarkSplitScanner(b *testing.B) {
	for b.Loop() {
		pg_query.SplitWithScanner(benchSQL, true)
	}
}

func BenchmarkScan(b *testing.B) {
	for b.Loop() {
		pg_query.Scan(benchSQL)
	}
}

func BenchmarkInspect(b *testing.B) {
	for b.Loop() {
		if _, err := Inspect(benchSQL); err != nil {
			b.Fatal(err)
		}
	}
}
