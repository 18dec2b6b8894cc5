"""Actions the engine runs: defaults, responses, forms, and custom actions via a port."""
