CALL public.archive(1, 'x')
