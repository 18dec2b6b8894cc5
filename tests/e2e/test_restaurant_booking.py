"""The issue's acceptance test: the restaurant booking over REST with the real rasa_sdk.

`myna run` (a real process) sends the restaurant example's custom actions to the real
rasa_sdk action server serving the example's unchanged actions; then the same
conversation runs with the actions in-process on myna.sdk (only the imports changed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import restaurant_turns
from restaurant_turns import PARTY_SIZE_ERROR
from servers import Myna, myna_run, write_endpoints

pytestmark = pytest.mark.integration

ASK_PARTY_SIZE = "How many people will be dining?"
ASK_TIME = "What time would you like the table?"
ASK_CUISINE = "Which kitchen would you like to eat from?"
SUMMARY = re.compile(
    r"All booked: a table for 4 at 19:45 at our thai kitchen\. "
    r"Your reservation number is HS-[0-9A-F]{6}\."
)


def _texts(replies: list[dict[str, object]]) -> list[str]:
    return [str(reply.get("text")) for reply in replies]


def book_a_table(myna: Myna, sender: str) -> None:
    """book → 50 rejected → 4 accepted → time → cuisine → the reservation's summary."""
    assert _texts(myna.say(sender, "I'd like to book a table")) == [ASK_PARTY_SIZE]
    assert _texts(myna.say(sender, "50 people")) == [PARTY_SIZE_ERROR, ASK_PARTY_SIZE]
    accepted = _texts(myna.say(sender, "4 people"))
    assert accepted[-1].startswith(ASK_TIME), accepted
    assert _texts(myna.say(sender, "around 7:45pm"))[-1] == ASK_CUISINE
    confirmation = _texts(myna.say(sender, "thai please"))
    assert any(SUMMARY.fullmatch(text) for text in confirmation), confirmation
    slots = myna.tracker(sender)["slots"]
    assert slots["reservation_id"].startswith("HS-")
    assert (slots["party_size"], slots["time"], slots["cuisine"]) == (None, None, None)


def test_booking_through_the_real_rasa_sdk(
    restaurant_model: Path, rasa_sdk_port: int, tmp_path: Path
) -> None:
    endpoints = write_endpoints(tmp_path, rasa_sdk_port)
    with myna_run(restaurant_model, tmp_path, ["--endpoints", str(endpoints)]) as myna:
        book_a_table(myna, "rasa-sdk-guest")


def test_booking_with_the_actions_in_process(restaurant_model: Path, tmp_path: Path) -> None:
    restaurant_turns.myna_sdk_copy(tmp_path / "actions")
    options = ["--endpoints", str(write_endpoints(tmp_path, None)), "--actions", "actions"]
    with myna_run(restaurant_model, tmp_path, options) as myna:
        book_a_table(myna, "in-process-guest")
