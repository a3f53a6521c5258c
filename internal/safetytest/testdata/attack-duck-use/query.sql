USE memory
