package sqlguard

import "strings"

// safeNames are PostgreSQL built-in functions known to be safe on a
// read-only connection: pure functions (math, strings, dates, JSON,
// arrays, ranges, text search), aggregates, window functions, catalog and
// size information. A few are volatile in pg_catalog yet harmless, so the
// catalog alone would refuse them: random, clock_timestamp,
// gen_random_uuid, the pg_*_size family, WAL positions, pg_sleep.
//
// A name here counts only as written unqualified or as pg_catalog.name,
// since myschema.lower is somebody else's function. The runner still asks
// the connection's catalog about it: a volatile function of the same name
// outside pg_catalog (which unqualified calls may reach through
// search_path) refuses the call.
var safeNames = setOf(
	// math
	"abs", "cbrt", "ceil", "ceiling", "degrees", "div", "exp", "factorial", "floor", "gcd", "lcm",
	"ln", "log", "log10", "min_scale", "mod", "pi", "power", "pow", "radians", "round", "scale",
	"sign", "sqrt", "trim_scale", "trunc", "width_bucket", "random", "random_normal",
	"acos", "acosd", "asin", "asind", "atan", "atand", "atan2", "atan2d", "cos", "cosd", "cot",
	"cotd", "sin", "sind", "tan", "tand", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "erf", "erfc",
	"numeric", "int2", "int4", "int8", "float4", "float8", "money", "bool", "text", "varchar",
	"bpchar", "char", "name", "date", "time", "timetz", "timestamp", "timestamptz", "interval",
	"inet", "cidr", "macaddr", "uuid", "bytea", "bit", "varbit", "xml", "json", "jsonb",
	// strings
	"ascii", "bit_length", "btrim", "char_length", "character_length", "chr", "concat", "concat_ws",
	"convert", "convert_from", "convert_to", "decode", "encode", "format", "initcap", "left", "length",
	"lower", "lpad", "ltrim", "md5", "normalize", "is_normalized", "octet_length", "overlay", "parse_ident",
	"position", "quote_ident", "quote_literal", "quote_nullable", "repeat", "replace", "reverse",
	"right", "rpad", "rtrim", "split_part", "starts_with", "string_to_array", "string_to_table",
	"strpos", "substr", "substring", "to_ascii", "to_hex", "to_bin", "to_oct", "translate", "trim",
	"unistr", "upper", "casefold", "sha224", "sha256", "sha384", "sha512", "crc32", "crc32c",
	"like_escape", "similar_escape", "similar_to_escape", "textcat", "texticlike", "textlike",
	"get_bit", "get_byte", "set_bit", "set_byte", "bit_count", "to_char", "to_number", "to_date",
	"to_timestamp", "pg_collation_for", "string_agg", "xmlconcat", "xmlcomment", "xml_is_well_formed",
	"xml_is_well_formed_content", "xml_is_well_formed_document", "xpath", "xpath_exists", "xmlexists",
	"xmltext",
	// dates and times
	"age", "clock_timestamp", "current_date", "date_add", "date_bin", "date_part", "date_subtract",
	"date_trunc", "extract", "isfinite", "justify_days", "justify_hours", "justify_interval",
	"localtime", "localtimestamp", "make_date", "make_interval", "make_time", "make_timestamp",
	"make_timestamptz", "now", "overlaps", "statement_timestamp", "timeofday", "timezone",
	"transaction_timestamp", "pg_sleep", "pg_sleep_for", "pg_sleep_until",
	// aggregates and window functions
	"any_value", "array_agg", "avg", "bit_and", "bit_or", "bit_xor", "bool_and", "bool_or", "corr",
	"count", "covar_pop", "covar_samp", "every", "max", "min", "mode", "percentile_cont",
	"percentile_disc", "range_agg", "range_intersect_agg", "regr_avgx", "regr_avgy", "regr_count",
	"regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "stddev",
	"stddev_pop", "stddev_samp", "sum", "var_pop", "var_samp", "variance", "xmlagg",
	"cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead", "nth_value", "ntile",
	"percent_rank", "rank", "row_number", "grouping",
	// arrays, sets and conditionals
	"cardinality", "generate_series", "generate_subscripts", "unnest", "trim_array", "array_shuffle",
	"array_sample", "num_nulls", "num_nonnulls", "coalesce", "nullif", "greatest", "least",
	// ranges and networks
	"lower_inc", "upper_inc", "lower_inf", "upper_inf", "isempty", "range_merge", "multirange",
	"int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange",
	"int8multirange", "nummultirange", "tsmultirange", "tstzmultirange", "datemultirange",
	"abbrev", "broadcast", "family", "host", "hostmask", "inet_merge", "inet_same_family",
	"masklen", "netmask", "network", "set_masklen", "macaddr8_set7bit", "gen_random_uuid",
	"uuidv4", "uuidv7", "uuid_extract_timestamp", "uuid_extract_version",
	// text search
	"to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery",
	"ts_rank", "ts_rank_cd", "ts_headline", "setweight", "strip", "numnode", "querytree",
	"tsvector_to_array", "array_to_tsvector", "ts_delete", "ts_filter", "ts_lexize", "ts_parse",
	"ts_token_type", "ts_debug", "get_current_ts_config", "tsquery_phrase",
	// session and server information (read only)
	"current_database", "current_catalog", "current_query", "current_role", "current_schema",
	"current_schemas", "current_setting", "current_user", "session_user", "system_user", "user",
	"version", "inet_client_addr", "inet_client_port", "inet_server_addr", "inet_server_port",
	"pg_backend_pid", "pg_blocking_pids", "pg_safe_snapshot_blocking_pids", "pg_conf_load_time",
	"pg_postmaster_start_time", "pg_is_in_recovery", "pg_is_wal_replay_paused", "pg_jit_available",
	"pg_trigger_depth", "pg_listening_channels", "pg_notification_queue_usage", "pg_typeof",
	"pg_column_size", "pg_column_compression", "pg_column_toast_chunk_id", "pg_database_size",
	"pg_indexes_size", "pg_relation_size", "pg_table_size", "pg_tablespace_size",
	"pg_total_relation_size", "pg_size_pretty", "pg_size_bytes", "pg_relation_filenode",
	"pg_relation_filepath", "pg_filenode_relation", "pg_partition_tree", "pg_partition_ancestors",
	"pg_partition_root", "pg_current_wal_lsn", "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn",
	"pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp",
	"pg_wal_lsn_diff", "pg_walfile_name", "pg_walfile_name_offset", "pg_lock_status",
	"pg_sequence_last_value", "currval", "lastval", "pg_xact_commit_timestamp", "pg_last_committed_xact",
	"pg_xact_status", "txid_status", "txid_current_snapshot", "txid_snapshot_xmin",
	"txid_snapshot_xmax", "txid_snapshot_xip", "txid_visible_in_snapshot", "txid_current_if_assigned",
	"pg_current_snapshot", "pg_snapshot_xmin", "pg_snapshot_xmax", "pg_snapshot_xip",
	"pg_visible_in_snapshot", "pg_current_xact_id_if_assigned", "age", "mxid_age",
	"pg_encoding_to_char", "pg_char_to_encoding", "pg_client_encoding", "pg_encoding_max_length",
	"obj_description", "col_description", "shobj_description", "format_type",
	"pg_describe_object", "pg_identify_object", "pg_identify_object_as_address",
	"pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible", "pg_view_is_visible",
	"pg_index_column_has_property", "pg_index_has_property", "pg_indexam_has_property",
	"pg_tablespace_location", "pg_tablespace_databases", "pg_settings_get_flags",
	"pg_options_to_table", "pg_control_checkpoint", "pg_control_init", "pg_control_recovery",
	"pg_control_system", "pg_collation_actual_version", "pg_database_collation_actual_version",
	"pg_char_to_encoding", "pg_input_is_valid", "pg_input_error_info", "pg_relation_is_updatable",
	"pg_column_is_updatable", "pg_event_trigger_ddl_commands", "row_security_active",
	"system", "bernoulli", // TABLESAMPLE methods
)

