SELECT * FROM dblink('{{PGDSN}}', 'DELETE FROM canary RETURNING id') AS t(id int)
