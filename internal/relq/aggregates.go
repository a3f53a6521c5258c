package relq

// aggregates are the built-in aggregate functions of PostgreSQL and DuckDB,
// by their lower-case name. A parser cannot tell an aggregate from a
// scalar function without a catalog; a call with an aggregate's name (or
// with DISTINCT, ORDER BY, FILTER or WITHIN GROUP in its arguments) is
// taken as an aggregate.
var aggregates = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		// PostgreSQL
		"array_agg", "avg", "bit_and", "bit_or", "bit_xor", "bool_and", "bool_or", "count", "every",
		"json_agg", "json_agg_strict", "jsonb_agg", "jsonb_agg_strict", "json_object_agg", "jsonb_object_agg",
		"json_object_agg_strict", "json_object_agg_unique", "json_object_agg_unique_strict",
		"jsonb_object_agg_strict", "jsonb_object_agg_unique", "jsonb_object_agg_unique_strict",
		"json_arrayagg", "json_objectagg", "max", "min", "range_agg", "range_intersect_agg", "string_agg", "sum",
		"xmlagg", "any_value", "corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count",
		"regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "stddev", "stddev_pop",
		"stddev_samp", "variance", "var_pop", "var_samp", "mode", "percentile_cont", "percentile_disc",
		"rank_agg", "cume_dist_agg",
		// DuckDB
		"approx_count_distinct", "approx_quantile", "approx_top_k", "arbitrary", "arg_max", "arg_min", "argmax",
		"argmin", "max_by", "min_by", "bitstring_agg", "first", "last", "fsum", "sumkahan", "kahan_sum",
		"favg", "geomean", "geometric_mean", "histogram", "histogram_exact", "list", "array_agg", "group_concat",
		"listagg", "mad", "median", "product", "quantile", "quantile_cont", "quantile_disc", "reservoir_quantile",
		"entropy", "kurtosis", "kurtosis_pop", "skewness", "sem", "string_agg", "bool_and", "count_star",
		"countif", "count_if", "sum_no_overflow", "weighted_avg", "wavg", "avg_weighted",
	} {
		m[n] = true
	}
	return m
}()

// IsAggregate reports whether name (lower case, unqualified) is a built-in
// aggregate function.
func IsAggregate(name string) bool { return aggregates[name] }
