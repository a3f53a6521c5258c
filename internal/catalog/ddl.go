package catalog

// TableDDL renders one table of s in full (all columns, keys, comments and
// the sample values s holds), as the table resource shows it. name is
// resolved like describe_table's: "t", "schema.t" or quoted parts.
func TableDDL(s *Snapshot, name string) (string, error) {
	parts, err := parseName(name)
	if err != nil {
		return "", err
	}
	rels := make([]relation, len(s.Tables))
	for i, t := range s.Tables {
		rels[i] = relation{Table: t.Table, id: i}
	}
	switch found := matchName(rels, parts); len(found) {
	case 0:
		return "", &NotFoundError{Name: name, Suggestions: suggest(rels, parts)}
	case 1:
		ix := s.index()
		ti := found[0].id.(int)
		scores := make([]float64, len(s.Tables[ti].Columns))
		text, _ := renderTable(ix, s, ti, lvAll, scores, func(int) bool { return true })
		return text, nil
	default:
		choices := make([]string, len(found))
		for i, r := range found {
			choices[i] = r.QualifiedName()
		}
		return "", &AmbiguousError{Name: name, Choices: choices}
	}
}
