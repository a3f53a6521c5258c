SELECT dblink_connect('safetytest', '{{PGDSN}}')
