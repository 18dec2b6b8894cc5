"""The /intent@confidence{json} shortcut."""

from __future__ import annotations

import pytest

from myna.nlu.shortcut import decode_shortcut

KNOWN = {"greet", "inform", "faq/ask_name"}


def test_plain_intent() -> None:
    message = decode_shortcut("/greet", KNOWN)
    assert message is not None
    assert message.to_parse_result() == {
        "text": "/greet",
        "intent": {"name": "greet", "confidence": 1.0},
        "entities": [],
        "intent_ranking": [{"name": "greet", "confidence": 1.0}],
    }


def test_confidence_and_entities_with_the_span_of_the_json() -> None:
    text = '/inform@0.8{"city": "Rome", "cuisine": ["thai", "sushi"]}'
    message = decode_shortcut(text, KNOWN)
    assert message is not None
    assert message.intent == {"name": "inform", "confidence": 0.8}
    start, end = text.index("{"), len(text)
    assert message.entities == [
        {"entity": "city", "start": start, "end": end, "value": "Rome"},
        {"entity": "cuisine", "start": start, "end": end, "value": "thai"},
        {"entity": "cuisine", "start": start, "end": end, "value": "sushi"},
    ]
    assert "text_tokens" not in message.to_parse_result()


def test_retrieval_intent_name() -> None:
    message = decode_shortcut("/faq/ask_name", KNOWN)
    assert message is not None and message.intent == {"name": "faq/ask_name", "confidence": 1.0}


@pytest.mark.parametrize("text", ["/unknown", "hello /greet", "/greet me please", "greet"])
def test_not_a_shortcut(text: str) -> None:
    assert decode_shortcut(text, KNOWN) is None


@pytest.mark.parametrize("text", ['/inform{"city": Rome}', '/inform["Rome"]x', "/inform[1]"])
def test_bad_entities_are_ignored_or_not_a_shortcut(text: str) -> None:
    message = decode_shortcut(text, KNOWN)
    assert message is None or message.entities == []


def test_non_object_json_gives_no_entities() -> None:
    message = decode_shortcut("/inform{}", KNOWN)
    assert message is not None and message.entities == []
