"""Stories and rules as event sequences ("training trackers") for the policies.

- `or:` steps are expanded into one variant per alternative (at most
  `MAX_VARIANTS_PER_STORY` per story or rule).
- Stories are joined at checkpoints: a story ending in checkpoint `c` continues with
  every story starting with `c` whose checkpoint slot conditions hold. A story without
  a start checkpoint starts a tracker; a tracker is complete when it reaches a story
  without an end checkpoint (one ending in a checkpoint no story starts with is
  dropped, as in Rasa). Each story appears at most once per tracker (loops through
  checkpoints are unrolled once) and at most `MAX_STORY_TRACKERS` trackers are built.
- Every user turn is preceded by `action_listen`; a story or a rule that waits for user
  input ends with one. A user step also sets the slots that `from_entity` mappings
  without a loop condition fill from its entities (Rasa's story semantics).
- A rule becomes: its condition events, `...` unless `conversation_start`, its steps,
  and `...` when `wait_for_user_input: false`. In conditions, `null` slot values and
  `active_loop: null` become the marker `SHOULD_NOT_BE_SET`.
- No augmentation (random story concatenation): Memoization ignores augmented trackers
  and RulePolicy never uses them, so none are generated.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from myna.dialogue.states import RULE_SNIPPET_ACTION, SHOULD_NOT_BE_SET
from myna.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from myna.project.domain import Domain
from myna.project.errors import Source
from myna.project.stories import (
    ActionStep,
    ActiveLoopStep,
    CheckpointStep,
    OrStep,
    SlotStep,
    Step,
    Story,
    StoryData,
    UserStep,
)
from myna.tracker import ACTION_LISTEN

MAX_VARIANTS_PER_STORY = 64
MAX_STORY_TRACKERS = 10_000
# Value of a `slot_was_set: [name]` step without a value, by slot type.
_DEFAULT_SLOT_VALUES: Mapping[str, Any] = {"text": "filled", "list": ["filled"]}


@dataclass(frozen=True, slots=True)
class TrainingTracker:
    """The events of one story path or rule; `sources[i]` is where `events[i]` came from."""

    name: str
    kind: Literal["story", "rule"]
    events: tuple[Event, ...]
    sources: tuple[Source, ...]

    @property
    def is_rule(self) -> bool:
        return self.kind == "rule"

    def source_of(self, event: Event) -> Source:
        """The step an event of this tracker was written at (looked up by identity)."""
        for candidate, source in zip(self.events, self.sources, strict=True):
            if candidate is event:
                return source
        raise ValueError(f"{event!r} is not an event of {self.kind} '{self.name}'")


@dataclass(slots=True)
class _Builder:
    """Accumulates the events of one story or rule variant."""

    domain: Domain
    events: list[Event]
    sources: list[Source]

    def add(self, event: Event, source: Source) -> None:
        self.events.append(event)
        self.sources.append(source)

    def listen(self, source: Source) -> None:
        last = self.events[-1] if self.events else None
        if not (isinstance(last, ActionExecuted) and last.name == ACTION_LISTEN):
            self.add(ActionExecuted(ACTION_LISTEN), source)

    def step(self, step: Step, condition: bool = False) -> None:
        if isinstance(step, UserStep):
            self.listen(step.source)
            message = _user_event(step)
            self.add(message, step.source)
            for event in _entity_slot_events(message.entities, self.domain):
                self.add(event, step.source)
        elif isinstance(step, ActionStep):
            self.add(ActionExecuted(step.name, action_text=step.bot_text), step.source)
        elif isinstance(step, SlotStep):
            for name, value, given in step.slots:
                value = value if given else _default_slot_value(name, self.domain)
                marked = SHOULD_NOT_BE_SET if condition and value is None else value
                self.add(SlotSet(name, marked), step.source)
        elif isinstance(step, ActiveLoopStep):
            name = SHOULD_NOT_BE_SET if condition and step.name is None else step.name
            self.add(ActiveLoop(name), step.source)


def _default_slot_value(name: str, domain: Domain) -> Any:
    slot = domain.slots.get(name)
    return None if slot is None else _DEFAULT_SLOT_VALUES.get(slot.type)


def _user_event(step: UserStep) -> UserUttered:
    entities = []
    for entity in step.entities:
        found = {"entity": entity.entity, "value": entity.value}
        labels = {"role": entity.role, "group": entity.group}
        found.update({key: label for key, label in labels.items() if label is not None})
        entities.append(found)
    parse_data: dict[str, Any] = {"entities": entities}
    if step.intent is not None:
        parse_data["intent"] = {"name": step.intent, "confidence": 1.0}
    return UserUttered(text=step.text, parse_data=parse_data)


def _entity_slot_events(entities: Sequence[Mapping[str, Any]], domain: Domain) -> list[SlotSet]:
    """The slots `from_entity` mappings (without a loop condition) fill from entities."""
    if not domain.store_entities_as_slots:
        return []
    events = []
    for slot in domain.slots.values():
        values = [
            entity.get("value")
            for mapping in slot.mappings
            if mapping.type == "from_entity"
            and not (mapping.conditions and mapping.conditions[0].active_loop is not None)
            for entity in entities
            if (entity.get("entity"), entity.get("role"), entity.get("group"))
            == (mapping.entity, mapping.role, mapping.group)
        ]
        if values:
            events.append(SlotSet(slot.name, values if slot.type == "list" else values[-1]))
    return events


def _variants(steps: Sequence[Step]) -> Iterator[tuple[Step, ...]]:
    choices = [step.alternatives if isinstance(step, OrStep) else (step,) for step in steps]
    yield from itertools.islice(itertools.product(*choices), MAX_VARIANTS_PER_STORY)


# Rules


def _rule_tracker(rule: Story, steps: Sequence[Step], domain: Domain) -> TrainingTracker:
    builder = _Builder(domain, [], [])
    for step in rule.condition:
        builder.step(step, condition=True)
    if not rule.conversation_start:
        builder.add(ActionExecuted(RULE_SNIPPET_ACTION), rule.source)
    for step in steps:
        builder.step(step)
    if rule.wait_for_user_input:
        builder.listen(builder.sources[-1] if builder.sources else rule.source)
    else:
        builder.add(ActionExecuted(RULE_SNIPPET_ACTION), rule.source)
    return TrainingTracker(rule.name, "rule", tuple(builder.events), tuple(builder.sources))


def rule_trackers(rules: Sequence[Story], domain: Domain) -> list[TrainingTracker]:
    return [_rule_tracker(rule, steps, domain) for rule in rules for steps in _variants(rule.steps)]


# Stories and checkpoints


@dataclass(frozen=True, slots=True)
class _Segment:
    """One variant of a story: its checkpoints and the events in between."""

    index: int
    story: Story
    starts: tuple[CheckpointStep, ...]
    ends: tuple[str, ...]
    events: tuple[Event, ...]
    sources: tuple[Source, ...]


def _segments(index: int, story: Story, domain: Domain) -> Iterator[_Segment]:
    starts = tuple(itertools.takewhile(lambda s: isinstance(s, CheckpointStep), story.steps))
    body = story.steps[len(starts) :]
    ends = tuple(step.name for step in body if isinstance(step, CheckpointStep))
    body = tuple(step for step in body if not isinstance(step, CheckpointStep))
    for steps in _variants(body):
        builder = _Builder(domain, [], [])
        for step in steps:
            builder.step(step)
        if not ends:
            builder.listen(builder.sources[-1] if builder.sources else story.source)
        yield _Segment(index, story, starts, ends, tuple(builder.events), tuple(builder.sources))


def _slot_values(events: Sequence[Event], domain: Domain) -> dict[str, Any]:
    values = domain.slot_initial_values()
    values.update((e.name, e.value) for e in events if isinstance(e, SlotSet))
    return values


def _continues(segment: _Segment, checkpoint: str, slots: Mapping[str, Any]) -> bool:
    return any(
        start.name == checkpoint
        and all(slots.get(name) == value for name, value in start.conditions.items())
        for start in segment.starts
    )


def _paths(
    segment: _Segment,
    prefix: tuple[_Segment, ...],
    segments: Sequence[_Segment],
    domain: Domain,
) -> Iterator[tuple[_Segment, ...]]:
    path = (*prefix, segment)
    if not segment.ends:
        yield path
        return
    slots = _slot_values([e for part in path for e in part.events], domain)
    used = {part.index for part in path}
    for follower in segments:
        if follower.index not in used and any(
            _continues(follower, end, slots) for end in segment.ends
        ):
            yield from _paths(follower, path, segments, domain)


def story_trackers(stories: Sequence[Story], domain: Domain) -> list[TrainingTracker]:
    segments = [
        segment
        for index, story in enumerate(stories)
        for segment in _segments(index, story, domain)
    ]
    paths = (
        path
        for segment in segments
        if not segment.starts
        for path in _paths(segment, (), segments, domain)
    )
    return [
        TrainingTracker(
            " > ".join(dict.fromkeys(part.story.name for part in path)),
            "story",
            tuple(event for part in path for event in part.events),
            tuple(source for part in path for source in part.sources),
        )
        for path in itertools.islice(paths, MAX_STORY_TRACKERS)
    ]


def training_trackers(data: StoryData, domain: Domain) -> list[TrainingTracker]:
    """Story trackers first, then rule trackers."""
    return story_trackers(data.stories, domain) + rule_trackers(data.rules, domain)
