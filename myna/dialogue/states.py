"""Dialogue states: what the policies see of a conversation (dialogue-semantics.md §4.1).

A conversation becomes one state per action-decision point: the state before every
applied `action` event, plus the current one. A state is a dict of sub-states::

    {"user": {"intent": "inform", "entities": ("city", "city#departure")} | {"text": "..."},
     "prev_action": {"action_name": "action_listen"} | {"action_text": "..."},
     "slots": {"cuisine": (1.0, 0.0)},       # featurised slots with a non-zero feature
     "active_loop": {"name": "restaurant_form"}}

Empty sub-states are dropped; the first state of a conversation has no `prev_action`.
Rule conditions write `null` as the marker `SHOULD_NOT_BE_SET`, which stays visible in
states. The "ML view" (`hide_rule_turns`) leaves out turns predicted by rules that no
story contains, and the slots and loops only rules use, as Memoization and TED need it.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from myna.dialogue.slot_features import slot_features
from myna.events import ActionExecuted, AllSlotsReset, Event, SlotSet
from myna.project.domain import Domain
from myna.tracker import ACTION_LISTEN, Tracker, applied_events
from myna.tracker.applied import extends_applied, loop_names_in
from myna.tracker.state import TrackerState

State = dict[str, dict[str, Any]]
T = TypeVar("T")
FrozenState = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]

USER = "user"
PREV_ACTION = "prev_action"
SLOTS = "slots"
ACTIVE_LOOP = "active_loop"
SHOULD_NOT_BE_SET = "__should_not_be_set__"
RULE_SNIPPET_ACTION = "..."
ENTITY_LABEL_SEPARATOR = "#"


@dataclass(frozen=True, slots=True)
class RuleOnlyData:
    """Slots and loops that only rules mention: ML policies leave them out of states."""

    slots: frozenset[str] = frozenset()
    loops: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, list[str]]:
        return {"rule_only_slots": sorted(self.slots), "rule_only_loops": sorted(self.loops)}

    @classmethod
    def from_json(cls, data: Mapping[str, Sequence[str]]) -> RuleOnlyData:
        return cls(frozenset(data["rule_only_slots"]), frozenset(data["rule_only_loops"]))


# Sub-states of one decision point


def entity_labels(entities: Sequence[Mapping[str, Any]]) -> set[str]:
    """Entity types plus `type#role` and `type#group` labels of a message's entities."""
    labels: set[str] = set()
    for entity in entities:
        name = entity.get("entity")
        if name is None:
            continue
        labels.add(name)
        labels.update(
            f"{name}{ENTITY_LABEL_SEPARATOR}{entity[key]}"
            for key in ("role", "group")
            if entity.get(key) is not None
        )
    return labels


def _user_sub_state(current: TrackerState, domain: Domain) -> dict[str, Any]:
    message = current.latest_message
    if message is None:
        return {}
    use_text = current.use_text_for_featurization
    sub_state: dict[str, Any] = {}
    if message.text and use_text is not False:
        sub_state["text"] = message.text
    intent = message.intent_name
    if intent and not use_text:
        sub_state["intent"] = intent
        used = entity_labels(current.latest_entities) & domain.used_entities(intent)
        if used:
            sub_state["entities"] = tuple(sorted(used))
    return sub_state


def _slots_sub_state(
    current: TrackerState, domain: Domain, touched: set[str] | None
) -> dict[str, Any]:
    sub_state: dict[str, Any] = {}
    for name, slot in domain.slots.items():
        if touched is not None and name not in touched:
            continue
        value = current.slots.get(name)
        features = slot_features(slot, value)
        if features and value == SHOULD_NOT_BE_SET:
            sub_state[name] = SHOULD_NOT_BE_SET
        elif any(features):
            sub_state[name] = features
    return sub_state


def _active_state(current: TrackerState, domain: Domain, touched: set[str] | None) -> State:
    loop = current.active_loop
    state: State = {
        USER: _user_sub_state(current, domain),
        PREV_ACTION: dict(current.latest_action),
        SLOTS: _slots_sub_state(current, domain, touched),
        ACTIVE_LOOP: {"name": loop.name} if loop is not None and loop.name else {},
    }
    return {key: sub_state for key, sub_state in state.items() if sub_state}


