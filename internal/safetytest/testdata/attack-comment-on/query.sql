COMMENT ON TABLE canary IS 'pwned'
