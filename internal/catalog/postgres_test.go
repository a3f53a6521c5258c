package catalog

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/iopsdata/iopsdata/internal/testutil"
)

const pgFixture = `
CREATE TABLE analyzed (id int PRIMARY KEY);
INSERT INTO analyzed SELECT generate_series(1, 500);
ANALYZE analyzed;
CREATE TABLE never_analyzed (id int);
INSERT INTO never_analyzed VALUES (1);
CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM analyzed;
COMMENT ON MATERIALIZED VIEW mv IS 'a count';
CREATE FOREIGN DATA WRAPPER dummy_fdw;
CREATE SERVER dummy_server FOREIGN DATA WRAPPER dummy_fdw;
CREATE FOREIGN TABLE remote (id int) SERVER dummy_server;
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY,
  at date NOT NULL,
  kind text NOT NULL DEFAULT 'click',
  payload jsonb,
  day_of_week int GENERATED ALWAYS AS (extract(dow FROM at)::int) STORED,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events (at) SELECT date '2024-06-01' + i FROM generate_series(0, 299) i;
ANALYZE events;
CREATE INDEX events_payload ON events USING gin (payload);
CREATE INDEX events_clicks ON events (at) WHERE kind = 'click';
CREATE TABLE "Events" (n serial PRIMARY KEY);
CREATE TABLE event_refs (
  id int PRIMARY KEY,
  event_id bigint, event_at date,
  FOREIGN KEY (event_id, event_at) REFERENCES events (id, at)
);
CREATE TABLE secret (id int, token text);
INSERT INTO secret VALUES (1, 'x');
`

