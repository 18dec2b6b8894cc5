"""Two-stage fallback loop, ask affirmation and the legacy revert action."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_helpers import FakeExecutor, context_for, run_action, shapes
from dialogue_helpers import action, domain_from

from myna.actions.executor import ActionResult
from myna.dialogue.actions.registry import action_for_name
from myna.events import ActiveLoop, BotUttered, Event, UserUttered
from myna.project.domain import Domain
from myna.tracker import Tracker

DOMAIN = """
intents: [greet, affirm]
responses:
  utter_default:
    - text: "Sorry?"
  utter_ask_rephrase:
    - text: "Please rephrase."
"""
LOOP = "action_two_stage_fallback"


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def said(intent: str, confidence: float = 0.9) -> UserUttered:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.2}]
    parse_data = {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking}
    return UserUttered(text=f"({intent})", parse_data=parse_data)


def _run(domain: Domain, name: str, *events: Event) -> list[Event]:
    tracker = Tracker("u", domain.slot_initial_values(), [action("action_listen"), *events])
    return run_action(action_for_name(name, domain), tracker, context_for(domain))


def _loop_turn(reply: str) -> list[Event]:
    """The loop asked something, then the user answered with intent `reply`."""
    return [action(LOOP), BotUttered(text="asked"), action("action_listen"), said(reply)]


def test_ask_affirmation_names_the_second_intent_after_nlu_fallback(domain: Domain) -> None:
    events = _run(domain, "action_default_ask_affirmation", said("nlu_fallback", 0.3))
    assert shapes(events) == [
        {
            "event": "bot",
            "metadata": {"utter_action": "action_default_ask_affirmation"},
            "text": "Did you mean 'greet'?",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": [
                    {"title": "Yes", "payload": "/greet"},
                    {"title": "No", "payload": "/out_of_scope"},
                ],
                "attachment": None,
                "image": None,
                "custom": None,
            },
        }
    ]


def test_activation_asks_for_affirmation(domain: Domain) -> None:
    events = _run(domain, LOOP, said("nlu_fallback", 0.3))
    assert events[0] == ActiveLoop(LOOP, timestamp=events[0].timestamp)
    assert [e.text for e in events[1:]] == ["Did you mean 'greet'?"]  # type: ignore[attr-defined]


def test_affirmed_intent_reverts_and_replays_the_message(domain: Domain) -> None:
    events = _run(domain, LOOP, said("nlu_fallback", 0.3), ActiveLoop(LOOP), *_loop_turn("greet"))
    assert shapes(events)[:3] == [
        {"event": "active_loop", "name": None},
        {"event": "rewind"},
        shapes([action("action_listen")])[0],
    ]
    replayed = events[3]
    assert isinstance(replayed, UserUttered)
    assert replayed.intent == {"name": "greet", "confidence": 1.0}
    assert replayed.text == "(greet)"


def test_denial_asks_to_rephrase(domain: Domain) -> None:
    history = [said("nlu_fallback", 0.3), ActiveLoop(LOOP), *_loop_turn("out_of_scope")]
    events = _run(domain, LOOP, *history)
    assert [e.text for e in events] == ["Please rephrase."]  # type: ignore[attr-defined]


def test_unclear_rephrasing_is_affirmed_again(domain: Domain) -> None:
    history = [
        said("nlu_fallback", 0.3),
        ActiveLoop(LOOP),
        *_loop_turn("out_of_scope"),
        *_loop_turn("nlu_fallback"),
    ]
    events = _run(domain, LOOP, *history)
    assert [e.text for e in events] == ["Did you mean 'greet'?"]  # type: ignore[attr-defined]


def test_second_failed_affirmation_gives_up(domain: Domain) -> None:
    history = [
        said("nlu_fallback", 0.3),
        ActiveLoop(LOOP),
        *_loop_turn("out_of_scope"),
        *_loop_turn("nlu_fallback"),
        *_loop_turn("out_of_scope"),
    ]
    events = _run(domain, LOOP, *history)
    assert [e.type_name for e in events] == ["active_loop", "bot", "rewind"]
    assert events[1].text == "Sorry?"  # type: ignore[attr-defined]


def test_two_fallbacks_in_a_row_give_up(domain: Domain) -> None:
    history = [said("nlu_fallback", 0.3), ActiveLoop(LOOP), *_loop_turn("nlu_fallback")]
    events = _run(domain, LOOP, *history)
    assert [e.type_name for e in events] == ["active_loop", "bot", "rewind"]


def test_custom_affirmation_action_takes_over(tmp_path: Path) -> None:
    domain = domain_from(tmp_path, DOMAIN + "actions: [action_default_ask_affirmation]\n")
    executor = FakeExecutor(
        {"action_default_ask_affirmation": ActionResult(responses=[{"text": "Really?"}])}
    )
    tracker = Tracker("u", domain.slot_initial_values(), [said("nlu_fallback", 0.3)])
    context = context_for(domain, executor=executor)
    events = run_action(action_for_name(LOOP, domain), tracker, context)
    assert [e.type_name for e in events] == ["active_loop", "bot"]
    assert executor.calls == ["action_default_ask_affirmation"]


def test_revert_after_rephrasing(domain: Domain) -> None:
    history = [
        said("nlu_fallback", 0.3),
        action("action_default_ask_rephrase"),
        action("action_listen"),
        said("greet"),
    ]
    events = _run(domain, "action_revert_fallback_events", *history)
    kinds = [e.type_name for e in events]
    assert kinds == ["rewind", "rewind", "rewind", "action", "user"]
    assert events[-1].intent == {"name": "greet", "confidence": 0.9}  # type: ignore[attr-defined]


def test_revert_after_affirmation(domain: Domain) -> None:
    history = [
        said("nlu_fallback", 0.3),
        action("action_default_ask_affirmation"),
        action("action_listen"),
        said("greet"),
    ]
    events = _run(domain, "action_revert_fallback_events", *history)
    assert [e.type_name for e in events] == ["rewind", "rewind", "action", "user"]
    assert events[-1].intent == {"name": "greet", "confidence": 1.0}  # type: ignore[attr-defined]


def test_revert_without_fallback_does_nothing(domain: Domain) -> None:
    assert _run(domain, "action_revert_fallback_events", said("greet")) == []
