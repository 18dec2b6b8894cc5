"""The feature contract between featurizers and DIET.

Every featurizer appends one ``Features`` per message: ``sequence`` has one row per token
(``[T, V]``), ``sentence`` is one row for the whole message (``[1, V]``). Sparse featurizers
produce ``SparseRows`` (a float32 CSR matrix, built without scipy: it is cheap to build per
message and keeps scipy out of serving), dense ones ``numpy`` float32 arrays; ``origin``
names the producing featurizer. Within one trained pipeline every message carries the
same featurizers in the same order with the same widths.

DIET consumes sparse features in the *sparse-index layout* (notes/feasibility.md §1):
all sparse featurizers of a message share ONE index space, each featurizer's columns
offset by the widths of those before it, and every id is shifted by +1 because 0 means
padding. For a message the layout is ``indices int64 [T, K]`` and ``values float32
[T, K]`` (K = most non-zero features of any token row, at least 1), plus the sentence row
apart as ``[1, K_s]``: it usually has several times more non-zeros than a token row, so
padding the token rows to its width would multiply the work on them. With
``V = sparse_feature_width(features)`` the model needs ``nn.Embedding(V + 1, d,
padding_idx=0)``; multiply the looked-up rows by ``values`` and sum over K to get the same
result as a dense ``[T, V] @ W`` product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

PADDING_INDEX = 0


@dataclass(frozen=True, slots=True, eq=False)
class SparseRows:
    """A float32 sparse matrix ``shape = (rows, width)`` in CSR form.

    Row ``r`` holds ``data[indptr[r]:indptr[r + 1]]`` at the increasing columns
    ``columns[indptr[r]:indptr[r + 1]]``; no stored value is zero.
    """

    indptr: np.ndarray  # int64 [rows + 1]
    columns: np.ndarray  # int64 [nnz]
    data: np.ndarray  # float32 [nnz]
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return int(self.columns.shape[0])

    def toarray(self) -> np.ndarray:
        dense = np.zeros(self.shape, dtype=np.float32)
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))
        dense[rows, self.columns] = self.data
        return dense


def sparse_rows(rows: Sequence[Mapping[int, float]], width: int) -> SparseRows:
    """Build ``SparseRows`` from one ``{column: value}`` mapping per row (no zero values)."""
    ordered = [sorted(row.items()) for row in rows]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(row) for row in ordered])
    columns = np.array([c for row in ordered for c, _ in row], dtype=np.int64)
    data = np.array([v for row in ordered for _, v in row], dtype=np.float32)
    return SparseRows(indptr, columns, data, (len(rows), width))


@dataclass(frozen=True, slots=True)
class Features:
    """The output of one featurizer for one message."""

    sequence: SparseRows | np.ndarray
    sentence: SparseRows | np.ndarray
    origin: str

    def __post_init__(self) -> None:
        if self.sequence.shape[1] != self.sentence.shape[1] or self.sentence.shape[0] != 1:
            raise ValueError(
                f"{self.origin}: sequence {self.sequence.shape} and sentence "
                f"{self.sentence.shape} features must share their width, sentence one row"
            )

    @property
    def is_sparse(self) -> bool:
        return isinstance(self.sequence, SparseRows)

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


def sparse_feature_width(features: Sequence[Features]) -> int:
    """Total width V of all sparse features; an embedding needs V + 1 rows."""
    return sum(f.width for f in features if f.is_sparse)


def to_index_layout(matrices: Sequence[SparseRows]) -> tuple[np.ndarray, np.ndarray]:
    """Matrices ``[T, V_i]`` side by side → (indices int64 [T, K], values float32 [T, K]).

    Each matrix's ids are offset by the widths of those before it, and all by +1; a row's
    ids stay increasing (each matrix's are, and the offsets grow).
    """
    rows = matrices[0].shape[0]
    counts = [np.diff(matrix.indptr) for matrix in matrices]
    k = max(1, int(sum(counts).max(initial=0)))
    indices = np.full((rows, k), PADDING_INDEX, dtype=np.int64)
    values = np.zeros((rows, k), dtype=np.float32)
    filled = np.zeros(rows, dtype=np.int64)
    offset = PADDING_INDEX + 1
    for matrix, count in zip(matrices, counts, strict=True):
        if matrix.nnz:
            row = np.repeat(np.arange(rows), count)
            slots = filled[row] + np.arange(matrix.nnz) - matrix.indptr[row]
            indices[row, slots] = matrix.columns + offset
            values[row, slots] = matrix.data
            filled += count
        offset += matrix.shape[1]
    return indices, values


def sparse_index_features(features: Sequence[Features]) -> SparseIndexed:
    """All sparse features of one message in one index space, in the sparse-index layout."""
    sequences = [f.sequence for f in features if isinstance(f.sequence, SparseRows)]
    sentences = [f.sentence for f in features if isinstance(f.sentence, SparseRows)]
    if not sequences:
        raise ValueError("the message has no sparse features")
    indices, values = to_index_layout(sequences)
    sentence_indices, sentence_values = to_index_layout(sentences)
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
