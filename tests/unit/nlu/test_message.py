"""Message.to_parse_result renders Rasa's /model/parse shape."""

from __future__ import annotations

from myna.nlu.message import Message, Token


def test_empty_message_has_the_base_shape() -> None:
    assert Message("").to_parse_result() == {
        "text": "",
        "intent": {"name": None, "confidence": 0.0},
        "entities": [],
    }


def test_outputs_and_token_spans_are_rendered() -> None:
    message = Message(
        "hi Rome",
        tokens=[Token("hi", 0, 2), Token("Rome", 3, 7)],
        intent={"name": "greet", "confidence": 0.9},
        intent_ranking=[{"name": "greet", "confidence": 0.9}],
        entities=[{"entity": "city", "start": 3, "end": 7, "value": "Rome"}],
    )
    result = message.to_parse_result()
    assert result == {
        "text": "hi Rome",
        "intent": {"name": "greet", "confidence": 0.9},
        "entities": [{"entity": "city", "start": 3, "end": 7, "value": "Rome"}],
        "intent_ranking": [{"name": "greet", "confidence": 0.9}],
        "text_tokens": [[0, 2], [3, 7]],
    }
    assert "response_selector" not in result


def test_result_is_a_copy() -> None:
    message = Message("x", entities=[{"entity": "a", "value": "1"}])
    message.to_parse_result()["entities"][0]["value"] = "changed"
    assert message.entities[0]["value"] == "1"


def _selector(*keys: str) -> dict:
    selector: dict = {"all_retrieval_intents": ["faq"]}
    for key in keys:
        selector[key] = {
            "response": {"intent_response_key": "faq/ask_name", "confidence": 0.9},
            "ranking": [],
        }
    return selector


def test_retrieval_intent_gets_its_full_name() -> None:
    message = Message(
        "who are you", intent={"name": "faq", "confidence": 0.8}, response_selector=_selector("faq")
    )
    assert message.to_parse_result()["intent"]["full_retrieval_intent_name"] == "faq/ask_name"


def test_retrieval_intent_with_only_a_default_selector_gets_null() -> None:
    message = Message(
        "who", intent={"name": "faq", "confidence": 0.8}, response_selector=_selector("default")
    )
    assert message.to_parse_result()["intent"]["full_retrieval_intent_name"] is None


def test_ordinary_intent_gets_no_full_name() -> None:
    message = Message(
        "hi", intent={"name": "greet", "confidence": 0.8}, response_selector=_selector("faq")
    )
    assert "full_retrieval_intent_name" not in message.to_parse_result()["intent"]
