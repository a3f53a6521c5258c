INSTALL httpfs
