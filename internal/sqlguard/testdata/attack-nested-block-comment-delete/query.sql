/* outer /* inner */ still a comment */ DELETE FROM canary
