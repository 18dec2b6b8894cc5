"""`InProcessActionExecutor`: SDK actions behind the same JSON shapes as the webhook."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest

from myna.actions import ActionNotFound, ActionRejected, ActionResult, ActionServerError
from myna.actions.in_process import InProcessActionExecutor
from myna.events import ActionExecuted, ReminderScheduled, SlotSet, UserUttered
from myna.project.domain import ActionDef, Domain
from myna.sdk import Action, ActionExecutionRejection, ActionExecutor, Tracker
from myna.sdk import events as sdk_events
from myna.sdk.executor import CollectingDispatcher
from myna.sdk.types import DomainDict
from myna.tracker import Tracker as EngineTracker

DOMAIN = Domain.build(actions=[ActionDef("action_spy"), ActionDef("action_custom")])
PARSE = {"text": "hi", "intent": {"name": "greet"}, "entities": [], "metadata": {}}


def _tracker() -> EngineTracker:
    return EngineTracker.from_events(
        "u1",
        [ActionExecuted("action_listen"), UserUttered(text="hi", parse_data=PARSE)],
        {"city": None},
    )


class Spy(Action):
    """Records what it was given and tampers with it."""

    def __init__(self, answer: Any = None, error: Exception | None = None) -> None:
        self.seen: list[tuple[Tracker, DomainDict]] = []
        self.answer = answer if answer is not None else []
        self.error = error

    def name(self) -> str:
        return "action_spy"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        self.seen.append((tracker, domain))
        tracker.latest_message["entities"].append({"entity": "x", "value": 1})
        if self.error is not None:
            raise self.error
        dispatcher.utter_message(text="hello")
        return self.answer


def _run(executor: InProcessActionExecutor, name: str = "action_spy") -> ActionResult:
    return asyncio.run(executor.run(name, _tracker(), DOMAIN))


def test_action_sees_the_protocol_request_and_cannot_touch_engine_state() -> None:
    spy = Spy([sdk_events.SlotSet("city", "Rome")])
    engine_tracker = _tracker()
    result = asyncio.run(InProcessActionExecutor([spy]).run("action_spy", engine_tracker, DOMAIN))
    tracker, domain = spy.seen[0]
    assert tracker.sender_id == "u1"
    assert tracker.get_intent_of_latest_message() == "greet"
    assert domain == DOMAIN.as_dict()
    assert engine_tracker.latest_message["entities"] == []  # the action changed its copy
    assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [
        ("city", "Rome")
    ]
    assert result.responses[0]["text"] == "hello"


def test_selective_domain_leaves_the_domain_out() -> None:
    spy = Spy()
    _run(InProcessActionExecutor([spy], selective_domain=True))
    assert spy.seen[0][1] == {}


def test_datetime_in_an_sdk_event_survives_as_iso_text() -> None:
    when = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)
    spy = Spy([sdk_events.ReminderScheduled("remind", when, name="r1")])
    (event,) = _run(InProcessActionExecutor([spy])).events
    assert isinstance(event, ReminderScheduled)
    assert event.to_dict()["date_time"] == "2030-01-01T09:00:00+00:00"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ActionExecutionRejection("action_spy", "not now"), ActionRejected),
        (RuntimeError("bug in the action"), ActionServerError),
    ],
)
def test_action_errors_map_to_port_errors(error: Exception, expected: type[Exception]) -> None:
    with pytest.raises(expected) as raised:
        _run(InProcessActionExecutor([Spy(error=error)]))
    assert raised.value.action_name == "action_spy"
    if isinstance(raised.value, ActionRejected):
        assert raised.value.message == "not now"


def test_unknown_action_is_not_found() -> None:
    with pytest.raises(ActionNotFound):
        _run(InProcessActionExecutor([Spy()]), "action_custom")


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ([{"event": "slot", "name": "city", "value": {1, 2}}], "not JSON"),
        ([{"event": "slot", "name": "city"}], "invalid"),
    ],
)
def test_answers_that_would_fail_over_http_fail_here(answer: Any, reason: str) -> None:
    with pytest.raises(ActionServerError, match=reason):
        _run(InProcessActionExecutor([Spy(answer)]))


def test_built_from_an_sdk_registry() -> None:
    registry = ActionExecutor()
    registry.register_action(Spy)
    executor = InProcessActionExecutor(registry)
    assert executor.action_names == ["action_spy"]
    assert _run(executor).responses[0]["text"] == "hello"
