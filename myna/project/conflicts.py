"""Find stories and rules in which the same dialogue history leads to different actions.

Each story is replayed step by step into the states the policies will see (latest intent
and its entities, previous action, featurised slots, active loop). Two stories conflict
when the last ``max_history`` states before an action are equal but the actions differ;
two rules conflict when their whole state sequences are equal but their actions differ.
The finer rule-against-story check needs the trained RulePolicy and runs at training.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from myna.project.domain import Domain
from myna.project.errors import Problem, Source
from myna.project.stories import (
    ActionStep,
    ActiveLoopStep,
    OrStep,
    SlotStep,
    Story,
    StoryData,
    UserStep,
)

ACTION_LISTEN = "action_listen"
DEFAULT_MAX_HISTORY = 5
MAX_VARIANTS_PER_STORY = 64

State = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """One action a story or rule takes, and the states that led to it."""

    states: tuple[State, ...]
    action: str
    story: Story
    source: Source


@dataclass(slots=True)
class _Replay:
    """The policy-visible state while walking through one story variant."""

    domain: Domain
    intent: str | None = None
    entities: tuple[str, ...] = ()
    prev_action: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    active_loop: str | None = None

    def state(self) -> State:
        items: list[tuple[str, Any]] = []
        if self.intent is not None:
            items += [("intent", self.intent), ("entities", self.entities)]
        if self.prev_action is not None:
            items.append(("prev_action", self.prev_action))
        items += sorted((f"slot:{k}", v) for k, v in self.slots.items() if v is not None)
        if self.active_loop is not None:
            items.append(("active_loop", self.active_loop))
        return tuple(items)

    def user(self, step: UserStep) -> None:
        intent = step.intent or step.text or ""
        self.intent = intent
        used = self.domain.used_entities(intent.split("/")[0])
        self.entities = tuple(sorted({e.entity for e in step.entities} & used))
        self.prev_action = ACTION_LISTEN

    def slot(self, name: str, value: Any) -> None:
        definition = self.domain.slots.get(name)
        if definition is None or not definition.influence_conversation:
            return
        if definition.type in ("bool", "categorical"):
            self.slots[name] = str(value).lower() if value is not None else None
        else:
            self.slots[name] = "set" if value not in (None, [], "") else None


def _variants(story: Story) -> Iterator[tuple[object, ...]]:
    """Expand `or:` steps into one linear step list per alternative (bounded)."""
    choices = [s.alternatives if isinstance(s, OrStep) else (s,) for s in story.steps]
    yield from itertools.islice(itertools.product(*choices), MAX_VARIANTS_PER_STORY)


def _apply_condition(replay: _Replay, story: Story) -> None:
    for step in story.condition:
        if isinstance(step, SlotStep):
            for name, value, _given in step.slots:
                replay.slot(name, value)
        elif isinstance(step, ActiveLoopStep):
            replay.active_loop = step.name


def _taught_steps(story: Story, steps: tuple[object, ...]) -> tuple[object, ...]:
    """A rule may start anywhere (an implied `...`), so its opening action is only context."""
    opens_with_action = bool(steps) and isinstance(steps[0], ActionStep)
    if story.kind == "rule" and not story.conversation_start and opens_with_action:
        return steps[1:]
    return steps


def decisions(story: Story, domain: Domain) -> Iterator[Decision]:
    """Every (history, action) pair a story or rule teaches, including implied listens."""
    for variant in _variants(story):
        replay = _Replay(domain)
        _apply_condition(replay, story)
        steps = _taught_steps(story, variant)
        if len(steps) < len(variant):
            opening = variant[0]
            assert isinstance(opening, ActionStep)
            replay.prev_action = opening.name or opening.bot_text
        history: list[State] = []
        acted_since_user = False
        for step in steps:
            if isinstance(step, UserStep):
                if acted_since_user:
                    yield Decision((*history, replay.state()), ACTION_LISTEN, story, step.source)
                    history.append(replay.state())
                replay.user(step)
                acted_since_user = False
            elif isinstance(step, ActionStep):
                name = step.name or step.bot_text or ""
                history.append(replay.state())
                yield Decision(tuple(history), name, story, step.source)
                replay.prev_action = name
                acted_since_user = True
            elif isinstance(step, SlotStep):
                for name, value, _given in step.slots:
                    replay.slot(name, value)
            elif isinstance(step, ActiveLoopStep):
                replay.active_loop = step.name
        if story.kind == "rule" and story.wait_for_user_input and acted_since_user:
            yield Decision((*history, replay.state()), ACTION_LISTEN, story, story.source)


def _report(first: Decision, second: Decision) -> Problem:
    kind = second.story.kind
    return Problem(
        second.source,
        f"{kind} '{second.story.name}' predicts '{second.action}' where {first.story.kind} "
        f"'{first.story.name}' ({first.source}) predicts '{first.action}' "
        "after the same conversation history",
    )


def _conflicts(found: Iterator[tuple[tuple[State, ...], Decision]]) -> Iterator[Problem]:
    seen: dict[tuple[State, ...], Decision] = {}
    reported: set[tuple[str, str]] = set()
    for key, decision in found:
        earlier = seen.setdefault(key, decision)
        pair = (earlier.story.name, decision.story.name)
        if earlier.action != decision.action and pair not in reported:
            reported.add(pair)
            yield _report(earlier, decision)


def find_conflicts(
    data: StoryData, domain: Domain, max_history: int | None = None
) -> Iterator[Problem]:
    history = max_history or DEFAULT_MAX_HISTORY
    story_decisions = (
        (d.states[-history:], d) for story in data.stories for d in decisions(story, domain)
    )
    yield from _conflicts(story_decisions)
    rule_decisions = ((d.states, d) for rule in data.rules for d in decisions(rule, domain))
    yield from _conflicts(rule_decisions)
