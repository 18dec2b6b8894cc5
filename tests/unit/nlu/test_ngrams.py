"""The serving-side analyzer equals scikit-learn's, and the trainer fits like scikit-learn.

The trainer (``count_vectors_trainer``) fits the vocabulary with scikit-learn from the
featurizer's options; the serving analyzer then counts n-grams of new text exactly as
scikit-learn's ``transform`` would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from myna.nlu.features import sparse_rows
from myna.nlu.featurizers.count_vectors import CountVectorsConfig
from myna.nlu.featurizers.count_vectors_trainer import fit_vocabulary
from myna.nlu.featurizers.ngrams import WORD_TOKEN_PATTERN, Analyzer, count_row

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
    pattern = {"token_pattern": WORD_TOKEN_PATTERN} if settings["analyzer"] == "word" else {}
    return text.CountVectorizer(**pattern, **settings)


def _config(settings: dict[str, Any]) -> CountVectorsConfig:
    options = {key: value for key, value in settings.items() if key != "ngram_range"}
    low, high = settings.get("ngram_range", (1, 1))
    return CountVectorsConfig(min_ngram=low, max_ngram=high, **options)


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
    vocabulary = fit_vocabulary(CORPUS, _config(settings))
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


def test_english_stop_words_are_scikit_learns() -> None:
    settings = {"analyzer": "word", "ngram_range": (1, 2), "stop_words": "english"}
    reference = _reference(settings).fit(CORPUS)
    assert fit_vocabulary(CORPUS, _config(settings)) == {
        term: int(i) for term, i in reference.vocabulary_.items()
    }
    words = frozenset(text.ENGLISH_STOP_WORDS)
    ours = Analyzer(min_ngram=1, max_ngram=2, stop_words=words)
    for document in CORPUS:
        assert ours(document) == reference.build_analyzer()(document)


def test_nothing_to_learn_gives_an_empty_vocabulary() -> None:
    assert fit_vocabulary(["", "!"], CountVectorsConfig()) == {}
    assert fit_vocabulary(["a b", "c"], CountVectorsConfig(min_df=2)) == {}


def test_contradictory_document_frequencies_are_refused() -> None:
    with pytest.raises(ValueError, match="max_df"):
        fit_vocabulary(["a", "b"], CountVectorsConfig(min_df=2, max_df=1))
