// Package store is iOpsData's embedded metadata store: stored connections
// (DSNs encrypted at rest with Fernet), settings, file assets and the query
// log, kept in one SQLite file, <home>/iopsdata.db.
//
// # Driver
//
// SQLite is reached through github.com/mattn/go-sqlite3. The server already
// needs cgo for DuckDB and pg_query, so a cgo driver costs nothing extra, and
// mattn/go-sqlite3 is the most mature Go SQLite driver and the fastest for
// the small single-row writes the query log makes on every SQL call.
//
// # Several processes, one home
//
// A desktop client and an IDE may each start their own server on the same
// home directory. The database runs in WAL mode with a busy timeout, every
// write transaction starts with BEGIN IMMEDIATE (so no two processes deadlock
// upgrading a read lock), migrations re-check the schema version inside that
// transaction, and the generated key file is created atomically (temporary
// file + hard link), so processes that start together share one key.
//
// # Keys
//
// FERNET_KEY may hold several comma-separated keys: the first encrypts, all
// decrypt, and a secret read with an older key is re-encrypted with the first.
// Without FERNET_KEY the key lives in <home>/fernet.key (mode 0600). An
// encrypted canary in settings tells a wrong key apart from an empty store.
// A wrong key never causes stored data to be rewritten or deleted.
package store
