"""LexicalSyntacticFeaturizer: windowed one-hot lexical features with a learnt vocabulary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from nlu_helpers import build, data, example

from myna.nlu.featurizers.lexical import LexicalSyntacticFeaturizer
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
