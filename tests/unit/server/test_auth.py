"""HTTP API authentication: `?token=`, JWT bearer tokens, and the recorded error bodies."""

from __future__ import annotations

import time

import jwt
import pytest
from server_fakes import FakeAssistant, golden, local_client, make_app
from starlette.testclient import TestClient

TOKEN = "golden-secret"
JWT_SECRET = "jwt-secret-with-enough-length-for-hs256"
NOT_AUTHORIZED = {
    "version": "3.6.21",
    "status": "failure",
    "message": "User has insufficient permissions.",
    "reason": "NotAuthorized",
    "details": {},
    "help": "https://rasa.com/docs/rasa/user-guide/configuring-http-api/#security-considerations",
    "code": 403,
}


def _bearer(payload: dict[str, object], secret: str = JWT_SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(payload, secret, algorithm='HS256')}"}


def _user(username: str, role: str) -> dict[str, object]:
    return {"user": {"username": username, "role": role}}


@pytest.fixture
def secured(assistant: FakeAssistant) -> TestClient:
    return local_client(make_app(assistant, auth_token=TOKEN, jwt_secret=JWT_SECRET))


def test_no_token_answers_the_recorded_401(secured: TestClient) -> None:
    status, body = golden("http_error_no_token")
    response = secured.get("/status")
    assert (response.status_code, response.json()) == (status, body)


def test_bad_token_answers_the_recorded_401(secured: TestClient) -> None:
    status, body = golden("http_error_bad_token")
    response = secured.get("/status", params={"token": "wrong"})
    assert (response.status_code, response.json()) == (status, body)


def test_token_in_the_query_is_accepted(secured: TestClient) -> None:
    assert secured.get("/status", params={"token": TOKEN}).status_code == 200
    tracker = secured.get("/conversations/anyone/tracker", params={"token": TOKEN})
    assert tracker.status_code == 200


def test_public_routes_and_channel_need_no_token(secured: TestClient) -> None:
    assert secured.get("/").status_code == 200
    assert secured.get("/version").status_code == 200
    assert secured.post("/webhooks/rest/webhook", json={"message": "hello"}).status_code == 200


def test_admin_jwt_may_call_every_endpoint(secured: TestClient) -> None:
    headers = _bearer(_user("boss", "admin"))
    assert secured.get("/status", headers=headers).status_code == 200
    assert secured.get("/conversations/someone/tracker", headers=headers).status_code == 200


def test_user_jwt_may_only_use_its_own_conversation(secured: TestClient) -> None:
    headers = _bearer(_user("alice", "user"))
    assert secured.get("/conversations/alice/tracker", headers=headers).status_code == 200
    other = secured.get("/conversations/bob/tracker", headers=headers)
    assert (other.status_code, other.json()) == (403, NOT_AUTHORIZED)
    status = secured.get("/status", headers=headers)
    assert (status.status_code, status.json()) == (403, NOT_AUTHORIZED)


def test_jwt_without_a_known_role_is_forbidden(secured: TestClient) -> None:
    response = secured.get("/conversations/alice/tracker", headers=_bearer({"sub": "alice"}))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        _bearer(_user("boss", "admin"), secret="another-secret-of-sufficient-length"),
        _bearer({**_user("boss", "admin"), "exp": int(time.time()) - 60}),
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Basic {TOKEN}"},
    ],
    ids=["wrong-signature", "expired", "garbage", "not-bearer"],
)
def test_invalid_jwt_is_not_authenticated(secured: TestClient, headers: dict[str, str]) -> None:
    status, body = golden("http_error_no_token")
    response = secured.get("/status", headers=headers)
    assert (response.status_code, response.json()) == (status, body)


def test_jwt_only_server_ignores_query_tokens(assistant: FakeAssistant) -> None:
    client = local_client(make_app(assistant, jwt_secret=JWT_SECRET))
    assert client.get("/status", params={"token": TOKEN}).status_code == 401
    assert client.get("/status", headers=_bearer(_user("x", "admin"))).status_code == 200


def test_open_server_needs_no_credentials(client: TestClient) -> None:
    assert client.get("/status").status_code == 200


@pytest.mark.parametrize(("host", "status"), [("127.0.0.1", 200), ("::1", 200), ("10.0.0.7", 403)])
def test_without_credentials_only_local_clients_are_served(
    assistant: FakeAssistant, host: str, status: int
) -> None:
    client = TestClient(make_app(assistant), client=(host, 40000))
    response = client.get("/status")
    assert response.status_code == status
    if status == 403:
        assert response.json()["reason"] == "NotAuthorized"
        assert "local clients only" in response.json()["message"]
    assert client.post("/webhooks/rest/webhook", json={"message": "hello"}).status_code == 200
