"""Featurizers: turn tokens into sparse or dense feature matrices (see ``myna.nlu.features``)."""
