DO $do$ BEGIN PERFORM set_config('safetytest.attack', 'pwned', false); END $do$
