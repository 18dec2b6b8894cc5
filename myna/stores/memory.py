"""`InMemoryTrackerStore`: conversations in a dict, lost when the process ends."""

from collections.abc import Sequence

from myna.events import Event
from myna.stores.base import event_from_json, event_to_json


class InMemoryTrackerStore:
    """Keeps each event as its JSON text, like the other stores: what is stored is what a
    database would hold, and an event that cannot be serialised is refused on append."""

    def __init__(self) -> None:
        self._conversations: dict[str, list[str]] = {}

    async def retrieve(self, sender_id: str) -> list[Event] | None:
        stored = self._conversations.get(sender_id)
        if not stored:
            return None
        return [event_from_json(text) for text in stored]

    async def append(self, sender_id: str, events: Sequence[Event]) -> None:
        # Serialise everything first: a failing event leaves the conversation unchanged.
        texts = [event_to_json(event) for event in events]
        if texts:
            self._conversations.setdefault(sender_id, []).extend(texts)

    async def replace(self, sender_id: str, events: Sequence[Event]) -> None:
        texts = [event_to_json(event) for event in events]
        if texts:
            self._conversations[sender_id] = texts
        else:
            self._conversations.pop(sender_id, None)

    async def keys(self) -> list[str]:
        return list(self._conversations)

    def unchanged_elsewhere(self) -> bool:
        return True
