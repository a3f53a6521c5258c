SELECT set_config('standard_conforming_strings', 'off', false)
