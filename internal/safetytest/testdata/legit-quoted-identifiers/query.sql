SELECT "id", "name" FROM "canary" WHERE "id" < 3 ORDER BY 1
