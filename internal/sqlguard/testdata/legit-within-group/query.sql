SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount), percentile_disc(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY amount), mode() WITHIN GROUP (ORDER BY label) FROM canary
