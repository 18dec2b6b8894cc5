"""An in-memory `Assistant` (test double of the server's port) answering like the golden bot."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from shared_paths import golden_dir, shared_dir
from starlette.testclient import TestClient

from myna.events import ActionExecuted, Event, SessionStarted, UserUttered, events_from_list
from myna.project.domain import Domain, load_domain
from myna.server import ServerSettings, create_app
from myna.server.ports import UserMessage
from myna.tracker import ACTION_LISTEN, ACTION_SESSION_START, Tracker

GOLDEN = golden_dir()
MODEL_ID = "c45c42973ee44276ad35dbf31aa7d2c7"


def golden(name: str) -> Any:
    """The recorded `[status, body]` (or list of turns) of `<name>.json`."""
    return json.loads((GOLDEN / f"{name}.json").read_text())


def golden_domain() -> Domain:
    problems: list[Any] = []
    domain = load_domain(shared_dir() / "golden" / "bot" / "domain.yml", problems)
    assert not problems
    return domain


def channel_dicts(rest_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """REST reply items back into the bot message dicts the engine hands to channels."""
    blank = dict.fromkeys(("elements", "quick_replies", "buttons", "attachment", "image", "custom"))
    return [
        {**blank, "timestamp": 1.0, **{k: v for k, v in item.items() if k != "recipient_id"}}
        for item in rest_items
    ]


def _scripted_replies() -> dict[str, list[dict[str, Any]]]:
    turns = golden("rest_booking_conversation") + golden("rest_button_payload")
    return {turn["user"]: channel_dicts(turn["bot"]) for turn in turns}


@dataclasses.dataclass
class FakeAssistant:
    """Records every call in `calls`; replies as the golden recordings did."""

    domain: Domain = dataclasses.field(default_factory=golden_domain)
    model_id: str = MODEL_ID
    model_path: str | Path = Path("models/golden.tar.gz")
    assistant_id: str = "golden_bot"
    trackers: dict[str, Tracker] = dataclasses.field(default_factory=dict)
    calls: list[tuple[str, tuple[Any, ...]]] = dataclasses.field(default_factory=list)
    replies: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=_scripted_replies)
    failure: Exception | None = None

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))
        if self.failure is not None:
            raise self.failure

    def load(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        self.trackers[sender_id] = self._new_tracker(sender_id, events_from_list(events))

    def _new_tracker(self, sender_id: str, events: list[Event]) -> Tracker:
        return Tracker.from_events(sender_id, events, self.domain.slot_initial_values())

    def parse(self, text: str) -> dict[str, Any]:
        self._record("parse", text)
        _, body = golden("http_parse_empty" if not text else "http_parse")
        return {**body, "text": text}

    async def handle_message(
        self, message: UserMessage, output_channel: str = "collector"
    ) -> list[dict[str, Any]]:
        self._record("handle_message", message, output_channel)
        return self.replies.get(message.text or "", [])

    async def get_tracker(self, sender_id: str) -> Tracker:
        self._record("get_tracker", sender_id)
        fresh = [
            ActionExecuted(ACTION_SESSION_START),
            SessionStarted(),
            ActionExecuted(ACTION_LISTEN),
        ]
        return self.trackers.get(sender_id) or self._new_tracker(sender_id, fresh)

    async def append_events(
        self,
        sender_id: str,
        events: list[Event],
        output_channel: str,
        side_effects: bool = False,
    ) -> None:
        self._record("append_events", sender_id, events, output_channel, side_effects)
        tracker = await self.get_tracker(sender_id)
        tracker.update_with_events(events)
        self.trackers[sender_id] = tracker

    async def close(self) -> None:
        self.calls.append(("close", ()))

    async def replace_events(self, sender_id: str, events: list[Event]) -> None:
        self._record("replace_events", sender_id, events)
        self.trackers[sender_id] = self._new_tracker(sender_id, events)

    async def trigger_intent(
        self,
        sender_id: str,
        intent: str,
        entities: dict[str, Any] | list[dict[str, Any]] | None,
        output_channel: str,
    ) -> list[dict[str, Any]]:
        self._record("trigger_intent", sender_id, intent, entities, output_channel)
        await self.append_events(
            sender_id, [UserUttered.external(intent, entities)], output_channel
        )
        return self.replies["hello"]

    async def predict_next(self, sender_id: str) -> dict[str, Any]:
        self._record("predict_next", sender_id)
        return golden("http_predict")[1]

    async def execute_action(
        self,
        sender_id: str,
        action_name: str,
        output_channel: str,
        policy: str | None = None,
        confidence: float | None = None,
    ) -> tuple[list[dict[str, Any]], Tracker]:
        self._record("execute_action", sender_id, action_name, output_channel, policy, confidence)
        return self.replies["bye"], await self.get_tracker(sender_id)


def make_app(assistant: FakeAssistant, **settings: Any) -> FastAPI:
    """The app with the HTTP API on, serving `assistant` (checked against the port)."""
    return create_app(ServerSettings(**{"enable_api": True, **settings}), assistant)


LOCAL_CLIENT = ("127.0.0.1", 50000)


def local_client(app: FastAPI, **options: Any) -> TestClient:
    """A test client calling from the loopback address (the default is `testclient`)."""
    return TestClient(app, client=LOCAL_CLIENT, **options)
