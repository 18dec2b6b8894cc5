"""FallbackClassifier: low confidence and ambiguity both trigger nlu_fallback."""

from __future__ import annotations

import pytest
from nlu_helpers import build

from myna.nlu.classifiers.fallback import FallbackClassifier
from myna.nlu.message import Message


def _ranked(*scores: float, text: str = "x") -> Message:
    ranking = [{"name": f"intent{i}", "confidence": s} for i, s in enumerate(scores)]
    return Message(text, intent=dict(ranking[0]) if ranking else None, intent_ranking=ranking)


@pytest.mark.parametrize(
    ("scores", "falls_back"),
    [
        ((0.9, 0.05), False),
        ((0.29, 0.1), True),  # below threshold 0.3
        ((0.5, 0.45), True),  # margin 0.05 < ambiguity 0.1
        ((0.5, 0.375), False),  # margin 0.125 is clear enough
        ((0.3,), False),  # one intent: no ambiguity, at threshold
        ((), True),  # nothing predicted
    ],
)
def test_default_thresholds(scores: tuple[float, ...], falls_back: bool) -> None:
    message = _ranked(*scores)
    before = list(message.intent_ranking or [])
    build(FallbackClassifier).process(message)
    if falls_back:
        assert message.intent == {"name": "nlu_fallback", "confidence": 0.3}
        assert message.intent_ranking == [{"name": "nlu_fallback", "confidence": 0.3}, *before]
    else:
        assert message.intent == before[0]
        assert message.intent_ranking == before


def test_configured_thresholds() -> None:
    classifier = build(FallbackClassifier, threshold=0.7, ambiguity_threshold=0.0)
    message = _ranked(0.6, 0.6)
    classifier.process(message)
    assert message.intent == {"name": "nlu_fallback", "confidence": 0.7}
    message = _ranked(0.8, 0.8)
    classifier.process(message)
    assert message.intent is not None and message.intent["name"] == "intent0"


@pytest.mark.parametrize("text", ["", "  \n"])
def test_blank_text_always_falls_back(text: str) -> None:
    message = _ranked(0.99, 0.01, text=text)
    build(FallbackClassifier).process(message)
    assert message.intent == {"name": "nlu_fallback", "confidence": 0.3}
    assert [item["name"] for item in message.intent_ranking or []] == [
        "nlu_fallback",
        "intent0",
        "intent1",
    ]
