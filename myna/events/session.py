"""Conversation-level events: restarts, sessions, rewinds, pausing and legacy ones."""

from typing import Any, ClassVar

from myna.events.base import Event, event_type


@event_type
class Restarted(Event):
    """Resets the conversation; the next action is forced to `action_session_start`."""

    type_name: ClassVar[str] = "restart"


@event_type
class SessionStarted(Event):
    """Resets the conversation state and marks the start of a new session."""

    type_name: ClassVar[str] = "session_started"


@event_type
class UserUtteranceReverted(Event):
    """Rewind: removes the latest user message, what followed, and the listen before it."""

    type_name: ClassVar[str] = "rewind"


@event_type
class ConversationPaused(Event):
    type_name: ClassVar[str] = "pause"


@event_type
class ConversationResumed(Event):
    type_name: ClassVar[str] = "resume"


@event_type
class StoryExported(Event):
    """Legacy story dump. Rasa drops `path` on output; we keep it when set (lossless)."""

    type_name: ClassVar[str] = "export"
    input_only: ClassVar[frozenset[str]] = frozenset({"path"})

    path: str | None = None


@event_type
class AgentUttered(Event):
    """Legacy agent message; no effect on the tracker."""

    type_name: ClassVar[str] = "agent"

    text: str | None = None
    data: Any = None
