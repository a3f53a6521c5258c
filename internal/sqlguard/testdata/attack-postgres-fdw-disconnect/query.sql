SELECT postgres_fdw_disconnect_all()
