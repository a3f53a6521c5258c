SELECT elem ->> 'name' FROM docs, json_array_elements(doc::json -> 'items') AS elem
