SET backslash_quote = on
