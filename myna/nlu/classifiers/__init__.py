"""Intent classifiers that need no trained neural model."""
