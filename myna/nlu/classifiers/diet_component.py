"""What DIETClassifier and ResponseSelector share at serving time (onnxruntime + numpy).

Both are a DIET network over the message's features (``myna.nlu.diet``): the component
turns ``message.features`` into DIET's row layout (tokens, then the sentence row), runs the
exported ONNX graph and renders the prediction its own way. Their training halves live in
``myna.nlu.classifiers.diet_training`` (torch), which builds the same rows from the
training messages with ``build_training_set``.

Long messages: only the first ``MAX_TOKENS`` tokens go through the network (the sentence
row still summarises the whole text), so the cost of a message stays bounded; entities
are looked for in those tokens only.

A trained component's folder holds the exported model (``myna.nlu.diet.artifacts``) and
``component.json``: what the component needs besides the model (e.g. the responses of a
ResponseSelector, the measured cost of int8 quantization).
"""

from __future__ import annotations

import shutil
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.nlu.diet.artifacts import METADATA_FILE
from myna.nlu.diet.bilou import TagScheme, encode_entities, schemes_from_entities
from myna.nlu.diet.config import DIETConfig
from myna.nlu.diet.data import MAX_TOKENS, DIETDims, DIETExample, stack_rows
from myna.nlu.diet.runtime import DIETPrediction, DIETRuntime
from myna.nlu.features import (
    PADDING_INDEX,
    Features,
    dense_features,
    sparse_feature_width,
    sparse_index_features,
)
from myna.nlu.featurizers.ngrams import Analyzer
from myna.nlu.message import Message

if TYPE_CHECKING:
    from myna.project.nlu import NLUData, NLUExample

COMPONENT_FILE = "component.json"
# Messages per model run in `DIETComponent.process_batch`.
BATCH_SIZE = 64
# DIETConfig fields of a component config; weight_sparsity is already in connection_density.
_MODEL_FIELDS = frozenset(DIETConfig.model_fields) - {"weight_sparsity"}


@dataclass
class TrainingSet:
    """DIET rows of the training messages, the label and tag names, the network's sizes."""

    examples: list[DIETExample]
    labels: tuple[str, ...]
    schemes: dict[str, TagScheme]
    dims: DIETDims


def _selected(message: Message, featurizers: Sequence[str]) -> list[Features]:
    if not featurizers:
        return message.features
    return [f for f in message.features if f.origin in featurizers]


def message_rows(message: Message, featurizers: Sequence[str] = ()) -> DIETExample | None:
    """The message's features in DIET's layout (at most MAX_TOKENS tokens + the sentence row).

    None for a message without tokens (empty text): DIET predicts nothing for it.
    """
    inputs = message_inputs(message, featurizers)
    if inputs is None:
        return None
    indices = stack_rows(inputs.indices[:-1], inputs.sentence_indices, PADDING_INDEX)
    values = stack_rows(inputs.values[:-1], inputs.sentence_values, 0.0)
    return DIETExample(indices=indices, values=values, dense=inputs.dense)


@dataclass
class MessageInputs:
    """One message for the DIET graph: rows are its tokens, then an empty sentence row.

    The sentence row's sparse features come apart (``sentence_indices``/``_values``
    [1, K_s]) so the token rows keep their own K; ``dense`` [rows, D] has the sentence
    row's dense features in place.
    """

    indices: np.ndarray
    values: np.ndarray
    sentence_indices: np.ndarray
    sentence_values: np.ndarray
    dense: np.ndarray | None

    @property
    def tokens(self) -> int:
        """How many of the message's tokens the model sees."""
        return int(self.indices.shape[0]) - 1


Padded = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, tuple[np.ndarray, np.ndarray]]


