"""LexicalSyntacticFeaturizer: one-hot lexical features of each token and its neighbours.

``features`` is a window of feature lists, e.g. ``[before, current, after]``; the middle
entry describes the token itself, the others its neighbours (no feature beyond the text
edges). Every (window position, feature, value) seen in training is one column; values
never seen are ignored at serving. POS features need spaCy, which Myna does not ship.
The sentence row is empty: these features only describe tokens.

Most features describe a token's text alone; only ``BOS``/``EOS`` depend on where the
token is. So the columns of a token's text features at each window position are kept per
token text in a bounded memo (``token_memo``), and those of the place features per number
of tokens; a row gathers its neighbours' from both. Training learns its
vocabulary from the same keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self, TypeVar

import numpy as np
from pydantic import field_validator

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.nlu.features import Features, SparseRows, empty_row
from myna.nlu.featurizers.token_memo import TokenMemo
from myna.nlu.message import Message, Token

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

_VOCABULARY_FILE = "feature_vocabulary.json"

FeatureKey = tuple[int, str, str]
T = TypeVar("T")

_TEXT_FEATURES: dict[str, Callable[[str], object]] = {
    "low": str.islower,
    "title": str.istitle,
    "upper": str.isupper,
    "digit": str.isdigit,
    "prefix5": lambda text: text[:5],
    "prefix2": lambda text: text[:2],
    "suffix5": lambda text: text[-5:],
    "suffix3": lambda text: text[-3:],
    "suffix2": lambda text: text[-2:],
    "suffix1": lambda text: text[-1:],
}
# Features of a token's place: (its index, the number of tokens) → value.
_PLACE_FEATURES: dict[str, Callable[[int, int], object]] = {
    "BOS": lambda index, length: index == 0,
    "EOS": lambda index, length: index == length - 1,
}
_FEATURES = (*_TEXT_FEATURES, *_PLACE_FEATURES)
_NEEDS_SPACY = frozenset({"pos", "pos2"})

DEFAULT_FEATURES = [
    ["low", "title", "upper"],
    ["BOS", "EOS", "low", "upper", "title", "digit"],
    ["low", "title", "upper"],
]


class LexicalSyntacticConfig(ComponentConfig):
    features: list[list[str]] = DEFAULT_FEATURES

    @field_validator("features")
    @classmethod
    def _known_features(cls, window: list[list[str]]) -> list[list[str]]:
        if len(window) % 2 == 0:
            raise ValueError("needs an odd number of windows, the current token in the middle")
        for name in (n for position in window for n in position):
            if name in _NEEDS_SPACY:
                raise ValueError(f"feature '{name}' needs spaCy, which Myna does not support")
            if name not in _FEATURES:
                raise ValueError(f"unknown feature '{name}'; known: {', '.join(_FEATURES)}")
        return window


Window = tuple[tuple[str, ...], ...]
# Per window position, what one token contributes there (keys, or their columns).
PerPosition = Sequence[Sequence[T]]


def _text_keys(window: Window, text: str) -> list[list[FeatureKey]]:
    """Per window position, the keys of the text features of a token with this ``text``."""
    return [
        [
            (position, name, str(_TEXT_FEATURES[name](text)))
            for name in names
            if name in _TEXT_FEATURES
        ]
        for position, names in enumerate(window)
    ]


def _place_keys(window: Window, length: int) -> list[list[list[FeatureKey]]]:
    """Per token of a text of ``length`` tokens, per window position, the keys of its
    place features."""
    return [
        [
            [
                (position, name, str(_PLACE_FEATURES[name](index, length)))
                for name in names
                if name in _PLACE_FEATURES
            ]
            for position, names in enumerate(window)
        ]
        for index in range(length)
    ]


def _in_columns(
    vocabulary: dict[FeatureKey, int], keys: Sequence[Sequence[FeatureKey]]
) -> tuple[tuple[int, ...], ...]:
    """Per window position, the columns of the keys (values unseen in training have none)."""
    return tuple(tuple(vocabulary[k] for k in at if k in vocabulary) for at in keys)


def _text_columns(
    window: Window, vocabulary: dict[FeatureKey, int], text: str
) -> tuple[tuple[int, ...], ...]:
    return _in_columns(vocabulary, _text_keys(window, text))


def _place_columns(
    window: Window, vocabulary: dict[FeatureKey, int], length: int
) -> tuple[tuple[tuple[int, ...], ...], ...]:
    return tuple(_in_columns(vocabulary, keys) for keys in _place_keys(window, length))


def _windowed(*contributions: Sequence[PerPosition[T]]) -> list[list[T]]:
    """Per token, what the tokens around it contribute at their window positions.

    ``contribution[j][p]`` is what token j contributes at window position p (p = half the
    window size is the token itself); tokens beyond the text edges contribute nothing.
    """
    length = len(contributions[0])
    size = len(contributions[0][0]) if length else 0
    half = size // 2
    rows: list[list[T]] = []
    for index in range(length):
        row: list[T] = []
        for position in range(max(0, half - index), min(size, length - index + half)):
            for contribution in contributions:
                row += contribution[index + position - half][position]
        rows.append(row)
    return rows


class LexicalSyntacticFeaturizer(Component):
    Config = LexicalSyntacticConfig
    config: LexicalSyntacticConfig
    processes_training_data = True

    def __init__(self, config: ComponentConfig, vocabulary: Sequence[FeatureKey] = ()) -> None:
        super().__init__(config)
        self.vocabulary: dict[FeatureKey, int] = {key: i for i, key in enumerate(vocabulary)}
        self._window: Window = tuple(tuple(names) for names in self.config.features)
        self._text_columns = TokenMemo(_text_columns)
        self._place_columns = TokenMemo(_place_columns)  # by number of tokens

    def _keys(self, tokens: Sequence[Token]) -> list[list[FeatureKey]]:
        """Per token, the (position, feature, value) keys describing it."""
        return _windowed(
            [_text_keys(self._window, token.text) for token in tokens],
            _place_keys(self._window, len(tokens)),
        )

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        seen = {key for message in messages for keys in self._keys(message.tokens) for key in keys}
        self.vocabulary = {key: i for i, key in enumerate(sorted(seen))}

    def _rows(self, tokens: Sequence[Token]) -> SparseRows:
        """The columns of ``_keys(tokens)`` (all values 1), each token's from the memos."""
        text_of = self._text_columns.function(self._window, self.vocabulary)
        place_of = self._place_columns.function(self._window, self.vocabulary)
        rows = _windowed([text_of(token.text) for token in tokens], place_of(len(tokens)))
        columns: list[int] = []
        indptr = [0]
        for row in rows:
            columns += sorted(set(row))  # a feature listed twice at a position counts once
            indptr.append(len(columns))
        return SparseRows(
            np.array(indptr, dtype=np.int64),
            np.array(columns, dtype=np.int64),
            np.ones(len(columns), dtype=np.float32),
            (len(tokens), len(self.vocabulary)),
        )

    def process(self, message: Message) -> None:
        if not self.vocabulary:
            return
        sentence = empty_row(len(self.vocabulary))
        message.features.append(Features(self._rows(message.tokens), sentence, self.name))

    def persist(self, directory: Path) -> None:
        save_json(directory, _VOCABULARY_FILE, [list(key) for key in self.vocabulary])

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        keys = [(int(p), str(f), str(v)) for p, f, v in load_json(directory, _VOCABULARY_FILE)]
        return cls(config, keys)
