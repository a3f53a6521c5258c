SELECT 'C:\path\file' AS p, length('a\b')
