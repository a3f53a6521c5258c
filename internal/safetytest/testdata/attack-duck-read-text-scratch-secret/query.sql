SELECT content FROM read_text('{{SCRATCH}}/secret.txt')
