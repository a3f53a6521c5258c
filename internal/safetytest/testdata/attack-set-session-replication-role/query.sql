SET session_replication_role = replica