def padded_inputs(batch: Sequence[MessageInputs]) -> Padded:
    """`DIETRuntime.predict`'s inputs for a batch: indices, values [B, T, K], mask [B, T],
    dense [B, T, D] or None, and the sentence rows' (indices, values) [B, K_s]."""
    if len(batch) == 1:  # one message (serving's usual case): views, no copies
        (item,) = batch
        mask = np.ones((1, item.indices.shape[0]), dtype=bool)
        dense = None if item.dense is None else item.dense[None]
        sentence = (item.sentence_indices, item.sentence_values)
        return item.indices[None], item.values[None], mask, dense, sentence
    rows = max(item.indices.shape[0] for item in batch)
    width = max(item.indices.shape[1] for item in batch)
    sentence_width = max(item.sentence_indices.shape[1] for item in batch)
    indices = np.full((len(batch), rows, width), PADDING_INDEX, dtype=np.int64)
    values = np.zeros((len(batch), rows, width), dtype=np.float32)
    mask = np.zeros((len(batch), rows), dtype=bool)
    sentence_indices = np.full((len(batch), sentence_width), PADDING_INDEX, dtype=np.int64)
    sentence_values = np.zeros((len(batch), sentence_width), dtype=np.float32)
    dense = None
    if batch[0].dense is not None:
        dense = np.zeros((len(batch), rows, batch[0].dense.shape[1]), dtype=np.float32)
    for b, item in enumerate(batch):
        n, k = item.indices.shape
        indices[b, :n, :k], values[b, :n, :k], mask[b, :n] = item.indices, item.values, True
        k_s = item.sentence_indices.shape[1]
        sentence_indices[b, :k_s], sentence_values[b, :k_s] = (
            item.sentence_indices,
            item.sentence_values,
        )
        if dense is not None and item.dense is not None:
            dense[b, :n] = item.dense
    return indices, values, mask, dense, (sentence_indices, sentence_values)


def message_inputs(message: Message, featurizers: Sequence[str] = ()) -> MessageInputs | None:
    """``message`` as DIET inputs (at most MAX_TOKENS tokens); None if it has no tokens."""
    if not message.tokens:
        return None
    features = _selected(message, featurizers)
    n = min(len(message.tokens), MAX_TOKENS)
    if any(f.is_sparse for f in features):
        layout = sparse_index_features(features, extra_rows=1)
        indices, values = layout.indices, layout.values
        sentence_indices, sentence_values = layout.sentence_indices, layout.sentence_values
        if n < len(message.tokens):  # keep the first n token rows and the empty last row
            indices = np.concatenate([indices[:n], indices[-1:]])
            values = np.concatenate([values[:n], values[-1:]])
    else:  # dense features only: every sparse slot is padding
        indices = np.full((n + 1, 1), PADDING_INDEX, dtype=np.int64)
        values = np.zeros((n + 1, 1), dtype=np.float32)
        sentence_indices, sentence_values = indices[:1], values[:1]
    dense = dense_features(features)
    rows = None if dense is None else stack_rows(dense[0][:n], dense[1], 0.0)
    return MessageInputs(indices, values, sentence_indices, sentence_values, rows)


def _entity_dicts(example: NLUExample) -> list[dict[str, Any]]:
    return [
        {"entity": e.entity, "start": e.start, "end": e.end, "role": e.role, "group": e.group}
        for e in example.entities
    ]


def entity_schemes(messages: Sequence[Message], bilou: bool) -> dict[str, TagScheme]:
    """Tag schemes of the gold entities; empty when the training data has none."""
    entities = [_entity_dicts(m.example) for m in messages if m.example is not None]
    if not any(entities):
        return {}
    return schemes_from_entities(entities, bilou)


def build_training_set(
    messages: Sequence[Message],
    label_of: Callable[[NLUExample], str],
    labels: Sequence[str],
    schemes: Mapping[str, TagScheme],
    featurizers: Sequence[str] = (),
) -> TrainingSet:
    """DIET rows (intent ids, BILOU tags) of the training messages that have tokens.

    ``labels`` empty means no intent head (``intent_id`` -1), ``schemes`` empty no tag head.
    """
    ids = {label: index for index, label in enumerate(labels)}
    examples: list[DIETExample] = []
    for message in messages:
        rows = message_rows(message, featurizers)
        if rows is None or message.example is None:
            continue
        if ids:
            rows.intent_id = ids[label_of(message.example)]
        if schemes:
            spans = [(t.start, t.end) for t in message.tokens[: rows.n_rows - 1]]
            tags = encode_entities(spans, _entity_dicts(message.example), schemes)
            rows.tags = {head: np.array(ids, dtype=np.int64) for head, ids in tags.items()}
        examples.append(rows)
    first = examples[0] if examples else None
    dims = DIETDims(
        sparse_size=sparse_feature_width(_selected(messages[0], featurizers)) if messages else 0,
        dense_size=0 if first is None or first.dense is None else int(first.dense.shape[1]),
        n_intents=len(labels),
        label_bags=label_bags(labels, messages),
        **{f"n_{head}_tags": len(scheme) for head, scheme in schemes.items()},
    )
    return TrainingSet(examples, tuple(labels), dict(schemes), dims)


