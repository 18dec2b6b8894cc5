"""Scheduled external intents: `reminder` and `cancel_reminder`."""

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from myna.events.base import Event, InvalidEventError, event_type


def _parse_date_time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidEventError(
            f"'date_time' must be an ISO 8601 date-time string, got {value!r}"
        ) from None


def _new_reminder_name() -> str:
    return str(uuid.uuid1())


@event_type
class ReminderScheduled(Event):
    """Triggers external intent `intent` at `date_time` unless cancelled first."""

    type_name: ClassVar[str] = "reminder"
    encoders: ClassVar[Mapping[str, Callable[[Any], Any]]] = {"date_time": datetime.isoformat}
    decoders: ClassVar[Mapping[str, Callable[[Any], Any]]] = {"date_time": _parse_date_time}

    intent: str
    date_time: datetime
    entities: list[dict[str, Any]] | dict[str, Any] | None = None
    name: str = dataclasses.field(default_factory=_new_reminder_name)
    kill_on_user_msg: bool = True


@event_type
class ReminderCancelled(Event):
    """Cancels this conversation's reminders matching every non-empty filter.

    Rasa 3.6 writes only the envelope; we also write the filters that are set, so the
    event survives a JSON round trip.
    """

    type_name: ClassVar[str] = "cancel_reminder"
    input_only: ClassVar[frozenset[str]] = frozenset({"name", "intent", "entities"})

    name: str | None = None
    intent: str | None = None
    entities: list[dict[str, Any]] | dict[str, Any] | None = None
