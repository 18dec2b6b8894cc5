"""DIET serving helpers that need no model: the ranking of scores."""

import numpy as np
import pytest

from myna.nlu.diet.runtime import rank


def _argsort_rank(scores: np.ndarray, length: int, renormalize: bool) -> tuple[np.ndarray, ...]:
    keep = scores.shape[1] if length <= 0 else min(length, scores.shape[1])
    order = np.argsort(-scores, axis=1, kind="stable")[:, :keep]
    confidences = np.take_along_axis(scores, order, axis=1)
    if renormalize and keep < scores.shape[1]:
        confidences = confidences / confidences.sum(axis=1, keepdims=True)
    return order, confidences


@pytest.mark.parametrize("seed", range(30))
def test_rank_equals_a_stable_argsort(seed: int) -> None:
    """Best first, equal scores in their order, the same confidences to the bit."""
    rng = np.random.default_rng(seed)
    dtype = np.float32 if seed % 2 else np.float64
    scores = rng.random((int(rng.integers(0, 4)), int(rng.integers(0, 30)))).astype(dtype)
    if seed % 3 == 0:
        scores = np.round(scores, 1).astype(dtype)  # ties
    length, renormalize = int(rng.integers(-1, 35)), bool(seed % 5)
    ids, confidences = rank(scores, length, renormalize)
    expected_ids, expected_confidences = _argsort_rank(scores, length, renormalize)
    assert ids.dtype == expected_ids.dtype and confidences.dtype == expected_confidences.dtype
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_array_equal(confidences, expected_confidences)
