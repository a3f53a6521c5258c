package sqlparse

import "strings"

type kindInfo struct {
	kind  string
	class Class
}

// stmtKinds names every statement node of the PostgreSQL 17 grammar. A
// test checks that each *Stmt message of pg_query's schema is listed; a
// node missing here (a newer grammar) is named from its type and classed
// admin, the class no policy grants by accident.
var stmtKinds = map[string]kindInfo{
	"SelectStmt": {"select", ClassRead}, "VariableShowStmt": {"show", ClassRead},
	"ExplainStmt": {"explain", ClassRead},

	"InsertStmt": {"insert", ClassDML}, "UpdateStmt": {"update", ClassDML},
	"DeleteStmt": {"delete", ClassDML}, "MergeStmt": {"merge", ClassDML},
	"LockStmt": {"lock", ClassDML}, "CopyStmt": {"copy", ClassUtility},

	"CreateStmt": {"create table", ClassDDL}, "CreateTableAsStmt": {"create table as", ClassDDL},
	"ViewStmt": {"create view", ClassDDL}, "IndexStmt": {"create index", ClassDDL},
	"CreateSeqStmt": {"create sequence", ClassDDL}, "CreateSchemaStmt": {"create schema", ClassDDL},
	"CreateFunctionStmt": {"create function", ClassDDL}, "CreateTrigStmt": {"create trigger", ClassDDL},
	"RuleStmt": {"create rule", ClassDDL}, "CreateDomainStmt": {"create domain", ClassDDL},
	"CompositeTypeStmt": {"create type", ClassDDL}, "CreateEnumStmt": {"create type", ClassDDL},
	"CreateRangeStmt": {"create type", ClassDDL}, "DefineStmt": {"create", ClassDDL},
	"CreatePolicyStmt": {"create policy", ClassDDL}, "CreateStatsStmt": {"create statistics", ClassDDL},
	"CreateForeignTableStmt": {"create foreign table", ClassDDL}, "CreateCastStmt": {"create cast", ClassDDL},
	"CreateConversionStmt": {"create conversion", ClassDDL}, "CreateOpClassStmt": {"create operator class", ClassDDL},
	"CreateOpFamilyStmt": {"create operator family", ClassDDL}, "CreateTransformStmt": {"create transform", ClassDDL},
	"CreateAmStmt":   {"create access method", ClassDDL},
	"AlterTableStmt": {"alter table", ClassDDL}, "AlterDomainStmt": {"alter domain", ClassDDL},
	"AlterEnumStmt": {"alter type", ClassDDL}, "AlterTypeStmt": {"alter type", ClassDDL},
	"AlterSeqStmt": {"alter sequence", ClassDDL}, "AlterFunctionStmt": {"alter function", ClassDDL},
	"AlterPolicyStmt": {"alter policy", ClassDDL}, "AlterStatsStmt": {"alter statistics", ClassDDL},
	"AlterOperatorStmt": {"alter operator", ClassDDL}, "AlterOpFamilyStmt": {"alter operator family", ClassDDL},
	"AlterCollationStmt": {"alter collation", ClassDDL}, "AlterObjectDependsStmt": {"alter", ClassDDL},
	"AlterObjectSchemaStmt": {"alter", ClassDDL}, "AlterOwnerStmt": {"alter", ClassDDL},
	"AlterTSConfigurationStmt": {"alter text search configuration", ClassDDL},
	"AlterTSDictionaryStmt":    {"alter text search dictionary", ClassDDL},
	"RenameStmt":               {"alter", ClassDDL}, "ReplicaIdentityStmt": {"alter table", ClassDDL},
	"DropStmt": {"drop", ClassDDL}, "TruncateStmt": {"truncate", ClassDDL},
	"CommentStmt": {"comment", ClassDDL}, "SecLabelStmt": {"security label", ClassDDL},
	"RefreshMatViewStmt": {"refresh materialized view", ClassDDL},

	"GrantStmt": {"grant", ClassAdmin}, "GrantRoleStmt": {"grant", ClassAdmin},
	"AlterDefaultPrivilegesStmt": {"alter default privileges", ClassAdmin},
	"CreateRoleStmt":             {"create role", ClassAdmin}, "AlterRoleStmt": {"alter role", ClassAdmin},
	"AlterRoleSetStmt": {"alter role", ClassAdmin}, "DropRoleStmt": {"drop role", ClassAdmin},
	"DropOwnedStmt": {"drop owned", ClassAdmin}, "ReassignOwnedStmt": {"reassign owned", ClassAdmin},
	"CreatedbStmt": {"create database", ClassAdmin}, "DropdbStmt": {"drop database", ClassAdmin},
	"AlterDatabaseStmt": {"alter database", ClassAdmin}, "AlterDatabaseSetStmt": {"alter database", ClassAdmin},
	"AlterDatabaseRefreshCollStmt": {"alter database", ClassAdmin},
	"AlterSystemStmt":              {"alter system", ClassAdmin},
	"CreateTableSpaceStmt":         {"create tablespace", ClassAdmin}, "DropTableSpaceStmt": {"drop tablespace", ClassAdmin},
	"AlterTableSpaceOptionsStmt": {"alter tablespace", ClassAdmin}, "AlterTableMoveAllStmt": {"alter table", ClassAdmin},
	"VacuumStmt": {"vacuum", ClassAdmin}, "ClusterStmt": {"cluster", ClassAdmin},
	"ReindexStmt": {"reindex", ClassAdmin}, "CheckPointStmt": {"checkpoint", ClassAdmin},
	"LoadStmt": {"load", ClassAdmin}, "CallStmt": {"call", ClassAdmin}, "DoStmt": {"do", ClassAdmin},
	"CreateExtensionStmt": {"create extension", ClassAdmin}, "AlterExtensionStmt": {"alter extension", ClassAdmin},
	"AlterExtensionContentsStmt": {"alter extension", ClassAdmin},
	"CreateFdwStmt":              {"create foreign data wrapper", ClassAdmin}, "AlterFdwStmt": {"alter foreign data wrapper", ClassAdmin},
	"CreateForeignServerStmt": {"create server", ClassAdmin}, "AlterForeignServerStmt": {"alter server", ClassAdmin},
	"CreateUserMappingStmt": {"create user mapping", ClassAdmin}, "AlterUserMappingStmt": {"alter user mapping", ClassAdmin},
	"DropUserMappingStmt": {"drop user mapping", ClassAdmin}, "ImportForeignSchemaStmt": {"import foreign schema", ClassAdmin},
	"CreatePublicationStmt": {"create publication", ClassAdmin}, "AlterPublicationStmt": {"alter publication", ClassAdmin},
	"CreateSubscriptionStmt": {"create subscription", ClassAdmin}, "AlterSubscriptionStmt": {"alter subscription", ClassAdmin},
	"DropSubscriptionStmt": {"drop subscription", ClassAdmin},
	"CreateEventTrigStmt":  {"create event trigger", ClassAdmin}, "AlterEventTrigStmt": {"alter event trigger", ClassAdmin},
	"CreatePLangStmt": {"create language", ClassAdmin},

	"VariableSetStmt": {"set", ClassSession}, "DiscardStmt": {"discard", ClassSession},
	"PrepareStmt": {"prepare", ClassSession}, "ExecuteStmt": {"execute", ClassSession},
	"DeallocateStmt": {"deallocate", ClassSession}, "DeclareCursorStmt": {"declare", ClassSession},
	"FetchStmt": {"fetch", ClassSession}, "ClosePortalStmt": {"close", ClassSession},
	"ListenStmt": {"listen", ClassSession}, "UnlistenStmt": {"unlisten", ClassSession},

	"TransactionStmt": {"transaction", ClassTransaction}, "ConstraintsSetStmt": {"set constraints", ClassTransaction},

	"NotifyStmt": {"notify", ClassUtility}, "ReturnStmt": {"return", ClassUtility},
	"PLAssignStmt": {"assign", ClassUtility}, "SetOperationStmt": {"select", ClassRead},
}

