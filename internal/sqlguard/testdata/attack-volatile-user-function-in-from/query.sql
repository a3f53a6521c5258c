SELECT * FROM vol_rows()
