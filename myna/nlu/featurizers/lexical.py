"""LexicalSyntacticFeaturizer: one-hot lexical features of each token and its neighbours.

``features`` is a window of feature lists, e.g. ``[before, current, after]``; the middle
entry describes the token itself, the others its neighbours (no feature beyond the text
edges). Every (window position, feature, value) seen in training is one column; values
never seen are ignored at serving. POS features need spaCy, which Myna does not ship.
The sentence row is empty: these features only describe tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from pydantic import field_validator

from myna.nlu.component import Component, ComponentConfig, load_json, save_json
from myna.nlu.features import Features, sparse_rows
from myna.nlu.message import Message, Token

if TYPE_CHECKING:
    from myna.project.nlu import NLUData

_VOCABULARY_FILE = "feature_vocabulary.json"

FeatureKey = tuple[int, str, str]

_FEATURES: dict[str, Callable[[Sequence[Token], int], object]] = {
    "low": lambda tokens, i: tokens[i].text.islower(),
    "title": lambda tokens, i: tokens[i].text.istitle(),
    "upper": lambda tokens, i: tokens[i].text.isupper(),
    "digit": lambda tokens, i: tokens[i].text.isdigit(),
    "prefix5": lambda tokens, i: tokens[i].text[:5],
    "prefix2": lambda tokens, i: tokens[i].text[:2],
    "suffix5": lambda tokens, i: tokens[i].text[-5:],
    "suffix3": lambda tokens, i: tokens[i].text[-3:],
    "suffix2": lambda tokens, i: tokens[i].text[-2:],
    "suffix1": lambda tokens, i: tokens[i].text[-1:],
    "BOS": lambda tokens, i: i == 0,
    "EOS": lambda tokens, i: i == len(tokens) - 1,
}
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


class LexicalSyntacticFeaturizer(Component):
    Config = LexicalSyntacticConfig
    config: LexicalSyntacticConfig
    processes_training_data = True

    def __init__(self, config: ComponentConfig, vocabulary: Sequence[FeatureKey] = ()) -> None:
        super().__init__(config)
        self.vocabulary: dict[FeatureKey, int] = {key: i for i, key in enumerate(vocabulary)}

    def _keys(self, tokens: Sequence[Token]) -> list[list[FeatureKey]]:
        """Per token, the (position, feature, value) keys describing it.

        Each feature is computed once per token, then shared by the window positions.
        """
        window = self.config.features
        names = {name for position in window for name in position}
        values = {
            name: [str(_FEATURES[name](tokens, i)) for i in range(len(tokens))] for name in names
        }
        keys: list[list[FeatureKey]] = []
        for index in range(len(tokens)):
            token_keys: list[FeatureKey] = []
            for position, position_names in enumerate(window):
                neighbour = index + position - len(window) // 2
                if 0 <= neighbour < len(tokens):
                    token_keys.extend(
                        (position, name, values[name][neighbour]) for name in position_names
                    )
            keys.append(token_keys)
        return keys

    def train(self, messages: Sequence[Message], training_data: NLUData) -> None:
        seen = {key for message in messages for keys in self._keys(message.tokens) for key in keys}
        self.vocabulary = {key: i for i, key in enumerate(sorted(seen))}

    def process(self, message: Message) -> None:
        if not self.vocabulary:
            return
        columns = self.vocabulary
        rows = [
            {columns[k]: 1.0 for k in keys if k in columns} for keys in self._keys(message.tokens)
        ]
        width = len(self.vocabulary)
        message.features.append(
            Features(sparse_rows(rows, width), sparse_rows([{}], width), self.name)
        )

    def persist(self, directory: Path) -> None:
        save_json(directory, _VOCABULARY_FILE, [list(key) for key in self.vocabulary])

    @classmethod
    def load(cls, directory: Path, config: ComponentConfig) -> Self:
        keys = [(int(p), str(f), str(v)) for p, f, v in load_json(directory, _VOCABULARY_FILE)]
        return cls(config, keys)
