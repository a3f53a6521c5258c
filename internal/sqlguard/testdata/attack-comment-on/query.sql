COMMENT ON TABLE canary IS 'owned'
