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
from functools import lru_cache
from itertools import accumulate

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
    columns: list[int] = []
    data: list[float] = []
    indptr = [0]
    for row in rows:
        ordered = sorted(row)
        columns += ordered
        data += [row[column] for column in ordered]
        indptr.append(len(columns))
    return SparseRows(
        np.array(indptr, dtype=np.int64),
        np.array(columns, dtype=np.int64),
        np.array(data, dtype=np.float32),
        (len(rows), width),
    )


@lru_cache(maxsize=64)
def empty_row(width: int) -> SparseRows:
    """One row without values (e.g. the sentence row of token-only features), shared and
    read-only: building it costs three numpy calls per message."""
    row = sparse_rows([{}], width)
    for part in (row.indptr, row.columns, row.data):
        part.flags.writeable = False
    return row


# One row as (increasing columns int64, float32 values), e.g. a featurizer's cached row.
SparseRow = tuple[np.ndarray, np.ndarray]


def sparse_row(row: Mapping[int, float]) -> SparseRow:
    """``{column: value}`` as a ``SparseRow``: worth it for rows built once, used often."""
    ordered = sorted(row)
    return (
        np.array(ordered, dtype=np.int64),
        np.array([row[column] for column in ordered], dtype=np.float32),
    )


def join_rows(rows: Sequence[SparseRow], width: int) -> SparseRows:
    """``SparseRows`` of prebuilt rows: two concatenations instead of a pass per value."""
    if not rows:
        return sparse_rows([], width)
    indptr = np.array([0, *accumulate(columns.size for columns, _ in rows)], dtype=np.int64)
    columns = np.concatenate([columns for columns, _ in rows])
    data = np.concatenate([data for _, data in rows])
    return SparseRows(indptr, columns, data, (len(rows), width))


def summed_row(matrix: SparseRows) -> SparseRows:
    """All rows of ``matrix`` added up, as one row.

    Exact in any order when the values are counts (small whole numbers, as for n-grams).
    """
    order = np.argsort(matrix.columns, kind="stable")
    columns = matrix.columns[order]
    first = np.empty(columns.size, dtype=bool)  # where a run of one column starts
    first[:1] = True
    np.not_equal(columns[1:], columns[:-1], out=first[1:])
    starts = first.nonzero()[0]
    data = np.add.reduceat(matrix.data[order], starts) if starts.size else matrix.data
    indptr = np.array([0, starts.size], dtype=np.int64)
    return SparseRows(indptr, columns[starts], data, (1, matrix.shape[1]))


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


def sparse_index_features(features: Sequence[Features], extra_rows: int = 0) -> SparseIndexed:
    """All sparse features of one message in one index space, in the sparse-index layout.

    ``extra_rows`` empty rows follow the token rows (e.g. DIET's sentence row).
    """
    sequences = [f.sequence for f in features if isinstance(f.sequence, SparseRows)]
    sentences = [f.sentence for f in features if isinstance(f.sentence, SparseRows)]
    if not sequences:
        raise ValueError("the message has no sparse features")
    return SparseIndexed(*_index_layouts(sequences, sentences, extra_rows))


def _index_layouts(
    sequences: Sequence[SparseRows], sentences: Sequence[SparseRows], extra_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The token rows [T + extra_rows, K] and the sentence row [1, K_s], indices and values.

    Side by side, each matrix's ids are offset by the widths of those before it, and all by
    +1; a row's ids stay increasing (each matrix's are, and the offsets grow). A message has
    few small rows, so the cost is numpy calls, not values: the slots of every run of
    entries (one matrix's in one row) are worked out in Python, then all entries of both
    layouts are placed at once, in one buffer that the four arrays are views of.
    """
    rows = sequences[0].shape[0]
    pointers = [matrix.indptr.tolist() for matrix in sequences]
    counts = [[ptr[r + 1] - ptr[r] for r in range(rows)] for ptr in pointers]
    k = max([1, *map(sum, zip(*counts, strict=True))])
    sentence_nnz = [matrix.nnz for matrix in sentences]
    size = (rows + extra_rows) * k  # the sentence row's slots follow the token rows'
    # A run starts after the earlier matrices' runs in its row; `starts` holds where,
    # minus the run's position among all entries, so that adding that position gives the
    # slot. The sentence entries are one run.
    filled = [r * k for r in range(rows)]
    starts: list[int] = []
    runs: list[int] = []
    done = 0
    for matrix_counts in counts:
        for r, count in enumerate(matrix_counts):
            starts.append(filled[r] - done)
            runs.append(count)
            filled[r] += count
            done += count
    starts.append(size - done)
    runs.append(sum(sentence_nnz))
    targets = np.repeat(np.array(starts, dtype=np.int64), runs) + np.arange(done + runs[-1])
    matrices = [*sequences, *sentences]
    offsets = [*_offsets(sequences), *_offsets(sentences)]
    columns = np.concatenate([matrix.columns for matrix in matrices])
    columns += np.repeat(offsets, [ptr[-1] for ptr in pointers] + sentence_nnz)
    indices = np.zeros(size + max(1, runs[-1]), dtype=np.int64)
    values = np.zeros(indices.shape, dtype=np.float32)
    indices[targets] = columns
    values[targets] = np.concatenate([matrix.data for matrix in matrices])
    return (
        indices[:size].reshape(-1, k),
        values[:size].reshape(-1, k),
        indices[size:].reshape(1, -1),
        values[size:].reshape(1, -1),
    )


def _offsets(matrices: Sequence[SparseRows]) -> list[int]:
    """Each matrix's first id: the widths of the matrices before it, plus one (padding)."""
    return list(accumulate([PADDING_INDEX + 1, *(matrix.shape[1] for matrix in matrices[:-1])]))


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
