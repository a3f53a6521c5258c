CREATE ROLE safetytest_evil SUPERUSER
