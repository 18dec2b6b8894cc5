"""The protocol against shared/golden/rasa-3.6/action_server_exchanges.json.

Every request Rasa 3.6 sent to the recording action server is rebuilt from its own
tracker events: `build_request` must produce the recorded body exactly (nothing is
excluded: the version is Rasa's and the timestamps are the recorded ones). The
in-process SDK, running the golden bot's actions, must answer what the server answered.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import golden_bot_actions
import pytest
from shared_paths import golden_dir, shared_dir

from myna.actions import ActionResult, build_request, parse_response
from myna.actions.in_process import InProcessActionExecutor
from myna.events import events_from_list
from myna.project.domain import Domain, load_domain
from myna.tracker import Tracker

EXCHANGES = json.loads((golden_dir() / "action_server_exchanges.json").read_text())
IDS = [f"{i}-{x['request']['next_action']}" for i, x in enumerate(EXCHANGES)]


@pytest.fixture(scope="module")
def domain() -> Domain:
    problems: list[Any] = []
    loaded = load_domain(shared_dir() / "golden" / "bot" / "domain.yml", problems)
    assert problems == []
    return loaded


def _tracker(request: dict[str, Any], domain: Domain) -> Tracker:
    events = events_from_list(request["tracker"]["events"])
    return Tracker.from_events(request["sender_id"], events, domain.slot_initial_values())


def _comparable(result: ActionResult) -> dict[str, Any]:
    """Events without timestamps (the engine stamps them on apply) and responses without
    empty keys (the engine drops `buttons: []`, `custom: {}`, null `text` ...)."""
    events = [{k: v for k, v in e.to_dict().items() if k != "timestamp"} for e in result.events]
    responses = [{k: v for k, v in r.items() if v not in (None, [], {})} for r in result.responses]
    return {"events": events, "responses": responses}


def test_every_exchange_succeeded() -> None:
    assert len(EXCHANGES) == 9
    assert {(x["path"], x["status"]) for x in EXCHANGES} == {("/webhook", 200)}


@pytest.mark.parametrize("exchange", EXCHANGES, ids=IDS)
def test_build_request_reproduces_the_recorded_body(
    exchange: dict[str, Any], domain: Domain
) -> None:
    recorded = exchange["request"]
    tracker = _tracker(recorded, domain)
    body = build_request(recorded["next_action"], tracker, domain, send_domain=True)
    assert json.loads(json.dumps(body)) == recorded


def test_without_the_domain_the_key_is_absent(domain: Domain) -> None:
    recorded = EXCHANGES[-1]["request"]
    body = build_request("action_confirm_booking", _tracker(recorded, domain), domain, False)
    assert "domain" not in body
    assert json.loads(json.dumps(body)) == {k: v for k, v in recorded.items() if k != "domain"}


@pytest.mark.parametrize("exchange", EXCHANGES, ids=IDS)
def test_recorded_answers_parse(exchange: dict[str, Any]) -> None:
    result = parse_response(exchange["request"]["next_action"], exchange["response"])
    assert [e.to_dict()["event"] for e in result.events] == ["slot"] * len(result.events)


@pytest.mark.parametrize("exchange", EXCHANGES, ids=IDS)
def test_in_process_sdk_answers_like_the_recording_server(
    exchange: dict[str, Any], domain: Domain
) -> None:
    request = exchange["request"]
    executor = InProcessActionExecutor.from_package(golden_bot_actions)
    result = asyncio.run(executor.run(request["next_action"], _tracker(request, domain), domain))
    expected = parse_response(request["next_action"], exchange["response"])
    assert _comparable(result) == _comparable(expected)
