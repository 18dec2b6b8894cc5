"""action_extract_slots: golden turns, custom mapping actions, global validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_helpers import FakeExecutor, context_for, run_action
from dialogue_helpers import domain_from, tracker, user
from golden_booking import essence, golden_domain, golden_events

from myna.actions.executor import ActionResult, ActionServerError
from myna.dialogue.actions.extract_slots import ActionExtractSlots
from myna.events import (
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    FollowupAction,
    SlotSet,
    UserUttered,
)
from myna.project.domain import Domain
from myna.tracker import Tracker


def _golden_user_turns() -> list[tuple[list[Event], list[Event]]]:
    """Per user message: events through it, and the events up to `user_featurization`."""
    events = golden_events()
    turns = []
    for index, event in enumerate(events):
        if isinstance(event, UserUttered):
            end = next(
                i
                for i in range(index, len(events))
                if isinstance(events[i], DefinePrevUserUtteredFeaturization)
            )
            turns.append((events[: index + 1], events[index + 1 : end]))
    return turns


@pytest.mark.parametrize("turn", range(6))
def test_golden_extraction_after_each_user_message(turn: int) -> None:
    domain = golden_domain()
    before, recorded = _golden_user_turns()[turn]
    history = Tracker("golden-booking", domain.slot_initial_values(), before)
    context = context_for(domain, "rest", FakeExecutor({}))
    assert essence(run_action(ActionExtractSlots(), history, context)) == essence(recorded)


DOMAIN = """
intents: [inform]
entities: [city]
slots:
  city: {type: text, mappings: [{type: from_entity, entity: city}]}
  weather:
    type: text
    mappings: [{type: custom, action: action_weather}]
  forecast:
    type: text
    mappings: [{type: custom, action: action_weather}]
actions: [action_weather]
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _extract(domain: Domain, executor: FakeExecutor) -> list[Event]:
    history = tracker(domain, user("inform", {"entity": "city", "value": "Rome"}))
    return run_action(ActionExtractSlots(), history, context_for(domain, "rest", executor))


def test_custom_mapping_action_runs_once_keeping_slot_and_bot_events(domain: Domain) -> None:
    result = ActionResult(
        [SlotSet("weather", "sunny"), FollowupAction("action_weather")],
        [{"text": "Looked it up"}],
    )
    executor = FakeExecutor({"action_weather": result})
    events = _extract(domain, executor)
    assert executor.calls == ["action_weather"]
    assert essence(events) == [
        ("slot", "city", "Rome"),
        ("bot", "Looked it up", False),
        ("slot", "weather", "sunny"),
    ]


def test_failing_custom_mapping_action_yields_nothing(domain: Domain) -> None:
    executor = FakeExecutor({"action_weather": ActionServerError("action_weather", "down")})
    assert essence(_extract(domain, executor)) == [("slot", "city", "Rome")]


def test_custom_mapping_without_executor_is_skipped(domain: Domain) -> None:
    history = tracker(domain, user("inform"))
    assert run_action(ActionExtractSlots(), history, context_for(domain)) == []


def test_global_validation_replaces_returned_candidates(tmp_path: Path) -> None:
    text = DOMAIN.replace("[action_weather]", "[action_weather, action_validate_slot_mappings]")
    domain = domain_from(tmp_path, text)
    executor = FakeExecutor(
        {
            "action_weather": ActionResult([SlotSet("weather", "rain")]),
            "action_validate_slot_mappings": ActionResult(
                [SlotSet("city", "ROME"), ActiveLoop("x")], [{"text": "checked"}]
            ),
        }
    )
    events = _extract(domain, executor)
    assert executor.calls == ["action_weather", "action_validate_slot_mappings"]
    assert essence(events) == [
        ("bot", "checked", False),
        ("slot", "city", "ROME"),
        ("slot", "weather", "rain"),
    ]
    assert all(isinstance(event, SlotSet | BotUttered) for event in events)
