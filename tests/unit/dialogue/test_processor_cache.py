"""Trackers kept between turns: the same conversation as reading the store every turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_processor import Actions, make_processor, run, stored

from myna.dialogue.message import UserMessage
from myna.dialogue.processor import MessageProcessor
from myna.dialogue.processor_cache import ConversationCache
from myna.dialogue.processor_errors import ConversationError
from myna.events import Event, SlotSet
from myna.stores.memory import InMemoryTrackerStore
from myna.stores.sql import SQLTrackerStore
from myna.tracker import Tracker


class CountingStore(InMemoryTrackerStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def retrieve(self, sender_id: str) -> list[Event] | None:
        self.reads += 1
        return await super().retrieve(sender_id)


def conversation(processor: MessageProcessor, clock: Any) -> None:
    """Turns, a failing turn, an expired session, replaced history: all of it cached or not."""
    for text in ("greet", "fail", "greet"):
        run(processor.handle_message(UserMessage(text, "u1")))
    with pytest.raises(ConversationError):
        run(processor.handle_message(UserMessage("boom", "u1")))
    run(processor.handle_message(UserMessage("greet", "u1")))
    clock.now += 61 * 60
    run(processor.handle_message(UserMessage("greet", "u1")))
    run(processor.handle_message(UserMessage("chain", "u1")))
    history = run(stored(processor.store))  # type: ignore[arg-type]
    run(processor.replace_events("u1", history[:-4]))
    run(processor.handle_message(UserMessage("greet", "u1")))


def without_message_ids(data: dict[str, Any]) -> dict[str, Any]:
    """An event's JSON without its random message ids."""
    data.pop("message_id", None)
    if isinstance(data.get("parse_data"), dict):
        data["parse_data"].pop("message_id", None)
    return data


def outcome(tmp_path: Path, capacity: int) -> tuple[list[Any], list[dict[str, Any]]]:
    processor, store, actions, clock = make_processor(tmp_path, cached_conversations=capacity)
    conversation(processor, clock)
    return actions.seen, [without_message_ids(e.to_dict()) for e in run(stored(store))]


def test_cached_and_uncached_processors_hold_the_same_conversation(tmp_path: Path) -> None:
    cached = outcome(tmp_path / "cached", capacity=10)
    uncached = outcome(tmp_path / "uncached", capacity=0)
    assert cached == uncached


def test_turns_after_the_first_skip_the_store_read(tmp_path: Path) -> None:
    processor, _, _, _ = make_processor(tmp_path)
    store = CountingStore()
    processor.store = processor.cache.store = store
    for _ in range(4):
        run(processor.handle_message(UserMessage("greet", "u1")))
    assert store.reads == 1
    assert len(processor.cache) == 1


def test_a_failed_turn_leaves_nothing_cached(tmp_path: Path) -> None:
    processor, _, _, _ = make_processor(tmp_path)
    run(processor.handle_message(UserMessage("greet", "u1")))
    with pytest.raises(ConversationError):
        run(processor.handle_message(UserMessage("boom", "u1")))
    assert len(processor.cache) == 0


def test_a_write_by_another_connection_is_read_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    ours, theirs = SQLTrackerStore(url), SQLTrackerStore(url)
    processor, _, actions, _ = make_processor(tmp_path, actions=Actions())
    processor.store = processor.cache.store = ours
    run(processor.handle_message(UserMessage("greet", "u1")))
    assert ours.unchanged_elsewhere()
    run(theirs.append("u1", [SlotSet("cuisine", "thai")]))
    run(processor.handle_message(UserMessage("greet", "u1")))
    last_seen = actions.seen[-1][1]
    assert "slot" in last_seen
    ours.close()
    theirs.close()


def test_the_cache_keeps_the_most_recently_used_conversations() -> None:
    cache = ConversationCache(InMemoryTrackerStore(), capacity=2)
    for sender in ("a", "b", "c"):
        cache.put(sender, Tracker(sender))
    assert len(cache) == 2
    assert cache.take("a") is None
    assert cache.take("c") is not None
    assert cache.take("c") is None
