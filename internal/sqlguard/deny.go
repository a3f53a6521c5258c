package sqlguard

import "strings"

// category is why a function is denied; its text completes "function X ...".
type category string

const (
	catFile        category = "reads, lists or writes server files"
	catLargeObject category = "reads or writes large objects (and files, through lo_import and lo_export)"
	catRemote      category = "connects to other servers"
	catDynamicSQL  category = "runs SQL given as text (which the guard cannot see into)"
	catSettings    category = "changes settings that outlive the statement"
	catLock        category = "takes advisory locks"
	catNotify      category = "sends notifications to other sessions"
	catSequence    category = "advances or sets a sequence"
	catSignal      category = "signals, stops or reconfigures server processes"
	catWAL         category = "writes WAL, backups or restore points"
	catReplication category = "creates, consumes or drops replication slots and origins"
	catXID         category = "assigns a transaction id"
	catCatalog     category = "changes system catalogs or server state"
	catStats       category = "resets or changes collected statistics"
)

// deniedNames are PostgreSQL functions (core and common extensions) that a
// read-only connection must never call, whatever schema they are called
// through. Matching ignores case and schema: "PG_READ_FILE" and
// evil.pg_read_file are denied like pg_catalog.pg_read_file.
var deniedNames = map[string]category{
	// server files (core, adminpack)
	"pg_read_file": catFile, "pg_read_binary_file": catFile, "pg_read_file_old": catFile,
	"pg_stat_file": catFile, "pg_ls_dir": catFile, "pg_logdir_ls": catFile,
	"pg_current_logfile": catFile, "pg_hba_file_rules": catFile, "pg_ident_file_mappings": catFile,
	"pg_show_all_file_settings": catFile,
	// large objects (the lo_ prefix covers the rest)
	"loread": catLargeObject, "lowrite": catLargeObject,
	// remote access
	"http": catRemote,
	// SQL given as text
	"query_to_xml": catDynamicSQL, "query_to_xmlschema": catDynamicSQL, "query_to_xml_and_xmlschema": catDynamicSQL,
	"cursor_to_xml": catDynamicSQL, "cursor_to_xmlschema": catDynamicSQL,
	"table_to_xml": catDynamicSQL, "table_to_xmlschema": catDynamicSQL, "table_to_xml_and_xmlschema": catDynamicSQL,
	"schema_to_xml": catDynamicSQL, "schema_to_xmlschema": catDynamicSQL, "schema_to_xml_and_xmlschema": catDynamicSQL,
	"database_to_xml": catDynamicSQL, "database_to_xmlschema": catDynamicSQL, "database_to_xml_and_xmlschema": catDynamicSQL,
	"ts_stat": catDynamicSQL, "ts_rewrite": catDynamicSQL, "connectby": catDynamicSQL,
	"xpath_table": catDynamicSQL, "pg_background_launch": catDynamicSQL,
	// settings and session state
	"set_config": catSettings, "setseed": catSettings,
	// notifications, sequences, transaction ids
	"pg_notify": catNotify,
	"nextval":   catSequence, "setval": catSequence,
	"txid_current": catXID, "pg_current_xact_id": catXID,
	// backend signalling and server control
	"pg_cancel_backend": catSignal, "pg_terminate_backend": catSignal, "pg_reload_conf": catSignal,
	"pg_rotate_logfile": catSignal, "pg_rotate_logfile_old": catSignal, "pg_promote": catSignal,
	"pg_log_backend_memory_contexts": catSignal, "pg_wal_replay_pause": catSignal,
	"pg_wal_replay_resume": catSignal, "pg_signal_backend": catSignal,
	// WAL and backups
	"pg_switch_wal": catWAL, "pg_switch_xlog": catWAL, "pg_create_restore_point": catWAL,
	"pg_backup_start": catWAL, "pg_backup_stop": catWAL, "pg_start_backup": catWAL,
	"pg_stop_backup": catWAL, "pg_log_standby_snapshot": catWAL, "pg_logical_emit_message": catWAL,
	// catalogs and server state
	"pg_import_system_collations": catCatalog, "pg_extension_config_dump": catCatalog,
	"pg_nextoid": catCatalog, "pg_stop_making_pinned_objects": catCatalog,
	"pg_prewarm": catCatalog, "pg_truncate_visibility_map": catCatalog,
	"brin_summarize_range": catCatalog, "brin_summarize_new_values": catCatalog,
	"brin_desummarize_range": catCatalog, "gin_clean_pending_list": catCatalog,
	"pg_replication_slot_advance": catReplication, "pg_drop_replication_slot": catReplication,
	"pg_sync_replication_slots": catReplication,
}

// deniedPrefixes deny whole families.
var deniedPrefixes = []struct {
	prefix string
	cat    category
}{
	{"lo_", catLargeObject},
	{"pg_ls_", catFile},
	{"pg_file_", catFile}, // adminpack: pg_file_write, pg_file_rename, pg_file_unlink, pg_file_sync
	{"dblink", catRemote},
	{"postgres_fdw_", catRemote},
	{"http_", catRemote}, // pgsql-http
	{"crosstab", catDynamicSQL},
	{"pg_advisory_", catLock},
	{"pg_try_advisory_", catLock},
	{"pg_create_", catReplication}, // physical/logical replication slots, restore points
	{"pg_copy_", catReplication},   // pg_copy_*_replication_slot
	{"pg_logical_slot_", catReplication},
	{"pg_replication_origin_", catReplication},
	{"pg_stat_reset", catStats},
	{"pg_stat_statements_reset", catStats},
	{"pg_wal_replay_", catSignal},
	{"binary_upgrade_", catCatalog},
	{"heap_force_", catCatalog}, // pg_surgery
	{"pg_background_", catDynamicSQL},
}

// denied reports whether name (unqualified, any case) is a denied function.
func denied(name string) (category, bool) {
	n := strings.ToLower(name)
	if c, ok := deniedNames[n]; ok {
		return c, true
	}
	for _, p := range deniedPrefixes {
		if strings.HasPrefix(n, p.prefix) {
			return p.cat, true
		}
	}
	return "", false
}
