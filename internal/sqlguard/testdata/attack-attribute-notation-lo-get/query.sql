SELECT (12345::oid).lo_get
