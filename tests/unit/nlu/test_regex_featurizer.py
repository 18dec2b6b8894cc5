"""RegexFeaturizer: one feature per regex / lookup pattern, per matching token."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nlu_helpers import build, data, lookup_table, regex

from myna.nlu.featurizers.regex import RegexFeaturizer
from myna.nlu.message import Message
from myna.nlu.tokenizers.whitespace import WhitespaceTokenizer
from myna.project.errors import ProjectError

TRAINING = data(
    regexes=(regex("zipcode", r"\d{5}"), regex("greet", r"hel+o")),
    lookups=(lookup_table("city", "New York", "Berlin", "York"),),
)


def _features(text: str, **options: object) -> tuple[np.ndarray, np.ndarray]:
    featurizer = build(RegexFeaturizer, **options)
    featurizer.train([], TRAINING)
    message = Message(text)
    build(WhitespaceTokenizer).process(message)
    featurizer.process(message)
    (features,) = message.features
    return features.sequence.toarray(), features.sentence.toarray()


def test_tokens_get_the_feature_of_each_pattern_they_overlap() -> None:
    sequence, sentence = _features("hello from New York 10115")
    np.testing.assert_array_equal(
        sequence,
        [[0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0]],
    )
    np.testing.assert_array_equal(sentence, [[1, 1, 1]])


def test_case_sensitivity() -> None:
    assert _features("HELLO berlin")[1].sum() == 0
    np.testing.assert_array_equal(_features("HELLO berlin", case_sensitive=False)[1], [[0, 1, 1]])


def test_word_boundaries_for_lookup_tables() -> None:
    assert _features("Berliner")[1][0, 2] == 0
    assert _features("Berliner", use_word_boundaries=False)[1][0, 2] == 1


def test_regexes_and_lookups_can_be_switched_off() -> None:
    assert _features("hello Berlin", use_regexes=False)[0].shape[1] == 1
    assert _features("hello Berlin", use_lookup_tables=False)[0].shape[1] == 2


def test_no_patterns_no_features() -> None:
    featurizer = build(RegexFeaturizer)
    featurizer.train([], data())
    message = Message("hi")
    featurizer.process(message)
    assert message.features == []


def test_invalid_regex_points_at_its_source() -> None:
    featurizer = build(RegexFeaturizer)
    with pytest.raises(ProjectError, match="regex 'bad'"):
        featurizer.train([], data(regexes=(regex("bad", "(unclosed"),)))


def test_patterns_persist_as_json(tmp_path: Path) -> None:
    featurizer = build(RegexFeaturizer)
    featurizer.train([], TRAINING)
    featurizer.persist(tmp_path)
    loaded = RegexFeaturizer.load(tmp_path, featurizer.config)
    assert loaded.patterns == featurizer.patterns
