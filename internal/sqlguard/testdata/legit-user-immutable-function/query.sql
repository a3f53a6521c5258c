SELECT imm_score(amount) FROM canary