// safePrefixes cover families of pure or read-only built-ins.
var safePrefixes = []string{
	"array_", "json_", "jsonb_", "regexp_", "to_reg", "has_", "pg_has_role", "pg_get_",
	"pg_stat_get_", "pg_mcv_list_items", "xml", "range_", "multirange_", "ts_", "int4", "int8",
	"float8_", "numeric_", "box", "point", "lseg", "circle", "polygon", "path", "line",
	"area", "center", "diameter", "height", "width", "radius", "isclosed", "isopen", "npoints",
	"pclose", "popen", "bound_box", "macaddr",
}

// prefixesByFirst indexes safePrefixes by their first byte.
var prefixesByFirst = func() map[byte][]string {
	m := map[byte][]string{}
	for _, p := range safePrefixes {
		m[p[0]] = append(m[p[0]], p)
	}
	return m
}()

func setOf(names ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(names))
	for _, n := range names {
		m[n] = struct{}{}
	}
	return m
}

// knownSafe reports whether a call of schema.name is a safe built-in.
// Denied names are checked first, so a prefix here never lets one through.
func knownSafe(schema, name string) bool {
	if schema != "" && schema != "pg_catalog" {
		return false
	}
	if _, ok := safeNames[name]; ok {
		return true
	}
	if name == "" {
		return false
	}
	for _, p := range prefixesByFirst[name[0]] {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Status is how the guard treats a function name by itself.
type Status string

const (
	StatusDenied  Status = "denied"  // never allowed
	StatusSafe    Status = "safe"    // a known-safe built-in
	StatusUnknown Status = "unknown" // the connection's catalog decides
)

// FunctionStatus reports how a call of schema.name is treated before the
// catalog is asked.
func FunctionStatus(schema, name string) Status {
	if _, ok := denied(name); ok {
		return StatusDenied
	}
	if knownSafe(schema, name) {
		return StatusSafe
	}
	return StatusUnknown
}
