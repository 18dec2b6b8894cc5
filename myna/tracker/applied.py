"""Which events still shape the conversation state (the applied-events rule).

`restart` and `session_started` clear the list; `undo` drops back to before the
latest `action`; `rewind` drops back to before the latest `user` and then before the
`action` preceding it. Repeated executions of a loop action during its happy path are
collapsed: the turn in between (listen, user message, featurization) is removed and the
repeated execution is not added, while the events the loop produced (slots, bot
messages) are kept. A loop execution counts as a repetition unless it is the first one
since the loop was last deactivated, or an unhappy path lies in between: the loop was
rejected, or a user message was followed by an action other than the loop.
"""

from collections.abc import Callable, Sequence, Set

from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)

# The events of a listen → user turn, removed when a loop execution is collapsed.
_TURN_EVENTS = (ActionExecuted, UserUttered, DefinePrevUserUtteredFeaturization)


def _drop_through_last(applied: list[Event], kind: type[Event]) -> None:
    """Remove the latest event of `kind` and everything after it (all if none)."""
    for index in range(len(applied) - 1, -1, -1):
        if isinstance(applied[index], kind):
            del applied[index:]
            return
    applied.clear()


def _clear(applied: list[Event]) -> None:
    applied.clear()


def _undo(applied: list[Event]) -> None:
    _drop_through_last(applied, ActionExecuted)


def _rewind(applied: list[Event]) -> None:
    _drop_through_last(applied, UserUttered)
    _drop_through_last(applied, ActionExecuted)


_RULES: dict[type[Event], Callable[[list[Event]], None]] = {
    Restarted: _clear,
    SessionStarted: _clear,
    ActionReverted: _undo,
    UserUtteranceReverted: _rewind,
}


def _is_repeated_loop_execution(loop_name: str, applied: Sequence[Event]) -> bool:
    next_action: str | None = None
    for event in reversed(applied):
        if isinstance(event, ActiveLoop) and event.name is None:
            return False
        if isinstance(event, ActionExecutionRejected) and event.name == loop_name:
            return False
        if isinstance(event, UserUttered) and next_action not in (None, loop_name):
            return False
        if isinstance(event, ActionExecuted):
            if event.name == loop_name:
                return True
            next_action = event.name
    return False


def _collapse_into_previous_execution(loop_name: str, applied: list[Event]) -> None:
    for index in range(len(applied) - 1, -1, -1):
        event = applied[index]
        if isinstance(event, ActionExecuted) and event.name == loop_name:
            return
        if isinstance(event, _TURN_EVENTS):
            del applied[index]


def applied_events(events: Sequence[Event]) -> list[Event]:
    """The events of `events` that the current state is derived from (see module doc)."""
    loop_names = loop_names_in(events)
    applied: list[Event] = []
    for event in events:
        rule = _RULES.get(type(event))
        if rule is not None:
            rule(applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.name in loop_names
            and _is_repeated_loop_execution(event.name, applied)
        ):
            _collapse_into_previous_execution(event.name, applied)
        else:
            applied.append(event)
    return applied


def loop_names_in(events: Sequence[Event]) -> set[str]:
    """The names of the loops `events` activate."""
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def extends_applied(event: Event, applied: Sequence[Event], loop_names: Set[str]) -> bool:
    """True if logging `event` after events whose applied events are `applied` (and whose
    loops are `loop_names`) just appends it to them: it edits no history, names no new
    loop (which could turn earlier executions into repetitions) and is not a repeated
    loop execution. Lets a caller follow a growing conversation event by event."""
    if type(event) in _RULES:
        return False
    if isinstance(event, ActiveLoop):
        return not event.name or event.name in loop_names
    if isinstance(event, ActionExecuted) and event.name in loop_names:
        return not _is_repeated_loop_execution(event.name, applied)
    return True
