package lineage

// TransformType is an OpenLineage column-lineage transformation type.
type TransformType struct {
	Type    string `json:"type"`    // DIRECT or INDIRECT
	Subtype string `json:"subtype"` // IDENTITY, TRANSFORMATION, AGGREGATION, CONDITIONAL, WINDOW, ...
}

var transformNames = [...]TransformType{
	{"DIRECT", "IDENTITY"}, {"DIRECT", "TRANSFORMATION"}, {"DIRECT", "AGGREGATION"},
	{"INDIRECT", "CONDITIONAL"}, {"INDIRECT", "WINDOW"},
}

// Types lists the transformation types in t, direct ones first.
func (t Transform) Types() []TransformType {
	var out []TransformType
	for i, n := range transformNames {
		if t&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}
