"""Default actions (dialogue-semantics.md §2) on hand-built and recorded trackers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from action_helpers import context_for, run_action, shapes
from dialogue_helpers import action, domain_from, user
from shared_paths import golden_dir, shared_dir

from myna.dialogue.actions.defaults import DEFAULT_ACTION_FACTORIES
from myna.dialogue.actions.registry import action_for_name
from myna.dialogue.actions.utter import UtterAction
from myna.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    events_from_list,
)
from myna.project.domain import DEFAULT_ACTIONS, Domain
from myna.project.loader import ProjectPaths, load_project
from myna.tracker import Tracker

DOMAIN = """
intents: [greet, inform]
slots:
  cuisine: {type: text, mappings: [{type: custom}]}
responses:
  utter_restart:
    - text: "Restarted."
  utter_default:
    - text: "Sorry?"
  utter_back:
    - text: "Going back."
  utter_ask_rephrase:
    - text: "Please rephrase."
"""
BARE = "intents: [greet]\n"


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


@pytest.fixture
def bare(tmp_path: Path) -> Domain:
    return domain_from(tmp_path / "bare", BARE)


def _run(name: str, domain: Domain, *events: Event) -> list[Event]:
    tracker = Tracker("u", domain.slot_initial_values(), [action("action_listen"), *events])
    return run_action(action_for_name(name, domain), tracker, context_for(domain))


def _said(events: list[Event]) -> list[str | None]:
    return [event.text for event in events if isinstance(event, BotUttered)]


def _kinds(events: list[Event]) -> list[str]:
    return [event.type_name for event in events]


def test_every_default_action_but_extract_slots_is_built_in() -> None:
    assert (*DEFAULT_ACTION_FACTORIES, "action_extract_slots") == DEFAULT_ACTIONS


@pytest.mark.parametrize("name", ["action_listen", "action_unlikely_intent", "..."])
def test_silent_actions(name: str, domain: Domain) -> None:
    assert _run(name, domain, user("greet")) == []


def test_restart_utters_then_restarts(domain: Domain, bare: Domain) -> None:
    events = _run("action_restart", domain, user("greet"))
    assert (_said(events), _kinds(events)) == (["Restarted."], ["bot", "restart"])
    assert events[0].metadata == {"utter_action": "utter_restart"}
    assert _kinds(_run("action_restart", bare, user("greet"))) == ["restart"]


def test_default_fallback_utters_and_rewinds(domain: Domain, bare: Domain) -> None:
    events = _run("action_default_fallback", domain, user("greet"))
    assert (_said(events), _kinds(events)) == (["Sorry?"], ["bot", "rewind"])
    assert _kinds(_run("action_default_fallback", bare, user("greet"))) == ["rewind"]


def test_back_rewinds_twice(domain: Domain, bare: Domain) -> None:
    events = _run("action_back", domain, user("greet"))
    assert (_said(events), _kinds(events)) == (["Going back."], ["bot", "rewind", "rewind"])
    assert _kinds(_run("action_back", bare, user("greet"))) == ["rewind", "rewind"]


def test_ask_rephrase_only_if_defined(domain: Domain, bare: Domain) -> None:
    assert _said(_run("action_default_ask_rephrase", domain, user("greet"))) == ["Please rephrase."]
    assert _run("action_default_ask_rephrase", bare, user("greet")) == []


def test_deactivate_loop(domain: Domain) -> None:
    events = _run("action_deactivate_loop", domain, ActiveLoop("some_form"))
    assert shapes(events) == [
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
    ]


def _golden_events(name: str) -> list[dict[str, Any]]:
    return json.loads((golden_dir() / name).read_text())[1]["events"]


@pytest.fixture(scope="module")
def golden_domain() -> Domain:
    return load_project(ProjectPaths.for_root(shared_dir() / "golden" / "bot")).project.domain


def _without_metadata(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k not in ("metadata", "timestamp")} for e in events]


def test_session_start_of_a_new_conversation_matches_golden(golden_domain: Domain) -> None:
    tracker = Tracker("golden", golden_domain.slot_initial_values())
    events = run_action(
        action_for_name("action_session_start", golden_domain), tracker, context_for(golden_domain)
    )
    recorded = _golden_events("tracker_booking_all.json")[1:3]
    assert _without_metadata(shapes(events)) == _without_metadata(recorded)


def test_session_start_after_restart_matches_golden(golden_domain: Domain) -> None:
    history = events_from_list(_golden_events("tracker_booking_all.json"))
    tracker = Tracker("golden", golden_domain.slot_initial_values(), [*history, Restarted()])
    events = run_action(
        action_for_name("action_session_start", golden_domain), tracker, context_for(golden_domain)
    )
    recorded = _golden_events("tracker_restart_after_restart.json")[1:3]
    assert _without_metadata(shapes(events)) == _without_metadata(recorded)


def test_session_start_carries_over_every_applied_slot_event(golden_domain: Domain) -> None:
    history = events_from_list(_golden_events("tracker_booking_all.json"))
    tracker = Tracker("golden", golden_domain.slot_initial_values(), history)
    events = run_action(
        action_for_name("action_session_start", golden_domain), tracker, context_for(golden_domain)
    )
    applied_slots = [e for e in tracker.applied_events() if isinstance(e, SlotSet)]
    assert isinstance(events[0], SessionStarted)
    assert events[-1] == ActionExecuted("action_listen", timestamp=events[-1].timestamp)
    copies = events[1:-1]
    assert [(e.name, e.value, e.metadata) for e in copies] == [  # type: ignore[attr-defined]
        (e.name, e.value, e.metadata) for e in applied_slots
    ]
    continued = Tracker("golden", golden_domain.slot_initial_values(), [*history, *events])
    assert continued.slots == tracker.slots == _golden_slots()


def _golden_slots() -> dict[str, Any]:
    slots: dict[str, Any] = json.loads((golden_dir() / "tracker_booking_all.json").read_text())[1][
        "slots"
    ]
    return slots


def test_session_start_carries_over_the_metadata_slot(domain: Domain) -> None:
    metadata_slot = SlotSet("session_started_metadata", {"device": "phone"})
    tracker = Tracker("u", domain.slot_initial_values(), [metadata_slot])
    events = run_action(
        action_for_name("action_session_start", domain), tracker, context_for(domain)
    )
    assert shapes(events) == [
        {"event": "session_started"},
        {"event": "slot", "name": "session_started_metadata", "value": {"device": "phone"}},
        shapes([ActionExecuted("action_listen")])[0],
    ]


def test_session_start_without_carry_over(tmp_path: Path) -> None:
    domain = domain_from(
        tmp_path,
        DOMAIN + "session_config:\n  carry_over_slots_to_new_session: false\n",
    )
    events = _run("action_session_start", domain, SlotSet("cuisine", "thai"))
    assert _kinds(events) == ["session_started", "action"]


def test_golden_buttons_payload_escapes(golden_domain: Domain) -> None:
    tracker = Tracker("golden", golden_domain.slot_initial_values())
    events = run_action(UtterAction("utter_ask_cuisine"), tracker, context_for(golden_domain))
    recorded = [e for e in _golden_events("tracker_booking_all.json") if e["event"] == "bot"]
    expected = next(e for e in recorded if e["metadata"].get("utter_action") == "utter_ask_cuisine")
    got = events[0].to_dict()
    assert (got["text"], got["data"]) == (expected["text"], expected["data"])


def test_rewinds_from_fallback_remove_the_message(domain: Domain) -> None:
    start = [action("action_listen"), user("greet")]
    tracker = Tracker("u", domain.slot_initial_values(), start)
    events = run_action(
        action_for_name("action_default_fallback", domain), tracker, context_for(domain)
    )
    tracker.update_with_events([action("action_default_fallback"), *events])
    assert tracker.latest_user_event is None
    assert isinstance(events[-1], UserUtteranceReverted)
