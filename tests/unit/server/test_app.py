"""The app factory: health routes, unknown routes, CORS, body size limit, docs, settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from server_fakes import FakeAssistant, golden, local_client, make_app
from starlette.testclient import TestClient

from myna.server import ServerSettings


def test_root_says_hello_like_rasa(client: TestClient) -> None:
    status, body = golden("http_root")
    response = client.get("/")
    assert (response.status_code, response.text) == (status, body)
    assert response.headers["content-type"].startswith("text/plain")


def test_version_matches_the_recording(client: TestClient) -> None:
    status, body = golden("http_version")
    response = client.get("/version")
    assert (response.status_code, response.json()) == (status, body)


def test_rest_channel_health(client: TestClient) -> None:
    response = client.get("/webhooks/rest/")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_unknown_route_answers_the_recorded_404_body(client: TestClient) -> None:
    status, body = golden("http_error_unknown_route")
    response = client.get("/nope")
    assert (response.status_code, response.json()) == (status, body)


def test_wrong_method_answers_405_in_the_same_shape(client: TestClient) -> None:
    response = client.get("/webhooks/rest/webhook")
    assert response.status_code == 405
    assert response.json() == {
        "description": "Method Not Allowed",
        "message": "Method GET not allowed for URL /webhooks/rest/webhook",
        "status": 405,
    }


def test_http_api_is_off_unless_enabled(assistant: FakeAssistant) -> None:
    client = local_client(make_app(assistant, enable_api=False))
    assert client.get("/status").status_code == 404
    assert client.post("/webhooks/rest/webhook", json={"message": "hello"}).status_code == 200


def test_cors_headers_are_absent_by_default(client: TestClient) -> None:
    response = client.get("/version", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/webhooks/rest/webhook",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_configured_origins(assistant: FakeAssistant) -> None:
    client = local_client(make_app(assistant, cors_origins=["https://chat.example.org"]))
    allowed = client.get("/version", headers={"Origin": "https://chat.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://chat.example.org"
    other = client.get("/version", headers={"Origin": "https://evil.example.org"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/webhooks/rest/webhook",
        headers={"Origin": "https://chat.example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://chat.example.org"
    turn = client.post(
        "/webhooks/rest/webhook",
        json={"message": "hello"},
        headers={"Origin": "https://chat.example.org"},
    )
    assert turn.headers["access-control-allow-origin"] == "https://chat.example.org"


def test_body_over_the_limit_is_refused_with_413_json(client: TestClient) -> None:
    limit = ServerSettings().max_body_bytes
    assert limit == 1024 * 1024
    response = client.post("/webhooks/rest/webhook", content=b"x" * (limit + 1))
    assert response.status_code == 413
    assert response.json() == {
        "version": "3.6.21",
        "status": "failure",
        "message": f"The request body is larger than {limit} bytes.",
        "reason": "PayloadTooLarge",
        "details": {"max_body_bytes": limit},
        "help": None,
        "code": 413,
    }


def test_chunked_body_over_the_limit_is_refused(assistant: FakeAssistant) -> None:
    client = local_client(make_app(assistant, max_body_bytes=10))
    chunks = iter([b'{"message":', b' "hello world"}'])
    response = client.post("/webhooks/rest/webhook", content=chunks)
    assert response.status_code == 413
    small = client.post("/webhooks/rest/webhook", content=iter([b"{}"]))
    assert (small.status_code, small.json()) == (200, [])


def test_body_at_the_limit_is_accepted(assistant: FakeAssistant) -> None:
    body = b'{"message": "hello"}'
    client = local_client(make_app(assistant, max_body_bytes=len(body)))
    assert client.post("/webhooks/rest/webhook", content=body).status_code == 200


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/webhooks/rest/webhook" in paths
    assert "/conversations/{conversation_id}/tracker" in paths
    webhook_body = paths["/webhooks/rest/webhook"]["post"]["requestBody"]
    assert webhook_body["content"]["application/json"]["schema"]["title"] == "RestMessage"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYNA_SERVER_PORT", "6006")
    monkeypatch.setenv("MYNA_SERVER_AUTH_TOKEN", "s3cret")
    monkeypatch.setenv("MYNA_SERVER_CORS_ORIGINS", '["https://a.example"]')
    settings = ServerSettings()
    assert settings.port == 6006
    assert settings.auth_token is not None
    assert settings.auth_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert settings.cors_origins == ["https://a.example"]


def test_settings_defaults_follow_rasa_run() -> None:
    settings = ServerSettings()
    assert (settings.interface, settings.port, settings.enable_api) == ("0.0.0.0", 5005, False)
    assert (settings.auth_token, settings.jwt_secret, settings.jwt_method) == (None, None, "HS256")
    assert (settings.cors_origins, settings.response_timeout) == ([], 3600.0)


def test_settings_refuse_a_blank_token() -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        ServerSettings(auth_token=" ")


@pytest.mark.parametrize("method", ["none", "XS999"])
def test_settings_refuse_an_unusable_jwt_method(method: str) -> None:
    with pytest.raises(ValidationError, match="unsupported JWT method"):
        ServerSettings(jwt_method=method)


def test_shutdown_closes_the_assistant(assistant: FakeAssistant) -> None:
    with local_client(make_app(assistant)) as client:
        client.get("/webhooks/rest/")
        assert ("close", ()) not in assistant.calls
    assert assistant.calls[-1] == ("close", ())
