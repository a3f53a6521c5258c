CREATE TYPE pwned AS ENUM ('a')
