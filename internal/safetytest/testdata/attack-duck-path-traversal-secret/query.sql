SELECT content FROM read_text('{{HOME}}/files/../secret.txt')
