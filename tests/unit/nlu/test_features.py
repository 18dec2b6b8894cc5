"""The feature contract: one index space for all sparse featurizers, +1 shifted, padded."""

from __future__ import annotations

import numpy as np
import pytest

from myna.nlu.features import (
    Features,
    SparseRows,
    dense_features,
    empty_row,
    join_rows,
    pad_batch,
    sparse_feature_width,
    sparse_index_features,
    sparse_row,
    sparse_rows,
    summed_row,
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


def _random_matrix(rng: np.random.Generator, rows: int, width: int) -> SparseRows:
    keep = rng.random((rows, width)) < 0.3
    return sparse_rows(
        [{int(c): float(rng.integers(1, 4)) for c in np.flatnonzero(row)} for row in keep], width
    )


def _reference_layout(matrices: list[SparseRows]) -> tuple[np.ndarray, np.ndarray]:
    """The index layout row by row: each row's entries, matrix after matrix, ids shifted."""
    dense = np.hstack([m.toarray() for m in matrices])
    rows = [np.flatnonzero(row) for row in dense]
    k = max([1, *(len(r) for r in rows)])
    indices = np.zeros((len(rows), k), np.int64)
    values = np.zeros((len(rows), k), np.float32)
    for r, columns in enumerate(rows):
        indices[r, : len(columns)] = columns + 1
        values[r, : len(columns)] = dense[r, columns]
    return indices, values


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("extra_rows", [0, 1])
def test_index_layout_equals_the_row_by_row_layout(seed: int, extra_rows: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(0, 7))
    widths = [int(w) for w in rng.integers(1, 9, size=int(rng.integers(1, 4)))]
    features = [
        Features(_random_matrix(rng, rows, w), _random_matrix(rng, 1, w), f"F{i}")
        for i, w in enumerate(widths)
    ]
    layout = sparse_index_features(features, extra_rows=extra_rows)
    indices, values = _reference_layout([f.sequence for f in features])
    k = indices.shape[1]
    np.testing.assert_array_equal(layout.indices[:rows], indices)
    np.testing.assert_array_equal(layout.values[:rows], values)
    assert layout.indices.shape == (rows + extra_rows, k) and not layout.indices[rows:].any()
    assert layout.values.dtype == np.float32 and layout.indices.dtype == np.int64
    sentence_indices, sentence_values = _reference_layout([f.sentence for f in features])
    np.testing.assert_array_equal(layout.sentence_indices, sentence_indices)
    np.testing.assert_array_equal(layout.sentence_values, sentence_values)


def test_join_rows_and_summed_row_equal_building_from_mappings() -> None:
    rows = [{3: 1.0, 7: 2.0}, {}, {0: 1.0, 3: 1.0}]
    joined = join_rows([sparse_row(row) for row in rows], 9)
    expected = sparse_rows(rows, 9)
    for got, want in zip(
        (joined.indptr, joined.columns, joined.data),
        (expected.indptr, expected.columns, expected.data),
        strict=True,
    ):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    summed = summed_row(joined)
    assert summed.shape == (1, 9) and summed.data.dtype == np.float32
    np.testing.assert_array_equal(summed.toarray(), [[1, 0, 0, 2, 0, 0, 0, 2, 0]])
    assert summed_row(join_rows([sparse_row({})], 4)).nnz == 0
    assert join_rows([], 4).shape == (0, 4)


def test_the_shared_empty_row_is_read_only() -> None:
    row = empty_row(5)
    assert row is empty_row(5) and row.shape == (1, 5) and row.nnz == 0
    with pytest.raises(ValueError, match="read-only"):
        row.indptr[0] = 1
