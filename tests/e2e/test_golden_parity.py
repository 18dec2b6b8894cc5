"""Myna over real HTTP behaves like the recorded Rasa 3.6.21 server (shared/golden).

`myna run --enable-api --auth-token golden-secret` serves the golden bot trained here,
with its two actions in-process (answering like the recording action server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from golden_booking import essence
from servers import Myna, myna_run, recorded, write_endpoints

pytestmark = pytest.mark.integration

TOKEN = "golden-secret"
BOOKING = "golden-booking"
TRIGGER = "golden-trigger"
CUISINE_SET = {"event": "slot", "name": "cuisine", "value": "thai"}


def shape(body: Any) -> Any:
    """What the contract fixes of a body: its keys and the JSON type of each value."""
    if isinstance(body, dict):
        return {key: type(value).__name__ for key, value in body.items()}
    return type(body).__name__


@pytest.fixture(scope="module")
def golden_myna(golden_model: Path, golden_actions_dir: Path) -> Iterator[Myna]:
    options = ["--endpoints", str(write_endpoints(golden_actions_dir, None)), "--actions"]
    with myna_run(golden_model, golden_actions_dir, [*options, "actions"], TOKEN) as myna:
        yield myna


@pytest.fixture(scope="module")
def booked(golden_myna: Myna) -> list[list[dict[str, Any]]]:
    """The recorded booking conversation replayed through REST; the replies of each turn."""
    turns = recorded("rest_booking_conversation")
    return [golden_myna.say(BOOKING, turn["user"]) for turn in turns]


def test_every_turn_gets_the_recorded_replies(booked: list[list[dict[str, Any]]]) -> None:
    turns = recorded("rest_booking_conversation")
    for turn, replies in zip(turns, booked, strict=True):
        assert replies == turn["bot"], turn["user"]


def test_the_tracker_has_the_recorded_events(golden_myna: Myna, booked: object) -> None:
    _, expected = recorded("tracker_booking_all")
    body = golden_myna.tracker(BOOKING)
    assert shape(body) == shape(expected)
    assert essence(body["events"]) == essence(expected["events"])
    assert body["slots"] == expected["slots"]


def _api(myna: Myna, method: str, path: str, body: object = None) -> httpx.Response:
    return httpx.request(method, f"{myna.url}{path}", params=myna.params(), json=body, timeout=60)


@pytest.mark.parametrize(
    ("recording", "method", "path", "body"),
    [
        ("http_root", "GET", "/", None),
        ("http_version", "GET", "/version", None),
        ("http_status", "GET", "/status", None),
        ("http_parse", "POST", "/model/parse", {"text": "book a table for 4 people please"}),
        ("http_parse_empty", "POST", "/model/parse", {"text": ""}),
        ("tracker_unknown_conversation", "GET", "/conversations/never-seen/tracker", None),
    ],
)
def test_api_bodies_have_the_recorded_shape(
    golden_myna: Myna, recording: str, method: str, path: str, body: object
) -> None:
    status, expected = recorded(recording)
    response = _api(golden_myna, method, path, body)
    assert response.status_code == status
    answer = response.json() if isinstance(expected, dict) else response.text
    assert shape(answer) == shape(expected)


def test_parse_gets_the_recorded_intent_and_entity(golden_myna: Myna) -> None:
    _, expected = recorded("http_parse")
    body = _api(golden_myna, "POST", "/model/parse", {"text": expected["text"]}).json()
    assert body["intent"]["name"] == expected["intent"]["name"]
    assert [(e["entity"], e["value"]) for e in body["entities"]] == [("party_size", "4")]


def test_conversation_api_in_the_recorded_order(golden_myna: Myna) -> None:
    """trigger greet (fresh id), append a slot, predict, log "hello", execute utter_goodbye."""
    calls = {
        "http_trigger_intent": ("trigger_intent", {"name": "greet"}),
        "http_append_event": ("tracker/events", CUISINE_SET),
        "http_predict": ("predict", None),
        "http_messages": ("messages", {"text": "hello", "sender": "user"}),
        "http_execute": ("execute", {"name": "utter_goodbye"}),
    }
    for recording, (route, body) in calls.items():
        status, expected = recorded(recording)
        response = _api(golden_myna, "POST", f"/conversations/{TRIGGER}/{route}", body)
        assert response.status_code == status, recording
        answer = response.json()
        assert shape(answer) == shape(expected), recording
        tracker, wanted = answer.get("tracker", answer), expected.get("tracker", expected)
        assert shape(tracker) == shape(wanted), recording
        assert _session(tracker) == _session(wanted), recording
        assert answer.get("messages") == expected.get("messages"), recording
        assert _top_action(answer) == _top_action(expected), recording


def _session(tracker: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The latest session's events (Rasa's SQL store loads a conversation from there)."""
    events = essence(tracker["events"])
    starts = [i for i, event in enumerate(events) if event[0] == "session_started"]
    return events[starts[-1] if starts else 0 :]


def _top_action(body: dict[str, Any]) -> str | None:
    return body["scores"][0]["action"] if "scores" in body else None


def _error(myna: Myna, token: str | None, content: bytes = b'{"text": "hi"}') -> httpx.Response:
    params = {"token": token} if token else {}
    url = f"{myna.url}/model/parse"
    return httpx.post(url, params=params, content=content, headers={"Content-Type": "x/json"})


def test_error_bodies_have_the_recorded_shape(golden_myna: Myna) -> None:
    """Myna answers malformed JSON with 400 where Rasa answers 500 (documented)."""
    answers = {
        "http_error_no_token": _error(golden_myna, None),
        "http_error_bad_token": _error(golden_myna, "wrong"),
        "http_error_malformed_json": _error(golden_myna, TOKEN, b'{"text": '),
        "http_error_unknown_route": httpx.get(f"{golden_myna.url}/nope"),
    }
    for recording, response in answers.items():
        status, expected = recorded(recording)
        wanted = 400 if recording == "http_error_malformed_json" else status
        assert response.status_code == wanted, recording
        assert shape(response.json()) == shape(expected), recording
