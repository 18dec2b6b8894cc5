"""Response selectors: pick the response of a retrieval intent."""
