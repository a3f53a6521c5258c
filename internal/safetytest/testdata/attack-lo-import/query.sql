SELECT lo_import('{{SCRATCH}}/secret.txt')
