SELECT lo_import('{{SCRATCH}}/secret.txt', 777777)
