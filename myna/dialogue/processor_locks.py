"""One lock per conversation: its messages run one at a time, others run concurrently."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ConversationLocks:
    """asyncio locks keyed by sender id, dropped as soon as nobody holds or awaits one."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[None]:
        """Hold `sender_id`'s lock; callers get it in the order they asked (FIFO)."""
        lock = self._locks.setdefault(sender_id, asyncio.Lock())
        self._users[sender_id] = self._users.get(sender_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[sender_id] -= 1
            if not self._users[sender_id]:
                del self._users[sender_id]
                del self._locks[sender_id]

    def __len__(self) -> int:
        """How many conversations have a lock right now (held or awaited)."""
        return len(self._locks)
