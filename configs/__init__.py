"""Package data: claimcheck's default settings (importable as pipeline.configs)."""
