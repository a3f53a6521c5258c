ATTACH '{{HOME}}/iopsdata.db' AS store
