CREATE INDEX ON canary (id)
