TABLE emp
