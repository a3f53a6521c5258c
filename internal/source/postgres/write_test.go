package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

const writeSetup = `CREATE TABLE items (id int PRIMARY KEY, name text);
INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');`

func yes(context.Context, source.Change) (bool, error) { return true, nil }
func no(context.Context, source.Change) (bool, error)  { return false, nil }

func TestWriteCommitsOnlyWhenConfirmed(t *testing.T) {
	s, _ := openDB(t, writeSetup, nil)
	var seen source.Change
	ch, committed, err := s.Write(t.Context(), "DELETE FROM items WHERE id >= 2 RETURNING id, name", source.Limits{MaxRows: 10},
		func(_ context.Context, c source.Change) (bool, error) {
			seen = c
			// While the question is open, the change is invisible to others.
			if n := scalar(t, s, "SELECT count(*) FROM items"); n != int64(3) {
				t.Errorf("uncommitted delete visible: %v rows", n)
			}
			return false, nil
		})
	if err != nil || committed {
		t.Fatalf("declined write: committed=%v err=%v", committed, err)
	}
	if seen.Tag != "DELETE 2" || seen.RowsAffected != 2 || ch.Returning == nil || len(ch.Returning.Rows) != 2 {
		t.Fatalf("change shown: %+v returning %+v", seen, ch.Returning)
	}
	if n := scalar(t, s, "SELECT count(*) FROM items"); n != int64(3) {
		t.Fatalf("declined delete changed the table: %v rows", n)
	}

	ch, committed, err = s.Write(t.Context(), "UPDATE items SET name = 'z' WHERE id = 1", source.Limits{}, yes)
	if err != nil || !committed || ch.RowsAffected != 1 || ch.Returning != nil {
		t.Fatalf("confirmed update: %+v committed=%v err=%v", ch, committed, err)
	}
	if v := scalar(t, s, "SELECT name FROM items WHERE id = 1"); v != "z" {
		t.Fatalf("confirmed update not committed: %v", v)
	}
	ch, committed, err = s.Write(t.Context(), "CREATE TABLE more (i int)", source.Limits{}, yes)
	if err != nil || !committed || ch.Tag != "CREATE TABLE" || ch.RowsAffected != -1 {
		t.Fatalf("DDL: %+v committed=%v err=%v", ch, committed, err)
	}
}

func TestWriteRollsBackOnErrorOrCancel(t *testing.T) {
	s, _ := openDB(t, writeSetup, nil)
	boom := errors.New("user closed the prompt")
	if _, committed, err := s.Write(t.Context(), "DELETE FROM items", source.Limits{}, func(context.Context, source.Change) (bool, error) { return true, boom }); !errors.Is(err, boom) || committed {
		t.Fatalf("confirm error: committed=%v err=%v", committed, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	_, committed, err := s.Write(ctx, "DELETE FROM items", source.Limits{}, func(context.Context, source.Change) (bool, error) {
		cancel()
		return true, nil
	})
	if committed || source.KindOf(err) != source.KindCanceled {
		t.Fatalf("canceled during confirm: committed=%v err=%v", committed, err)
	}
	if _, committed, err := s.Write(t.Context(), "INSERT INTO items VALUES (1, 'dup')", source.Limits{}, yes); committed || err == nil {
		t.Fatalf("failing statement: committed=%v err=%v", committed, err)
	}
	_, _, err = s.Write(t.Context(), "SELECT pg_sleep(5)", source.Limits{Timeout: 200 * time.Millisecond}, yes)
	if source.KindOf(err) != source.KindTimeout {
		t.Fatalf("statement timeout in a write: %v", err)
	}
	if n := scalar(t, s, "SELECT count(*) FROM items"); n != int64(3) {
		t.Fatalf("rolled-back writes changed the table: %v rows", n)
	}
}

// TestWriteRefusesTransactionControl: a statement that ends our transaction
// would commit without confirmation; it is refused and nothing survives.
func TestWriteRefusesTransactionControl(t *testing.T) {
	s, _ := openDB(t, writeSetup, nil)
	for _, sql := range []string{"COMMIT", "ROLLBACK", "DELETE FROM items; COMMIT"} {
		asked := false
		_, committed, err := s.Write(t.Context(), sql, source.Limits{}, func(context.Context, source.Change) (bool, error) {
			asked = true
			return false, nil
		})
		if err == nil || committed || asked {
			t.Errorf("%q: committed=%v asked=%v err=%v", sql, committed, asked, err)
		}
	}
	if n := scalar(t, s, "SELECT count(*) FROM items"); n != int64(3) {
		t.Fatalf("table changed: %v rows", n)
	}
	// Reads still run read-only afterwards.
	if _, err := s.Query(t.Context(), "DELETE FROM items", source.Limits{}); source.KindOf(err) != source.KindReadOnly {
		t.Fatalf("Query after writes: %v", err)
	}
}

// TestStandardConformingStringsForced: whatever the session says, a
// backslash in a plain literal is an ordinary character, as pg_query (the
// guard's parser) reads it; otherwise the two would see different tokens.
func TestStandardConformingStringsForced(t *testing.T) {
	_, dsn := openDB(t, "", nil)
	s := openDSN(t, dsn+"&options=-c%20standard_conforming_strings%3Doff", nil)
	if v := scalar(t, s, `SELECT reset_val FROM pg_settings WHERE name = 'standard_conforming_strings'`); v != "off" {
		t.Fatalf("the session default should be off for this test, is %v", v)
	}
	if v := scalar(t, s, `SELECT 'a\' AS s`); v != `a\` {
		t.Fatalf("literal read as %q", v)
	}
}
