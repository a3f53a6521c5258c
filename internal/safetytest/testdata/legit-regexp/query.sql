SELECT regexp_replace(name, '[0-9]+', '#') AS masked FROM canary WHERE id = 7
