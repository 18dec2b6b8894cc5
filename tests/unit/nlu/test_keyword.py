"""KeywordIntentClassifier: whole-word keyword matches, ambiguity, case sensitivity."""

from __future__ import annotations

from pathlib import Path

from nlu_helpers import build, data, example

from myna.nlu.classifiers.keyword import KeywordIntentClassifier
from myna.nlu.message import Message

TRAINING = data(
    example("hello", "greet"),
    example("hi", "greet"),
    example("bye", "goodbye"),
    example("ok", "affirm"),
    example("ok", "thanks"),
)


def _intent(classifier: KeywordIntentClassifier, text: str) -> dict | None:
    message = Message(text)
    classifier.process(message)
    return message.intent


def test_keyword_in_text_gives_its_intent() -> None:
    classifier = build(KeywordIntentClassifier)
    classifier.train([], TRAINING)
    assert _intent(classifier, "well hello there") == {"name": "greet", "confidence": 1.0}
    assert _intent(classifier, "bye!") == {"name": "goodbye", "confidence": 1.0}


def test_partial_words_and_ambiguous_keywords_do_not_match() -> None:
    classifier = build(KeywordIntentClassifier)
    classifier.train([], TRAINING)
    assert "ok" not in classifier.keywords
    for text in ("this", "ok", "goodbyes"):
        assert _intent(classifier, text) == {"name": None, "confidence": 0.0}


def test_case_sensitivity(tmp_path: Path) -> None:
    sensitive = build(KeywordIntentClassifier)
    sensitive.train([], TRAINING)
    assert _intent(sensitive, "HELLO")["name"] is None  # type: ignore[index]
    insensitive = build(KeywordIntentClassifier, case_sensitive=False)
    insensitive.train([], TRAINING)
    insensitive.persist(tmp_path)
    loaded = KeywordIntentClassifier.load(tmp_path, insensitive.config)
    assert _intent(loaded, "HELLO")["name"] == "greet"  # type: ignore[index]
