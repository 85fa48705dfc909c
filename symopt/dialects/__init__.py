"""symopt's dialects: ``sym`` (tensor level)."""
