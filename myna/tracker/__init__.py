"""The conversation tracker: events of one conversation and the state derived from them."""

from myna.tracker.applied import applied_events
from myna.tracker.state import ACTION_LISTEN, ACTION_SESSION_START
from myna.tracker.tracker import Tracker
from myna.tracker.verbosity import EventVerbosity

__all__ = [
    "ACTION_LISTEN",
    "ACTION_SESSION_START",
    "EventVerbosity",
    "Tracker",
    "applied_events",
]
