SELECT * FROM '{{HOME}}/secret.txt'
