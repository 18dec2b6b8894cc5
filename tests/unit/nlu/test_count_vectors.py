"""CountVectorsFeaturizer: sequence and sentence features, OOV handling, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nlu_helpers import build, data, example

from myna.nlu.features import sparse_rows
from myna.nlu.featurizers.count_vectors import CountVectorsFeaturizer
from myna.nlu.featurizers.count_vectors_trainer import CountVectorsTrainer
from myna.nlu.featurizers.ngrams import count_row
from myna.nlu.message import Message
from myna.nlu.tokenizers.whitespace import WhitespaceTokenizer

TRAINING = data(
    example("book a table", "book"),
    example("book a flight", "book"),
    example("hello there", "greet"),
)


def _trained(**options: object) -> tuple[WhitespaceTokenizer, CountVectorsFeaturizer]:
    tokenizer = build(WhitespaceTokenizer)
    featurizer = build(CountVectorsTrainer, **options)
    messages = [Message.from_example(e) for e in TRAINING.examples]
    for message in messages:
        tokenizer.process(message)
    featurizer.train(messages, TRAINING)
    return tokenizer, featurizer


def _featurize(text: str, **options: object) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    tokenizer, featurizer = _trained(**options)
    message = Message(text)
    tokenizer.process(message)
    featurizer.process(message)
    (features,) = message.features
    assert features.origin == "CountVectorsFeaturizer" and features.is_sparse
    return features.sequence.toarray(), features.sentence.toarray(), featurizer.vocabulary


def test_word_features_per_token_and_for_the_sentence() -> None:
    sequence, sentence, vocabulary = _featurize("Book a TABLE table")
    assert sequence.shape == (4, len(vocabulary)) and sentence.shape == (1, len(vocabulary))
    assert sequence[0, vocabulary["book"]] == 1 and sequence[2, vocabulary["table"]] == 1
    assert sentence[0, vocabulary["table"]] == 2 and sentence.sum() == 4


def test_word_bigrams_count_across_tokens_only_in_the_sentence() -> None:
    sequence, sentence, vocabulary = _featurize("book a table", max_ngram=2)
    assert sentence[0, vocabulary["book a"]] == 1
    assert sequence[:, vocabulary["book a"]].sum() == 0


def test_char_features_are_the_ngrams_of_each_token() -> None:
    sequence, _, vocabulary = _featurize("flight a", analyzer="char_wb", min_ngram=2, max_ngram=3)
    expected = {" f", "fl", "li", "ig", "gh", "ht", "t ", " fl", "fli", "lig", "igh", "ght", "ht "}
    assert {term for term, column in vocabulary.items() if sequence[0, column]} == expected
    assert {term for term, column in vocabulary.items() if sequence[1, column]} == {
        " a",
        "a ",
        " a ",
    }


TRICKY = ["ΟΔΟΣ Σας café  NAÏVE", "don't-stop e-mail 42x", "ﬁne Straße 😀 a", "x"]


@pytest.mark.parametrize(
    "options",
    [
        {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        {"analyzer": "char_wb", "max_ngram": 3, "strip_accents": "unicode"},
        {"analyzer": "word", "lowercase": False, "strip_accents": "ascii"},
    ],
)
def test_per_word_sentence_row_is_the_analysed_text(options: dict[str, object]) -> None:
    """Serving sums the token rows when no n-gram spans two words: same as analysing."""
    tokenizer = build(WhitespaceTokenizer)
    featurizer = build(CountVectorsTrainer, **options)
    messages = [Message.from_example(example(text, "any")) for text in TRICKY]
    for message in messages:
        tokenizer.process(message)
    featurizer.train(messages, data(*(example(text, "any") for text in TRICKY)))
    assert featurizer.analyzer.per_word
    for text in [*TRICKY, "Σ ΣΣ fine"]:
        message = Message(text)
        tokenizer.process(message)
        featurizer.process(message)
        joined = " ".join(t.text for t in message.tokens)
        expected = count_row(featurizer.analyzer(joined), featurizer.vocabulary)
        got = message.features[0].sentence.toarray()[0]
        assert {c: float(got[c]) for c in np.flatnonzero(got)} == expected


def test_unknown_words_map_to_the_oov_token() -> None:
    options = {"OOV_token": "oov", "OOV_words": ["there"]}
    _, featurizer = _trained(**options)
    assert "oov" in featurizer.vocabulary and "there" not in featurizer.vocabulary
    sequence, _, vocabulary = _featurize("book zebra", **options)
    assert sequence[1, vocabulary["oov"]] == 1


def test_empty_text_gives_one_empty_row() -> None:
    """The empty text is one empty token (as in Rasa); it matches no vocabulary entry."""
    sequence, sentence, _ = _featurize("")
    assert sequence.shape[0] == 1 and sequence.sum() == 0 and sentence.sum() == 0


def test_empty_vocabulary_adds_no_features() -> None:
    featurizer = build(CountVectorsTrainer)
    featurizer.train([Message("")], data())
    message = Message("anything")
    featurizer.process(message)
    assert featurizer.vocabulary == {} and message.features == []


def test_persisted_vocabulary_is_json(tmp_path: Path) -> None:
    _, featurizer = _trained(analyzer="char", max_ngram=2)
    featurizer.persist(tmp_path)
    loaded = CountVectorsFeaturizer.load(tmp_path, featurizer.config)
    assert loaded.vocabulary == featurizer.vocabulary and featurizer.name == loaded.name
    assert (tmp_path / "vocabulary.json").read_text(encoding="utf-8").startswith("{")


def test_english_stop_words_are_resolved_at_training_and_persisted(tmp_path: Path) -> None:
    tokenizer, featurizer = _trained(stop_words="english", max_ngram=2)
    assert "a" not in featurizer.vocabulary and "book table" in featurizer.vocabulary
    featurizer.persist(tmp_path)
    loaded = CountVectorsFeaturizer.load(tmp_path, featurizer.config)
    message = Message("book a table")
    tokenizer.process(message)
    loaded.process(message)
    (features,) = message.features
    assert features.sentence.toarray()[0, loaded.vocabulary["book table"]] == 1


MEMO_TEXTS = ["Book a TABLE table", "book a flight, a table", "hello there", "ünïcode wörds x"]


@pytest.mark.parametrize(
    "options",
    [
        {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        {"analyzer": "word"},
        {"analyzer": "word", "max_ngram": 2},
        {"analyzer": "char", "max_ngram": 3},
        {"OOV_token": "oov", "OOV_words": ["there"]},
    ],
)
def test_memoised_token_rows_equal_counting_from_scratch(options: dict[str, object]) -> None:
    """The rows come from a memo of token rows; they equal counting each word's n-grams."""
    tokenizer, featurizer = _trained(**options)
    for text in MEMO_TEXTS * 2:  # the second pass reads the memo
        message = Message(text)
        tokenizer.process(message)
        featurizer.process(message)
        (features,) = message.features
        words = [t.text for t in message.tokens]
        oov = featurizer.config.OOV_token
        if oov:
            words = [
                w if count_row(featurizer.analyzer(w), featurizer.vocabulary) else oov
                for w in words
            ]
        expected = sparse_rows(
            [count_row(featurizer.analyzer(w), featurizer.vocabulary) for w in words],
            len(featurizer.vocabulary),
        )
        for got, want in zip(
            (features.sequence.indptr, features.sequence.columns, features.sequence.data),
            (expected.indptr, expected.columns, expected.data),
            strict=True,
        ):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


def test_a_new_vocabulary_starts_a_new_memo() -> None:
    tokenizer, featurizer = _trained()
    message = Message("book a table")
    tokenizer.process(message)
    featurizer.process(message)
    featurizer.vocabulary = {"table": 0}
    again = Message("book a table")
    tokenizer.process(again)
    featurizer.process(again)
    np.testing.assert_array_equal(again.features[0].sequence.toarray(), [[0], [0], [1]])


def test_training_and_serving_features_are_identical(tmp_path: Path) -> None:
    tokenizer, featurizer = _trained(analyzer="char_wb", max_ngram=3)
    featurizer.persist(tmp_path)
    loaded = CountVectorsFeaturizer.load(tmp_path, featurizer.config)
    for text in MEMO_TEXTS:
        trained, served = Message(text), Message(text)
        for message, component in ((trained, featurizer), (served, loaded)):
            tokenizer.process(message)
            component.process(message)
        for a, b in (
            (trained.features[0].sequence, served.features[0].sequence),
            (trained.features[0].sentence, served.features[0].sentence),
        ):
            np.testing.assert_array_equal(a.indptr, b.indptr)
            np.testing.assert_array_equal(a.columns, b.columns)
            np.testing.assert_array_equal(a.data, b.data)
