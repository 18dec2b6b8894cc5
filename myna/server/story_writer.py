"""A conversation as a YAML test story (the `GET /conversations/{id}/story` body).

One story per session (sessions begin at `session_started`), named after the
conversation, or `<id>, story <n>` when there are several. Steps come from user
messages (intent + text with entity annotations), actions (without listen, session
start and unlikely-intent), slot events and active-loop events; bot messages and
bookkeeping events are not steps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import yaml

from myna.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from myna.tracker import ACTION_LISTEN, ACTION_SESSION_START, Tracker

STORIES_FORMAT_VERSION = "3.1"
_UNWRITTEN_ACTIONS = frozenset({ACTION_LISTEN, ACTION_SESSION_START, "action_unlikely_intent"})

Step = dict[str, Any]


class _Literal(str):
    """A string written as a YAML literal block (`|-`)."""


class _StoryDumper(yaml.SafeDumper):
    pass


_StoryDumper.add_representer(
    _Literal, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, "|")
)


def story_yaml(tracker: Tracker, all_sessions: bool = False) -> str:
    """The test stories of `tracker`: every session, or only the latest one."""
    sessions = [_steps(events) for events in _sessions(tracker.events)]
    if not all_sessions:
        sessions = sessions[-1:]
    sessions = [steps for steps in sessions if steps]
    stories = [
        {"story": _story_name(tracker.sender_id, number, len(sessions)), "steps": steps}
        for number, steps in enumerate(sessions, start=1)
    ]
    body = yaml.dump(
        {"stories": stories}, Dumper=_StoryDumper, sort_keys=False, allow_unicode=True, width=10**6
    )
    return f'version: "{STORIES_FORMAT_VERSION}"\n{body}'


def annotated_text(text: str, entities: Iterable[Mapping[str, Any]]) -> str:
    """`text` with its entities marked up as in training data: `[span](entity)`."""
    located = [
        e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
    ]
    parts: list[str] = []
    position = 0
    for entity in sorted(located, key=lambda e: e["start"]):
        start, end = entity["start"], entity["end"]
        if start < position:
            continue  # overlapping entities cannot both be marked up
        parts += [text[position:start], _markup(text[start:end], entity)]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _markup(span: str, entity: Mapping[str, Any]) -> str:
    value = entity.get("value")
    fields = {
        "entity": entity.get("entity"),
        "role": entity.get("role"),
        "group": entity.get("group"),
        "value": None if value == span else value,
    }
    fields = {key: item for key, item in fields.items() if item is not None}
    if fields.keys() == {"entity"}:
        return f"[{span}]({fields['entity']})"
    return f"[{span}]{json.dumps(fields)}"


def _story_name(sender_id: str, number: int, count: int) -> str:
    return sender_id if count == 1 else f"{sender_id}, story {number}"


def _sessions(events: Sequence[Event]) -> list[list[Event]]:
    sessions: list[list[Event]] = [[]]
    for event in events:
        if isinstance(event, SessionStarted):
            sessions.append([])
        else:
            sessions[-1].append(event)
    return sessions


def _steps(events: Iterable[Event]) -> list[Step]:
    steps = (_STEP_WRITERS.get(type(event), _no_step)(event) for event in events)
    return [step for step in steps if step is not None]


def _no_step(_event: Any) -> None:
    return None


def _user_step(event: UserUttered) -> Step:
    step: Step = {}
    if event.intent_name:
        step["intent"] = event.intent_name
    if event.text:
        step["user"] = _Literal(annotated_text(event.text, event.entities))
    return step


def _action_step(event: ActionExecuted) -> Step | None:
    if event.name in _UNWRITTEN_ACTIONS:
        return None
    if event.name:
        return {"action": event.name}
    return {"bot": event.action_text}


def _slot_step(event: SlotSet) -> Step:
    return {"slot_was_set": [{event.name: event.value}]}


def _loop_step(event: ActiveLoop) -> Step:
    return {"active_loop": event.name}


_STEP_WRITERS: Mapping[type[Event], Callable[[Any], Step | None]] = {
    UserUttered: _user_step,
    ActionExecuted: _action_step,
    SlotSet: _slot_step,
    ActiveLoop: _loop_step,
}
