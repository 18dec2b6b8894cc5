"""The action server app (`create_action_app`), called in-process over ASGI."""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Any

import golden_bot_actions
import httpx
import pytest

from myna.actions import ActionNotFound, ActionRejected, ActionResult, build_request
from myna.actions.server import create_action_app
from myna.actions.webhook import WebhookActionExecutor
from myna.events import ActionExecuted
from myna.project.domain import Domain
from myna.project.endpoints import EndpointConfig
from myna.project.errors import Source
from myna.sdk import Action, ActionExecutionRejection, ActionExecutor
from myna.sdk.executor import CollectingDispatcher
from myna.sdk.types import DomainDict
from myna.tracker import Tracker as EngineTracker

BASE = "http://actions.test"
TRACKER = EngineTracker.from_events("u1", [ActionExecuted("action_listen")], {"visits": 0})


class Rejecting(Action):
    def name(self) -> str:
        return "action_rejecting"

    def run(self, dispatcher: CollectingDispatcher, tracker: Any, domain: DomainDict) -> list:
        raise ActionExecutionRejection(self.name())


class Crashing(Action):
    def name(self) -> str:
        return "action_crashing"

    def run(self, dispatcher: CollectingDispatcher, tracker: Any, domain: DomainDict) -> list:
        raise KeyError("missing thing")


def _registry() -> ActionExecutor:
    registry = ActionExecutor()
    registry.register_package(golden_bot_actions)
    registry.register_action(Rejecting)
    registry.register_action(Crashing)
    return registry


def _transport() -> httpx.ASGITransport:
    return httpx.ASGITransport(app=create_action_app(_registry()))


def _request(method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def call() -> httpx.Response:
        async with httpx.AsyncClient(transport=_transport(), base_url=BASE) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(call())


def _run_through_client(name: str, **options: Any) -> ActionResult:
    async def call() -> ActionResult:
        endpoint = EndpointConfig(source=Source("endpoints.yml", 1), url=f"{BASE}/webhook")
        async with WebhookActionExecutor(endpoint, transport=_transport(), **options) as client:
            return await client.run(name, TRACKER, Domain.build())

    return asyncio.run(call())


def test_health() -> None:
    response = _request("GET", "/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_action_list() -> None:
    assert _request("GET", "/actions").json() == [
        {"name": "validate_booking_form"},
        {"name": "action_confirm_booking"},
        {"name": "action_rejecting"},
        {"name": "action_crashing"},
    ]


@pytest.mark.parametrize("compress", [False, True])
def test_webhook_answers_the_client(compress: bool) -> None:
    result = _run_through_client("action_confirm_booking", compress=compress)
    assert result.events[0].to_dict()["value"] == 1
    assert result.responses[0]["text"] == "Booked a table for None (None)."


def test_rejection_body_and_client_mapping() -> None:
    body = build_request("action_rejecting", TRACKER, Domain.build(), send_domain=False)
    response = _request("POST", "/webhook", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "error": "Custom action 'action_rejecting' rejected execution.",
        "action_name": "action_rejecting",
    }
    with pytest.raises(ActionRejected):
        _run_through_client("action_rejecting")


def test_unknown_action_body_and_client_mapping() -> None:
    body = build_request("action_nope", TRACKER, Domain.build(), send_domain=False)
    response = _request("POST", "/webhook", json=body)
    assert response.status_code == 404
    assert response.json() == {
        "error": "No registered action found for name 'action_nope'.",
        "action_name": "action_nope",
    }
    with pytest.raises(ActionNotFound):
        _run_through_client("action_nope")


def test_crashing_action_is_a_500_with_the_request() -> None:
    body = build_request("action_crashing", TRACKER, Domain.build(), send_domain=False)
    response = _request("POST", "/webhook", json=body)
    assert response.status_code == 500
    assert response.json() == {"error": "'missing thing'", "request_body": body}


@pytest.mark.parametrize(
    ("content", "headers", "reason"),
    [
        (b"{not json", {}, "not JSON"),
        (b"[1, 2]", {}, "JSON object"),
        (b"{}", {}, "next_action"),
        (json.dumps({"next_action": "action_confirm_booking"}).encode(), {}, "tracker"),
        (b"plain", {"Content-Encoding": "deflate"}, "deflate"),
        (zlib.compress(b"{oops"), {"Content-Encoding": "deflate"}, "not JSON"),
    ],
)
def test_malformed_bodies_are_400(content: bytes, headers: dict[str, str], reason: str) -> None:
    response = _request("POST", "/webhook", content=content, headers=headers)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Invalid body request"
    assert reason in body["reason"]


def test_cors_only_for_configured_origins() -> None:
    async def preflight(origins: tuple[str, ...]) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_action_app(_registry(), cors_origins=origins))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            headers = {"Origin": "https://bot.example", "Access-Control-Request-Method": "POST"}
            return await client.options("/webhook", headers=headers)

    allowed = asyncio.run(preflight(("https://bot.example",)))
    assert allowed.headers["access-control-allow-origin"] == "https://bot.example"
    assert "access-control-allow-origin" not in asyncio.run(preflight(())).headers
