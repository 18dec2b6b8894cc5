"""Bad input over real HTTP, and an action server that is down.

`myna run` serves the golden bot with its action endpoint on a closed port, storing
conversations in `<cwd>/tracker.db` (the embedded default).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from action_servers import free_port
from golden_booking import essence
from servers import Myna, myna_run, recorded, write_endpoints

from myna.events import ActionExecuted, Event, UserUttered, events_from_list
from myna.stores.factory import sqlite_store
from myna.tracker import ACTION_LISTEN

pytestmark = pytest.mark.integration

TOKEN = "secret"
WEBHOOK = "/webhooks/rest/webhook"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad-input")


@pytest.fixture(scope="module")
def myna(golden_model: Path, workdir: Path) -> Iterator[Myna]:
    closed_port = free_port()  # nothing listens there
    options = ["--endpoints", str(write_endpoints(workdir, closed_port))]
    with myna_run(golden_model, workdir, options, TOKEN) as server:
        yield server


def _post(myna: Myna, content: bytes) -> httpx.Response:
    return httpx.post(f"{myna.url}{WEBHOOK}", content=content, headers=JSON, timeout=60)


def test_malformed_json_is_a_bad_request(myna: Myna) -> None:
    response = _post(myna, b'{"sender": "x", "message": ')
    assert response.status_code == 400
    assert response.json()["reason"] == "BadRequest"


def test_missing_sender_is_the_default_conversation(myna: Myna) -> None:
    response = _post(myna, b'{"message": "hello"}')
    assert response.json() == [{"recipient_id": "default", "text": "Hello! Want to book a table?"}]


def test_a_body_over_one_megabyte_is_refused(myna: Myna, workdir: Path) -> None:
    text = "a" * (1024 * 1024 + 1)
    response = httpx.post(f"{myna.url}{WEBHOOK}", json={"sender": "big", "message": text})
    assert response.status_code == 413
    assert _stored(workdir, "big") == []  # nothing logged


def test_unknown_conversation_gets_an_empty_tracker(myna: Myna) -> None:
    _, expected = recorded("tracker_unknown_conversation")
    body = myna.tracker("never-seen")
    assert body.keys() == expected.keys()
    assert essence(body["events"]) == essence(expected["events"])
    assert (body["sender_id"], body["latest_message"]) == ("never-seen", expected["latest_message"])


def test_a_wrong_token_is_not_authenticated(myna: Myna) -> None:
    response = httpx.get(f"{myna.url}/conversations/x/tracker", params={"token": "wrong"})
    assert response.status_code == 401
    assert response.json()["reason"] == "NotAuthenticated"


def _stored(workdir: Path, sender: str) -> list[Event]:
    store = sqlite_store(workdir)
    try:
        return asyncio.run(store.retrieve(sender)) or []
    finally:
        store.close()


def test_a_down_action_server_loses_only_the_actions_events(myna: Myna, workdir: Path) -> None:
    """As in Rasa, a failed custom action counts as run with no events; the bot goes on."""
    assert myna.say("down", "I want to book a table") == []  # the form's validation failed
    stored = _stored(workdir, "down")
    turn = stored[max(i for i, e in enumerate(stored) if isinstance(e, UserUttered)) :]
    assert isinstance(turn[-1], ActionExecuted) and turn[-1].name == ACTION_LISTEN
    assert next(e.name for e in turn if isinstance(e, ActionExecuted)) == "booking_form"
    assert not [e for e in turn if e.to_dict()["event"] == "active_loop"]  # events lost
    greeting = myna.say("down", "hello")
    assert [reply["text"] for reply in greeting] == ["Hello! Want to book a table?"]
    stored = _stored(workdir, "down")
    assert essence(stored) == essence(events_from_list(myna.tracker("down")["events"]))
    assert isinstance(stored[-1], ActionExecuted) and stored[-1].name == ACTION_LISTEN
