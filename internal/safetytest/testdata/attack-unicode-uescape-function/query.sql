SELECT U&"!0070g_read_file" UESCAPE '!' ('{{SCRATCH}}/secret.txt')
