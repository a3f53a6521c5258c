package catalog

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseName(t *testing.T) {
	cases := []struct {
		in   string
		want []namePart
	}{
		{"orders", []namePart{{"orders", false}}},
		{"  Sales . Orders ", []namePart{{"Sales", false}, {"Orders", false}}},
		{`"My Table"`, []namePart{{"My Table", true}}},
		{`"sales"."Order Items"`, []namePart{{"sales", true}, {"Order Items", true}}},
		{`sales."a.b"`, []namePart{{"sales", false}, {"a.b", true}}},
		{`"say ""hi"""`, []namePart{{`say "hi"`, true}}},
		{`Order Items`, []namePart{{"Order Items", false}}},
		{`"Ünï"."çødé"`, []namePart{{"Ünï", true}, {"çødé", true}}},
	}
	for _, c := range cases {
		got, err := parseName(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(namePart{})); diff != "" {
			t.Errorf("%q (-want +got):\n%s", c.in, diff)
		}
	}
	for _, bad := range []string{"", "  ", `"open`, `a."b`, `a.`, `.a`, `a..b`, `a.b.c`, `"a"b`, `a"b"`, `""`} {
		if _, err := parseName(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: err %v, want ErrInvalid", bad, err)
		}
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{
		"orders":      "orders",
		"_x1$":        "_x1$",
		"Orders":      `"Orders"`,
		"order items": `"order items"`,
		`say "hi"`:    `"say ""hi"""`,
		"user":        `"user"`,
		"1abc":        `"1abc"`,
		"ärger":       `"ärger"`,
	} {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
		// What QuoteIdent writes, parseName reads back.
		if p, err := parseName(QuoteIdent(in)); err != nil || p[0].text != in {
			t.Errorf("round trip %q: %v %v", in, p, err)
		}
	}
	if got := (Table{Schema: "Weird Schema", Name: "orders"}).QualifiedName(); got != `"Weird Schema".orders` {
		t.Errorf("QualifiedName = %s", got)
	}
}

func TestMatchName(t *testing.T) {
	rels := []relation{
		{Table: Table{Schema: "public", Name: "events"}},
		{Table: Table{Schema: "public", Name: "Events"}},
		{Table: Table{Schema: "sales", Name: "orders"}},
		{Table: Table{Schema: "Sales", Name: "orders"}},
	}
	cases := map[string][]string{
		"events":            {"public.events"},
		`"Events"`:          {"public.Events"},
		"EVENTS":            {"public.events", "public.Events"},
		`"EVENTS"`:          {},
		"orders":            {"sales.orders", "Sales.orders"}, // two schemas: ambiguous
		"public.EVENTS":     {"public.events", "public.Events"},
		"public.events":     {"public.events"}, // exact case breaks the tie
		"SALES.orders":      {"sales.orders", "Sales.orders"},
		`"Sales".ORDERS`:    {"Sales.orders"},
		"public.ÉVENTS":     {},
		"nope":              {},
		`"public"."events"`: {"public.events"},
	}
	for in, want := range cases {
		parts, err := parseName(in)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, r := range matchName(rels, parts) {
			got = append(got, r.Schema+"."+r.Name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", in, diff)
		}
	}
}

func TestSuggest(t *testing.T) {
	var rels []relation
	for _, n := range []string{"customers", "customer_notes", "orders", "order_items", "products", "users", "Order Items"} {
		rels = append(rels, relation{Table: Table{Schema: "public", Name: n}})
	}
	cases := map[string][]string{
		"custmers":   {"public.customers", "public.customer_notes"},
		"customer":   {"public.customers", "public.customer_notes"},
		"order item": {`public."Order Items"`, "public.order_items", "public.orders"},
		"prodcts":    {"public.products"},
		"zzzzzzzzzz": {},
		"notes":      {"public.customer_notes"},
	}
	for in, want := range cases {
		parts, _ := parseName(in)
		if diff := cmp.Diff(want, suggest(rels, parts)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", in, diff)
		}
	}
	var many []relation
	for _, n := range []string{"t1", "t2", "t3", "t4", "t5", "t6", "t7"} {
		many = append(many, relation{Table: Table{Schema: "s", Name: n}})
	}
	if got := suggest(many, []namePart{{text: "t"}}); len(got) != maxSuggestions {
		t.Errorf("suggestions: %v", got)
	}
	if d := levenshtein("kitten", "sitting"); d != 3 {
		t.Errorf("levenshtein = %d", d)
	}
	if d := levenshtein("Ärger", "ärger"); d != 1 {
		t.Errorf("levenshtein counts bytes: %d", d)
	}
}

func TestCursor(t *testing.T) {
	for _, k := range [][2]string{{"public", "orders"}, {"Weird Schema", `Order "Items"`}, {"ü", "ß/+="}} {
		c := encodeCursor(k[0], k[1])
		got, err := decodeCursor(c)
		if err != nil || got != k {
			t.Errorf("%v: %v %v", k, got, err)
		}
	}
}

func TestValues(t *testing.T) {
	ints := []struct {
		in   any
		want int64
	}{
		{int64(5), 5}, {int32(-1), -1}, {float64(1e6), 1000000}, {"9007199254740993", 9007199254740993},
		{json.Number("42"), 42}, {"1e20", 1<<63 - 1}, {uint64(7), 7},
	}
	for _, c := range ints {
		if got, err := toInt64(c.in); err != nil || got != c.want {
			t.Errorf("toInt64(%#v) = %d, %v", c.in, got, err)
		}
	}
	for _, bad := range []any{nil, "x", true} {
		if _, err := toInt64(bad); err == nil {
			t.Errorf("toInt64(%#v): no error", bad)
		}
	}
	if got := toStrings([]any{"a", nil, "b"}); !cmp.Equal(got, []string{"a", "b"}) {
		t.Errorf("toStrings = %v", got)
	}
	if got := toStrings(json.RawMessage(`["x","y"]`)); !cmp.Equal(got, []string{"x", "y"}) {
		t.Errorf("toStrings(raw) = %v", got)
	}
	if toStringPtr(nil) != nil || *toStringPtr("") != "" {
		t.Error("toStringPtr")
	}
}
