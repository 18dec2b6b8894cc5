"""Event type names → classes, and reading events from their JSON form.

Beyond the Rasa schema (required `event`, numeric-or-null `timestamp`, object-or-null
`metadata`, `slot` with `name` and `value`, `entities` with entity objects), a payload
key without which a type means nothing (e.g. `followup.name`, `reminder.date_time`) is
required too: a clear error instead of a later crash or a silent no-op.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from myna.events.actions import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    FollowupAction,
)
from myna.events.base import Event, InvalidEventError, UnknownEventError
from myna.events.conversation import (
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    UserUttered,
)
from myna.events.loops import ActiveLoop, LoopInterrupted, read_form_validation
from myna.events.reminders import ReminderCancelled, ReminderScheduled
from myna.events.session import (
    AgentUttered,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    SessionStarted,
    StoryExported,
    UserUtteranceReverted,
)
from myna.events.slots import AllSlotsReset, SlotSet

EVENT_TYPES: Mapping[str, type[Event]] = {
    cls.type_name: cls
    for cls in (
        UserUttered,
        DefinePrevUserUtteredFeaturization,
        EntitiesAdded,
        BotUttered,
        SlotSet,
        Restarted,
        UserUtteranceReverted,
        AllSlotsReset,
        ReminderScheduled,
        ReminderCancelled,
        ActionReverted,
        StoryExported,
        FollowupAction,
        ConversationPaused,
        ConversationResumed,
        ActionExecuted,
        AgentUttered,
        ActiveLoop,
        LoopInterrupted,
        ActionExecutionRejected,
        SessionStarted,
    )
}

# Pre-3.0 names, read into the current classes.
_LEGACY_READERS: Mapping[str, Callable[[Mapping[str, Any]], Event]] = {
    "form": ActiveLoop.from_dict,
    "form_validation": read_form_validation,
}
_READERS: Mapping[str, Callable[[Mapping[str, Any]], Event]] = {
    **{name: cls.from_dict for name, cls in EVENT_TYPES.items()},
    **_LEGACY_READERS,
}
# Legacy names that are accepted and dropped.
IGNORED_EVENT_NAMES = frozenset({"topic"})


def known_event_names() -> list[str]:
    return sorted([*_READERS, *IGNORED_EVENT_NAMES])


def event_from_dict(data: Mapping[str, Any]) -> Event | None:
    """Read one event; None for an ignored legacy event (`topic`).

    Raises UnknownEventError for an unknown `event` name and InvalidEventError for a
    body that breaks the schema.
    """
    if not isinstance(data, Mapping):
        raise InvalidEventError(f"an event must be an object, got {data!r}")
    if "event" not in data:
        raise InvalidEventError(f"an event needs an 'event' key: {dict(data)}")
    name = data["event"]
    if name in IGNORED_EVENT_NAMES:
        return None
    reader = _READERS.get(name) if isinstance(name, str) else None
    if reader is None:
        raise UnknownEventError(name, known_event_names())
    return reader(data)


def events_from_list(items: Iterable[Mapping[str, Any]]) -> list[Event]:
    """Read a list of events, skipping ignored legacy events."""
    return [event for event in map(event_from_dict, items) if event is not None]
