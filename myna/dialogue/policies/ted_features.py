"""TEDPolicy's featurisation of dialogue states (numpy only, shared by training and serving).

Every state (dialogue-semantics.md §4.1) becomes one float32 row made of five blocks, in
this order: intent one-hot, entity labels multi-hot, previous action name one-hot, the
featurised slots' vectors (each slot at a fixed offset) and active loop one-hot. Names the
vocabulary does not know (an intent or slot added after training, an end-to-end text)
contribute nothing, so prediction never fails on them. A batch pads turns on the right;
`mask` is True on real turns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from myna.dialogue.slot_features import slot_features
from myna.dialogue.states import ACTIVE_LOOP, PREV_ACTION, SLOTS, USER, State
from myna.project.domain import Domain

BLOCKS = ("intent", "entities", "action_name", "slots", "active_loop")


def _index(names: Sequence[str]) -> dict[str, int]:
    return {name: position for position, name in enumerate(names)}


class TEDVocabulary:
    """The names each feature block is built from, and their offsets in a turn row."""

    def __init__(
        self,
        intents: Sequence[str],
        entities: Sequence[str],
        actions: Sequence[str],
        slots: Sequence[tuple[str, int]],
        loops: Sequence[str],
    ) -> None:
        self.intents = tuple(intents)
        self.entities = tuple(entities)
        self.actions = tuple(actions)
        self.slots = tuple((name, int(width)) for name, width in slots)
        self.loops = tuple(loops)
        self._intent_ids = _index(self.intents)
        self._entity_ids = _index(self.entities)
        self.action_ids = _index(self.actions)
        self._loop_ids = _index(self.loops)
        self._slot_offsets: dict[str, tuple[int, int]] = {}
        offset = 0
        for name, width in self.slots:
            self._slot_offsets[name] = (offset, width)
            offset += width
        widths = (len(self.intents), len(self.entities), len(self.actions), offset, len(loops))
        self.widths: dict[str, int] = dict(zip(BLOCKS, widths, strict=True))
        starts = np.cumsum([0, *widths])
        self.starts: dict[str, int] = {b: int(s) for b, s in zip(BLOCKS, starts, strict=False)}
        self.width = int(starts[-1])

    @classmethod
    def from_domain(cls, domain: Domain) -> TEDVocabulary:
        """Intents, entity labels, actions, featurised slots and forms of `domain`."""
        slots = [
            (name, len(features))
            for name, slot in domain.slots.items()
            if (features := slot_features(slot, None))
        ]
        return cls(
            domain.intent_names, domain.entity_labels, domain.action_names, slots, domain.forms
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "intents": list(self.intents),
            "entities": list(self.entities),
            "actions": list(self.actions),
            "slots": [[name, width] for name, width in self.slots],
            "loops": list(self.loops),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TEDVocabulary:
        slots = [(str(name), int(width)) for name, width in data["slots"]]
        return cls(data["intents"], data["entities"], data["actions"], slots, data["loops"])

    def _set(self, row: np.ndarray, block: str, ids: Mapping[str, int], name: Any) -> None:
        position = ids.get(name) if isinstance(name, str) else None
        if position is not None:
            row[self.starts[block] + position] = 1.0

    def _set_slots(self, row: np.ndarray, slots: Mapping[str, Any]) -> None:
        for name, features in slots.items():
            found = self._slot_offsets.get(name)
            if found is None or isinstance(features, str):
                continue
            offset, width = found
            values = np.asarray(features, dtype=np.float32)[:width]
            start = self.starts["slots"] + offset
            row[start : start + len(values)] = values

    def turn(self, state: State) -> np.ndarray:
        """The feature row [width] of one state."""
        row = np.zeros(self.width, dtype=np.float32)
        user = state.get(USER, {})
        self._set(row, "intent", self._intent_ids, user.get("intent"))
        for label in user.get("entities", ()):
            self._set(row, "entities", self._entity_ids, label)
        self._set(
            row, "action_name", self.action_ids, state.get(PREV_ACTION, {}).get("action_name")
        )
        self._set_slots(row, state.get(SLOTS, {}))
        self._set(row, "active_loop", self._loop_ids, state.get(ACTIVE_LOOP, {}).get("name"))
        return row

    def dialogue(self, states: Sequence[State]) -> np.ndarray:
        """The feature rows [turns, width] of a state sequence."""
        rows = [self.turn(state) for state in states]
        return np.stack(rows) if rows else np.zeros((0, self.width), dtype=np.float32)


def collate(dialogues: Sequence[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Right-padded features [B, T, width] and mask [B, T] (True on real turns)."""
    turns = max((len(dialogue) for dialogue in dialogues), default=0) or 1
    features = np.zeros((len(dialogues), turns, width), dtype=np.float32)
    mask = np.zeros((len(dialogues), turns), dtype=bool)
    for position, dialogue in enumerate(dialogues):
        features[position, : len(dialogue)] = dialogue
        mask[position, : len(dialogue)] = True
    return features, mask
