"""Build the tracker store an `endpoints.yml` `tracker_store` section configures.

`type: sql` options are Rasa's: `dialect` (sqlite), `url` (the host, or a whole
SQLAlchemy URL), `port`, `db` (rasa.db; a relative SQLite path is taken from the
project folder), `username`, `password`, `query`. Without a section the composition
root chooses: `InMemoryTrackerStore()` (Rasa's default) or `sqlite_store(project)` (the
embedded server's default, `<project>/tracker.db`).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import URL

from myna.project.endpoints import EndpointConfig
from myna.stores.base import TrackerStore, TrackerStoreError
from myna.stores.memory import InMemoryTrackerStore
from myna.stores.sql import SQLTrackerStore

KNOWN_TYPES = ("in_memory", "sql")
PLANNED_TYPES = ("redis", "mongod", "dynamo")
DEFAULT_SQLITE_FILE = "tracker.db"


def sqlite_store(project: Path) -> SQLTrackerStore:
    """The embedded server's default store: `<project>/tracker.db`."""
    return SQLTrackerStore(f"sqlite:///{(project / DEFAULT_SQLITE_FILE).resolve()}")


def from_endpoint(endpoint: EndpointConfig, project: Path) -> TrackerStore:
    """The store of a configured `tracker_store` section."""
    kind = (endpoint.type or "in_memory").lower()
    if kind == "in_memory":
        return InMemoryTrackerStore()
    if kind == "sql":
        return SQLTrackerStore(sql_url(endpoint, project))
    if kind in PLANNED_TYPES:
        raise TrackerStoreError(f"tracker_store type {kind!r} is not supported yet")
    raise TrackerStoreError(
        f"{endpoint.source}: unknown tracker_store type {endpoint.type!r}; "
        f"known types: {', '.join(KNOWN_TYPES)}"
    )


def sql_url(endpoint: EndpointConfig, project: Path) -> str:
    """The SQLAlchemy URL of a `type: sql` section."""
    options: Mapping[str, Any] = endpoint.kwargs
    if endpoint.url and "://" in endpoint.url:
        return endpoint.url
    dialect = str(options.get("dialect") or "sqlite")
    database = str(options.get("db") or "rasa.db")
    if dialect.startswith("sqlite"):
        path = Path(database)
        return f"{dialect}:///{path if path.is_absolute() else (project / path).resolve()}"
    port = options.get("port")
    url = URL.create(
        dialect,
        username=options.get("username"),
        password=options.get("password"),
        host=endpoint.url,
        port=int(port) if port is not None else None,
        database=database,
        query=dict(options.get("query") or {}),
    )
    return url.render_as_string(hide_password=False)
