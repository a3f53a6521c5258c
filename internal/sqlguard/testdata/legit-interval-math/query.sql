SELECT now() - interval '1 day', justify_hours(interval '30 hours'), make_interval(days => 3)
