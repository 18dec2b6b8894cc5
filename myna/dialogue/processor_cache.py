"""Conversations kept in memory between turns, for stores only this process writes.

Reading a conversation back and replaying its events cost more than the rest of a turn
on a small bot. When the store says nobody else wrote to it since it last looked
(`TrackerStore.unchanged_elsewhere`), the processor keeps each conversation's
latest-session tracker after a turn that saved it, and the next turn starts from that
object instead of the store. A turn takes its tracker out of the cache while it runs, so
a turn that fails leaves nothing behind: the next one reads the store again.
"""

from __future__ import annotations

from collections import OrderedDict

from myna.stores.base import TrackerStore
from myna.tracker import Tracker

DEFAULT_CACHED_CONVERSATIONS = 1_000


class ConversationCache:
    """An LRU of latest-session trackers by sender id, valid while the store is ours."""

    def __init__(self, store: TrackerStore, capacity: int = DEFAULT_CACHED_CONVERSATIONS):
        self.store = store
        self.capacity = capacity
        self._trackers: OrderedDict[str, Tracker] = OrderedDict()

    def take(self, sender_id: str) -> Tracker | None:
        """Remove and return the conversation's tracker, if it is cached and still current."""
        if not self.store.unchanged_elsewhere():
            self._trackers.clear()
            return None
        return self._trackers.pop(sender_id, None)

    def put(self, sender_id: str, tracker: Tracker) -> None:
        """Keep `tracker`, which holds exactly what the store now has for its latest session."""
        if self.capacity <= 0:
            return
        self._trackers[sender_id] = tracker
        self._trackers.move_to_end(sender_id)
        while len(self._trackers) > self.capacity:
            self._trackers.popitem(last=False)

    def drop(self, sender_id: str) -> None:
        self._trackers.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._trackers)
