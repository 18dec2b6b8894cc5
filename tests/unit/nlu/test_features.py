"""The feature contract: one index space for all sparse featurizers, +1 shifted, padded."""

from __future__ import annotations

import numpy as np
import pytest

from myna.nlu.features import (
    Features,
    SparseRows,
    dense_features,
    pad_batch,
    sparse_feature_width,
    sparse_index_features,
    sparse_rows,
)


def _sparse(rows: list[dict[int, float]], sentence: dict[int, float], width: int, origin: str):
    return Features(sparse_rows(rows, width), sparse_rows([sentence], width), origin)


def _message_features() -> list[Features]:
    first = _sparse([{0: 1.0}, {2: 2.0, 1: 1.0}], {0: 1.0, 1: 1.0, 2: 2.0}, 3, "A")
    second = _sparse([{1: 1.0}, {}], {}, 2, "B")
    dense = Features(np.ones((2, 4), np.float32), np.ones((1, 4), np.float32), "D")
    return [first, dense, second]


def test_sparse_rows_builds_float32_csr() -> None:
    matrix = sparse_rows([{2: 3.0}, {}, {1: 1.0, 0: 1.0}], 4)
    assert isinstance(matrix, SparseRows) and matrix.shape == (3, 4) and matrix.nnz == 3
    assert matrix.data.dtype == np.float32
    np.testing.assert_array_equal(matrix.indptr, [0, 1, 1, 3])
    np.testing.assert_array_equal(matrix.columns, [2, 0, 1])
    np.testing.assert_array_equal(matrix.toarray(), [[0, 0, 3, 0], [0, 0, 0, 0], [1, 1, 0, 0]])


def test_widths_must_agree() -> None:
    with pytest.raises(ValueError, match="share their width"):
        Features(sparse_rows([{}], 3), sparse_rows([{}], 2), "X")


def test_total_width_counts_sparse_featurizers_only() -> None:
    assert sparse_feature_width(_message_features()) == 5


def _combined_dense(features: list[Features]) -> np.ndarray:
    """The sparse featurizers' token rows side by side, as one dense [T, V] matrix."""
    return np.hstack([f.sequence.toarray() for f in features if isinstance(f.sequence, SparseRows)])


def test_index_layout_shifts_ids_and_pads_with_zero() -> None:
    layout = sparse_index_features(_message_features())
    assert layout.indices.dtype == np.int64 and layout.values.dtype == np.float32
    np.testing.assert_array_equal(layout.indices, [[1, 5], [2, 3]])
    np.testing.assert_array_equal(layout.values, [[1, 1], [1, 2]])
    np.testing.assert_array_equal(layout.sentence_indices, [[1, 2, 3]])
    np.testing.assert_array_equal(layout.sentence_values, [[1, 1, 2]])


def test_index_layout_equals_dense_product() -> None:
    """Embedding rows (index 0 = zero padding) times values, summed, == dense @ W."""
    rng = np.random.default_rng(0)
    features = _message_features()
    width = sparse_feature_width(features)
    weights = rng.normal(size=(width, 3)).astype(np.float32)
    embedding = np.vstack([np.zeros((1, 3), np.float32), weights])
    layout = sparse_index_features(features)
    via_index = (embedding[layout.indices] * layout.values[..., None]).sum(axis=1)
    np.testing.assert_allclose(via_index, _combined_dense(features) @ weights)


def test_message_without_tokens_has_an_empty_sequence() -> None:
    features = [_sparse([], {0: 1.0}, 2, "A")]
    layout = sparse_index_features(features)
    assert layout.indices.shape == (0, 1)
    np.testing.assert_array_equal(layout.sentence_indices, [[1]])


def test_pad_batch_pads_length_and_width() -> None:
    long = sparse_index_features(_message_features())
    short = sparse_index_features([_sparse([{0: 1.0}], {0: 1.0}, 5, "A")])
    indices, values, mask = pad_batch([long, short])
    assert indices.shape == values.shape == (2, 2, 2)
    np.testing.assert_array_equal(mask, [[1, 1], [1, 0]])
    np.testing.assert_array_equal(indices[1], [[1, 0], [0, 0]])


def test_pad_batch_can_append_the_sentence_row() -> None:
    long = sparse_index_features(_message_features())
    short = sparse_index_features([_sparse([{0: 1.0}], {4: 1.0}, 5, "A")])
    indices, values, mask = pad_batch([long, short], append_sentence=True)
    assert indices.shape == (2, 3, 3)
    np.testing.assert_array_equal(mask, [[1, 1, 1], [1, 1, 0]])
    np.testing.assert_array_equal(indices[0, 2], [1, 2, 3])
    np.testing.assert_array_equal(indices[1, 1], [5, 0, 0])
    np.testing.assert_array_equal(values[0, 2], [1, 1, 2])


def test_dense_features_are_concatenated() -> None:
    sequence, sentence = dense_features(_message_features()) or (None, None)
    assert sequence is not None and sequence.shape == (2, 4) and sentence.shape == (1, 4)
    assert dense_features(_message_features()[:1]) is None
