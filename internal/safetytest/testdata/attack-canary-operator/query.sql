SELECT 1 === 1 AS side_effect
