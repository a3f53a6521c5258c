SELECT * FROM enable_profiling()
