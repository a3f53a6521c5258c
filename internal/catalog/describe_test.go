package catalog

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func ptr(s string) *string { return &s }

// ignoreEstimates leaves row estimates to the engine tests.
var ignoreEstimates = cmpopts.IgnoreFields(Table{}, "RowEstimate")

func TestDescribeTable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, fixture)
		d := e.def
		pkName := func(table, cols string) string {
			if e.name == "duckdb" {
				return table + "_" + cols + "_pkey"
			}
			return table + "_pkey"
		}
		fkOrders := ForeignKey{Name: e.fkName("orders", "customer_id", "id"), Columns: []string{"customer_id"},
			RefSchema: d, RefTable: "customers", RefColumns: []string{"id"}}
		fkLines := ForeignKey{Name: e.fkName("order_lines", "region_number", "region_number"),
			Columns: []string{"region", "number"}, RefSchema: d, RefTable: "orders", RefColumns: []string{"region", "number"}}
		lower := "lower(email)"
		if e.name == "postgres" {
			lower = "lower(email::text)"
		}
		cases := []struct {
			name string
			want TableDetail
		}{{
			name: d + ".customers",
			want: TableDetail{
				Table: Table{Schema: d, Name: "customers", Kind: KindTable, Comment: "People who buy things"},
				Columns: []Column{
					{Name: "id", Type: e.intT, PrimaryKey: true},
					{Name: "email", Type: e.textT, Comment: "Login address"},
					{Name: "name", Type: e.textT, Nullable: true, Default: ptr(e.anon)},
					{Name: "created_at", Type: map[string]string{"postgres": "timestamp without time zone", "duckdb": "TIMESTAMP"}[e.name], Nullable: true},
				},
				PrimaryKey:  []string{"id"},
				ForeignKeys: []ForeignKey{},
				// Seen from customers: the referencing table and its columns.
				ReferencedBy: []ForeignKey{{Name: fkOrders.Name, Columns: []string{"id"},
					RefSchema: d, RefTable: "orders", RefColumns: []string{"customer_id"}}},
				Indexes: []Index{
					{Name: pkName("customers", "id"), Columns: []string{"id"}, Unique: true, Primary: true},
					{Name: "customers_email_lower", Columns: []string{lower}, Unique: true},
				},
			},
		}, {
			name: "ORDERS", // unquoted: any case
			want: TableDetail{
				Table: Table{Schema: d, Name: "orders", Kind: KindTable},
				Columns: []Column{
					{Name: "id", Type: e.intT, PrimaryKey: true},
					{Name: "customer_id", Type: e.intT, Nullable: true},
					{Name: "region", Type: e.textT},
					{Name: "number", Type: e.intT},
				},
				PrimaryKey:  []string{"id"},
				ForeignKeys: []ForeignKey{fkOrders},
				ReferencedBy: []ForeignKey{{Name: fkLines.Name, Columns: []string{"region", "number"},
					RefSchema: d, RefTable: "order_lines", RefColumns: []string{"region", "number"}}},
				Indexes: []Index{
					{Name: pkName("orders", "id"), Columns: []string{"id"}, Unique: true, Primary: true},
					{Name: "orders_customer", Columns: []string{"customer_id"}},
					{Name: "orders_region_number_key", Columns: []string{"region", "number"}, Unique: true},
				},
			},
		}, {
			name: "order_lines", // composite primary key, two-column foreign key
			want: TableDetail{
				Table: Table{Schema: d, Name: "order_lines", Kind: KindTable},
				Columns: []Column{
					{Name: "region", Type: e.textT, PrimaryKey: true},
					{Name: "number", Type: e.intT, PrimaryKey: true},
					{Name: "line", Type: e.intT, PrimaryKey: true},
					{Name: "qty", Type: e.intT, Nullable: true, Default: ptr("1")},
				},
				PrimaryKey:   []string{"region", "number", "line"},
				ForeignKeys:  []ForeignKey{fkLines},
				ReferencedBy: []ForeignKey{},
				Indexes: []Index{{Name: pkName("order_lines", "region_number_line"),
					Columns: []string{"region", "number", "line"}, Unique: true, Primary: true}},
			},
		}, {
			name: "employees", // self-reference: both directions
			want: TableDetail{
				Table: Table{Schema: d, Name: "employees", Kind: KindTable},
				Columns: []Column{
					{Name: "id", Type: e.intT, PrimaryKey: true},
					{Name: "manager_id", Type: e.intT, Nullable: true},
				},
				PrimaryKey: []string{"id"},
				ForeignKeys: []ForeignKey{{Name: e.fkName("employees", "manager_id", "id"), Columns: []string{"manager_id"},
					RefSchema: d, RefTable: "employees", RefColumns: []string{"id"}}},
				ReferencedBy: []ForeignKey{{Name: e.fkName("employees", "manager_id", "id"), Columns: []string{"id"},
					RefSchema: d, RefTable: "employees", RefColumns: []string{"manager_id"}}},
				Indexes: []Index{{Name: pkName("employees", "id"), Columns: []string{"id"}, Unique: true, Primary: true}},
			},
		}, {
			name: ` "Weird Schema" . "Order ""Items""" `,
			want: TableDetail{
				Table: Table{Schema: "Weird Schema", Name: `Order "Items"`, Kind: KindTable},
				Columns: []Column{
					{Name: "Line Nº", Type: e.intT, Nullable: true},
					{Name: "Ünïcödé", Type: e.textT, Nullable: true},
				},
				PrimaryKey: []string{}, ForeignKeys: []ForeignKey{}, ReferencedBy: []ForeignKey{}, Indexes: []Index{},
			},
		}, {
			name: "SALES.Big_Orders",
			want: TableDetail{
				Table: Table{Schema: "sales", Name: "big_orders", Kind: KindView, Comment: "Orders above one hundred"},
				Columns: []Column{
					{Name: "id", Type: e.intT, Nullable: true},
					{Name: "customer_id", Type: e.intT, Nullable: true},
					{Name: "region", Type: e.textT, Nullable: true},
					{Name: "number", Type: e.intT, Nullable: true},
				},
				PrimaryKey: []string{}, ForeignKeys: []ForeignKey{}, ReferencedBy: []ForeignKey{}, Indexes: []Index{},
			},
		}}
		for _, c := range cases {
			got, err := DescribeTable(t.Context(), src, c.name, 0)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			for i := range got.Indexes {
				got.Indexes[i].Method = "" // checked per engine
			}
			if diff := cmp.Diff(&c.want, got, ignoreEstimates); diff != "" {
				t.Errorf("%s (-want +got):\n%s", c.name, diff)
			}
		}
	})
}

