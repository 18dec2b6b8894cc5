"""The feature contract between featurizers and DIET.

Every featurizer appends one ``Features`` per message: ``sequence`` has one row per token
(``[T, V]``), ``sentence`` is one row for the whole message (``[1, V]``). Sparse featurizers
produce ``scipy.sparse.csr_matrix`` (float32), dense ones ``numpy`` float32 arrays; ``origin``
names the producing featurizer. Within one trained pipeline every message carries the
same featurizers in the same order with the same widths.

DIET consumes sparse features in the *sparse-index layout* (notes/feasibility.md §1):
all sparse featurizers of a message share ONE index space, each featurizer's columns
offset by the widths of those before it, and every id is shifted by +1 because 0 means
padding. For a message the layout is ``indices int64 [T, K]`` and ``values float32
[T, K]`` (K = most non-zero features of any row, at least 1), plus the sentence row as
``[1, K]``. With ``V = sparse_feature_width(features)`` the model needs
``nn.Embedding(V + 1, d, padding_idx=0)``; multiply the looked-up rows by ``values`` and
sum over K to get the same result as a dense ``[T, V] @ W`` product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse

PADDING_INDEX = 0


@dataclass(frozen=True, slots=True)
class Features:
    """The output of one featurizer for one message."""

    sequence: scipy.sparse.csr_matrix | np.ndarray
    sentence: scipy.sparse.csr_matrix | np.ndarray
    origin: str

    def __post_init__(self) -> None:
        if self.sequence.shape[1] != self.sentence.shape[1] or self.sentence.shape[0] != 1:
            raise ValueError(
                f"{self.origin}: sequence {self.sequence.shape} and sentence "
                f"{self.sentence.shape} features must share their width, sentence one row"
            )

    @property
    def is_sparse(self) -> bool:
        return scipy.sparse.issparse(self.sequence)

    @property
    def width(self) -> int:
        return int(self.sequence.shape[1])


@dataclass(frozen=True, slots=True)
class SparseIndexed:
    """One message's sparse features in the sparse-index layout (ids shifted by +1)."""

    indices: np.ndarray  # int64 [T, K]
    values: np.ndarray  # float32 [T, K]
    sentence_indices: np.ndarray  # int64 [1, K_s]
    sentence_values: np.ndarray  # float32 [1, K_s]

    @property
    def length(self) -> int:
        return int(self.indices.shape[0])


def sparse_rows(rows: Sequence[dict[int, float]], width: int) -> scipy.sparse.csr_matrix:
    """Build a float32 CSR matrix from one ``{column: value}`` mapping per row.

    Index arrays are int32 from the start: scipy checks (and copies) int64 ones, which made
    building the matrices the largest cost of featurizing a message.
    """
    ordered = [sorted(row.items()) for row in rows]
    indptr = np.zeros(len(rows) + 1, dtype=np.int32)
    indptr[1:] = np.cumsum([len(row) for row in ordered])
    columns = np.array([c for row in ordered for c, _ in row], dtype=np.int32)
    data = np.array([v for row in ordered for _, v in row], dtype=np.float32)
    return scipy.sparse.csr_matrix((data, columns, indptr), shape=(len(rows), width))


def sparse_feature_width(features: Sequence[Features]) -> int:
    """Total width V of all sparse features; an embedding needs V + 1 rows."""
    return sum(f.width for f in features if f.is_sparse)


def combine_sparse(
    features: Sequence[Features],
) -> tuple[scipy.sparse.csr_matrix, scipy.sparse.csr_matrix]:
    """Stack all sparse featurizers side by side: (sequence [T, V], sentence [1, V])."""
    sparse = [f for f in features if f.is_sparse]
    if not sparse:
        raise ValueError("the message has no sparse features")
    sequence = scipy.sparse.hstack([f.sequence for f in sparse], format="csr")
    sentence = scipy.sparse.hstack([f.sentence for f in sparse], format="csr")
    return sequence.astype(np.float32), sentence.astype(np.float32)


