SELECT doc -> 'a' ->> 'b', doc #>> '{a,b}', doc @> '{"a": 1}', doc ? 'a', doc ?| array['a', 'b'] FROM docs
