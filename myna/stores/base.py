"""The `TrackerStore` port, the event (de)serialisation adapters share, and the session cut.

A store keeps every event of every conversation, in order. The message loop reads only
the latest session (`latest_session`): like Rasa's SQL tracker store, the events it sees
begin at the latest `session_started` itself, without the `action(action_session_start)`
logged before it (see the action server requests in the golden recordings).
"""

import functools
import json
from collections.abc import Sequence
from typing import Protocol

from myna.events import Event, SessionStarted, event_from_dict


class TrackerStoreError(Exception):
    """A tracker store is misconfigured or cannot do what was asked."""


class TrackerStore(Protocol):
    """Where conversations live. `append` and `replace` are atomic: all events or none."""

    async def retrieve(self, sender_id: str) -> list[Event] | None:
        """Every event of the conversation (all sessions); None if it has none."""
        ...

    async def append(self, sender_id: str, events: Sequence[Event]) -> None:
        """Add `events` after the conversation's stored events."""
        ...

    async def replace(self, sender_id: str, events: Sequence[Event]) -> None:
        """Make `events` the conversation's whole history."""
        ...

    async def keys(self) -> list[str]:
        """The ids of all stored conversations."""
        ...

    def unchanged_elsewhere(self) -> bool:
        """True if nothing but this object wrote to the store since the previous call.

        A caller that is the object's only user may then keep what it read or wrote in
        memory. Stores that other processes share answer False.
        """
        ...


def event_to_json(event: Event) -> str:
    """The JSON text a store keeps for `event`."""
    return json.dumps(event.to_dict())


@functools.lru_cache(maxsize=16_384)
def event_from_json(text: str) -> Event:
    """The event stored as `text` (which `event_to_json` wrote).

    Memoised: every turn reads its conversation back, and decoding was most of a read.
    Events are never modified after creation, so the same object can be handed out again.
    """
    event = event_from_dict(json.loads(text))
    if event is None:
        raise TrackerStoreError(f"stored event is an ignored legacy event: {text}")
    return event


def latest_session(events: Sequence[Event]) -> list[Event]:
    """The events from the latest `session_started` on (all of them if there is none)."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return list(events[index:])
    return list(events)
