"""`myna test core`'s engine: play test stories against an assistant (no files written).

It sits above the dialogue engine (it drives a `MessageProcessor`) and beside the NLU
evaluation, so neither of them depends on it.

Each story (each combination of its `or:` alternatives separately) is played in a fresh
conversation through the real message loop, custom actions included. A user step's text
goes through NLU (an `intent:`-only step as its `/intent{entities}` shortcut) and its
predicted intent and entities are compared with the step's. The bot's `action` events that
follow are compared with the story's action steps one by one; the listen the story implies
before its next user step is compared too. `slot_was_set` and `active_loop` steps are looked
up among the turn's events. A story fails at its first wrong prediction (dialogue-semantics
§9); an unexpected `action_unlikely_intent` is only a warning.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from myna.dialogue.message import UserMessage
from myna.dialogue.processor import MessageProcessor
from myna.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from myna.nlu.evaluation.reports import NO_PREDICTION
from myna.project.annotations import EntityAnnotation
from myna.project.errors import Source
from myna.project.story_model import (
    ActionStep,
    ActiveLoopStep,
    CheckpointStep,
    OrStep,
    SlotStep,
    Story,
    StoryEntity,
    UserStep,
)
from myna.server.story_writer import annotated_text
from myna.tracker import ACTION_LISTEN, Tracker

UNLIKELY_INTENT = "action_unlikely_intent"
CHANNEL = "test"

CaseStep = UserStep | ActionStep | SlotStep | ActiveLoopStep


@dataclass(frozen=True, slots=True)
class StoryCase:
    """One playable story: a story with one alternative chosen for each `or:` step."""

    name: str
    steps: tuple[CaseStep, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The first wrong prediction: at `step`, or, with `listen`, the listen just before it."""

    step: int
    predicted: str
    listen: bool = False


@dataclass(slots=True)
class StoryResult:
    """What playing a case gave: its action labels (gold and predicted, parallel), the
    first mismatch and the steps at which `action_unlikely_intent` was predicted."""

    case: StoryCase
    gold_actions: list[str] = field(default_factory=list)
    predicted_actions: list[str] = field(default_factory=list)
    mismatch: Mismatch | None = None
    warnings: list[int] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.mismatch is not None


def story_cases(stories: Iterable[Story]) -> list[StoryCase]:
    """Every story as cases: one per combination of `or:` alternatives (checkpoints out)."""
    cases: list[StoryCase] = []
    for story in stories:
        choices = [
            step.alternatives if isinstance(step, OrStep) else (step,)
            for step in story.steps
            if not isinstance(step, CheckpointStep)
        ]
        variants: list[tuple[CaseStep, ...]] = list(itertools.product(*choices))
        for number, steps in enumerate(variants, start=1):
            name = story.name if len(variants) == 1 else f"{story.name} (alternative {number})"
            cases.append(StoryCase(name, steps, story.source))
    return cases


async def run_story_tests(
    processor: MessageProcessor, cases: Sequence[StoryCase]
) -> list[StoryResult]:
    """Play every case in its own new conversation, one after the other."""
    run_id = uuid.uuid4().hex[:8]
    results = []
    for number, case in enumerate(cases):
        player = _StoryPlayer(processor, case, f"story-test-{run_id}-{number}")
        results.append(await player.play())
    return results


def shortcut_text(step: UserStep) -> str:
    """`/intent{"type": value}` for a step given by intent (and entities) only."""
    values: dict[str, list[Any]] = {}
    for entity in step.entities:
        values.setdefault(entity.entity, []).append(entity.value)
    payload = {name: found[0] if len(found) == 1 else found for name, found in values.items()}
    return f"/{step.intent}{json.dumps(payload) if payload else ''}"


def entities_match(
    gold: Sequence[EntityAnnotation | StoryEntity], predicted: Sequence[dict[str, Any]]
) -> bool:
    """Same entity types (as a multiset); every gold value also predicted for its type."""
    if Counter(e.entity for e in gold) != Counter(p.get("entity") for p in predicted):
        return False
    wanted = Counter((e.entity, str(e.value)) for e in gold if e.value is not None)
    found = Counter((p.get("entity"), str(p.get("value"))) for p in predicted)
    return not wanted - found


