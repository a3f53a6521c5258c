SELECT label, rank() OVER (ORDER BY amount DESC), dense_rank() OVER (ORDER BY amount DESC), ntile(4) OVER (ORDER BY amount), first_value(id) OVER (PARTITION BY label ORDER BY id) FROM canary
