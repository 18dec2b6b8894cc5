"""Tracker stores: round trips, atomic appends, Rasa's `events` table, the session cut."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import create_engine, inspect, text

from myna.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from myna.project.endpoints import EndpointConfig
from myna.project.errors import Source
from myna.stores.base import TrackerStore, TrackerStoreError, latest_session
from myna.stores.factory import from_endpoint, sql_url, sqlite_store
from myna.stores.memory import InMemoryTrackerStore
from myna.stores.sql import SQLTrackerStore

T = TypeVar("T")

SESSION = [
    ActionExecuted("action_session_start", confidence=1.0, timestamp=1.0),
    SessionStarted(timestamp=2.0),
    ActionExecuted("action_listen", timestamp=3.0),
]
TURN = [
    UserUttered(
        "hi", {"intent": {"name": "greet", "confidence": 0.9}}, "rest", "m1", timestamp=4.0
    ),
    ActionExecuted("utter_greet", "RulePolicy", 1.0, timestamp=5.0, metadata={"model_id": "m"}),
    BotUttered("Hey!", {"buttons": None}, timestamp=6.0, metadata={"utter_action": "utter_greet"}),
    SlotSet("cuisine", {"nested": ["italian"]}, timestamp=7.0),
]


@pytest.fixture(params=["memory", "sqlite-file", "sqlite-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TrackerStore]:
    if request.param == "memory":
        yield InMemoryTrackerStore()
        return
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite-file" else "sqlite://"
    sql = SQLTrackerStore(url)
    yield sql
    sql.close()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def dicts(events: list[Event] | None) -> list[dict[str, object]]:
    return [event.to_dict() for event in events or []]


def test_round_trip_keeps_every_event_in_order(store: TrackerStore) -> None:
    assert run(store.retrieve("u1")) is None
    run(store.append("u1", SESSION))
    run(store.append("u1", TURN))
    run(store.append("u2", SESSION))
    assert dicts(run(store.retrieve("u1"))) == dicts([*SESSION, *TURN])
    assert sorted(run(store.keys())) == ["u1", "u2"]


def test_retrieved_events_share_no_payload_with_the_appended_ones(store: TrackerStore) -> None:
    slot = SlotSet("cuisine", {"nested": ["italian"]})
    run(store.append("u1", [slot]))
    slot.value["nested"].append("thai")
    assert run(store.retrieve("u1"))[0].value == {"nested": ["italian"]}  # type: ignore[union-attr]


def test_replace_swaps_the_whole_history(store: TrackerStore) -> None:
    run(store.append("u1", [*SESSION, *TURN]))
    run(store.replace("u1", TURN[:1]))
    assert dicts(run(store.retrieve("u1"))) == dicts(TURN[:1])
    run(store.replace("u1", []))
    assert run(store.retrieve("u1")) is None


def test_append_is_all_or_nothing(store: TrackerStore) -> None:
    run(store.append("u1", SESSION))
    broken = SlotSet("bad", {1, 2})  # a set is not JSON
    with pytest.raises(TypeError):
        run(store.append("u1", [TURN[0], broken]))
    assert dicts(run(store.retrieve("u1"))) == dicts(SESSION)


def test_sql_store_uses_rasas_events_table(tmp_path: Path) -> None:
    path = tmp_path / "rasa.db"
    store = SQLTrackerStore(f"sqlite:///{path}")
    run(store.append("u1", [*SESSION, *TURN]))
    store.close()
    engine = create_engine(f"sqlite:///{path}")
    columns = {column["name"] for column in inspect(engine).get_columns("events")}
    assert columns == {
        "id",
        "sender_id",
        "type_name",
        "timestamp",
        "intent_name",
        "action_name",
        "data",
    }
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sender_id, type_name, intent_name, action_name, data FROM events")
        ).all()
    engine.dispose()
    assert [row[1] for row in rows] == [event.type_name for event in [*SESSION, *TURN]]
    assert rows[3][2] == "greet" and rows[4][3] == "utter_greet"
    assert json.loads(rows[4][4]) == TURN[1].to_dict()


def test_a_sqlite_file_is_written_ahead_and_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(f"sqlite:///{path}")
    run(store.append("u1", SESSION))
    with sqlite3.connect(path) as reader:  # another process's view, while the store is open
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert reader.execute("SELECT COUNT(*) FROM events").fetchone() == (len(SESSION),)
    store.close()


def test_sql_store_reads_a_file_written_before(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    first = SQLTrackerStore(url)
    run(first.append("u1", SESSION))
    first.close()
    second = SQLTrackerStore(url)
    assert dicts(run(second.retrieve("u1"))) == dicts(SESSION)
    second.close()


def test_latest_session_starts_at_session_started() -> None:
    second = [ActionExecuted("action_session_start"), SessionStarted(), *TURN]
    events = [*SESSION, *TURN, *second]
    assert latest_session(events) == second[1:]
    assert latest_session(TURN) == TURN
    assert latest_session([]) == []


def endpoint(**options: object) -> EndpointConfig:
    url = options.pop("url", None)
    kind = options.pop("type", None)
    return EndpointConfig(source=Source("endpoints.yml", 3), url=url, type=kind, kwargs=options)  # type: ignore[arg-type]


def test_factory_builds_the_configured_store(tmp_path: Path) -> None:
    assert isinstance(from_endpoint(endpoint(), tmp_path), InMemoryTrackerStore)
    sql = from_endpoint(endpoint(type="sql", db="conversations.db"), tmp_path)
    assert isinstance(sql, SQLTrackerStore)
    assert sql.url == f"sqlite:///{(tmp_path / 'conversations.db').resolve()}"
    sql.close()
    default = sqlite_store(tmp_path)
    assert default.url.endswith("/tracker.db")
    default.close()


def test_factory_builds_server_urls_and_rejects_unknown_types(tmp_path: Path) -> None:
    postgres = endpoint(
        type="sql",
        dialect="postgresql",
        url="db.local",
        port=5432,
        db="rasa",
        username="me",
        password="secret",
    )
    assert sql_url(postgres, tmp_path) == "postgresql://me:secret@db.local:5432/rasa"
    whole = endpoint(type="sql", url="sqlite:////var/lib/x.db")
    assert sql_url(whole, tmp_path) == "sqlite:////var/lib/x.db"
    with pytest.raises(TrackerStoreError, match="known types: in_memory, sql"):
        from_endpoint(endpoint(type="couch"), tmp_path)
    with pytest.raises(TrackerStoreError, match="not supported yet"):
        from_endpoint(endpoint(type="redis"), tmp_path)
