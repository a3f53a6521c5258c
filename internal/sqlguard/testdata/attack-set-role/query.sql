SET ROLE postgres
