"""The restaurant example's rasa_sdk actions run on myna.sdk once their imports are changed."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import restaurant_turns
from restaurant_turns import PARTY_SIZE_ERROR

from myna.actions import ActionResult
from myna.actions.in_process import InProcessActionExecutor
from myna.events import SlotSet
from myna.project.domain import Domain
from myna.tracker import Tracker

PACKAGE = "restaurant_actions_on_myna_sdk"


@pytest.fixture(scope="module")
def executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessActionExecutor]:
    root = tmp_path_factory.mktemp("restaurant")
    assert restaurant_turns.myna_sdk_copy(root / PACKAGE) == 4  # the four import lines
    sys.path.insert(0, str(root))
    try:
        yield InProcessActionExecutor.from_package(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return restaurant_turns.restaurant_domain()


def _run(
    executor: InProcessActionExecutor, name: str, tracker: Tracker, domain: Domain
) -> ActionResult:
    return asyncio.run(executor.run(name, tracker, domain))


def test_only_import_lines_change(tmp_path: Path) -> None:
    restaurant_turns.myna_sdk_copy(tmp_path / "copy")
    original = (restaurant_turns.EXAMPLE_DIR / "actions" / "actions.py").read_text().splitlines()
    copied = (tmp_path / "copy" / "actions.py").read_text().splitlines()
    changed = [(a, b) for a, b in zip(original, copied, strict=True) if a != b]
    assert len(changed) == 4
    assert all(re.match(r"(from|import) rasa_sdk", a) for a, _ in changed)
    assert all(b == a.replace("rasa_sdk", "myna.sdk", 1) for a, b in changed)


def test_every_domain_action_is_registered(executor: InProcessActionExecutor) -> None:
    assert sorted(executor.action_names) == [
        "action_check_weather",
        "action_lookup_order",
        "action_make_reservation",
        "validate_restaurant_booking_form",
    ]


def test_party_of_fifty_is_rejected_with_the_reason(
    executor: InProcessActionExecutor, domain: Domain
) -> None:
    tracker = restaurant_turns.form_turn(domain, "50")
    result = _run(executor, "validate_restaurant_booking_form", tracker, domain)
    assert [e.to_dict()["name"] for e in result.events] == ["party_size"]
    assert isinstance(result.events[0], SlotSet) and result.events[0].value is None
    assert [r["text"] for r in result.responses] == [PARTY_SIZE_ERROR]


def test_party_of_four_is_accepted_as_a_number(
    executor: InProcessActionExecutor, domain: Domain
) -> None:
    tracker = restaurant_turns.form_turn(domain, "4")
    result = _run(executor, "validate_restaurant_booking_form", tracker, domain)
    assert [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)] == [
        ("party_size", 4)
    ]
    assert result.responses == []


def test_make_reservation_confirms_and_clears_the_form(
    executor: InProcessActionExecutor, domain: Domain
) -> None:
    result = _run(executor, "action_make_reservation", restaurant_turns.filled_form(domain), domain)
    (reply,) = result.responses
    assert reply["response"] == reply["template"] == "utter_booking_summary"
    assert (reply["party_size"], reply["time"], reply["cuisine"]) == ("4", "19:30", "italian")
    assert re.fullmatch(r"HS-[0-9A-F]{6}", reply["reservation_id"])
    slots = [(e.name, e.value) for e in result.events if isinstance(e, SlotSet)]
    assert slots == [
        ("reservation_id", reply["reservation_id"]),
        ("party_size", None),
        ("time", None),
        ("cuisine", None),
    ]
