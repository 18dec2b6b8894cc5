"""`WebhookActionExecutor` against scripted HTTP answers (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import base64
import json
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from myna.actions import (
    ActionNotFound,
    ActionRejected,
    ActionResult,
    ActionServerError,
)
from myna.actions.webhook import WebhookActionExecutor, compression_requested
from myna.events import ActionExecuted, FollowupAction, SlotSet
from myna.project.domain import ActionDef, Domain
from myna.project.endpoints import EndpointConfig
from myna.project.errors import Source
from myna.tracker import Tracker

URL = "http://actions.test:5055/webhook"
DOMAIN = Domain.build(
    actions=[ActionDef("action_plain"), ActionDef("action_wants_domain", send_domain=True)]
)
TRACKER = Tracker.from_events("user-42", [ActionExecuted("action_listen")])
OK_BODY = {
    "events": [{"event": "slot", "timestamp": None, "name": "city", "value": "Rome"}],
    "responses": [{"text": "Sunny", "buttons": [], "custom": {}}],
}
Handler = Callable[[httpx.Request], httpx.Response]


def _endpoint(**options: Any) -> EndpointConfig:
    return EndpointConfig(source=Source("endpoints.yml", 1), url=URL, **options)


def _run(handler: Handler, name: str = "action_plain", **options: Any) -> ActionResult:
    endpoint_options = options.pop("endpoint", {})

    async def call() -> ActionResult:
        transport = httpx.MockTransport(handler)
        executor = WebhookActionExecutor(
            _endpoint(**endpoint_options), transport=transport, **options
        )
        async with executor:
            return await executor.run(name, TRACKER, DOMAIN)

    return asyncio.run(call())


def _answer(status: int, body: Any = None, content: bytes | None = None) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content)
        return httpx.Response(status, json=body)

    return handle


def test_success_reads_events_and_responses() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=OK_BODY)

    result = _run(handle, compress=False)
    assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [
        ("city", "Rome")
    ]
    assert result.responses == OK_BODY["responses"]
    (request,) = seen
    body = json.loads(request.content)
    assert body["next_action"] == "action_plain"
    assert body["sender_id"] == "user-42"
    assert body["tracker"]["events"][0]["name"] == "action_listen"
    assert body["domain"] == DOMAIN.as_dict()
    assert request.headers["content-type"] == "application/json"
    assert "content-encoding" not in request.headers


def test_endpoint_options_reach_the_request() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    options = {
        "params": {"env": "prod"},
        "headers": {"X-Team": "bots"},
        "basic_auth": {"username": "u", "password": "p"},
        "token": "s3cret",
        "token_name": "auth",
    }
    assert _run(handle, endpoint=options) == ActionResult([], [])
    (request,) = seen
    assert dict(request.url.params) == {"env": "prod", "auth": "s3cret"}
    assert request.headers["x-team"] == "bots"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


def test_compressed_body() -> None:
    bodies: list[dict[str, Any]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-encoding"] == "deflate"
        bodies.append(json.loads(zlib.decompress(request.content)))
        return httpx.Response(200, json=OK_BODY)

    _run(handle, compress=True)
    assert bodies[0]["next_action"] == "action_plain"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), ("1", True), ("false", False), ("", False)],
)
def test_compression_from_the_environment(value: str, expected: bool) -> None:
    assert compression_requested({"COMPRESS_ACTION_SERVER_REQUEST": value}) is expected
    assert compression_requested({}) is False


@pytest.mark.parametrize(
    ("name", "selective", "sent"),
    [
        ("action_plain", False, True),
        ("action_plain", True, False),
        ("action_wants_domain", True, True),
    ],
)
def test_selective_domain(name: str, selective: bool, sent: bool) -> None:
    has_domain: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        has_domain.append("domain" in json.loads(request.content))
        return httpx.Response(200, json={})

    _run(handle, name, endpoint={"kwargs": {"enable_selective_domain": selective}})
    assert has_domain == [sent]


def test_missing_domain_answer_repeats_the_call_with_the_domain() -> None:
    has_domain: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        has_domain.append("domain" in json.loads(request.content))
        if not has_domain[-1]:
            return httpx.Response(449, json={"error": "Missing domain", "action_name": "x"})
        return httpx.Response(200, json=OK_BODY)

    result = _run(handle, endpoint={"kwargs": {"enable_selective_domain": True}})
    assert has_domain == [False, True]
    assert len(result.events) == 1


def test_400_with_action_name_is_a_rejection() -> None:
    body = {"error": "Party too big", "action_name": "action_plain"}
    with pytest.raises(ActionRejected) as raised:
        _run(_answer(400, body))
    assert (raised.value.action_name, raised.value.message) == ("action_plain", "Party too big")


def test_400_without_action_name_is_a_failure() -> None:
    with pytest.raises(ActionServerError, match="HTTP 400"):
        _run(_answer(400, {"error": "Invalid body request"}))


def test_404_is_not_found() -> None:
    body = {"error": "No registered action found for name 'action_plain'.", "action_name": "x"}
    with pytest.raises(ActionNotFound):
        _run(_answer(404, body))


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (_answer(500, {"error": "boom", "request_body": {}}), "HTTP 500"),
        (_answer(200, content=b"<html>"), "not JSON"),
        (_answer(200, content=b"\xff\xfe\x00"), "not JSON"),
        (_answer(200, [1, 2]), "not a JSON object"),
        (_answer(200, {"events": {"event": "slot"}}), "'events' is not a list"),
        (_answer(200, {"events": [{"event": "slot", "name": "a"}]}), r"events\[0\] is invalid"),
        (_answer(200, {"events": [{"event": "teleport"}]}), "unknown event type"),
        (_answer(200, {"responses": ["hi"]}), r"responses\[0\] is not an object"),
    ],
)
def test_broken_answers_are_server_errors(handler: Handler, reason: str) -> None:
    with pytest.raises(ActionServerError, match=reason):
        _run(handler)


def test_invalid_event_rejects_the_whole_answer() -> None:
    body = {"events": [{"event": "followup", "name": "a"}, {"event": "slot", "name": "b"}]}
    with pytest.raises(ActionServerError, match=r"events\[1\]"):
        _run(_answer(200, body))
    result = _run(_answer(200, {"events": [{"event": "followup", "name": "a"}]}))
    assert isinstance(result.events[0], FollowupAction)


def _failing(error: Exception, calls: list[int]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise error

    return handle


def test_connection_errors_are_retried() -> None:
    calls: list[int] = []
    with pytest.raises(ActionServerError, match="after 3 attempts"):
        _run(_failing(httpx.ConnectError("refused"), calls), retries=2, backoff=0)
    assert len(calls) == 3


def test_a_retry_can_succeed() -> None:
    calls: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("connection reset")
        return httpx.Response(200, json=OK_BODY)

    assert len(_run(handle, retries=1, backoff=0).events) == 1


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (httpx.ReadTimeout("slow"), "no answer"),
        (httpx.ReadError("reset after sending"), "failed"),
        (httpx.RemoteProtocolError("disconnected"), "failed"),
    ],
)
def test_errors_after_sending_are_never_retried(error: Exception, reason: str) -> None:
    calls: list[int] = []
    with pytest.raises(ActionServerError, match=reason):
        _run(_failing(error, calls), retries=3, backoff=0)
    assert len(calls) == 1


def test_endpoint_needs_a_url() -> None:
    with pytest.raises(ValueError, match="url"):
        WebhookActionExecutor(EndpointConfig(source=Source("endpoints.yml", 1)))


def test_unreadable_cafile_is_reported(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="cafile"):
        WebhookActionExecutor(_endpoint(cafile=str(tmp_path / "missing.pem")))
