SET temp_directory = '{{SCRATCH}}'
