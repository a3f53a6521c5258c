SELECT k, v FROM docs, jsonb_each(doc) AS e(k, v)
