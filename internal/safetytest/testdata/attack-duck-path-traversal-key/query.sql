SELECT content FROM read_text('{{HOME}}/files/../fernet.key')
