SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY qty) AS median_qty, percentile_disc(0.9) WITHIN GROUP (ORDER BY qty) AS p90 FROM sales
