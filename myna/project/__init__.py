"""Read and check Rasa-format project files: config, domain, data, endpoints, credentials."""
