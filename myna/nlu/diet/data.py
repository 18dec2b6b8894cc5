"""DIET inputs as numpy arrays: one example per message, padded batches (serving-safe).

Row layout of one example: rows `0..n-1` are the `n` tokens, row `n` is the sentence-level
(`__CLS__`) row, as Rasa appends it. Sparse features use the index layout: `indices` int64
[rows, K] with 0 = padding and real feature ids shifted by +1, `values` float32 [rows, K].
Dense features, if any, are float32 [rows, D]. A batch pads rows to the longest example and
K to the widest row; `mask` [B, T] is True on real rows (tokens and the sentence row).
"""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

HEADS = ("entity", "role", "group")
# The most token rows of one example; the exported graph's position table has one more row
# (the sentence row), so longer inputs are cut to this many tokens before they reach it.
MAX_TOKENS = 512
# Batches sorted by length together in training (see `length_batches`).
BUCKET_BATCHES = 2


@dataclass(frozen=True)
class DIETDims:
    """Sizes the network is built for. A head with 0 tags (or 0 intents) is absent."""

    sparse_size: int
    dense_size: int = 0
    n_intents: int = 0
    n_entity_tags: int = 0
    n_role_tags: int = 0
    n_group_tags: int = 0
    # Per intent, the label-feature columns it has (see `label_bags`); () = one-hot.
    label_bags: tuple[tuple[int, ...], ...] = ()

    def n_tags(self, head: str) -> int:
        return int(getattr(self, f"n_{head}_tags"))

    @property
    def heads(self) -> tuple[str, ...]:
        return tuple(head for head in HEADS if self.n_tags(head) > 0)

    def label_features(self) -> np.ndarray:
        """The intents' label features [n_intents, F]: their bags of words, or one-hot."""
        if not self.label_bags:
            return np.eye(self.n_intents, dtype=np.float32)
        width = 1 + max(column for bag in self.label_bags for column in bag)
        features = np.zeros((self.n_intents, width), dtype=np.float32)
        for intent, bag in enumerate(self.label_bags):
            features[intent, list(bag)] = 1.0
        return features

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "DIETDims":
        bags = tuple(tuple(int(column) for column in bag) for bag in data.get("label_bags", ()))
        sizes = {key: int(value) for key, value in data.items() if key != "label_bags"}
        return cls(**sizes, label_bags=bags)


@dataclass
class DIETExample:
    """One message: features with the sentence row last, plus optional training targets.

    `tags` maps a head (`entity`, `role`, `group`) to int64 tag ids for the tokens only.
    """

    indices: np.ndarray
    values: np.ndarray
    dense: np.ndarray | None = None
    intent_id: int = -1
    tags: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return int(self.indices.shape[0])


@dataclass
class DIETBatch:
    """Padded arrays for a batch (see the module docstring)."""

    indices: np.ndarray
    values: np.ndarray
    mask: np.ndarray
    dense: np.ndarray | None
    intent_ids: np.ndarray
    tags: dict[str, np.ndarray]


@dataclass
class RowBatch:
    """A training batch: `DIETBatch` with the sparse features of the real rows only.

    `feature_ids`/`feature_values` [E] are the non-padding entries of the real rows, row
    by row (example by example); `row_sizes` [N] says how many each real row holds. A
    padded [B, T, K] array, K set by the widest sentence row (hundreds of char n-grams),
    is about ten times larger, and filling, packing and filtering it cost a training
    step several milliseconds.
    """

    feature_ids: np.ndarray
    feature_values: np.ndarray
    row_sizes: np.ndarray
    mask: np.ndarray
    dense: np.ndarray | None
    intent_ids: np.ndarray
    tags: dict[str, np.ndarray]


def _pad_tags(examples: Sequence[DIETExample], head: str, rows: int) -> np.ndarray:
    tags = np.zeros((len(examples), rows), dtype=np.int64)
    for position, example in enumerate(examples):
        ids = example.tags[head]
        tags[position, : len(ids)] = ids
    return tags


def _mask(examples: Sequence[DIETExample]) -> np.ndarray:
    lengths = np.array([example.n_rows for example in examples])
    return np.arange(lengths.max()) < lengths[:, None]


def _padded_dense(examples: Sequence[DIETExample], rows: int) -> np.ndarray | None:
    if examples[0].dense is None:
        return None
    dense = np.zeros((len(examples), rows, examples[0].dense.shape[1]), dtype=np.float32)
    for position, example in enumerate(examples):
        if example.dense is not None:
            dense[position, : example.n_rows] = example.dense
    return dense


