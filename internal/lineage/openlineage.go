package lineage

import (
	"cmp"
	"slices"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// OpenLineage facet identifiers.
const (
	olProducer        = "https://github.com/iopsdata/iopsdata"
	olColumnSchemaURL = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet"
)

// OLFragment is the part of an OpenLineage run event lineage fills in:
// the datasets read and written, and for each written one its column
// lineage facet.
type OLFragment struct {
	Inputs  []OLDataset `json:"inputs"`
	Outputs []OLDataset `json:"outputs"`
}

// OLDataset is an input or output dataset.
type OLDataset struct {
	Namespace string           `json:"namespace"`
	Name      string           `json:"name"`
	Facets    *OLDatasetFacets `json:"facets,omitempty"`
}

// OLDatasetFacets holds the column lineage facet of an output.
type OLDatasetFacets struct {
	ColumnLineage *OLColumnLineage `json:"columnLineage,omitempty"`
}

// OLColumnLineage is ColumnLineageDatasetFacet 1-2-0.
type OLColumnLineage struct {
	Producer  string                   `json:"_producer"`
	SchemaURL string                   `json:"_schemaURL"`
	Fields    map[string]OLFieldInputs `json:"fields"`
	// Dataset lists the input fields that affect every row of the output:
	// WHERE, JOIN, GROUP BY and ORDER BY columns.
	Dataset []OLInputField `json:"dataset,omitempty"`
}

// OLFieldInputs are the inputs of one output field.
type OLFieldInputs struct {
	InputFields []OLInputField `json:"inputFields"`
}

// OLInputField is one input column and how it is used.
type OLInputField struct {
	Namespace       string             `json:"namespace"`
	Name            string             `json:"name"`
	Field           string             `json:"field"`
	Transformations []OLTransformation `json:"transformations"`
}

// OLTransformation is a transformation type with the facet's masking flag.
type OLTransformation struct {
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
	Masking bool   `json:"masking"`
}

var useSubtypes = map[relq.Role]string{
	relq.Filter: "FILTER", relq.Join: "JOIN", relq.GroupBy: "GROUP_BY", relq.Sort: "SORT",
}

// OpenLineage maps a result to an OpenLineage fragment: read relations are
// inputs, written ones outputs (datasets named as written, in namespace),
// and column edges become each output's column lineage facet. The columns
// of a plain SELECT's result belong to no dataset and are left out.
func OpenLineage(res *Result, namespace string) OLFragment {
	frag := OLFragment{Inputs: []OLDataset{}, Outputs: []OLDataset{}}
	for _, r := range res.Read {
		frag.Inputs = append(frag.Inputs, OLDataset{Namespace: namespace, Name: r})
	}
	for _, w := range res.Write {
		cl := &OLColumnLineage{Producer: olProducer, SchemaURL: olColumnSchemaURL, Fields: map[string]OLFieldInputs{}}
		for _, st := range res.Statements {
			if !slices.Contains(st.Write, w) {
				continue
			}
			fed := false
			for _, e := range st.Edges {
				if e.Target.Table != w {
					continue
				}
				fed = true
				fi := cl.Fields[e.Target.Column]
				fi.InputFields = addInput(fi.InputFields, namespace, e.Source, e.How.Types())
				cl.Fields[e.Target.Column] = fi
			}
			if !fed {
				continue
			}
			for _, u := range st.Uses {
				if sub, ok := useSubtypes[u.Role]; ok && u.Column.Table != "" {
					cl.Dataset = addInput(cl.Dataset, namespace, u.Column, []TransformType{{"INDIRECT", sub}})
				}
			}
		}
		// Columns fed only by constants still appear, with no inputs.
		for _, st := range res.Statements {
			for k := range st.Columns {
				if c := splitKey(k); c.Table == w {
					if _, ok := cl.Fields[c.Column]; !ok {
						cl.Fields[c.Column] = OLFieldInputs{InputFields: []OLInputField{}}
					}
				}
			}
		}
		ds := OLDataset{Namespace: namespace, Name: w}
		if len(cl.Fields) > 0 {
			ds.Facets = &OLDatasetFacets{ColumnLineage: cl}
		}
		frag.Outputs = append(frag.Outputs, ds)
	}
	// Every dataset a field refers to is an input, the target's own
	// columns included (UPDATE t SET a = t.a + 1 reads t.a), so a consumer
	// can resolve every reference.
	for _, o := range frag.Outputs {
		if o.Facets == nil {
			continue
		}
		cl := o.Facets.ColumnLineage
		refs := slices.Clone(cl.Dataset)
		for _, f := range cl.Fields {
			refs = append(refs, f.InputFields...)
		}
		var missing []string
		for _, r := range refs {
			if !slices.ContainsFunc(frag.Inputs, func(d OLDataset) bool { return d.Name == r.Name }) && !slices.Contains(missing, r.Name) {
				missing = append(missing, r.Name)
			}
		}
		slices.Sort(missing)
		for _, n := range missing {
			frag.Inputs = append(frag.Inputs, OLDataset{Namespace: namespace, Name: n})
		}
	}
	return frag
}

// addInput adds types to the input field for c, creating it if needed.
func addInput(in []OLInputField, ns string, c Column, types []TransformType) []OLInputField {
	i := slices.IndexFunc(in, func(f OLInputField) bool { return f.Name == c.Table && f.Field == c.Column })
	if i < 0 {
		in = append(in, OLInputField{Namespace: ns, Name: c.Table, Field: c.Column, Transformations: []OLTransformation{}})
		i = len(in) - 1
	}
	for _, t := range types {
		tr := OLTransformation{Type: t.Type, Subtype: t.Subtype}
		if !slices.Contains(in[i].Transformations, tr) {
			in[i].Transformations = append(in[i].Transformations, tr)
		}
	}
	slices.SortStableFunc(in[i].Transformations, func(a, b OLTransformation) int {
		return cmp.Compare(transformRank(a), transformRank(b))
	})
	return in
}

// transformRank orders types as Transform's bits do: DIRECT ones first
// (IDENTITY, TRANSFORMATION, AGGREGATION), then INDIRECT ones.
func transformRank(t OLTransformation) int {
	for i, n := range transformNames {
		if n.Type == t.Type && n.Subtype == t.Subtype {
			return i
		}
	}
	if t.Type == "DIRECT" {
		return len(transformNames)
	}
	return len(transformNames) + 1
}