func TestPostgresKindsAndEstimates(t *testing.T) {
	src := openPG(t, pgFixture)
	p, err := ListTables(t.Context(), src, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Table{}
	for _, tb := range p.Tables {
		got[tb.Name] = tb
	}
	want := map[string]Table{
		"Events":         {Schema: "public", Name: "Events", Kind: KindTable, RowEstimate: -1},
		"analyzed":       {Schema: "public", Name: "analyzed", Kind: KindTable, RowEstimate: 500},
		"event_refs":     {Schema: "public", Name: "event_refs", Kind: KindTable, RowEstimate: -1},
		"events":         {Schema: "public", Name: "events", Kind: KindTable, RowEstimate: 300}, // partitions summed
		"mv":             {Schema: "public", Name: "mv", Kind: KindMaterializedView, RowEstimate: -1, Comment: "a count"},
		"never_analyzed": {Schema: "public", Name: "never_analyzed", Kind: KindTable, RowEstimate: -1},
		"remote":         {Schema: "public", Name: "remote", Kind: KindForeignTable, RowEstimate: -1},
		"secret":         {Schema: "public", Name: "secret", Kind: KindTable, RowEstimate: -1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got); partitions must not be listed:\n%s", diff)
	}
	for kind, name := range map[string]string{KindMaterializedView: "mv", KindForeignTable: "remote"} {
		p, err := ListTables(t.Context(), src, ListOptions{Kind: kind})
		if err != nil || len(p.Tables) != 1 || p.Tables[0].Name != name {
			t.Errorf("kind %s: %+v %v", kind, p.Tables, err)
		}
	}
	// Partitions are not listed but can be described.
	if td, err := DescribeTable(t.Context(), src, "events_2024", 0); err != nil || td.RowEstimate <= 0 || td.RowEstimate >= 300 {
		t.Errorf("partition: %+v %v", td, err)
	}
}

func TestPostgresDescribe(t *testing.T) {
	src := openPG(t, pgFixture)
	td, err := DescribeTable(t.Context(), src, "events", 2) // "Events" also exists: exact case wins
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []Column{
		{Name: "id", Type: "bigint", PrimaryKey: true, Default: ptr("generated always as identity")},
		{Name: "at", Type: "date", PrimaryKey: true},
		{Name: "kind", Type: "text", Default: ptr("'click'::text")},
		{Name: "payload", Type: "jsonb", Nullable: true},
		{Name: "day_of_week", Type: "integer", Nullable: true,
			Default: ptr("generated always as (EXTRACT(dow FROM at)::integer) stored")},
	}
	if diff := cmp.Diff(wantCols, td.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	wantIdx := []Index{
		{Name: "events_pkey", Columns: []string{"id", "at"}, Unique: true, Primary: true, Method: "btree"},
		{Name: "events_clicks", Columns: []string{"at"}, Method: "btree", Where: "kind = 'click'::text"},
		{Name: "events_payload", Columns: []string{"payload"}, Method: "gin"},
	}
	if diff := cmp.Diff(wantIdx, td.Indexes); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
	// The foreign key is cloned once per partition: it must appear once.
	wantRef := []ForeignKey{{Name: "event_refs_event_id_event_at_fkey", Columns: []string{"id", "at"},
		RefSchema: "public", RefTable: "event_refs", RefColumns: []string{"event_id", "event_at"}}}
	if diff := cmp.Diff(wantRef, td.ReferencedBy); diff != "" {
		t.Errorf("referenced by (-want +got):\n%s", diff)
	}
	if td.SampleRows == nil || len(td.SampleRows.Rows) != 2 {
		t.Errorf("sample: %+v %q", td.SampleRows, td.SampleError)
	}
	refs, err := DescribeTable(t.Context(), src, "event_refs", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs.ForeignKeys) != 1 || refs.ForeignKeys[0].RefTable != "events" {
		t.Errorf("foreign keys: %+v", refs.ForeignKeys)
	}

	if td, err := DescribeTable(t.Context(), src, `"Events"`, 0); err != nil || td.Name != "Events" ||
		td.Columns[0].Default == nil || *td.Columns[0].Default != `nextval('"Events_n_seq"'::regclass)` {
		t.Errorf(`"Events": %+v %v`, td, err)
	}
	var amb *AmbiguousError
	if _, err := DescribeTable(t.Context(), src, "EVENTS", 0); !errors.As(err, &amb) ||
		!cmp.Equal(amb.Choices, []string{`public."Events"`, "public.events"}) {
		t.Errorf("EVENTS: %v", err)
	}
	// A system schema can be named explicitly.
	if td, err := DescribeTable(t.Context(), src, "pg_catalog.pg_class", 0); err != nil || td.Kind != KindTable {
		t.Errorf("pg_catalog.pg_class: %v", err)
	}
	var nf *NotFoundError
	if _, err := DescribeTable(t.Context(), src, "pg_class", 0); !errors.As(err, &nf) {
		t.Errorf("pg_class without schema: %v", err)
	}

	// A foreign table whose wrapper has no handler cannot be read: the
	// detail comes back without samples.
	td, err = DescribeTable(t.Context(), src, "remote", 3)
	if err != nil {
		t.Fatal(err)
	}
	if td.SampleRows != nil || td.SampleError == "" || len(td.Columns) != 1 {
		t.Errorf("remote: %+v", td)
	}
}

// TestPostgresPrivileges: a role that may not read a table still sees it
// listed and described, without samples.
func TestPostgresPrivileges(t *testing.T) {
	dsn := testutil.PGDatabase(t, pgFixture)
	role := fmt.Sprintf("iopsdata_catalog_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	// DROP OWNED is per database: drop the role before the database goes.
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Logf("drop role %s: %v", role, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP OWNED BY "+role+"; DROP ROLE "+role); err != nil {
			t.Logf("drop role %s: %v", role, err)
		}
	})
	if _, err := conn.Exec(t.Context(), "CREATE ROLE "+role+" LOGIN; GRANT SELECT ON analyzed TO "+role); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	src := openPGDSN(t, u.String())
	p, err := ListTables(t.Context(), src, ListOptions{Search: "secret"})
	if err != nil || len(p.Tables) != 1 {
		t.Fatalf("list: %+v %v", p, err)
	}
	td, err := DescribeTable(t.Context(), src, "secret", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(td.Columns) != 2 || td.SampleRows != nil || td.SampleError == "" {
		t.Errorf("secret: %+v", td)
	}
	if td, err := DescribeTable(t.Context(), src, "analyzed", 3); err != nil || td.SampleRows == nil {
		t.Errorf("analyzed: %+v %v", td, err)
	}
}

// TestPostgresPagingUnderInserts creates tables between pages: nothing
// already seen repeats, nothing that existed throughout is skipped.
func TestPostgresPagingUnderInserts(t *testing.T) {
	dsn := testutil.PGDatabase(t, `CREATE TABLE b1 (); CREATE TABLE b2 (); CREATE TABLE d1 (); CREATE TABLE d2 (); CREATE TABLE f1 ();`)
	src := openPGDSN(t, dsn)
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	p, err := ListTables(t.Context(), src, ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	seen := names(p.Tables)
	if _, err := conn.Exec(t.Context(), "CREATE TABLE a0 (); CREATE TABLE c0 (); DROP TABLE d1"); err != nil {
		t.Fatal(err)
	}
	for p.NextCursor != "" {
		if p, err = ListTables(t.Context(), src, ListOptions{Limit: 2, Cursor: p.NextCursor}); err != nil {
			t.Fatal(err)
		}
		seen = append(seen, names(p.Tables)...)
	}
	want := []string{"public.b1", "public.b2", "public.c0", "public.d2", "public.f1"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("paged (-want +got):\n%s", diff)
	}
}
