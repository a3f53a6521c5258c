SHOW search_path; DELETE FROM canary
