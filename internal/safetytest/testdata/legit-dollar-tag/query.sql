SELECT $tag$it's; DELETE FROM canary$tag$ AS s
