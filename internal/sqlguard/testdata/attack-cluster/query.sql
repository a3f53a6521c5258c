CLUSTER canary