def predicted_intent(user: UserUttered, full_retrieval_intent: bool) -> str | None:
    """The intent NLU predicted; with `full_retrieval_intent`, a retrieval intent as its
    `intent/response` key, from the response selector of that intent or the default one."""
    name = user.intent_name
    if not full_retrieval_intent or name is None:
        return name
    selectors = user.parse_data.get("response_selector") or {}
    chosen = selectors.get(name) or selectors.get("default") or {}
    return chosen.get("response", {}).get("intent_response_key") or name


def _latest_user(events: Sequence[Event]) -> tuple[int, UserUttered]:
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered):
            return index, event
    raise ValueError("the conversation has no user message")


class _StoryPlayer:
    """Plays one case; `events` are the current turn's events after the user's."""

    def __init__(self, processor: MessageProcessor, case: StoryCase, sender_id: str) -> None:
        self.processor = processor
        self.sender_id = sender_id
        self.result = StoryResult(case)
        self.before_turn: list[Event] = []
        self.events: list[Event] = []
        self.position = 0
        self.user_spoke = False

    async def play(self) -> StoryResult:
        for index, step in enumerate(self.result.case.steps):
            if isinstance(step, UserStep):
                mismatch = await self._user(index, step)
            elif isinstance(step, ActionStep):
                mismatch = self._action(index, step)
            else:
                mismatch = self._state(index, step)
            if mismatch is not None:
                self.result.mismatch = mismatch
                break
        return self.result

    async def _user(self, index: int, step: UserStep) -> Mismatch | None:
        if self.user_spoke:
            predicted = self._next_action(index, ACTION_LISTEN)
            if predicted != ACTION_LISTEN:
                return Mismatch(index, predicted, listen=True)
        self.user_spoke = True
        text = step.text if step.text is not None else shortcut_text(step)
        message = UserMessage(text, self.sender_id, input_channel=CHANNEL)
        await self.processor.handle_message(message)
        events = (await self.processor.get_tracker(self.sender_id)).events
        start, user = _latest_user(events)
        self.before_turn = list(events[: start + 1])
        self.events, self.position = list(events[start + 1 :]), 0
        intent = predicted_intent(user, full_retrieval_intent="/" in (step.intent or ""))
        intent_ok = step.intent is None or step.intent == intent
        if intent_ok and entities_match(step.entities, user.entities):
            return None
        return Mismatch(index, f"{intent}: {annotated_text(user.text or '', user.entities)}")

    def _action(self, index: int, step: ActionStep) -> Mismatch | None:
        gold = step.name if step.name is not None else str(step.bot_text)
        predicted = self._next_action(index, gold)
        return None if predicted == gold else Mismatch(index, predicted)

    def _next_action(self, index: int, gold: str) -> str:
        """The turn's next action label; records it against `gold`."""
        predicted = NO_PREDICTION  # the bot ran no further action (e.g. circuit breaker)
        while self.position < len(self.events):
            event = self.events[self.position]
            self.position += 1
            if not isinstance(event, ActionExecuted):
                continue
            label = event.name if event.name is not None else str(event.action_text)
            if label == UNLIKELY_INTENT and gold != UNLIKELY_INTENT:
                self.result.warnings.append(index)
                continue
            predicted = label
            break
        self.result.gold_actions.append(gold)
        self.result.predicted_actions.append(predicted)
        return predicted

    def _active_loop(self, end: int) -> str | None:
        """The loop active after the turn's first `end` events."""
        history = [*self.before_turn, *self.events[:end]]
        slots = self.processor.domain.slot_initial_values()
        return Tracker(self.sender_id, slots, history).active_loop_name

    def _state(self, index: int, step: SlotStep | ActiveLoopStep) -> Mismatch | None:
        """Look the step up among the turn's events, from the user's up to the next action."""
        end = next(
            (
                i
                for i in range(self.position, len(self.events))
                if isinstance(self.events[i], ActionExecuted)
            ),
            len(self.events),
        )
        window = self.events[:end]
        if isinstance(step, ActiveLoopStep):
            loops = [event.name for event in window if isinstance(event, ActiveLoop)]
            if step.name in loops or (not loops and step.name == self._active_loop(end)):
                return None  # (re)activated here, or still active (a resumed form)
            return Mismatch(index, f"active_loop: {loops[-1] if loops else 'unchanged'}")
        slots = {event.name: event.value for event in window if isinstance(event, SlotSet)}
        for name, value, given in step.slots:
            if name not in slots:
                return Mismatch(index, f"{name} not set")
            if given and slots[name] != value:
                return Mismatch(index, f"{name}: {json.dumps(slots[name], default=str)}")
        return None
