SELECT dblink_exec('{{PGDSN}}', 'DELETE FROM canary')
