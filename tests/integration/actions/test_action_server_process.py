"""`myna run actions` in a real uvicorn process, called by the webhook client over HTTP.

Also the client against servers that fail: a closed port, an HTTP server answering
garbage, and a server that accepts the connection but never answers.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import restaurant_turns
from action_servers import LOOPBACK, endpoint, free_port, serving
from restaurant_turns import PARTY_SIZE_ERROR

from myna.actions import ActionNotFound, ActionRejected, ActionResult, ActionServerError
from myna.actions.webhook import WebhookActionExecutor
from myna.events import SlotSet
from myna.project.domain import Domain
from myna.tracker import Tracker

pytestmark = pytest.mark.integration

MYNA = Path(sys.executable).with_name("myna")
REJECTING_MODULE = """
from myna.sdk import Action, ActionExecutionRejection


class ActionAlwaysRejects(Action):
    def name(self):
        return "action_always_rejects"

    def run(self, dispatcher, tracker, domain):
        raise ActionExecutionRejection(self.name(), "Not today.")
"""


@pytest.fixture(scope="module")
def myna_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The restaurant actions (on myna.sdk) plus a rejecting action, on a free port."""
    project = tmp_path_factory.mktemp("project")
    restaurant_turns.myna_sdk_copy(project / "actions")
    (project / "actions" / "rejecting.py").write_text(REJECTING_MODULE)
    port = free_port()
    command = [str(MYNA), "run", "actions", "--actions", "actions", "-p", str(port)]
    with serving([*command, "--interface", LOOPBACK], project, port, startup=30):
        yield port


def _call(port: int, name: str, tracker: Tracker, domain: Domain, **kw: float) -> ActionResult:
    async def call() -> ActionResult:
        async with WebhookActionExecutor(endpoint(port), **kw) as executor:
            return await executor.run(name, tracker, domain)

    return asyncio.run(call())


def test_health_and_action_list(myna_server: int) -> None:
    base = f"http://{LOOPBACK}:{myna_server}"
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    names = {item["name"] for item in httpx.get(f"{base}/actions").json()}
    assert {"validate_restaurant_booking_form", "action_always_rejects"} <= names


def test_validation_over_http(myna_server: int, restaurant_domain: Domain) -> None:
    name = "validate_restaurant_booking_form"
    rejected = _call(
        myna_server, name, restaurant_turns.form_turn(restaurant_domain, "50"), restaurant_domain
    )
    assert [(e.name, e.value) for e in rejected.events] == [("party_size", None)]
    assert [r["text"] for r in rejected.responses] == [PARTY_SIZE_ERROR]
    accepted = _call(
        myna_server, name, restaurant_turns.form_turn(restaurant_domain, "4"), restaurant_domain
    )
    assert [(e.name, e.value) for e in accepted.events] == [("party_size", 4)]


def test_rejection_is_a_400(myna_server: int, restaurant_domain: Domain) -> None:
    tracker = restaurant_turns.filled_form(restaurant_domain)
    with pytest.raises(ActionRejected) as raised:
        _call(myna_server, "action_always_rejects", tracker, restaurant_domain)
    assert raised.value.message == "Not today."


def test_unknown_action_is_a_404(myna_server: int, restaurant_domain: Domain) -> None:
    tracker = restaurant_turns.filled_form(restaurant_domain)
    with pytest.raises(ActionNotFound):
        _call(myna_server, "action_nobody_wrote", tracker, restaurant_domain)


def test_compressed_request(myna_server: int, restaurant_domain: Domain) -> None:
    async def call() -> ActionResult:
        async with WebhookActionExecutor(endpoint(myna_server), compress=True) as executor:
            tracker = restaurant_turns.filled_form(restaurant_domain)
            return await executor.run("action_make_reservation", tracker, restaurant_domain)

    result = asyncio.run(call())
    assert result.responses[0]["response"] == "utter_booking_summary"
    assert isinstance(result.events[0], SlotSet)


def test_server_down_fails_after_retries(restaurant_domain: Domain) -> None:
    tracker = restaurant_turns.filled_form(restaurant_domain)
    with pytest.raises(ActionServerError) as raised:
        _call(
            free_port(),
            "action_make_reservation",
            tracker,
            restaurant_domain,
            retries=2,
            backoff=0.01,
        )
    assert "after 3 attempts" in raised.value.reason


class _GarbageHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>definitely not an action answer</html>")

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


def test_garbage_answer_is_a_server_error(restaurant_domain: Domain) -> None:
    server = ThreadingHTTPServer((LOOPBACK, 0), _GarbageHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tracker = restaurant_turns.filled_form(restaurant_domain)
        with pytest.raises(ActionServerError) as raised:
            _call(server.server_address[1], "action_make_reservation", tracker, restaurant_domain)
    finally:
        server.shutdown()
        server.server_close()
    assert "not JSON" in raised.value.reason


def test_timeout_is_final_and_never_repeated(restaurant_domain: Domain) -> None:
    """A server that takes the request and never answers: one attempt only."""
    listener = socket.create_server((LOOPBACK, 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    tracker = restaurant_turns.filled_form(restaurant_domain)
    try:
        with pytest.raises(ActionServerError) as raised:
            _call(
                listener.getsockname()[1],
                "action_make_reservation",
                tracker,
                restaurant_domain,
                timeout=0.5,
            )
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
    assert "no answer" in raised.value.reason
    assert len(accepted) == 1
