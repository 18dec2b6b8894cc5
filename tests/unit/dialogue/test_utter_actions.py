"""Utter, retrieval and end-to-end actions: the bot events they produce."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from action_helpers import context_for, run_action, shapes
from dialogue_helpers import domain_from

from myna.dialogue.actions.utter import (
    EndToEndUtterAction,
    RetrievalAction,
    UtterAction,
    selected_response_name,
)
from myna.events import UserUttered
from myna.project.domain import Domain
from myna.tracker import Tracker

DOMAIN = """
intents: [greet, faq, chitchat]
responses:
  utter_greet:
    - text: "Hello! Want to book a table?"
  utter_card:
    - text: "Look"
      image: "https://x/y.png"
      id: card_1
  utter_faq/ask_name:
    - text: "I'm a bot."
  utter_chitchat/weather:
    - text: "Sunny."
"""
NO_DATA = {
    "elements": None,
    "quick_replies": None,
    "buttons": None,
    "attachment": None,
    "image": None,
    "custom": None,
}


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _tracker(domain: Domain, parse_data: dict[str, object] | None = None) -> Tracker:
    events = [] if parse_data is None else [UserUttered(text="q", parse_data=parse_data)]
    return Tracker("u", domain.slot_initial_values(), events)


def test_utter_action_matches_the_golden_bot_event(domain: Domain) -> None:
    events = run_action(UtterAction("utter_greet"), _tracker(domain), context_for(domain))
    assert shapes(events) == [
        {
            "event": "bot",
            "metadata": {"utter_action": "utter_greet"},
            "text": "Hello! Want to book a table?",
            "data": NO_DATA,
        }
    ]


def test_variation_keys_go_to_metadata_and_image_to_attachment(domain: Domain) -> None:
    events = run_action(UtterAction("utter_card"), _tracker(domain), context_for(domain))
    event = events[0].to_dict()
    assert event["metadata"] == {"id": "card_1", "utter_action": "utter_card"}
    assert event["data"]["image"] == event["data"]["attachment"] == "https://x/y.png"


def test_missing_response_logs_an_error_and_says_nothing(
    domain: Domain, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        events = run_action(UtterAction("utter_nothing"), _tracker(domain), context_for(domain))
    assert events == []
    assert "utter_nothing" in caplog.text


def _selector(key: str, intent_response_key: str) -> dict[str, object]:
    return {
        "all_retrieval_intents": ["faq", "chitchat"],
        key: {
            "response": {
                "responses": [{"text": "..."}],
                "confidence": 0.9,
                "intent_response_key": intent_response_key,
                "utter_action": f"utter_{intent_response_key}",
            },
            "ranking": [],
        },
    }


def test_retrieval_action_says_the_default_selector_choice(domain: Domain) -> None:
    parse_data = {
        "intent": {"name": "faq", "confidence": 0.9},
        "response_selector": _selector("default", "faq/ask_name"),
    }
    tracker = _tracker(domain, parse_data)
    events = run_action(RetrievalAction("utter_faq"), tracker, context_for(domain))
    assert shapes(events) == [
        {
            "event": "bot",
            "metadata": {"utter_action": "utter_faq/ask_name"},
            "text": "I'm a bot.",
            "data": NO_DATA,
        }
    ]


def test_selector_keyed_by_intent_wins_over_default() -> None:
    selectors = {
        **_selector("default", "faq/ask_name"),
        "chitchat": _selector("chitchat", "chitchat/weather")["chitchat"],
    }
    parse_data = {"response_selector": selectors}
    assert selected_response_name("utter_chitchat", parse_data) == "utter_chitchat/weather"
    assert selected_response_name("utter_faq", parse_data) == "utter_faq/ask_name"


def test_retrieval_action_without_selector_output_says_nothing(
    domain: Domain, caplog: pytest.LogCaptureFixture
) -> None:
    tracker = _tracker(domain, {"intent": {"name": "faq"}})
    with caplog.at_level(logging.ERROR):
        events = run_action(RetrievalAction("utter_faq"), tracker, context_for(domain))
    assert events == []
    assert "utter_faq" in caplog.text


def test_end_to_end_action_says_its_text(domain: Domain) -> None:
    action = EndToEndUtterAction("Sure, here you go")
    assert action.name == "Sure, here you go"
    events = run_action(action, _tracker(domain), context_for(domain))
    assert shapes(events) == [
        {"event": "bot", "metadata": {}, "text": "Sure, here you go", "data": NO_DATA}
    ]
