SELECT round(CAST(avg(qty) AS numeric), 3) AS mean, round(CAST(stddev_samp(qty) AS numeric), 3) AS sd, min(price) AS lo, max(price) AS hi FROM sales
