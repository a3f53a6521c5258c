SELECT * FROM read_csv_auto('{{SCRATCH}}/secret.txt')
