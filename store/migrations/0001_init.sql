-- 0001: initial schema. Times are unix microseconds (UTC) in INTEGER columns.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- secret is the Fernet token of the JSON object {"dsn": "..."}.
CREATE TABLE connections (
    name        TEXT PRIMARY KEY,
    engine      TEXT NOT NULL,
    read_only   INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    options     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE file_assets (
    name       TEXT PRIMARY KEY,
    format     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    row_count  INTEGER NOT NULL,
    columns    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(columns)),
    path       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE query_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    connection  TEXT NOT NULL,
    tool        TEXT NOT NULL,
    sql         TEXT NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    verdict     TEXT NOT NULL,
    "rows"      INTEGER NOT NULL DEFAULT 0,
    elapsed_ms  REAL NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX query_log_connection_id ON query_log (connection, id);
