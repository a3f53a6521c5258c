SELECT $$a$$; DELETE FROM canary; SELECT $$b$$
