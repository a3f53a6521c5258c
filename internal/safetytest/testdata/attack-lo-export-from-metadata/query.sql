SELECT lo_export(oid, '{{SCRATCH}}/pwned_lo2') FROM pg_largeobject_metadata
