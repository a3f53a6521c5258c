CLUSTER canary USING canary_pkey
