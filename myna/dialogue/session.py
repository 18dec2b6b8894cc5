"""When a conversation needs a new session (dialogue-semantics.md §1 step 2)."""

from collections.abc import Sequence
from typing import Any

from myna.events import Event, SlotSet, UserUttered
from myna.project.domain import SessionConfig
from myna.tracker import Tracker

SESSION_START_METADATA_SLOT = "session_started_metadata"


def session_expired(applied: Sequence[Event], config: SessionConfig, now: float) -> bool:
    """Sessions are enabled and the latest user message of a tracker's `applied` events is
    older than the expiration time. A session without user messages never expires.
    """
    if config.session_expiration_time <= 0:
        return False
    latest_user = next(
        (event for event in reversed(applied) if isinstance(event, UserUttered)), None
    )
    if latest_user is None:
        return False
    return now - latest_user.timestamp > config.session_expiration_time * 60


def needs_session_start(tracker: Tracker, config: SessionConfig, now: float) -> bool:
    """A new conversation (no applied events) or an expired session."""
    applied = tracker.applied_events()
    return not applied or session_expired(applied, config, now)


def session_metadata_events(metadata: dict[str, Any] | None) -> list[Event]:
    """The `slot(session_started_metadata)` logged before a session start, if any."""
    return [SlotSet(SESSION_START_METADATA_SLOT, metadata)] if metadata else []
