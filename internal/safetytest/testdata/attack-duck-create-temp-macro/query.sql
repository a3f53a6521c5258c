CREATE TEMP MACRO pwned(a) AS a + 1
