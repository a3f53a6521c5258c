SELECT jsonb_build_object('id', id), jsonb_agg(label), jsonb_path_query_first(doc, '$.a'), jsonb_typeof(doc) FROM docs GROUP BY id, doc