def to_index_layout(
    matrices: Sequence[scipy.sparse.csr_matrix | scipy.sparse.csr_array],
) -> tuple[np.ndarray, np.ndarray]:
    """CSR matrices ``[T, V_i]`` side by side → (indices int64 [T, K], values float32 [T, K]).

    Each matrix's ids are offset by the widths of those before it, and all by +1. Built
    from the CSR arrays directly (no ``scipy.sparse.hstack``: it costs more than the rest
    of a message's DIET input together). Zeros are dropped, ids sorted within a row.
    """
    rows = matrices[0].shape[0]
    row_parts, column_parts, value_parts = [], [], []
    offset = PADDING_INDEX + 1
    for matrix in matrices:
        csr = matrix.tocsr()
        row_parts.append(np.repeat(np.arange(rows), np.diff(csr.indptr)))
        column_parts.append(csr.indices.astype(np.int64) + offset)
        value_parts.append(csr.data)
        offset += csr.shape[1]
    row, column = np.concatenate(row_parts), np.concatenate(column_parts)
    value = np.concatenate(value_parts).astype(np.float32, copy=False)
    kept = np.flatnonzero(value)
    order = kept[np.lexsort((column[kept], row[kept]))]
    row, column, value = row[order], column[order], value[order]
    counts = np.bincount(row, minlength=rows)
    k = max(1, int(counts.max(initial=0)))
    indices = np.full((rows, k), PADDING_INDEX, dtype=np.int64)
    values = np.zeros((rows, k), dtype=np.float32)
    slots = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    indices[row, slots] = column
    values[row, slots] = value
    return indices, values


def sparse_index_features(features: Sequence[Features]) -> SparseIndexed:
    """All sparse features of one message in one index space, in the sparse-index layout."""
    sparse = [f for f in features if f.is_sparse]
    if not sparse:
        raise ValueError("the message has no sparse features")
    indices, values = to_index_layout([f.sequence for f in sparse])
    sentence_indices, sentence_values = to_index_layout([f.sentence for f in sparse])
    return SparseIndexed(indices, values, sentence_indices, sentence_values)


def dense_features(features: Sequence[Features]) -> tuple[np.ndarray, np.ndarray] | None:
    """All dense features concatenated: (sequence [T, D], sentence [1, D]), or None."""
    dense = [f for f in features if not f.is_sparse]
    if not dense:
        return None
    sequence = np.concatenate([np.asarray(f.sequence) for f in dense], axis=1)
    sentence = np.concatenate([np.asarray(f.sentence) for f in dense], axis=1)
    return sequence.astype(np.float32), sentence.astype(np.float32)


def pad_batch(
    items: Sequence[SparseIndexed], *, append_sentence: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad messages to (indices [B, T, K], values [B, T, K], mask [B, T]).

    ``mask`` is 1.0 for real positions. With ``append_sentence`` the sentence row is put
    right after each message's last token (Rasa's ``__CLS__`` position, index = the
    message's token count), so T is the longest message plus one.
    """
    rows = [_rows_of(item, append_sentence) for item in items]
    t = max((r[0].shape[0] for r in rows), default=0)
    k = max((r[0].shape[1] for r in rows), default=1)
    indices = np.full((len(rows), t, k), PADDING_INDEX, dtype=np.int64)
    values = np.zeros((len(rows), t, k), dtype=np.float32)
    mask = np.zeros((len(rows), t), dtype=np.float32)
    for b, (item_indices, item_values) in enumerate(rows):
        length, width = item_indices.shape
        indices[b, :length, :width] = item_indices
        values[b, :length, :width] = item_values
        mask[b, :length] = 1.0
    return indices, values, mask


def _rows_of(item: SparseIndexed, append_sentence: bool) -> tuple[np.ndarray, np.ndarray]:
    if not append_sentence:
        return item.indices, item.values
    k = max(item.indices.shape[1], item.sentence_indices.shape[1])
    indices = np.full((item.length + 1, k), PADDING_INDEX, dtype=np.int64)
    values = np.zeros((item.length + 1, k), dtype=np.float32)
    indices[: item.length, : item.indices.shape[1]] = item.indices
    values[: item.length, : item.values.shape[1]] = item.values
    indices[item.length, : item.sentence_indices.shape[1]] = item.sentence_indices[0]
    values[item.length, : item.sentence_values.shape[1]] = item.sentence_values[0]
    return indices, values