// kindOf names the statement of type name held in object v.
func kindOf(t *msgType, d *jdoc, v int32) (string, Class) {
	ki, ok := stmtKinds[t.name]
	if !ok {
		return strings.ToLower(strings.TrimSuffix(t.name, "Stmt")), ClassAdmin
	}
	str := func(key string) string { return d.text(t.get(d, v, key)) }
	has := func(key string) bool { return t.get(d, v, key) >= 0 }
	switch t.name {
	case "DropStmt":
		return "drop " + objectName(str("remove_type")), ki.class
	case "DefineStmt":
		return "create " + objectName(str("kind")), ki.class
	case "AlterTableStmt":
		return "alter " + objectName(str("objtype")), ki.class
	case "RenameStmt":
		return "alter " + objectName(str("rename_type")), ki.class
	case "AlterObjectSchemaStmt", "AlterOwnerStmt", "AlterObjectDependsStmt":
		return "alter " + objectName(str("object_type")), ki.class
	case "CreateTableAsStmt":
		if str("objtype") == "OBJECT_MATVIEW" {
			return "create materialized view", ki.class
		}
	case "TransactionStmt":
		k := strings.ToLower(strings.TrimPrefix(str("kind"), "TRANS_STMT_"))
		switch k {
		case "start":
			k = "start transaction"
		case "prepare":
			k = "prepare transaction"
		}
		return strings.ReplaceAll(k, "_", " "), ki.class
	case "VariableSetStmt":
		if strings.HasPrefix(str("kind"), "VAR_RESET") {
			return "reset", ki.class
		}
		if strings.EqualFold(str("name"), "TRANSACTION") {
			return "set transaction", ClassTransaction
		}
	case "GrantStmt", "GrantRoleStmt":
		if !has("is_grant") {
			return "revoke", ki.class
		}
	case "VacuumStmt":
		if !has("is_vacuumcmd") {
			return "analyze", ki.class
		}
	case "CopyStmt":
		switch {
		case has("is_program") || has("filename"):
			return "copy", ClassAdmin
		case has("is_from"):
			return "copy", ClassDML
		}
	}
	return ki.kind, ki.class
}

// objectName turns OBJECT_MATVIEW into "materialized view".
func objectName(obj string) string {
	obj = strings.TrimPrefix(obj, "OBJECT_")
	switch obj {
	case "MATVIEW":
		return "materialized view"
	case "TSCONFIGURATION":
		return "text search configuration"
	case "TSDICTIONARY":
		return "text search dictionary"
	case "FDW":
		return "foreign data wrapper"
	case "":
		return "object"
	}
	return strings.ToLower(strings.ReplaceAll(obj, "_", " "))
}
