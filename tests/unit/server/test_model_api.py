"""`/status`, `/model/parse` and `/domain` against the recordings."""

from __future__ import annotations

import pytest
import yaml
from server_fakes import FakeAssistant, golden
from starlette.testclient import TestClient

JSON = {"Accept": "application/json"}


def test_status_matches_the_recording(client: TestClient) -> None:
    status, body = golden("http_status")
    response = client.get("/status")
    assert (response.status_code, response.json()) == (status, body)


@pytest.mark.parametrize(
    ("recording", "text"),
    [("http_parse", "book a table for 4 people please"), ("http_parse_empty", "")],
)
def test_parse_returns_the_nlu_result(
    client: TestClient, assistant: FakeAssistant, recording: str, text: str
) -> None:
    status, body = golden(recording)
    response = client.post("/model/parse", json={"text": text, "message_id": "ignored"})
    assert (response.status_code, response.json()) == (status, body)
    assert assistant.calls == [("parse", (text,))]


@pytest.mark.parametrize("content", [b"", b"{}", b'{"text": '], ids=["empty", "no-text", "broken"])
def test_parse_without_text_is_a_bad_request(client: TestClient, content: bytes) -> None:
    response = client.post("/model/parse", content=content)
    assert response.status_code == 400
    assert response.json()["reason"] == "BadRequest"


def test_parse_failure_is_a_parsing_error(client: TestClient, assistant: FakeAssistant) -> None:
    assistant.failure = ValueError("no model")
    response = client.post("/model/parse", json={"text": "hi"})
    assert response.status_code == 500
    assert response.json() | {"version": "-"} == {
        "version": "-",
        "status": "failure",
        "message": "An unexpected error occurred. Error: no model",
        "reason": "ParsingError",
        "details": {},
        "help": None,
        "code": 500,
    }


@pytest.mark.parametrize("accept", ["application/json", "text/json", None])
def test_domain_as_json_matches_the_recording_shape(client: TestClient, accept: str | None) -> None:
    status, recorded = golden("http_domain")
    if accept is None:
        del client.headers["accept"]
    response = client.get("/domain", headers={"Accept": accept} if accept else {})
    body = response.json()
    assert response.status_code == status
    assert body.keys() == recorded.keys()
    for key in ("intents", "entities", "forms", "responses", "session_config", "version"):
        assert body[key] == recorded[key], key
    assert sorted(body["actions"]) == sorted(recorded["actions"])


@pytest.mark.parametrize("accept", ["application/x-yml", "application/yaml"])
def test_domain_as_yaml(client: TestClient, accept: str) -> None:
    response = client.get("/domain", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-yaml")
    assert yaml.safe_load(response.text) == client.get("/domain", headers=JSON).json()


@pytest.mark.parametrize("accept", ["*/*", "text/html"])
def test_domain_with_another_accept_header_is_406(client: TestClient, accept: str) -> None:
    response = client.get("/domain", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.json()["reason"] == "NotAcceptable"
