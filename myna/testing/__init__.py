"""Evaluation of a trained assistant on test stories (`myna test core`)."""
