package slbench

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tinyDB is a hand-made two-table database used by the unit tests.
func tinyDB(described bool) *Database {
	return &Database{ID: "tiny", Sep: "\n", Described: described, Tables: []*Table{
		{Key: "singer", Name: "singer", Columns: []Column{
			{Name: "Singer_ID", Type: "number", Description: "id of the singer"},
			{Name: "Name", Type: "text"},
			{Name: "Home Town", Type: "text", Description: "where\nfrom"},
		}, PrimaryKey: []string{"Singer_ID"}},
		{Key: "concert", Name: "concert", Columns: []Column{
			{Name: "concert_ID", Type: "number"},
			{Name: "Singer_ID", Type: "number"},
			{Name: "Year", Type: "text"},
		}, PrimaryKey: []string{"concert_ID"},
			ForeignKeys: []ForeignKey{{Column: "Singer_ID", RefTable: "singer", RefColumn: "Singer_ID"}}},
	}}
}

func TestTokens(t *testing.T) {
	for in, want := range map[string]int{"": 0, "a": 1, "abcd": 1, "abcde": 2, "ééééé": 2} {
		if got := Tokens(in); got != want {
			t.Errorf("Tokens(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestRenderTable(t *testing.T) {
	db := tinyDB(false)
	want := "CREATE TABLE singer (\n" +
		"  Singer_ID NUMBER,\n" +
		"  Name TEXT,\n" +
		"  `Home Town` TEXT,\n" +
		"  PRIMARY KEY (Singer_ID)\n" +
		");\n"
	if diff := cmp.Diff(want, db.Block(0)); diff != "" {
		t.Errorf("singer (-want +got):\n%s", diff)
	}
	want = "CREATE TABLE concert (\n" +
		"  concert_ID NUMBER,\n" +
		"  Singer_ID NUMBER,\n" +
		"  Year TEXT,\n" +
		"  PRIMARY KEY (concert_ID),\n" +
		"  FOREIGN KEY (Singer_ID) REFERENCES singer(Singer_ID)\n" +
		");\n"
	if diff := cmp.Diff(want, db.Block(1)); diff != "" {
		t.Errorf("concert (-want +got):\n%s", diff)
	}
	if got, want := db.WholeSchema(), db.Block(0)+"\n"+db.Block(1); got != want {
		t.Errorf("WholeSchema not the blocks joined by newlines:\n%s", got)
	}
}

func TestRenderDescribed(t *testing.T) {
	m := map[string]string{"x": "  #  id of\nthe singer  "}
	if got := cleanMeaning(m["x"]); got != "id of the singer" {
		t.Errorf("cleanMeaning = %q", got)
	}
	got := tinyDB(true).Block(0)
	if line := "  Singer_ID NUMBER, -- id of the singer\n"; !strings.Contains(got, line) {
		t.Errorf("described rendering lacks %q:\n%s", line, got)
	}
	if strings.Contains(tinyDB(false).Block(0), "--") {
		t.Error("plain rendering has descriptions")
	}
}

func TestSnowflakeDDL(t *testing.T) {
	ddl := "create or replace TABLE FULLTEXT (\n\t\"body\" VARCHAR(16777216),\n\t\"a \"\"b\" NUMBER(38,0)\n);"
	tbl := &Table{Key: "db.s.fulltext", Name: "FULLTEXT", Schema: "S", DDL: "  " + ddl + "\n\n"}
	if got := RenderTable(tbl, false); got != ddl+"\n" {
		t.Errorf("RenderTable = %q", got)
	}
	bare := "CREATE TABLE DB.S.T (\n    _REVISION NUMBER,\n    PURCHASE_ORDER_# TEXT,\n    14_DAY FLOAT\n);"
	want := []Column{{Name: "_REVISION", Type: "NUMBER"}, {Name: "PURCHASE_ORDER_#", Type: "TEXT"}, {Name: "14_DAY", Type: "FLOAT"}}
	if diff := cmp.Diff(want, ParseDDLColumns(bare)); diff != "" {
		t.Errorf("bare columns (-want +got):\n%s", diff)
	}
	if got := ParseDDLColumns(ddl); len(got) != 2 || got[0].Name != "body" || got[1].Type != "NUMBER(38,0)" {
		t.Errorf("quoted columns = %+v", got)
	}
}

func TestWords(t *testing.T) {
	if diff := cmp.Diff([]string{"customer", "id", "free", "meal", "count", "k", "12"},
		Words("CustomerID Free Meal Count (K-12)")); diff != "" {
		t.Errorf("Words (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"singers", "born", "paris"},
		QueryWords("How many of the singers were born in Paris?")); diff != "" {
		t.Errorf("QueryWords (-want +got):\n%s", diff)
	}
}

func TestExtractGold(t *testing.T) {
	db := tinyDB(false)
	tests := []struct {
		name, sql    string
		tables, cols []string
		dropped      int
	}{
		{"bare column", "SELECT count(*) FROM singer WHERE Name = 'x'",
			[]string{"singer"}, []string{"singer.name"}, 0},
		{"aliases and join", "SELECT T1.Name, T2.Year FROM singer AS T1 JOIN concert AS T2 ON T1.Singer_ID = T2.Singer_ID",
			[]string{"concert", "singer"}, []string{"concert.singer_id", "concert.year", "singer.name", "singer.singer_id"}, 0},
		{"alias without AS, comma list", "SELECT s.Name FROM concert c, singer s WHERE c.Year > 2000",
			[]string{"concert", "singer"}, []string{"concert.year", "singer.name"}, 0},
		{"comments and strings dropped", "SELECT Name -- Year\nFROM singer /* concert */ WHERE Name = 'Year ''x'' concert'",
			[]string{"singer"}, []string{"singer.name"}, 0},
		{"quoted identifiers", "SELECT `Home Town`, \"Name\" FROM [singer]",
			[]string{"singer"}, []string{"singer.home town", "singer.name"}, 0},
		{"bare column of several gold tables", "SELECT Singer_ID FROM singer JOIN concert",
			[]string{"concert", "singer"}, []string{"concert.singer_id", "singer.singer_id"}, 0},
		{"subquery, star and function", "SELECT T1.* , max(Year) FROM concert AS T1 WHERE Singer_ID IN (SELECT Singer_ID FROM singer)",
			[]string{"concert", "singer"}, []string{"concert.singer_id", "concert.year", "singer.singer_id"}, 0},
		{"unknown column dropped", "SELECT T1.Nope FROM singer AS T1",
			[]string{"singer"}, []string{}, 1},
		{"no table", "SELECT 1", []string{}, []string{}, 0},
		{"from list ends at WHERE", "SELECT Name FROM singer WHERE Year, concert",
			[]string{"singer"}, []string{"singer.name"}, 0},
		{"qualified table name", "SELECT main.singer.Name FROM main.singer",
			[]string{"singer"}, []string{"singer.name"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := ExtractGold(db, tt.sql)
			want := Gold{Tables: tt.tables, Columns: tt.cols, Dropped: tt.dropped}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("ExtractGold(%q) (-want +got):\n%s", tt.sql, diff)
			}
		})
	}
}

func TestAliasLastDefinitionWins(t *testing.T) {
	// Spider's own parser behaves this way on INTERSECT queries that reuse T1.
	db := tinyDB(false)
	g := ExtractGold(db, "SELECT T1.Singer_ID FROM singer AS T1 INTERSECT SELECT T1.Year FROM concert AS T1")
	want := []string{"concert.singer_id", "concert.year"}
	if diff := cmp.Diff(want, g.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}
