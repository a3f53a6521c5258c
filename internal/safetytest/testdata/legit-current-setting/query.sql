SELECT current_setting('server_version_num')::int >= 150000 AS recent
