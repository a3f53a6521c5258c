SELECT dblink_send_query('safetytest', 'DELETE FROM canary')
