"""DucklingEntityExtractor against a real stand-in HTTP server on a loopback port."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from nlu_helpers import build

from myna.nlu.extractors.duckling import URL_VARIABLE, DucklingEntityExtractor
from myna.nlu.message import Message
from myna.project.errors import ProjectError

TEXT = "2 pizzas tomorrow at 8pm or from 9 to 10"
TIME_VALUE = {
    "values": [{"value": "2024-05-02T20:00:00.000+02:00", "grain": "hour", "type": "value"}],
    "value": "2024-05-02T20:00:00.000+02:00",
    "grain": "hour",
    "type": "value",
}
INTERVAL = {
    "type": "interval",
    "from": {"value": "2024-05-01T09:00:00.000+02:00", "grain": "hour"},
    "to": {"value": "2024-05-01T11:00:00.000+02:00", "grain": "hour"},
}
MATCHES = [
    {"body": "2", "start": 0, "end": 1, "dim": "number", "latent": False,
     "value": {"value": 2, "type": "value"}},
    {"body": "tomorrow at 8pm", "start": 9, "end": 24, "dim": "time", "latent": False,
     "value": TIME_VALUE},
    {"body": "from 9 to 10", "start": 28, "end": 40, "dim": "time", "latent": False,
     "value": INTERVAL},
]  # fmt: skip


@dataclass
class StandIn:
    """What the fake Duckling answers, and the form fields it was sent."""

    body: bytes = json.dumps(MATCHES).encode()
    status: int = 200
    delay: float = 0.0
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            stand_in.requests.append((self.path, form))
            time.sleep(stand_in.delay)
            self.send_response(stand_in.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(stand_in.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return Handler


@pytest.fixture
def duckling() -> Iterator[tuple[str, StandIn]]:
    stand_in = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", stand_in
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _extract(url: str, text: str = TEXT, **options: Any) -> list[dict[str, Any]]:
    extractor = build(DucklingEntityExtractor, url=url, **options)
    message = Message(text)
    extractor.process(message)
    return message.entities


def test_posts_rasa_form_fields_to_parse(duckling: tuple[str, StandIn]) -> None:
    url, stand_in = duckling
    before = int(time.time()) * 1000
    _extract(url + "/", dimensions=["time"], locale="de_DE", timezone="Europe/Berlin")
    ((path, form),) = stand_in.requests
    assert path == "/parse"
    assert form.keys() == {"text", "locale", "tz", "dims", "reftime"}
    assert form["text"] == [TEXT] and form["locale"] == ["de_DE"]
    assert form["tz"] == ["Europe/Berlin"] and json.loads(form["dims"][0]) == ["time"]
    assert before <= int(form["reftime"][0]) <= int(time.time()) * 1000


def test_unset_options_are_not_sent(duckling: tuple[str, StandIn]) -> None:
    url, stand_in = duckling
    _extract(url)
    ((_, form),) = stand_in.requests
    assert form.keys() == {"text", "reftime"}


def test_matches_become_rasa_entities(duckling: tuple[str, StandIn]) -> None:
    url, _ = duckling
    number, moment, interval = _extract(url)
    assert number == {
        "start": 0,
        "end": 1,
        "text": "2",
        "value": 2,
        "confidence": 1.0,
        "additional_info": {"value": 2, "type": "value"},
        "entity": "number",
        "extractor": "DucklingEntityExtractor",
    }
    assert moment["value"] == "2024-05-02T20:00:00.000+02:00"
    assert moment["additional_info"] == TIME_VALUE
    assert (moment["start"], moment["end"], moment["entity"]) == (9, 24, "time")
    assert interval["value"] == {
        "to": "2024-05-01T11:00:00.000+02:00",
        "from": "2024-05-01T09:00:00.000+02:00",
    }
    assert TEXT[interval["start"] : interval["end"]] == interval["text"]


def test_an_open_interval_has_a_null_end(duckling: tuple[str, StandIn]) -> None:
    url, stand_in = duckling
    after = {"type": "interval", "from": {"value": "2024-05-01T09:00:00.000+02:00"}}
    stand_in.body = json.dumps([{**MATCHES[2], "value": after}]).encode()
    (entity,) = _extract(url)
    assert entity["value"] == {"to": None, "from": "2024-05-01T09:00:00.000+02:00"}


def test_dimensions_filter_the_answer(duckling: tuple[str, StandIn]) -> None:
    url, _ = duckling
    assert [e["entity"] for e in _extract(url, dimensions=["time"])] == ["time", "time"]
    assert [e["entity"] for e in _extract(url, dimensions=None)] == ["number", "time", "time"]


def test_server_down_logs_one_warning_and_adds_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "myna.nlu.extractors.duckling"):
        entities = _extract(f"http://127.0.0.1:{_closed_port()}")
    assert entities == []
    (record,) = caplog.records
    assert "Duckling at http://127.0.0.1" in record.getMessage()


def test_slow_server_times_out(
    duckling: tuple[str, StandIn], caplog: pytest.LogCaptureFixture
) -> None:
    url, stand_in = duckling
    stand_in.delay = 1.0
    start = time.perf_counter()
    with caplog.at_level(logging.WARNING, "myna.nlu.extractors.duckling"):
        assert _extract(url, timeout=0.2) == []
    assert time.perf_counter() - start < 0.9
    assert len(caplog.records) == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b"<html>not json</html>"),
        (200, b'{"error": "no such dim"}'),
        (200, b'[{"dim": "time"}]'),
        (500, b"[]"),
    ],
)
def test_garbage_answers_add_nothing(
    duckling: tuple[str, StandIn], caplog: pytest.LogCaptureFixture, status: int, body: bytes
) -> None:
    url, stand_in = duckling
    stand_in.status, stand_in.body = status, body
    with caplog.at_level(logging.WARNING, "myna.nlu.extractors.duckling"):
        assert _extract(url) == []
    assert len(caplog.records) == 1


def test_empty_text_asks_nothing(duckling: tuple[str, StandIn]) -> None:
    url, stand_in = duckling
    assert _extract(url, text="  ") == []
    assert stand_in.requests == []


def test_environment_url_overrides_the_option(
    duckling: tuple[str, StandIn], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, stand_in = duckling
    monkeypatch.setenv(URL_VARIABLE, url)
    assert len(_extract(f"http://127.0.0.1:{_closed_port()}")) == 3
    assert len(stand_in.requests) == 1


def test_url_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    with pytest.raises(ProjectError, match="option 'url' of DucklingEntityExtractor"):
        build(DucklingEntityExtractor)
