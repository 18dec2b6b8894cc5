"""Conversation events in the Rasa 3.x JSON wire format."""

from myna.events.actions import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    FollowupAction,
)
from myna.events.base import (
    Event,
    InvalidEventError,
    UnknownEventError,
    stamp_metadata,
)
from myna.events.conversation import (
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    UserUttered,
    entity_list,
    parse_data_shape,
)
from myna.events.loops import ActiveLoop, LoopInterrupted
from myna.events.registry import (
    EVENT_TYPES,
    event_from_dict,
    events_from_list,
    known_event_names,
)
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

__all__ = [
    "EVENT_TYPES",
    "ActionExecuted",
    "ActionExecutionRejected",
    "ActionReverted",
    "ActiveLoop",
    "AgentUttered",
    "AllSlotsReset",
    "BotUttered",
    "ConversationPaused",
    "ConversationResumed",
    "DefinePrevUserUtteredFeaturization",
    "EntitiesAdded",
    "Event",
    "FollowupAction",
    "InvalidEventError",
    "LoopInterrupted",
    "ReminderCancelled",
    "ReminderScheduled",
    "Restarted",
    "SessionStarted",
    "SlotSet",
    "StoryExported",
    "UnknownEventError",
    "UserUtteranceReverted",
    "UserUttered",
    "entity_list",
    "event_from_dict",
    "events_from_list",
    "known_event_names",
    "parse_data_shape",
    "stamp_metadata",
]
