"""The REST channel against the golden conversations."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from server_fakes import FakeAssistant, golden, local_client, make_app
from starlette.testclient import TestClient

from myna.server.ports import UserMessage
from myna.server.routers.rest_channel import WebhookFastPath

WEBHOOK = "/webhooks/rest/webhook"


def _sent(assistant: FakeAssistant) -> list[UserMessage]:
    return [args[0] for name, args in assistant.calls if name == "handle_message"]


@pytest.mark.parametrize("recording", ["rest_booking_conversation", "rest_button_payload"])
def test_replies_match_the_recorded_conversation(client: TestClient, recording: str) -> None:
    for turn in golden(recording):
        sender = turn["bot"][0]["recipient_id"]
        response = client.post(WEBHOOK, json={"sender": sender, "message": turn["user"]})
        assert (response.status_code, response.json()) == (turn["status"], turn["bot"])


def test_message_fields_reach_the_engine(client: TestClient, assistant: FakeAssistant) -> None:
    body = {
        "sender": "user-42",
        "message": "  hello \n",
        "metadata": {"locale": "de"},
        "input_channel": "web",
    }
    client.post(WEBHOOK, json=body)
    assert _sent(assistant) == [
        UserMessage("hello", "user-42", "web", metadata={"locale": "de"}),
    ]
    assert assistant.calls[0][1][1] == "collector"


def test_missing_sender_is_the_default_conversation(
    client: TestClient, assistant: FakeAssistant
) -> None:
    response = client.post(WEBHOOK, json={"message": "hello"})
    assert response.json()[0]["recipient_id"] == "default"
    assert _sent(assistant)[0].sender_id == "default"
    assert _sent(assistant)[0].input_channel == "rest"


def test_numeric_sender_and_form_content_type_are_accepted(
    client: TestClient, assistant: FakeAssistant
) -> None:
    response = client.post(
        WEBHOOK,
        content=json.dumps({"sender": 42, "message": "hello"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert _sent(assistant)[0].sender_id == "42"


def test_malformed_json_answers_400_in_rasas_error_shape(client: TestClient) -> None:
    _, recorded = golden("http_error_malformed_json")
    response = client.post(WEBHOOK, content=b'{"sender": "x", "message": ')
    assert response.status_code == 400
    body = response.json()
    assert body.keys() == recorded.keys()
    assert body["reason"] == "BadRequest"
    assert body["message"].startswith("Failed when parsing body as json")
    assert (body["status"], body["code"], body["version"]) == ("failure", 400, recorded["version"])


def test_invalid_body_answers_400(client: TestClient) -> None:
    response = client.post(WEBHOOK, json={"sender": "x", "metadata": "not an object"})
    assert response.status_code == 400
    assert "metadata" in response.json()["message"]


def test_engine_failure_still_answers_200(client: TestClient, assistant: FakeAssistant) -> None:
    assistant.failure = RuntimeError("boom")
    response = client.post(WEBHOOK, json={"message": "hello"})
    assert (response.status_code, response.json()) == (200, [])


def test_timeout_answers_what_was_collected(assistant: FakeAssistant) -> None:
    async def slow(message: UserMessage, output_channel: str = "collector") -> list[Any]:
        await asyncio.sleep(5)
        return [{"text": "too late"}]

    assistant.handle_message = slow  # type: ignore[method-assign]
    client = local_client(make_app(assistant, response_timeout=0.01))
    response = client.post(WEBHOOK, json={"message": "hello"})
    assert (response.status_code, response.json()) == (200, [])


def test_stream_sends_json_lines(client: TestClient, assistant: FakeAssistant) -> None:
    response = client.post(WEBHOOK, params={"stream": "TRUE"}, json={"message": "50 people"})
    assert response.headers["content-type"].startswith("text/event-stream")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["text"] for line in lines] == [
        "Party size must be between 1 and 20.",
        "For how many people?",
    ]
    assert assistant.calls[0][1][1] == "queue"


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"sender": "s1", "message": "hello"}).encode(),
        b'{"sender": "x", "message": ',
        json.dumps({"sender": "x", "metadata": "not an object"}).encode(),
        b"[1, 2]",
    ],
)
def test_fast_path_and_routed_webhook_answer_alike(
    client: TestClient, assistant: FakeAssistant, content: bytes
) -> None:
    """A query string sends the request through FastAPI's route instead of the fast path."""
    fast = client.post(WEBHOOK, content=content)
    fast_calls = list(assistant.calls)
    routed = client.post(WEBHOOK, params={"stream": "false"}, content=content)
    assert (fast.status_code, fast.json()) == (routed.status_code, routed.json())
    assert fast.headers["content-type"] == routed.headers["content-type"]
    assert assistant.calls == fast_calls * 2


def test_fast_path_answers_with_the_assistant_the_app_holds_now(
    client: TestClient, assistant: FakeAssistant
) -> None:
    replacement = FakeAssistant()
    client.app.state.assistant = replacement  # type: ignore[attr-defined]
    client.post(WEBHOOK, json={"message": "hello"})
    assert assistant.calls == []
    assert [name for name, _ in replacement.calls] == ["handle_message"]


def test_only_plain_webhook_posts_take_the_fast_path(assistant: FakeAssistant) -> None:
    app = make_app(assistant)
    passed_on: list[str] = []

    async def downstream(scope: Any, receive: Any, send: Any) -> None:
        passed_on.append(f"{scope['method']} {scope['path']}?{scope['query_string'].decode()}")
        await app(scope, receive, send)

    fast_path = WebhookFastPath(downstream)

    async def entry(scope: Any, receive: Any, send: Any) -> None:
        scope["app"] = app
        await fast_path(scope, receive, send)

    client = local_client(entry)  # type: ignore[arg-type]
    assert client.post(WEBHOOK, json={"message": "hi"}).status_code == 200
    assert client.post(WEBHOOK, params={"stream": "true"}, json={"message": "hi"}).is_success
    assert client.get("/webhooks/rest/").status_code == 200
    assert passed_on == [f"POST {WEBHOOK}?stream=true", "GET /webhooks/rest/?"]
    assert len(assistant.calls) == 2
