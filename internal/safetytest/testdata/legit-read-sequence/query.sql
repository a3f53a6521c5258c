SELECT last_value FROM canary_seq
