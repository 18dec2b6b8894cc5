"""Stories, rules and test stories as immutable steps, each with its file position."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from myna.project.annotations import EntityAnnotation
from myna.project.errors import Source


@dataclass(frozen=True, slots=True)
class StoryEntity:
    """An entity given by type (and value) rather than by a span of text."""

    entity: str
    value: Any = None
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class UserStep:
    """``intent:`` and/or ``user:`` text; ``text`` is the plain text, annotations removed."""

    intent: str | None
    text: str | None
    entities: tuple[EntityAnnotation | StoryEntity, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class ActionStep:
    """``action: name`` (``name`` set) or an end-to-end ``bot: text`` (``bot_text`` set)."""

    name: str | None
    bot_text: str | None
    source: Source


@dataclass(frozen=True, slots=True)
class SlotStep:
    """``slot_was_set``: (name, value, value_given); ``- name`` alone gives no value."""

    slots: tuple[tuple[str, Any, bool], ...]
    source: Source


@dataclass(frozen=True, slots=True)
class ActiveLoopStep:
    """``active_loop: name``; ``name`` None means the loop was deactivated."""

    name: str | None
    source: Source


@dataclass(frozen=True, slots=True)
class CheckpointStep:
    name: str
    conditions: Mapping[str, Any]
    source: Source


@dataclass(frozen=True, slots=True)
class OrStep:
    alternatives: tuple[UserStep | SlotStep, ...]
    source: Source


Step = UserStep | ActionStep | SlotStep | ActiveLoopStep | CheckpointStep | OrStep


@dataclass(frozen=True, slots=True)
class Story:
    """A story or a rule; ``condition``, ``conversation_start`` and ``wait_for_user_input``
    only mean something for rules."""

    name: str
    kind: Literal["story", "rule"]
    steps: tuple[Step, ...]
    source: Source
    condition: tuple[Step, ...] = ()
    conversation_start: bool = False
    wait_for_user_input: bool = True


@dataclass(frozen=True, slots=True)
class StoryData:
    stories: tuple[Story, ...] = ()
    rules: tuple[Story, ...] = ()

    def merge(self, *others: StoryData) -> StoryData:
        return StoryData.combine([self, *others])

    @classmethod
    def combine(cls, parts: Iterable[StoryData]) -> StoryData:
        parts = list(parts)
        return cls(
            stories=tuple(story for part in parts for story in part.stories),
            rules=tuple(rule for part in parts for rule in part.rules),
        )
