SELECT current_setting('enable_external_access') AS ext
