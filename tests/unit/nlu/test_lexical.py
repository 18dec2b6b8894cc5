"""LexicalSyntacticFeaturizer: windowed one-hot lexical features with a learnt vocabulary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nlu_helpers import build, data, example

from myna.nlu.featurizers.lexical import (
    _PLACE_FEATURES,
    _TEXT_FEATURES,
    LexicalSyntacticFeaturizer,
)
from myna.nlu.message import Message
from myna.nlu.tokenizers.whitespace import WhitespaceTokenizer


def _message(text: str) -> Message:
    message = Message(text)
    build(WhitespaceTokenizer).process(message)
    return message


def _trained(*texts: str, **options: object) -> LexicalSyntacticFeaturizer:
    featurizer = build(LexicalSyntacticFeaturizer, **options)
    featurizer.train([_message(t) for t in texts], data(*(example(t, "x") for t in texts)))
    return featurizer


def test_default_window_features() -> None:
    featurizer = _trained("Hello big WORLD 42")
    columns = featurizer.vocabulary
    message = _message("Hello big WORLD 42")
    featurizer.process(message)
    (features,) = message.features
    sequence = features.sequence.toarray()
    assert sequence.shape == (4, len(columns))
    assert sequence[0, columns[(1, "BOS", "True")]] == 1
    assert sequence[0, columns[(1, "title", "True")]] == 1
    assert sequence[2, columns[(1, "upper", "True")]] == 1
    assert sequence[3, columns[(1, "digit", "True")]] == 1
    assert sequence[3, columns[(1, "EOS", "True")]] == 1
    assert sequence[1, columns[(0, "title", "True")]] == 1  # the token before is "Hello"
    # the first token has no "before" features, the last no "after" features
    assert not any(sequence[0, c] for key, c in columns.items() if key[0] == 0)
    assert not any(sequence[3, c] for key, c in columns.items() if key[0] == 2)
    assert features.sentence.toarray().sum() == 0


def test_unseen_values_are_ignored() -> None:
    featurizer = _trained("abc", features=[["suffix2"]])
    message = _message("abc xyz")
    featurizer.process(message)
    np.testing.assert_array_equal(message.features[0].sequence.toarray(), [[1], [0]])


def test_vocabulary_persists_as_json(tmp_path: Path) -> None:
    featurizer = _trained("Hello there", features=[["prefix2", "BOS"]])
    featurizer.persist(tmp_path)
    loaded = LexicalSyntacticFeaturizer.load(tmp_path, featurizer.config)
    assert loaded.vocabulary == featurizer.vocabulary


def _value(name: str, message: Message, index: int) -> str:
    if name in _PLACE_FEATURES:
        return str(_PLACE_FEATURES[name](index, len(message.tokens)))
    return str(_TEXT_FEATURES[name](message.tokens[index].text))


def _reference_rows(featurizer: LexicalSyntacticFeaturizer, message: Message) -> np.ndarray:
    """The rows from the definition, token by token and window position by position."""
    columns, window = featurizer.vocabulary, featurizer.config.features
    rows = np.zeros((len(message.tokens), len(columns)), np.float32)
    for index in range(len(message.tokens)):
        for position, names in enumerate(window):
            neighbour = index + position - len(window) // 2
            if not 0 <= neighbour < len(message.tokens):
                continue
            for name in names:
                key = (position, name, _value(name, message, neighbour))
                if key in columns:
                    rows[index, columns[key]] = 1.0
    return rows


WINDOWS = [
    None,  # the default window
    [["prefix2", "suffix3", "BOS"], ["low", "EOS", "digit"], ["title", "EOS"]],
    [["low"], ["upper", "upper", "BOS"], ["suffix1"]],  # a feature listed twice
    [["BOS", "suffix2", "prefix5", "title"]],
]


@pytest.mark.parametrize("window", WINDOWS)
def test_memoised_rows_equal_the_rows_of_the_keys(window: list[list[str]] | None) -> None:
    options = {} if window is None else {"features": window}
    featurizer = _trained("Hello big WORLD 42", "book a Table for 2", **options)
    for text in ["Hello big WORLD 42", "a", "book me a TABLE now", "Hello big WORLD 42", ""]:
        message = _message(text)
        featurizer.process(message)
        sequence = message.features[0].sequence
        np.testing.assert_array_equal(sequence.toarray(), _reference_rows(featurizer, message))
        assert np.all(np.diff(sequence.columns[sequence.indptr[0] : sequence.indptr[1]]) > 0)


def test_retraining_starts_new_memos() -> None:
    featurizer = _trained("Hello there")
    featurizer.process(_message("Hello there"))
    featurizer.train([_message("WORLD wide")], data(example("WORLD wide", "x")))
    message = _message("Hello there")
    featurizer.process(message)
    np.testing.assert_array_equal(
        message.features[0].sequence.toarray(), _reference_rows(featurizer, message)
    )


@pytest.mark.parametrize("window", WINDOWS)
def test_training_learns_every_key_of_the_definition(window: list[list[str]] | None) -> None:
    texts = ["Hello big WORLD 42", "book a Table for 2", "x"]
    options = {} if window is None else {"features": window}
    featurizer = _trained(*texts, **options)
    expected = set()
    for message in map(_message, texts):
        size = len(featurizer.config.features)
        for index in range(len(message.tokens)):
            for position, names in enumerate(featurizer.config.features):
                neighbour = index + position - size // 2
                if 0 <= neighbour < len(message.tokens):
                    expected |= {(position, n, _value(n, message, neighbour)) for n in names}
    assert list(featurizer.vocabulary) == sorted(expected)
