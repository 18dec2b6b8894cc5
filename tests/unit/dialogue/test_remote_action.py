"""RemoteAction through a fake ActionExecutor: responses, events, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from action_helpers import FakeExecutor, context_for, run_action, shapes
from dialogue_helpers import domain_from

from myna.actions.executor import ActionNotFound, ActionRejected, ActionResult, ActionServerError
from myna.dialogue.actions.base import ActionRejection
from myna.dialogue.actions.remote import ActionFailed, RemoteAction
from myna.events import BotUttered, Event, FollowupAction, SlotSet
from myna.project.domain import Domain
from myna.tracker import Tracker

DOMAIN = """
slots:
  city: {type: text, mappings: [{type: custom}]}
responses:
  utter_goodbye:
    - text: "Bye from {city}"
  utter_pick:
    - text: "Pick one"
      buttons:
        - {title: A, payload: /a}
actions: [action_weather]
"""
NAME = "action_weather"


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _run(domain: Domain, result: ActionResult | Exception, channel: str = "rest") -> list[Event]:
    tracker = Tracker("u", domain.slot_initial_values(), [SlotSet("city", "Paris")])
    context = context_for(domain, channel, FakeExecutor({NAME: result}))
    return run_action(RemoteAction(NAME), tracker, context)


def _sdk_item(**keys: object) -> dict[str, object]:
    """A `responses` item shaped like rasa_sdk's (every key present, most empty)."""
    empty = {"text": None, "buttons": [], "elements": [], "custom": {}, "template": None}
    return {**empty, "response": None, "image": None, "attachment": None, **keys}


def test_plain_message_keeps_only_non_empty_keys(domain: Domain) -> None:
    events = _run(domain, ActionResult(responses=[_sdk_item(text="It is sunny")]))
    assert shapes(events) == [
        {
            "event": "bot",
            "metadata": {},
            "text": "It is sunny",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": None,
                "image": None,
                "custom": None,
            },
        }
    ]


def test_named_response_goes_through_the_nlg_with_kwargs(domain: Domain) -> None:
    item = _sdk_item(response="utter_goodbye", template="utter_goodbye", city="Rome")
    (event,) = _run(domain, ActionResult(responses=[item]))
    assert isinstance(event, BotUttered)
    assert event.text == "Bye from Rome"
    assert event.metadata == {
        "utter_action": "utter_goodbye",
        "template": "utter_goodbye",
        "city": "Rome",
    }


def test_legacy_template_alone_names_the_response(domain: Domain) -> None:
    (event,) = _run(domain, ActionResult(responses=[{"template": "utter_goodbye"}]))
    assert event.text == "Bye from Paris"  # type: ignore[attr-defined]


def test_item_buttons_are_appended_to_the_response_buttons(domain: Domain) -> None:
    item = _sdk_item(response="utter_pick", buttons=[{"title": "B", "payload": "/b"}])
    (event,) = _run(domain, ActionResult(responses=[item]))
    assert event.data["buttons"] == [  # type: ignore[attr-defined]
        {"title": "A", "payload": "/a"},
        {"title": "B", "payload": "/b"},
    ]


def test_missing_named_response_is_skipped(domain: Domain) -> None:
    items = [_sdk_item(response="utter_nothing"), _sdk_item(text="still here")]
    events = _run(domain, ActionResult(responses=items))
    assert [e.text for e in events] == ["still here"]  # type: ignore[attr-defined]


def test_bot_events_come_before_the_returned_events(domain: Domain) -> None:
    returned = [SlotSet("city", "Rome"), FollowupAction("action_listen")]
    result = ActionResult(events=returned, responses=[_sdk_item(text="hi")])
    events = _run(domain, result)
    assert [e.type_name for e in events] == ["bot", "slot", "followup"]
    assert events[1:] == returned


def test_rejection_becomes_action_rejection(domain: Domain) -> None:
    with pytest.raises(ActionRejection) as caught:
        _run(domain, ActionRejected(NAME, "not now"))
    assert caught.value.action_name == NAME
    assert str(caught.value) == "not now"


@pytest.mark.parametrize(
    "error", [ActionNotFound(NAME), ActionServerError(NAME, "connection refused")]
)
def test_other_failures_become_action_failed(
    domain: Domain, error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ActionFailed) as caught:
        _run(domain, error)
    assert caught.value.action_name == NAME
    assert NAME in caplog.text


def test_no_executor_is_a_failure(domain: Domain) -> None:
    tracker = Tracker("u", domain.slot_initial_values())
    with pytest.raises(ActionFailed, match="no action endpoint"):
        run_action(RemoteAction(NAME), tracker, context_for(domain))
