SELECT dblink_exec('{{PGDSN}}', 'CREATE ROLE safetytest_evil')