func TestDescribeTableNames(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, fixture)
		d := e.def
		found := map[string]string{
			"mixedcase":                        d + ".MixedCase",
			`"MixedCase"`:                      d + ".MixedCase",
			d + `."MixedCase"`:                 d + ".MixedCase",
			"ärger":                            d + ".Ärger",
			"ÄRGER":                            d + ".Ärger",
			`"Ärger"`:                          d + ".Ärger",
			"weird schema.order \"items\"":     "",
			`"Weird Schema".Order "Items"`:     "",
			`"Weird Schema"."Order ""Items"""`: `Weird Schema.Order "Items"`,
			`weird schema."Order ""Items"""`:   `Weird Schema.Order "Items"`,
			"sales.customers":                  "sales.customers",
			`"sales"."customers"`:              "sales.customers",
		}
		for name, want := range found {
			td, err := DescribeTable(t.Context(), src, name, 0)
			if want == "" {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: err %v, want ErrInvalid", name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if got := td.Schema + "." + td.Name; got != want {
				t.Errorf("%s: got %s, want %s", name, got, want)
			}
		}

		notFound := map[string][]string{
			"custmers":          {d + ".customers", "sales.customers"},
			"sales.custmr":      {"sales.customers", d + ".customers"},
			`"mixedcase"`:       {d + `."MixedCase"`},
			`"SALES".customers`: {"sales.customers", d + ".customers"},
			"nothing_like_it":   {},
		}
		for name, want := range notFound {
			_, err := DescribeTable(t.Context(), src, name, 0)
			var nf *NotFoundError
			if !errors.As(err, &nf) {
				t.Errorf("%s: err %v, want NotFoundError", name, err)
				continue
			}
			if diff := cmp.Diff(want, nf.Suggestions); diff != "" || nf.Name != name {
				t.Errorf("%s: name %q, suggestions (-want +got):\n%s", name, nf.Name, diff)
			}
		}
		_, err := DescribeTable(t.Context(), src, "custmers", 0)
		want := `table "custmers" not found; did you mean one of "` + d + `.customers", "sales.customers"? Call list_tables to search.`
		if err == nil || err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}

		_, err = DescribeTable(t.Context(), src, "Customers", 0)
		var amb *AmbiguousError
		if !errors.As(err, &amb) {
			t.Fatalf("Customers: err %v, want AmbiguousError", err)
		}
		if diff := cmp.Diff([]string{d + ".customers", "sales.customers"}, amb.Choices); diff != "" {
			t.Errorf("choices (-want +got):\n%s", diff)
		}
		if !strings.Contains(err.Error(), `"sales.customers"`) {
			t.Errorf("message %q", err)
		}
	})
}

func TestDescribeTableSample(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, fixture)
		td, err := DescribeTable(t.Context(), src, e.def+".customers", 2)
		if err != nil {
			t.Fatal(err)
		}
		if td.SampleRows == nil || td.SampleError != "" {
			t.Fatalf("no sample: %q", td.SampleError)
		}
		want := [][]any{{int64(1), "a@example.com", "Ann", nil}, {int64(2), "b@example.com", "Bob", nil}}
		if diff := cmp.Diff(want, td.SampleRows.Rows); diff != "" {
			t.Errorf("sample rows (-want +got):\n%s", diff)
		}
		if len(td.SampleRows.Columns) != 4 || td.SampleRows.Columns[1].Name != "email" {
			t.Errorf("sample columns %+v", td.SampleRows.Columns)
		}

		td, err = DescribeTable(t.Context(), src, `"Weird Schema"."Order ""Items"""`, 5)
		if err != nil {
			t.Fatal(err)
		}
		if td.SampleRows == nil || !cmp.Equal([][]any{{int64(1), "ß"}}, td.SampleRows.Rows) {
			t.Errorf("quoted table sample: %+v %q", td.SampleRows, td.SampleError)
		}

		td, err = DescribeTable(t.Context(), src, "sales.big_orders", 3)
		if err != nil {
			t.Fatal(err)
		}
		if td.SampleRows == nil || len(td.SampleRows.Rows) != 0 {
			t.Errorf("empty view sample: %+v %q", td.SampleRows, td.SampleError)
		}
	})
}
