"""CollectingDispatcher and the SDK's action registry (discovery and dispatch)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from myna.sdk import ActionExecutionRejection, ActionExecutor, ActionNotFoundException
from myna.sdk.executor import CollectingDispatcher, InvalidActionCall

PACKAGE_FILES = {
    "__init__.py": "from .base import ActionHello\n",
    "base.py": """
import abc
from myna.sdk import Action, FormValidationAction, ValidationAction


class ActionHello(Action):
    def name(self):
        return "action_hello"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=f"Hello {tracker.get_slot('name')}")
        return [{"event": "slot", "timestamp": None, "name": "greeted", "value": True}, "junk", {}]


class Unnamed(Action):
    pass


class AbstractBase(Action, abc.ABC):
    @abc.abstractmethod
    def helper(self): ...
""",
    "forms/__init__.py": "",
    "forms/trip.py": """
from myna.sdk import FormValidationAction, ValidationAction
from ..base import ActionHello


class ValidateTripForm(FormValidationAction):
    def name(self):
        return "validate_trip_form"


class GlobalSlots(ValidationAction):
    pass
""",
}


@pytest.fixture
def package(tmp_path: Path) -> Iterator[str]:
    name = "sdk_registry_test_actions"
    for relative, text in PACKAGE_FILES.items():
        path = tmp_path / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    sys.path.insert(0, str(tmp_path))
    yield name
    sys.path.remove(str(tmp_path))
    for module in [m for m in sys.modules if m.split(".")[0] == name]:
        del sys.modules[module]


def _call(next_action: Any, **changes: Any) -> dict[str, Any]:
    tracker = {"sender_id": "u1", "slots": {"name": "Ada"}, "events": []}
    return {"next_action": next_action, "tracker": tracker, "version": "3.6.21", **changes}


def test_utter_message_shape() -> None:
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text="Hi")
    dispatcher.utter_message(response="utter_bye", city="Rome", buttons=[{"title": "a"}])
    dispatcher.utter_message(json_message={"k": 1}, image="i.png", attachment="a.pdf")
    assert dispatcher.messages == [
        {
            "text": "Hi",
            "buttons": [],
            "elements": [],
            "custom": {},
            "template": None,
            "response": None,
            "image": None,
            "attachment": None,
        },
        {
            "text": None,
            "buttons": [{"title": "a"}],
            "elements": [],
            "custom": {},
            "template": "utter_bye",
            "response": "utter_bye",
            "image": None,
            "attachment": None,
            "city": "Rome",
        },
        {
            "text": None,
            "buttons": [],
            "elements": [],
            "custom": {"k": 1},
            "template": None,
            "response": None,
            "image": "i.png",
            "attachment": "a.pdf",
        },
    ]


def test_template_is_a_deprecated_alias_of_response() -> None:
    dispatcher = CollectingDispatcher()
    with pytest.warns(FutureWarning):
        dispatcher.utter_message(template="utter_old")
    assert dispatcher.messages[0]["response"] == dispatcher.messages[0]["template"] == "utter_old"


def test_package_discovery(package: str) -> None:
    registry = ActionExecutor()
    registry.register_package(package)
    assert registry.list_actions() == [
        "action_hello",
        "validate_trip_form",
        "action_validate_slot_mappings",
    ]


def test_dispatch_returns_events_and_messages_dropping_non_events(package: str) -> None:
    registry = ActionExecutor()
    registry.register_package(package)
    answer = asyncio.run(registry.run(_call("action_hello")))
    assert answer["events"] == [
        {"event": "slot", "timestamp": None, "name": "greeted", "value": True}
    ]
    assert [m["text"] for m in answer["responses"]] == ["Hello Ada"]


def test_dispatch_errors(package: str) -> None:
    registry = ActionExecutor()
    registry.register_package(package)
    with pytest.raises(ActionNotFoundException, match="action_nope"):
        asyncio.run(registry.run(_call("action_nope")))
    for bad in [{"tracker": {}}, _call(""), _call(3), _call("action_hello", tracker=None)]:
        with pytest.raises(InvalidActionCall):
            asyncio.run(registry.run(bad))


def test_functions_and_rejections() -> None:
    def reject(dispatcher: Any, tracker: Any, domain: Any) -> None:
        raise ActionExecutionRejection("action_fn")

    registry = ActionExecutor()
    registry.register_function("action_fn", reject)
    with pytest.raises(ActionExecutionRejection) as raised:
        asyncio.run(registry.run(_call("action_fn")))
    assert str(raised.value) == "Custom action 'action_fn' rejected execution."
    registry.register_function("action_fn", lambda dispatcher, tracker, domain: None)
    assert asyncio.run(registry.run(_call("action_fn"))) == {"events": [], "responses": []}
