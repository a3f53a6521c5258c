WITH x AS (SELECT dblink_exec('{{PGDSN}}', 'UPDATE canary SET amount = 0') AS r) SELECT r FROM x