@dataclass(frozen=True, slots=True)
class _Turn:
    """One decision point: its state and what the ML view needs to know about it."""

    state: State
    hide_rule_turn: bool  # of the action taken at this point (False for the current one)
    keeps_visibility: bool  # a followup is pending or the loop just ran


def loop_name(name: str | None) -> str | None:
    """An active loop's name, None for no loop or the rule marker `SHOULD_NOT_BE_SET`."""
    return None if name in (None, SHOULD_NOT_BE_SET) else name


def _turn(current: TrackerState, domain: Domain, touched: set[str] | None, hide: bool) -> _Turn:
    loop = loop_name(current.active_loop.name if current.active_loop else None)
    pending = current.followup_action is not None or current.latest_action_name == loop
    return _Turn(_active_state(current, domain, touched), hide, pending)


class _TurnsBuilder:
    """The turns of a conversation's applied events, extended as the conversation grows.

    `turns[i]` is the state before `actions[i]`, the i-th applied action; the current
    turn is the last of `all_turns()`. New events that just append to the applied events are
    followed one by one; one that edits them (restart, undo, a collapsed loop execution,
    see `extends_applied`) makes the builder start over from all events.
    """

    def __init__(self, domain: Domain, omit_unset_slots: bool) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.count = 0
        self._start([])

    def _start(self, applied: list[Event]) -> None:
        self.applied: list[Event] = []
        self.loop_names: set[str] = set()
        self.current = TrackerState(self.domain.slot_initial_values())
        self.touched: set[str] | None = set() if self.omit_unset_slots else None
        self.turns: list[_Turn] = []
        self.actions: list[ActionExecuted] = []
        self._current_turn: tuple[int, _Turn] | None = None
        for event in applied:
            self._add(event)

    def extend(self, events: Sequence[Event]) -> None:
        """Follow `events`, which begin with the events seen so far."""
        for event in events[self.count :]:
            if not extends_applied(event, self.applied, self.loop_names):
                self._start(applied_events(events))
                self.loop_names = loop_names_in(events)
                break
            self._add(event)
        self.count = len(events)

    def _add(self, event: Event) -> None:
        self.applied.append(event)
        if isinstance(event, ActionExecuted):
            self.turns.append(_turn(self.current, self.domain, self.touched, event.hide_rule_turn))
            self.actions.append(event)
        elif self.touched is not None and isinstance(event, SlotSet):
            self.touched.add(event.name)
        elif self.touched is not None and isinstance(event, AllSlotsReset):
            self.touched.clear()
        self.current.apply(event, ())

    def all_turns(self) -> list[_Turn]:
        """The applied actions' turns plus the current one."""
        if self._current_turn is None or self._current_turn[0] != self.count:
            turn = _turn(self.current, self.domain, self.touched, False)
            self._current_turn = (self.count, turn)
        return [*self.turns, self._current_turn[1]]


# Every policy of an ensemble asks for the same tracker's turns, and a tracker grows by a
# few events between predictions: each tracker keeps a builder (trackers only ever grow,
# by `update`).
_TURNS_CACHE: weakref.WeakKeyDictionary[Tracker, _TurnsBuilder] = weakref.WeakKeyDictionary()


def _tracker_turns(tracker: Tracker, domain: Domain) -> list[_Turn]:
    builder = _TURNS_CACHE.get(tracker)
    if builder is None or builder.domain is not domain:
        builder = _TURNS_CACHE[tracker] = _TurnsBuilder(domain, omit_unset_slots=False)
    builder.extend(tracker.events)
    return builder.all_turns()


# The ML view: rule-only turns and features removed


def _without_rule_only(state: State, rule_only: RuleOnlyData | None) -> State:
    state = {key: dict(sub_state) for key, sub_state in state.items()}
    if rule_only is not None:
        for slot in rule_only.slots:
            state.get(SLOTS, {}).pop(slot, None)
        if state.get(ACTIVE_LOOP, {}).get("name") in rule_only.loops:
            del state[ACTIVE_LOOP]
    return state


