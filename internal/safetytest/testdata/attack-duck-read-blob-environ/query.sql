SELECT content FROM read_blob('/proc/self/environ')
