"""Every event recorded from Rasa 3.6 reads and writes back to the identical JSON."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from shared_paths import golden_dir

from myna.events import event_from_dict

GOLDEN = golden_dir()


def _event_lists(node: Any, path: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every list found under an `events` key (tracker bodies, action server answers)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "events" and isinstance(value, list):
                yield f"{path}.events", value
            else:
                yield from _event_lists(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _event_lists(value, f"{path}[{index}]")


def _broker_events() -> list[dict[str, Any]]:
    # The SQL event broker adds the conversation's `sender_id` to each event it publishes.
    rows = json.loads((GOLDEN / "event_broker_rows.json").read_text())
    return [{k: v for k, v in row["data"].items() if k != "sender_id"} for row in rows]


def _golden_cases() -> list[tuple[str, list[dict[str, Any]]]]:
    cases = [("event_broker_rows.json", _broker_events())]
    for file in sorted(GOLDEN.glob("*.json")):
        if file.name != "event_broker_rows.json":
            cases.extend(_event_lists(json.loads(file.read_text()), file.name))
    return cases


CASES = _golden_cases()


def test_the_recordings_contain_the_expected_event_lists() -> None:
    sources = {name.split(".json")[0] for name, _ in CASES}
    assert {
        "event_broker_rows",
        "tracker_booking_all",
        "tracker_restart_after_restart",
        "action_server_exchanges",
        "http_trigger_intent",
        "http_append_event",
    } <= sources
    assert sum(len(events) for _, events in CASES) == 486
    seen = {body["event"] for _, events in CASES for body in events}
    assert seen == {
        "action",
        "active_loop",
        "bot",
        "restart",
        "session_started",
        "slot",
        "user",
        "user_featurization",
    }


@pytest.mark.parametrize(("source", "events"), CASES, ids=[name for name, _ in CASES])
def test_recorded_events_round_trip(source: str, events: list[dict[str, Any]]) -> None:
    for body in events:
        before = time.time()
        event = event_from_dict(body)
        assert event is not None, source
        written = json.loads(json.dumps(event.to_dict()))
        if "timestamp" not in body:
            # Action server answers carry no timestamp: reading assigns the current time.
            assert before <= written.pop("timestamp") <= time.time()
        assert written == body, source