def _ml_view(
    turns: Sequence[_Turn], rule_only: RuleOnlyData | None, max_history: int | None
) -> list[State]:
    """Skip turns of rules absent from stories; keep the last ML action as `prev_action`.

    A state not right after a listen carries the user sub-state of the state before it.
    Only the last `max_history` states are built (all for None).
    """
    visible: list[tuple[_Turn, dict[str, Any] | None, dict[str, Any] | None]] = []
    last_ml_action: dict[str, Any] | None = None
    user: dict[str, Any] | None = None
    hidden = False
    for turn in turns:
        if not hidden:
            last_ml_action = turn.state.get(PREV_ACTION)
        if not turn.keeps_visibility:
            hidden = turn.hide_rule_turn
        if hidden:
            continue
        if not visible or is_prev_action_listen(turn.state):
            user = turn.state.get(USER)
        visible.append((turn, last_ml_action, user))
    states: list[State] = []
    for turn, ml_action, turn_user in slice_history(visible, max_history):
        state = _without_rule_only(turn.state, rule_only)
        state.pop(USER, None)
        if turn_user:
            state[USER] = dict(turn_user)
        if ml_action:
            state[PREV_ACTION] = dict(ml_action)
        states.append({key: sub_state for key, sub_state in state.items() if sub_state})
    return states


# Public entry points


def is_prev_action_listen(state: State) -> bool:
    return state.get(PREV_ACTION, {}).get("action_name") == ACTION_LISTEN


def active_loop_in(state: State) -> str | None:
    """The loop a state shows as active (None for none or `SHOULD_NOT_BE_SET`)."""
    return loop_name(state.get(ACTIVE_LOOP, {}).get("name"))


def _intent_over_text(states: list[State]) -> list[State]:
    """Every turn is featurised either by intent or by text: intent wins when both exist."""
    for state in states:
        user = state.get(USER, {})
        if "intent" in user and "text" in user:
            state[USER] = {key: value for key, value in user.items() if key != "text"}
    return states


def training_states(
    events: Sequence[Event], domain: Domain, *, omit_unset_slots: bool = False
) -> tuple[list[State], list[ActionExecuted]]:
    """States before each applied action of a training tracker (plus the final state).

    `states[i]` is the state in which `actions[i]` was taken. `omit_unset_slots` leaves
    out slots no event set (rules only require what they mention).
    """
    builder = _TurnsBuilder(domain, omit_unset_slots)
    builder.extend(events)
    return _intent_over_text([turn.state for turn in builder.all_turns()]), builder.actions


def tracker_states(
    tracker: Tracker,
    domain: Domain,
    *,
    max_history: int | None = None,
    use_text_for_last_user_input: bool = False,
    hide_rule_turns: bool = False,
    rule_only_data: RuleOnlyData | None = None,
) -> list[State]:
    """The states a policy predicts from: past states plus the current one.

    The latest user turn (if the last action was `action_listen`) is featurised by its
    text when `use_text_for_last_user_input`, else by intent and entities.
    """
    turns = _tracker_turns(tracker, domain)
    if hide_rule_turns:
        states = _ml_view(turns, rule_only_data, max_history)
    else:
        states = [
            {key: dict(sub) for key, sub in turn.state.items()}
            for turn in slice_history(turns, max_history)
        ]
    last = states[-1]
    if is_prev_action_listen(last) and USER in last:
        dropped = ("intent", "entities") if use_text_for_last_user_input else ("text",)
        last[USER] = {key: value for key, value in last[USER].items() if key not in dropped}
        if not last[USER]:
            del last[USER]
    return _intent_over_text(states)


def slice_history(states: Sequence[T], max_history: int | None) -> Sequence[T]:
    """The last `max_history` states (all of them for None)."""
    return states[-max_history:] if max_history else states


def freeze(state: State) -> FrozenState:
    """A hashable, order-independent form of a state."""
    return tuple(sorted((key, tuple(sorted(sub.items()))) for key, sub in state.items()))


def states_to_json(states: Sequence[State]) -> str:
    """Canonical JSON of a state sequence (sorted keys; tuples become lists)."""
    return json.dumps(list(states), sort_keys=True)


def states_from_json(text: str) -> list[State]:
    """Inverse of `states_to_json`: JSON lists come back as tuples."""

    def restore(value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    return [
        {key: {name: restore(value) for name, value in sub.items()} for key, sub in state.items()}
        for state in json.loads(text)
    ]
