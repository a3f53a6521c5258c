SELECT random(), gen_random_uuid(), clock_timestamp()
