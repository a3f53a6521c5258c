SELECT label FROM canary WHERE label ILIKE 'row%' OR label LIKE '%1' OR label SIMILAR TO '%(2|3)%'
