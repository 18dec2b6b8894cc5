"""The processor's conversation API: ordering per conversation, trigger_intent, predict,
execute, tracker reads and writes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from shared_paths import golden_dir
from test_processor import STAMP, Actions, make_processor, run, shape, stored

from myna.dialogue.message import UserMessage
from myna.dialogue.processor_errors import ConversationNotFoundError, UnknownIntentError
from myna.events import BotUttered, Event, SessionStarted, SlotSet, UserUttered
from myna.stores.base import latest_session
from myna.tracker import Tracker


def test_one_conversation_is_serialised_while_others_interleave(tmp_path: Path) -> None:
    actions = Actions()
    gate = asyncio.Event()
    order: list[str] = []

    async def slow(_tracker: Tracker) -> list[Event]:
        order.append("slow started")
        await gate.wait()
        order.append("slow done")
        return [BotUttered.from_response({"text": "slow"})]

    actions.behaviours["action_slow"] = slow
    processor, store, _, _ = make_processor(tmp_path, actions)

    async def scenario() -> list[list[dict[str, object]]]:
        first = asyncio.create_task(processor.handle_message(UserMessage("slow", "u1")))
        second = asyncio.create_task(processor.handle_message(UserMessage("greet", "u1")))
        while "slow started" not in order:
            await asyncio.sleep(0)
        other = await asyncio.wait_for(processor.handle_message(UserMessage("greet", "u2")), 5)
        order.append("u2 done")
        assert not second.done()
        gate.set()
        return [await first, await second, other]

    replies = run(scenario())
    assert [[m["text"] for m in reply] for reply in replies] == [["slow"], ["Hey!"], ["Hey!"]]
    assert order == ["slow started", "u2 done", "slow done"]
    texts = [e.text for e in run(stored(store)) if isinstance(e, UserUttered | BotUttered)]
    assert texts == ["slow", "slow", "greet", "Hey!"]
    assert len(processor.locks) == 0  # no lock outlives its conversation's requests


def test_trigger_intent_injects_an_external_message(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    messages = run(processor.trigger_intent("new", "greet", {"cuisine": "thai"}))
    assert [m["text"] for m in messages] == ["Hey!"]
    events = run(stored(store, "new"))
    assert [shape(e)[:2] for e in events[:3]] == [
        ("action", "action_session_start"),
        ("session_started", None),
        ("action", "action_listen"),
    ]
    user = events[3]
    assert isinstance(user, UserUttered)
    assert user.to_dict() | {"timestamp": 0} == {
        "event": "user",
        "timestamp": 0,
        "metadata": {"is_external": True, **STAMP},
        "text": "EXTERNAL: greet",
        "parse_data": {
            "intent": {"name": "greet"},
            "entities": [{"entity": "cuisine", "value": "thai"}],
            "text": "EXTERNAL: greet",
            "message_id": None,
            "metadata": {"is_external": True},
        },
        "input_channel": None,
        "message_id": None,
    }
    run(processor.handle_message(UserMessage("greet", "u1", input_channel="slack")))
    run(processor.trigger_intent("u1", "greet", None))
    assert [e for e in run(stored(store)) if isinstance(e, UserUttered)][
        -1
    ].input_channel == "slack"
    with pytest.raises(UnknownIntentError):
        run(processor.trigger_intent("u1", "no_such_intent", None))


def test_predict_next_has_the_golden_shape(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    with pytest.raises(ConversationNotFoundError):
        run(processor.predict_next("u1"))
    run(processor.handle_message(UserMessage("greet", "u1")))
    before = len(run(stored(store)))
    body = run(processor.predict_next("u1"))
    golden = json.loads((golden_dir() / "http_predict.json").read_text())[1]
    assert body.keys() == golden.keys()
    assert body["tracker"].keys() == golden["tracker"].keys()
    assert len(body["scores"]) == len(processor.domain.action_names)
    ordered = [(-s["score"], s["action"]) for s in body["scores"]]
    assert ordered == sorted(ordered)
    assert (body["policy"], body["confidence"]) == ("ScriptedPolicy", 1.0)
    assert body["scores"][0] == {"action": "action_listen", "score": 1.0}
    assert body["tracker"]["events"][0]["event"] == "session_started"  # the loaded session
    assert len(run(stored(store))) == before  # nothing was due, nothing saved


def test_execute_action_runs_one_action(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    with pytest.raises(ConversationNotFoundError):
        run(processor.execute_action("u1", "utter_b"))
    run(processor.handle_message(UserMessage("greet", "u1")))
    before = run(processor.get_tracker("u1"))
    messages, tracker = run(
        processor.execute_action("u1", "utter_b", policy="manual", confidence=0.5)
    )
    assert [m["text"] for m in messages] == ["B"]
    assert tracker.events == latest_session(before.events)  # as it was before the action
    assert [shape(e) for e in run(stored(store))][-2:] == [
        ("action", "utter_b", "manual", 0.5, None),
        ("bot", None, None, None, None),
    ]


def test_get_tracker_of_an_unknown_conversation_is_not_saved(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    tracker = run(processor.get_tracker("never-seen"))
    golden = json.loads((golden_dir() / "tracker_unknown_conversation.json").read_text())[1]
    assert [shape(e) for e in tracker.events] == [
        (e["event"], e.get("name"), e.get("policy"), e.get("confidence"), None)
        for e in golden["events"]
    ]
    assert all(e.metadata == STAMP for e in tracker.events)
    assert run(store.keys()) == []


def test_get_tracker_returns_every_session(tmp_path: Path) -> None:
    processor, _, _, clock = make_processor(tmp_path)
    run(processor.handle_message(UserMessage("greet", "u1")))
    clock.now += 61 * 60
    run(processor.handle_message(UserMessage("greet", "u1")))
    tracker = run(processor.get_tracker("u1"))
    assert sum(isinstance(e, SessionStarted) for e in tracker.events) == 2


def test_append_events_keeps_timestamps_and_starts_new_conversations(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    tracker = run(processor.append_events("u1", [SlotSet("cuisine", "thai", timestamp=5.0)]))
    assert [shape(e)[0] for e in tracker.events] == [
        "action",
        "session_started",
        "action",
        "slot",
    ]
    slot = tracker.events[-1]
    assert (slot.timestamp, slot.metadata) == (5.0, STAMP)
    assert tracker.get_slot("cuisine") == "thai"
    assert len(run(stored(store))) == 4
    run(processor.append_events("u2", [SessionStarted(timestamp=1.0)]))
    assert [shape(e)[0] for e in run(stored(store, "u2"))] == ["session_started"]


def test_replace_events_stores_them_as_given(tmp_path: Path) -> None:
    processor, store, _, _ = make_processor(tmp_path)
    run(processor.handle_message(UserMessage("greet", "u1")))
    tracker = run(processor.replace_events("u1", [SlotSet("cuisine", "thai", timestamp=5.0)]))
    assert tracker.get_slot("cuisine") == "thai"
    assert [e.to_dict() for e in run(stored(store))] == [
        {"event": "slot", "timestamp": 5.0, "name": "cuisine", "value": "thai"}
    ]


def test_log_message_extracts_slots_but_predicts_nothing(tmp_path: Path) -> None:
    processor, store, actions, _ = make_processor(tmp_path)
    tracker = run(processor.log_message(UserMessage("greet", "u1")))
    assert [shape(e)[0] for e in tracker.events][-1] == "user"
    assert [name for name, _ in actions.seen] == ["action_session_start", "action_extract_slots"]
    assert len(run(stored(store))) == 4
