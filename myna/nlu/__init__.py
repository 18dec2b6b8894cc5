"""NLU: tokenizers, featurizers, extractors and classifiers run as an ordered pipeline."""
