WITH x AS (SELECT set_config('app.user', 'admin', false)) SELECT * FROM x
