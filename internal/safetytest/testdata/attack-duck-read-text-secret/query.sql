SELECT content FROM read_text('{{HOME}}/secret.txt')