# Rasa's word-level CountVectorsFeaturizer analysis (scikit-learn's word analyzer).
_WORDS = Analyzer()


def label_bags(labels: Sequence[str], messages: Sequence[Message]) -> tuple[tuple[int, ...], ...]:
    """With ``intent_tokenization_flag``, each label as a bag of words (label-feature
    columns), the way Rasa's word-level CountVectorsFeaturizer featurizes label tokens:
    ``ask_weather`` (split at ``_``) shares a word with ``ask_time``. A label token's
    words are what scikit-learn's word analyzer finds in it (``_WORDS``). Empty, meaning
    one-hot, when the names are not tokenized, when every label is a word of its own, or
    when two labels would share one bag.

    Without the flag Rasa's vectorizer still splits a name at non-word characters
    (``atis_flight#atis_airfare``); Myna keeps such a name whole, as the flag says. On
    ATIS, splitting them measured 856 -> 856 of 893 test intents with the seed pipeline
    and 871 -> 863 with MiniLM features.
    """
    tokens: dict[str, list[str]] = {}
    for message in messages:
        tokens.update(message.label_tokens)
    if not tokens:
        return ()
    words = [
        sorted({word for token in tokens.get(label, [label]) for word in _WORDS(token)}) or [label]
        for label in labels
    ]
    distinct_bags = len({tuple(bag) for bag in words}) == len(words)
    if not distinct_bags or all(len(bag) == 1 for bag in words):
        return ()
    columns = {word: column for column, word in enumerate(sorted({w for b in words for w in b}))}
    return tuple(tuple(columns[word] for word in bag) for bag in words)


class DIETComponent(Component):
    """A component backed by an exported DIET model; subclasses render its prediction."""

    config: DIETConfig

    def __init__(
        self,
        config: ComponentConfig,
        runtime: DIETRuntime | None = None,
        model_dir: Path | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(config)
        self.runtime = runtime
        self.model_dir = model_dir
        self.state: dict[str, Any] = dict(state or {})

    @abstractmethod
    def training_set(self, messages: Sequence[Message], training_data: NLUData) -> TrainingSet:
        """The DIET rows, labels and tag schemes this component learns from."""

    def model_config(self) -> DIETConfig:
        """The component's options the DIET network knows (without component extras)."""
        return DIETConfig.model_validate(self.config.model_dump(include=set(_MODEL_FIELDS)))

    @abstractmethod
    def apply(self, message: Message, prediction: DIETPrediction, row: int, tokens: int) -> None:
        """Add row `row` of `prediction` to `message` (the model saw its first `tokens`)."""

    def predict(self, message: Message) -> tuple[DIETPrediction, int] | None:
        """The prediction for one message and how many of its tokens the model saw."""
        inputs = self._inputs(message)
        if inputs is None:
            return None
        return self._predict([inputs]), inputs.tokens

    def process(self, message: Message) -> None:
        result = self.predict(message)
        if result is not None:
            self.apply(message, result[0], 0, result[1])

    def process_batch(self, messages: Sequence[Message]) -> None:
        """`process` for many messages, with one model run per `BATCH_SIZE` of them (of
        similar lengths, so little padding)."""
        ready = [(m, inputs) for m in messages if (inputs := self._inputs(m)) is not None]
        ready.sort(key=lambda pair: pair[1].tokens)
        for start in range(0, len(ready), BATCH_SIZE):
            group = ready[start : start + BATCH_SIZE]
            prediction = self._predict([inputs for _, inputs in group])
            for row, (message, inputs) in enumerate(group):
                self.apply(message, prediction, row, inputs.tokens)

    def _inputs(self, message: Message) -> MessageInputs | None:
        if self.runtime is None:
            return None
        return message_inputs(message, self.config.featurizers)

    def _predict(self, batch: Sequence[MessageInputs]) -> DIETPrediction:
        assert self.runtime is not None  # `_inputs` gave inputs
        indices, values, mask, dense, sentence = padded_inputs(batch)
        return self.runtime.predict(indices, values, mask, dense, sentence)

    def persist(self, directory: Path) -> None:
        if self.model_dir is not None:
            shutil.copytree(self.model_dir, directory, dirs_exist_ok=True)
        save_json(directory, COMPONENT_FILE, self.state)

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        trained = (directory / METADATA_FILE).exists()
        runtime = DIETRuntime.load(directory) if trained else None
        state = load_json(directory, COMPONENT_FILE)
        return cls(config, runtime, directory if trained else None, state)
