"""Reminders (dialogue-semantics.md §1): `reminder` events schedule an external intent.

The scheduler keeps one asyncio timer per reminder name — scheduling a name that is
pending replaces it, even across conversations, as Rasa does — and calls `fire` when a
timer runs out. Whether the reminder still holds is decided when it fires, on the
conversation as it is then (`still_due`). Like Rasa's default scheduler, pending
reminders live in memory: they do not survive a restart of the process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from myna.events import Event, ReminderCancelled, ReminderScheduled, UserUttered, entity_list

logger = logging.getLogger(__name__)

FireReminder = Callable[[str, ReminderScheduled], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Pending:
    sender_id: str
    reminder: ReminderScheduled
    timer: asyncio.TimerHandle


def cancels(cancellation: ReminderCancelled, reminder: ReminderScheduled) -> bool:
    """Whether `cancellation` matches `reminder`: every filter it sets must match."""
    if cancellation.name and cancellation.name != reminder.name:
        return False
    if cancellation.intent and cancellation.intent != reminder.intent:
        return False
    wanted = entity_list(cancellation.entities)
    return not wanted or wanted == entity_list(reminder.entities)


def still_due(
    events: Sequence[Event], applied: Sequence[Event], reminder: ReminderScheduled
) -> bool:
    """Whether a reminder that ran out should trigger its intent now.

    No, if its event is no longer applied (the conversation was restarted or a new
    session started since), or if it is killed by a user message sent after it.
    """
    if not any(_same(event, reminder) for event in applied):
        return False
    if reminder.kill_on_user_msg:
        for event in reversed(events):
            if _same(event, reminder):
                break
            if isinstance(event, UserUttered) and event.text:
                return False
    return True


def _same(event: Event, reminder: ReminderScheduled) -> bool:
    return isinstance(event, ReminderScheduled) and event.name == reminder.name


class ReminderScheduler:
    """Pending reminders by name; `fire(sender_id, reminder)` runs when one is due."""

    def __init__(self, fire: FireReminder, clock: Callable[[], float] = time.time) -> None:
        self._fire = fire
        self._clock = clock
        self._pending: dict[str, _Pending] = {}
        self._running: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._pending)

    def apply(self, sender_id: str, events: Iterable[Event]) -> None:
        """Schedule and cancel what a conversation's new (saved) events ask for."""
        for event in events:
            if isinstance(event, ReminderScheduled):
                self.schedule(sender_id, event)
            elif isinstance(event, ReminderCancelled):
                self.cancel(sender_id, event)

    def schedule(self, sender_id: str, reminder: ReminderScheduled) -> None:
        self._drop(reminder.name)
        delay = max(0.0, reminder.date_time.timestamp() - self._clock())
        timer = asyncio.get_running_loop().call_later(delay, self._start, reminder.name)
        self._pending[reminder.name] = _Pending(sender_id, reminder, timer)
        logger.debug("Reminder %r of %r due in %.1f s.", reminder.name, sender_id, delay)

    def cancel(self, sender_id: str, cancellation: ReminderCancelled) -> None:
        """Drop the conversation's pending reminders that `cancellation` matches."""
        for name, pending in list(self._pending.items()):
            if pending.sender_id == sender_id and cancels(cancellation, pending.reminder):
                self._drop(name)

    async def close(self) -> None:
        """Drop every pending reminder and wait for the ones already firing."""
        for name in list(self._pending):
            self._drop(name)
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _drop(self, name: str) -> None:
        pending = self._pending.pop(name, None)
        if pending is not None:
            pending.timer.cancel()

    def _start(self, name: str) -> None:
        pending = self._pending.pop(name)
        task = asyncio.ensure_future(self._run(pending))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, pending: _Pending) -> None:
        try:
            await self._fire(pending.sender_id, pending.reminder)
        except Exception:
            logger.exception("Reminder %r of %r failed.", pending.reminder.name, pending.sender_id)
