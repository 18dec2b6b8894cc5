"""MemoizationPolicy and AugmentedMemoizationPolicy (dialogue-semantics.md §4.3).

Training remembers, for every action of every story (not rules, no augmentation), the
last `max_history` states before it; a history seen with two different actions is
forgotten. Prediction looks the current history up: a hit scores 1.0 (or the NLU
confidence), a miss scores nothing. States are the ML view: turns predicted by rules
that no story contains, and slots and loops only rules use, are left out.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

from myna.dialogue.policies.base import (
    Policy,
    PolicyConfig,
    PolicyPrediction,
    nlu_confidence,
    one_hot,
)
from myna.dialogue.states import (
    RuleOnlyData,
    State,
    slice_history,
    tracker_states,
    training_states,
)
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import ActionExecuted, AllSlotsReset, Event, SlotSet
from myna.nlu.component import load_json, save_json
from myna.project.domain import Domain
from myna.tracker import ACTION_LISTEN, Tracker, applied_events

_FILENAME = "memoization.json"


class MemoizationConfig(PolicyConfig):
    priority: int = 3
    enable_feature_string_compression: bool = True
    use_nlu_confidence_as_score: bool = False


class MemoizationPolicy(Policy):
    Config = MemoizationConfig
    config: MemoizationConfig
    scores_only = True

    def __init__(self, config: PolicyConfig, lookup: dict[str, str] | None = None) -> None:
        super().__init__(config)
        self.lookup: dict[str, str] = dict(lookup or {})

    def feature_key(self, states: Sequence[State]) -> str:
        """The lookup key: JSON of the states (sorted keys, no quotes), maybe compressed."""
        text = json.dumps(list(states), sort_keys=True).replace('"', "")
        if not self.config.enable_feature_string_compression:
            return text
        return base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii")

    def train(self, trackers: Sequence[TrainingTracker], domain: Domain) -> None:
        lookup: dict[str, str] = {}
        ambiguous: set[str] = set()
        for tracker in trackers:
            if tracker.is_rule:
                continue
            states, actions = training_states(tracker.events, domain)
            for index, action in enumerate(actions):
                key = self.feature_key(slice_history(states[: index + 1], self.config.max_history))
                label = action.name or action.action_text or ""
                if key in ambiguous:
                    continue
                if lookup.setdefault(key, label) != label:
                    ambiguous.add(key)
                    del lookup[key]
        self.lookup = lookup

    def prediction_states(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None
    ) -> list[State]:
        return tracker_states(
            tracker,
            domain,
            max_history=self.config.max_history,
            hide_rule_turns=True,
            rule_only_data=rule_only_data,
        )

    def recall(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None
    ) -> str | None:
        states = self.prediction_states(tracker, domain, rule_only_data)
        return self.lookup.get(self.feature_key(states))

    def predict(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> PolicyPrediction:
        action = self.recall(tracker, domain, rule_only_data)
        if action is None or action not in domain.action_names:
            return self.prediction([0.0] * len(domain.action_names))
        score = nlu_confidence(tracker) if self.config.use_nlu_confidence_as_score else 1.0
        return self.prediction(one_hot(domain, action, score))

    def persist(self, directory: Path) -> None:
        save_json(directory, _FILENAME, {"lookup": self.lookup})

    @classmethod
    def load(cls, directory: Path, config: PolicyConfig) -> Self:
        return cls(config, load_json(directory, _FILENAME)["lookup"])


class AugmentedMemoizationPolicy(MemoizationPolicy):
    """On a miss, forgets the start of the conversation and looks up again.

    The history is first cut to `max_history` actions (at an `action_listen`, so the
    latest user turn stays whole); then, repeatedly, everything before the next executed
    action is dropped — slot values set there are kept — until a lookup hits or no action
    is left.
    """

    def recall(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None
    ) -> str | None:
        states = self.prediction_states(tracker, domain, rule_only_data)
        found = self.lookup.get(self.feature_key(states))
        for shorter in _truncated_trackers(tracker, domain, self.config.max_history):
            if found is not None:
                break
            shorter_states = self.prediction_states(shorter, domain, rule_only_data)
            if shorter_states != states:
                found = self.lookup.get(self.feature_key(shorter_states))
                states = shorter_states
        return found


def _trim_start(events: list[Event], max_history: int | None) -> int:
    """Index of the `action_listen` starting the last `max_history` actions (0: keep all)."""
    if not max_history:
        return 0
    actions = 0
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, ActionExecuted):
            actions += 1
            if actions > max_history and event.name == ACTION_LISTEN:
                return index
    return 0


def _slot_events_before(events: Sequence[Event], domain: Domain) -> list[SlotSet]:
    """`slot` events restoring the slot values `events` leave behind."""
    initial = domain.slot_initial_values()
    values: dict[str, Any] = dict(initial)
    for event in events:
        if isinstance(event, SlotSet) and event.name in values:
            values[event.name] = event.value
        elif isinstance(event, AllSlotsReset):
            values = dict(initial)
    return [SlotSet(name, value) for name, value in values.items() if value != initial[name]]


def _truncated_trackers(
    tracker: Tracker, domain: Domain, max_history: int | None
) -> Iterator[Tracker]:
    events = applied_events(tracker.events)
    start = _trim_start(events, max_history)
    for index in range(start, len(events)):
        if isinstance(events[index], ActionExecuted):
            kept = [*_slot_events_before(events[:index], domain), *events[index:]]
            yield Tracker(tracker.sender_id, domain.slot_initial_values(), kept)
