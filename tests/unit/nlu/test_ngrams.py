"""The scikit-learn-free n-gram analyzer and vocabulary fitting equal scikit-learn's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from myna.nlu.features import sparse_rows
from myna.nlu.featurizers.ngrams import Analyzer, count_row, fit_vocabulary

text = pytest.importorskip("sklearn.feature_extraction.text")

CORPUS = [
    "Book a table for two in Berlin",
    "book  a TABLE for 4.5 people, please!",
    "Café crème at the Zürich café",
    "i'd like   naïve   sushi",
    "ab",
    "",
    "hello hello hello world",
    "Where is the nearest café?",
]
UNSEEN = ["a table in Zürich", "completely new words", "", "x"]

SETTINGS: list[dict[str, Any]] = [
    {"analyzer": "word"},
    {"analyzer": "word", "ngram_range": (1, 3)},
    {"analyzer": "word", "ngram_range": (2, 2), "lowercase": False},
    {"analyzer": "word", "stop_words": ["a", "the", "for"], "strip_accents": "unicode"},
    {"analyzer": "char", "ngram_range": (1, 3)},
    {"analyzer": "char", "ngram_range": (2, 4), "strip_accents": "ascii"},
    {"analyzer": "char_wb", "ngram_range": (1, 4)},
    {"analyzer": "char_wb", "ngram_range": (3, 5)},
    {"analyzer": "word", "min_df": 2},
    {"analyzer": "word", "max_df": 0.2},
    {"analyzer": "char_wb", "ngram_range": (2, 3), "min_df": 0.25, "max_df": 3},
    {"analyzer": "char", "ngram_range": (1, 2), "max_features": 15},
    {"analyzer": "word", "max_features": 4},
]


def _reference(settings: dict[str, Any]) -> Any:
    pattern = {"token_pattern": r"(?u)\b\w+\b"} if settings["analyzer"] == "word" else {}
    return text.CountVectorizer(**pattern, **settings)


def _ours(settings: dict[str, Any]) -> Analyzer:
    low, high = settings.get("ngram_range", (1, 1))
    return Analyzer(
        analyzer=settings["analyzer"],
        min_ngram=low,
        max_ngram=high,
        lowercase=settings.get("lowercase", True),
        strip_accents=settings.get("strip_accents"),
        stop_words=frozenset(settings.get("stop_words") or ()),
    )


@pytest.mark.parametrize("settings", SETTINGS)
def test_vocabulary_and_counts_equal_scikit_learn(settings: dict[str, Any]) -> None:
    reference = _reference(settings)
    expected = reference.fit_transform(CORPUS).toarray()
    analyzer = _ours(settings)
    vocabulary = fit_vocabulary(
        [analyzer(doc) for doc in CORPUS],
        min_df=settings.get("min_df", 1),
        max_df=settings.get("max_df", 1.0),
        max_features=settings.get("max_features"),
    )
    assert vocabulary == {term: int(i) for term, i in reference.vocabulary_.items()}
    for documents, reference_counts in [
        (CORPUS, expected),
        (UNSEEN, reference.transform(UNSEEN).toarray()),
    ]:
        rows = [count_row(analyzer(doc), vocabulary) for doc in documents]
        np.testing.assert_array_equal(
            sparse_rows(rows, len(vocabulary)).toarray(), reference_counts
        )


@pytest.mark.parametrize("settings", SETTINGS[:8])
def test_analyzer_output_equals_scikit_learn(settings: dict[str, Any]) -> None:
    reference = _reference(settings).build_analyzer()
    for document in CORPUS + UNSEEN:
        assert _ours(settings)(document) == reference(document)


def test_nothing_to_learn_gives_an_empty_vocabulary() -> None:
    assert fit_vocabulary([[], []]) == {}


def test_contradictory_document_frequencies_are_refused() -> None:
    with pytest.raises(ValueError, match="max_df"):
        fit_vocabulary([["a"], ["b"]], min_df=2, max_df=1)
