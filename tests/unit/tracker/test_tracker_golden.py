"""Trackers rebuilt from recorded Rasa 3.6 events serialise to the recorded tracker JSON."""

import json
from typing import Any

import pytest
from shared_paths import golden_dir

from myna.events import events_from_list
from myna.tracker import EventVerbosity, Tracker

GOLDEN = golden_dir()

# The slots of golden/bot/domain.yml with their initial values, plus the two Rasa adds:
# `requested_slot` (the domain has a form) and `session_started_metadata`.
DOMAIN_SLOTS = {
    "party_size": None,
    "cuisine": None,
    "visits": 0,
    "requested_slot": None,
    "session_started_metadata": None,
}


def _load(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text())


def _body(name: str) -> dict[str, Any]:
    status, body = _load(name)
    assert status == 200
    return body


def _rebuild(sender_id: str, events: list[dict[str, Any]]) -> Tracker:
    return Tracker.from_events(sender_id, events_from_list(events), DOMAIN_SLOTS)


def _as_json(state: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(state))


def _broker_events(sender_id: str) -> list[dict[str, Any]]:
    rows = _load("event_broker_rows.json")
    return [
        {k: v for k, v in row["data"].items() if k != "sender_id"}
        for row in rows
        if row["sender_id"] == sender_id
    ]


BOOKING_LEVELS = [
    ("tracker_booking_all.json", EventVerbosity.ALL),
    ("tracker_booking_after_restart.json", EventVerbosity.AFTER_RESTART),
    ("tracker_booking_applied.json", EventVerbosity.APPLIED),
    ("tracker_booking_none.json", EventVerbosity.NONE),
]


def test_the_booking_recordings_were_taken_at_the_same_moment() -> None:
    full = _body("tracker_booking_all.json")
    for name, _ in BOOKING_LEVELS:
        body = _body(name)
        assert {k: v for k, v in body.items() if k != "events"} == {
            k: v for k, v in full.items() if k != "events"
        }
    # No restart in this conversation: AFTER_RESTART carries every event.
    assert _body("tracker_booking_after_restart.json")["events"] == full["events"]
    assert _body("tracker_booking_none.json")["events"] is None
    # The broker published exactly the events the tracker holds.
    assert _broker_events("golden-booking") == full["events"]


@pytest.mark.parametrize(("name", "verbosity"), BOOKING_LEVELS, ids=lambda x: str(x))
def test_booking_tracker_at_each_verbosity(name: str, verbosity: EventVerbosity) -> None:
    full = _body("tracker_booking_all.json")
    tracker = _rebuild(full["sender_id"], full["events"])
    assert _as_json(tracker.current_state(verbosity)) == _body(name)


def test_applied_booking_events_collapse_the_repeated_form_executions() -> None:
    full = _body("tracker_booking_all.json")
    applied = _body("tracker_booking_applied.json")["events"]
    tracker = _rebuild(full["sender_id"], full["events"])
    assert [event.to_dict() for event in tracker.applied_events()] == applied
    loop_runs = [e for e in applied if e["event"] == "action" and e["name"] == "booking_form"]
    assert len(loop_runs) == 1  # three later executions were collapsed into the first
    assert len(applied) == len(full["events"]) - 14


def test_restarted_conversation_from_its_recorded_events() -> None:
    body = _body("tracker_restart_after_restart.json")
    tracker = _rebuild(body["sender_id"], body["events"])
    assert _as_json(tracker.current_state(EventVerbosity.AFTER_RESTART)) == body


def test_restarted_conversation_from_the_full_history() -> None:
    # The broker saw the whole conversation, including the turns before `restart`;
    # AFTER_RESTART must cut them off and the state must not depend on them.
    body = _body("tracker_restart_after_restart.json")
    history = _broker_events("golden-restart")
    assert [e["event"] for e in history].count("restart") == 1
    tracker = _rebuild(body["sender_id"], history)
    assert _as_json(tracker.current_state()) == body
    everything = _as_json(tracker.current_state(EventVerbosity.ALL))
    assert everything["events"] == history
    assert everything["events"][-len(body["events"]) :] == body["events"]


def _recorded_trackers() -> list[tuple[str, dict[str, Any]]]:
    cases = [
        (name, _body(name))
        for name in (
            "tracker_unknown_conversation.json",
            "http_append_event.json",
            "http_messages.json",
        )
    ]
    cases += [
        (name, _body(name)["tracker"])
        for name in ("http_trigger_intent.json", "http_execute.json", "http_predict.json")
    ]
    # The action server always receives ALL events; mid-form states with active loops.
    # Spec vs recordings: dialogue-semantics.md §1 says the store returns the latest
    # session "from the last action_session_start/session_started onward"; these
    # recordings (and http_append_event/messages/execute/predict) begin AT `session_started`,
    # without the `action_session_start` before it. The tracker handles both.
    for index, exchange in enumerate(_load("action_server_exchanges.json")):
        cases.append((f"action_server_exchanges[{index}]", exchange["request"]["tracker"]))
    return cases


RECORDED = _recorded_trackers()


@pytest.mark.parametrize(("name", "body"), RECORDED, ids=[name for name, _ in RECORDED])
def test_recorded_tracker_from_its_own_events(name: str, body: dict[str, Any]) -> None:
    # None of these conversations has a restart, so ALL and AFTER_RESTART coincide.
    tracker = _rebuild(body["sender_id"], body["events"])
    assert _as_json(tracker.current_state(EventVerbosity.ALL)) == body
    assert tracker.current_state(EventVerbosity.AFTER_RESTART) == tracker.current_state(
        EventVerbosity.ALL
    )


def test_recorded_mid_form_state_has_an_active_loop() -> None:
    states = [body for name, body in RECORDED if name.startswith("action_server")]
    loops = [state["active_loop"] for state in states if state["active_loop"]]
    assert len(loops) >= 5
    assert all(
        set(loop) == {"name", "is_interrupted", "rejected", "trigger_message"} for loop in loops
    )
