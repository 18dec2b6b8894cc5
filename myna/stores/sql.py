"""`SQLTrackerStore`: Rasa's `events` table through SQLAlchemy (SQLite, PostgreSQL, ...).

One row per event: `id` (insertion order), `sender_id`, `type_name`, `timestamp`,
`intent_name` (user events), `action_name` (action events) and `data` (the event JSON),
so a database written by Rasa's SQL tracker store can be read and vice versa.

Each `append` and `replace` is one transaction. Calls to a database server run in a
worker thread (`asyncio.to_thread`) so the event loop never waits on the network; SQLite
calls are local and take less time than the hand-over to a thread, so they run inline, on
one connection. That connection's `PRAGMA data_version` tells whether another connection
(another process) wrote since we last looked (`unchanged_elsewhere`). A turn's insert is
compiled once and sent as driver SQL: Core's per-statement machinery cost twice the
insert itself.
Appends are not de-duplicated: two identical events (same content and timestamp, e.g. a
repeated slot under a coarse clock) are both real history, and a content key would need a
column Rasa's layout does not have. The processor appends a turn's events once, after the
whole turn succeeded, so nothing is retried into doubles.
"""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    make_url,
    select,
)
from sqlalchemy.pool import StaticPool

from myna.events import ActionExecuted, Event, UserUttered
from myna.stores.base import event_from_json, event_to_json

_Result = TypeVar("_Result")

_metadata = MetaData()

EVENTS_TABLE = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


ROW_KEYS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    # One connection, used inline on the caller's thread (an in-memory database must be
    # one connection anyway, or every connection would see its own empty database).
    engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    if parsed.database not in (None, "", ":memory:"):
        event.listen(engine, "connect", _write_ahead_log)
    return engine


def _write_ahead_log(connection: Any, _record: Any) -> None:
    """WAL with `synchronous=NORMAL`: a commit costs no fsync but survives a crash of the
    process (only a power loss can undo the latest commits); readers never block writers."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _row(sender_id: str, event: Event) -> tuple[Any, ...]:
    """The values of `ROW_KEYS` for `event`."""
    return (
        sender_id,
        event.type_name,
        event.timestamp,
        event.intent_name if isinstance(event, UserUttered) else None,
        event.name if isinstance(event, ActionExecuted) else None,
        event_to_json(event),
    )


class _Insert:
    """The event-row insert, compiled once for the engine's dialect."""

    def __init__(self, engine: Engine) -> None:
        compiled = insert(EVENTS_TABLE).compile(dialect=engine.dialect, column_keys=ROW_KEYS)
        self.sql = compiled.string
        self.positions = [ROW_KEYS.index(name) for name in compiled.positiontup or ()]
        self.positional = bool(compiled.positional)

    def parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        if self.positional:
            return [tuple(row[index] for index in self.positions) for row in rows]
        return [dict(zip(ROW_KEYS, row, strict=True)) for row in rows]


class SQLTrackerStore:
    """Conversations in the `events` table of the database at `url` (created if missing)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = _engine(url)
        self._inline = self._engine.dialect.name == "sqlite"
        _metadata.create_all(self._engine)
        self._insert = _Insert(self._engine)
        self._probe = self._engine.raw_connection() if self._inline else None
        self._data_version = self._read_data_version()

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()
        self._engine.dispose()

    def unchanged_elsewhere(self) -> bool:
        if self._probe is None:
            return False
        version = self._read_data_version()
        unchanged = version == self._data_version
        self._data_version = version
        return unchanged

    def _read_data_version(self) -> int | None:
        if self._probe is None:
            return None
        return self._probe.driver_connection.execute("PRAGMA data_version").fetchone()[0]

    async def retrieve(self, sender_id: str) -> list[Event] | None:
        return await self._call(self._retrieve, sender_id)

    async def append(self, sender_id: str, events: Sequence[Event]) -> None:
        rows = [_row(sender_id, event) for event in events]
        if rows:
            await self._call(self._write, sender_id, rows, False)

    async def replace(self, sender_id: str, events: Sequence[Event]) -> None:
        rows = [_row(sender_id, event) for event in events]
        await self._call(self._write, sender_id, rows, True)

    async def keys(self) -> list[str]:
        return await self._call(self._keys)

    async def _call(self, function: Callable[..., _Result], *args: Any) -> _Result:
        if self._inline:
            return function(*args)
        return await asyncio.to_thread(function, *args)

    def _retrieve(self, sender_id: str) -> list[Event] | None:
        query = (
            select(EVENTS_TABLE.c.data)
            .where(EVENTS_TABLE.c.sender_id == sender_id)
            .order_by(EVENTS_TABLE.c.id)
        )
        with self._engine.connect() as connection:
            texts = connection.execute(query).scalars().all()
        return [event_from_json(text) for text in texts] or None

    def _write(self, sender_id: str, rows: list[tuple[Any, ...]], replace: bool) -> None:
        with self._engine.begin() as connection:
            if replace:
                _delete_conversation(connection, sender_id)
            if rows:
                connection.exec_driver_sql(self._insert.sql, self._insert.parameters(rows))

    def _keys(self) -> list[str]:
        query = select(EVENTS_TABLE.c.sender_id).distinct().order_by(EVENTS_TABLE.c.sender_id)
        with self._engine.connect() as connection:
            return list(connection.execute(query).scalars().all())


def _delete_conversation(connection: Connection, sender_id: str) -> None:
    connection.execute(delete(EVENTS_TABLE).where(EVENTS_TABLE.c.sender_id == sender_id))
