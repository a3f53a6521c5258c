SELECT content FROM read_text('file://{{HOME}}/secret.txt')
