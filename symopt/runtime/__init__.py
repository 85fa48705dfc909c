"""The runtime: compiled functions, shared storage and executors."""