def _targets(examples: Sequence[DIETExample], rows: int) -> dict[str, Any]:
    heads = [head for head in HEADS if all(head in example.tags for example in examples)]
    return {
        "intent_ids": np.array([example.intent_id for example in examples], dtype=np.int64),
        "tags": {head: _pad_tags(examples, head, rows) for head in heads},
    }


def collate(examples: Sequence[DIETExample]) -> DIETBatch:
    """Pad examples into one batch; tag arrays cover all rows (sentence and padding: 0)."""
    mask = _mask(examples)
    rows = mask.shape[1]
    width = max(max(example.indices.shape[1] for example in examples), 1)
    indices = np.zeros((len(examples), rows, width), dtype=np.int64)
    values = np.zeros((len(examples), rows, width), dtype=np.float32)
    for position, example in enumerate(examples):
        n, k = example.indices.shape
        indices[position, :n, :k] = example.indices
        values[position, :n, :k] = example.values
    dense = _padded_dense(examples, rows)
    return DIETBatch(indices, values, mask, dense, **_targets(examples, rows))


def collate_rows(examples: Sequence[DIETExample]) -> RowBatch:
    """A training batch of `examples` (`RowBatch`)."""
    mask = _mask(examples)
    real = [example.indices != 0 for example in examples]
    ids = [example.indices[used] for example, used in zip(examples, real, strict=True)]
    values = [example.values[used] for example, used in zip(examples, real, strict=True)]
    return RowBatch(
        feature_ids=np.concatenate(ids),
        feature_values=np.concatenate(values),
        row_sizes=np.concatenate([used.sum(axis=1) for used in real]),
        mask=mask,
        dense=_padded_dense(examples, mask.shape[1]),
        **_targets(examples, mask.shape[1]),
    )


def stack_rows(tokens: np.ndarray, sentence: np.ndarray, fill: float | int) -> np.ndarray:
    """Token rows [T, K1] and the sentence row [1, K2] as one array [T + 1, max(K1, K2)]."""
    width = max(tokens.shape[1], sentence.shape[1])
    stacked = np.full((tokens.shape[0] + 1, width), fill, dtype=tokens.dtype)
    stacked[: tokens.shape[0], : tokens.shape[1]] = tokens
    stacked[tokens.shape[0], : sentence.shape[1]] = sentence[0]
    return stacked


def balanced_order(labels: Sequence[int], batch_size: int, rng: np.random.Generator) -> list[int]:
    """Rasa's `balanced` batching: every stretch of the epoch mixes all labels.

    Rounds over the labels (in random order) each take the next `count / n * batch_size + 1`
    examples of a label; a label that has run out starts over (and then sits out every
    other round) until every label has been seen once. Small labels are so oversampled,
    and no stretch of the epoch holds only the big ones (the tail of a plain round-robin
    is all majority label, which drags the intent head to it at the end of each epoch).
    """
    ids = np.asarray(labels)
    unique, counts = np.unique(ids, return_counts=True)
    groups = [rng.permutation(np.flatnonzero(ids == label)) for label in unique]
    chunks = [int(count / len(ids) * batch_size) + 1 for count in counts]
    position = [0] * len(unique)
    cycles = [0] * len(unique)
    skipped = [False] * len(unique)
    order: list[int] = []
    while min(cycles) == 0:
        for index in rng.permutation(len(unique)):
            if cycles[index] > 0 and not skipped[index]:
                skipped[index] = True
                continue
            skipped[index] = False
            start = position[index]
            order.extend(int(i) for i in groups[index][start : start + chunks[index]])
            position[index] = start + chunks[index]
            if position[index] >= counts[index]:
                cycles[index] += 1
                position[index] = 0
            if min(cycles) > 0:
                break
    return order


def length_batches(
    order: Sequence[int], lengths: Sequence[int], batch_size: int, rng: np.random.Generator
) -> list[list[int]]:
    """Cut `order` into batches of similar length, in random batch order.

    Each window of `BUCKET_BATCHES` consecutive batches is sorted by length before it is
    cut, so a batch mixes what its window mixes (e.g. all labels) while padding, and so
    the rows the encoder and the CRF work on, shrink to about the real ones.
    """
    window = batch_size * BUCKET_BATCHES
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        part = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]
