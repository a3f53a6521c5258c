SELECT * FROM read_ndjson_objects('/proc/self/environ')
