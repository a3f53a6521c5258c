CREATE MACRO pwned(a) AS a + 1
