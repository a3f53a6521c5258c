SELECT 'héllo wörld ☃' AS s, length('☃') AS n
