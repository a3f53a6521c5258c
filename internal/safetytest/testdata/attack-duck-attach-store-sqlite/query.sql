ATTACH '{{HOME}}/iopsdata.db' AS store (TYPE sqlite)
