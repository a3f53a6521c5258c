SELECT U&"pg\005Fread\005Ffile"('{{SCRATCH}}/secret.txt')
