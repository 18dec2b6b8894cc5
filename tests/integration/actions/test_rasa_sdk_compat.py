"""Myna's webhook client against the real rasa_sdk (the issue's acceptance test).

rasa-sdk pins its own grpcio/protobuf/sanic stack, so it cannot share Myna's venv: it is
installed once into its own venv under `<repo>/.cache/rasa-sdk-venv` (override with
MYNA_RASA_SDK_VENV) and reused while its marker file says the install completed. The
restaurant example is served from an unchanged copy with `python -m rasa_sdk`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import restaurant_turns
from action_servers import endpoint, free_port, serving
from restaurant_turns import PARTY_SIZE_ERROR

from myna.actions import ActionResult
from myna.actions.webhook import WebhookActionExecutor
from myna.project.domain import Domain
from myna.tracker import Tracker

pytestmark = pytest.mark.integration

RASA_SDK = "rasa-sdk==3.21.1"
# What the restaurant actions import besides the SDK.
EXAMPLE_REQUIREMENTS = ("sqlalchemy", "python-dateutil", "httpx")
REPO_ROOT = Path(__file__).resolve().parents[3]
VENV = Path(os.environ.get("MYNA_RASA_SDK_VENV", REPO_ROOT / ".cache" / "rasa-sdk-venv"))
INSTALL_TIMEOUT = 900  # seconds; about one minute with a warm network
MARKER = VENV / f".installed-{RASA_SDK}"


def _install_step(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} took over {INSTALL_TIMEOUT} s (is PyPI reachable?)")
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-25:])
        pytest.fail(f"{' '.join(command)} failed with exit {done.returncode}:\n{tail}")


def rasa_sdk_python() -> Path:
    """The venv's interpreter, creating the venv first unless a complete one exists."""
    python = VENV / "bin" / "python"
    if MARKER.exists() and python.exists():
        return python
    shutil.rmtree(VENV, ignore_errors=True)  # a half-made venv from an interrupted run
    _install_step([sys.executable, "-m", "venv", str(VENV)])
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _install_step([*pip, RASA_SDK, *EXAMPLE_REQUIREMENTS])
    MARKER.touch()
    return python


@pytest.fixture(scope="module")
def rasa_sdk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    python = rasa_sdk_python()
    project = tmp_path_factory.mktemp("restaurant") / "restaurant"
    shutil.copytree(restaurant_turns.EXAMPLE_DIR, project, ignore=shutil.ignore_patterns("*.db"))
    port = free_port()
    command = [str(python), "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)]
    with serving(command, project, port, startup=90):
        yield port


def _call(
    port: int, name: str, tracker: Tracker, domain: Domain, **options: object
) -> ActionResult:
    async def call() -> ActionResult:
        async with WebhookActionExecutor(endpoint(port, **options)) as executor:
            return await executor.run(name, tracker, domain)

    return asyncio.run(call())


def test_validation_rejects_fifty(rasa_sdk_server: int, restaurant_domain: Domain) -> None:
    tracker = restaurant_turns.form_turn(restaurant_domain, "50")
    result = _call(rasa_sdk_server, "validate_restaurant_booking_form", tracker, restaurant_domain)
    assert [(e.name, e.value) for e in result.events] == [("party_size", None)]
    assert [r["text"] for r in result.responses] == [PARTY_SIZE_ERROR]


def test_validation_accepts_four(rasa_sdk_server: int, restaurant_domain: Domain) -> None:
    tracker = restaurant_turns.form_turn(restaurant_domain, "4")
    result = _call(rasa_sdk_server, "validate_restaurant_booking_form", tracker, restaurant_domain)
    assert [(e.name, e.value) for e in result.events] == [("party_size", 4)]
    assert result.responses == []


def test_make_reservation_reply_arrives(rasa_sdk_server: int, restaurant_domain: Domain) -> None:
    tracker = restaurant_turns.filled_form(restaurant_domain)
    result = _call(rasa_sdk_server, "action_make_reservation", tracker, restaurant_domain)
    (reply,) = result.responses
    assert reply["response"] == "utter_booking_summary"
    assert (reply["party_size"], reply["time"], reply["cuisine"]) == ("4", "19:30", "italian")
    assert result.events[0].to_dict()["name"] == "reservation_id"


def test_selective_domain_is_sent_when_the_sdk_asks(
    rasa_sdk_server: int, restaurant_domain: Domain
) -> None:
    """rasa_sdk 3.21 answers 449 to a call without domain; the client repeats it with one."""
    tracker = restaurant_turns.filled_form(restaurant_domain)
    options = {"kwargs": {"enable_selective_domain": True}}
    result = _call(
        rasa_sdk_server, "action_make_reservation", tracker, restaurant_domain, **options
    )
    assert result.responses[0]["response"] == "utter_booking_summary"


def test_compressed_request(rasa_sdk_server: int, restaurant_domain: Domain) -> None:
    async def call() -> ActionResult:
        async with WebhookActionExecutor(endpoint(rasa_sdk_server), compress=True) as executor:
            tracker = restaurant_turns.form_turn(restaurant_domain, "50")
            return await executor.run(
                "validate_restaurant_booking_form", tracker, restaurant_domain
            )

    assert [r["text"] for r in asyncio.run(call()).responses] == [PARTY_SIZE_ERROR]
