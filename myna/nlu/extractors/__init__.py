"""Entity extractors and entity post-processors."""
