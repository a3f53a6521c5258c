SELECT dblink_exec('dbname=postgres', 'DROP TABLE canary')
