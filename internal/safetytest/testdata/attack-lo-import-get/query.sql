SELECT convert_from(lo_get(lo_import('{{SCRATCH}}/secret.txt')), 'UTF8') AS s
