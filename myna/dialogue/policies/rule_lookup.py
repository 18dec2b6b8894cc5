"""What the RulePolicy learns, how a rule matches a conversation, and its prediction order.

A rule is a state sequence (its key, canonical JSON) mapped to the action it predicts.
Keys start after the last `...` of the rule, so a rule without `conversation_start`
matches anywhere. A rule state matches a conversation state when every feature it
names has the same value there (`SHOULD_NOT_BE_SET` features must be absent), and a
state without `prev_action` (the start of a conversation) only matches another one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from myna.dialogue.states import (
    PREV_ACTION,
    RULE_SNIPPET_ACTION,
    SHOULD_NOT_BE_SET,
    RuleOnlyData,
    State,
    active_loop_in,
    loop_name,
    states_from_json,
    states_to_json,
    tracker_states,
)
from myna.project.domain import Domain
from myna.tracker import ACTION_LISTEN, Tracker

# Intents whose default action beats everything but a text rule.
DEFAULT_ACTION_MAPPINGS: Mapping[str, str] = {
    "restart": "action_restart",
    "back": "action_back",
    "session_start": "action_session_start",
}
DEFAULT_RULES = "predicting default action with intent "
LOOP_RULES = "handling active loops and forms - "
# Unhappy-path conditions learnt from rules and stories inside an active loop.
LOOP_WAS_INTERRUPTED = "loop_was_interrupted"
DO_NOT_PREDICT_LOOP_ACTION = "do_not_predict_loop_action"


def rule_key(states: Sequence[State]) -> str | None:
    """The key of a state sequence: the states after the last `...` (None if none are)."""
    start = 0
    for index, state in enumerate(states):
        if state.get(PREV_ACTION, {}).get("action_name") == RULE_SNIPPET_ACTION:
            start = index + 1
    return states_to_json(states[start:]) if states[start:] else None


def state_matches(rule_state: State, state: State) -> bool:
    """Whether every feature of `rule_state` holds in the conversation `state`."""
    for kind, rule_sub_state in rule_state.items():
        sub_state = state.get(kind, {})
        for key, expected in rule_sub_state.items():
            actual = sub_state.get(key)
            if expected == SHOULD_NOT_BE_SET:
                if actual and actual != SHOULD_NOT_BE_SET:
                    return False
            elif expected and actual != expected:
                return False
    return True


def rule_applies(rule_states: Sequence[State], states: Sequence[State]) -> bool:
    """Align the rule's states with the conversation's from the end and match each pair."""
    for rule_state, state in zip(reversed(rule_states), reversed(states), strict=False):
        rule_starts, conversation_starts = PREV_ACTION not in rule_state, PREV_ACTION not in state
        if rule_starts or conversation_starts:
            if rule_starts != conversation_starts:
                return False
        elif not state_matches(rule_state, state):
            return False
    return True


# The index key of a state that has no `prev_action` (a conversation's start).
_STARTS = object()


def _last_action_key(state: State) -> object:
    """What a rule's last state demands of the conversation's last action, as an index
    key: `_STARTS`, the action's name, or None when it names no action (any will do)."""
    if PREV_ACTION not in state:
        return _STARTS
    name = state[PREV_ACTION].get("action_name")
    return None if name == SHOULD_NOT_BE_SET else name or None


def _index_by_last_action(
    keys: Sequence[str], states_of: Callable[[str], list[State]]
) -> dict[object, list[str]]:
    index: dict[object, list[str]] = {}
    for key in keys:
        index.setdefault(_last_action_key(states_of(key)[-1]), []).append(key)
    return index


@dataclass(slots=True)
class RuleLookup:
    """The learnt tables: rules, loop unhappy-path conditions, and what ML policies hide."""

    rules: dict[str, str] = field(default_factory=dict)
    unhappy_paths: dict[str, str] = field(default_factory=dict)
    rules_not_in_stories: frozenset[str] = frozenset()
    rule_only: RuleOnlyData | None = None
    _parsed: dict[str, list[State]] = field(default_factory=dict)
    _longest: int | None = None
    _indexes: dict[str, dict[object, list[str]]] = field(default_factory=dict)

    def states_of(self, key: str) -> list[State]:
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = self._parsed[key] = states_from_json(key)
        return parsed

    @property
    def longest(self) -> int:
        """States in the longest rule: more of a conversation's past cannot decide a match."""
        if self._longest is None:
            keys = [*self.rules, *self.unhappy_paths]
            self._longest = max((len(self.states_of(key)) for key in keys), default=1)
        return self._longest

    def matching_rules(self, states: Sequence[State]) -> list[str]:
        return self._matching("rules", self.rules, states)

    def matching_unhappy_paths(self, states: Sequence[State]) -> list[str]:
        return self._matching("unhappy_paths", self.unhappy_paths, states)

    def _matching(self, name: str, table: Mapping[str, str], states: Sequence[State]) -> list[str]:
        """The keys of `table` that apply to `states`. Only rules ending in the
        conversation's last action, or in none, are tried: most end in another one."""
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = _index_by_last_action(list(table), self.states_of)
        last = _last_action_key(states[-1])
        candidates = index.get(last, []) + (index.get(None, []) if last is not None else [])
        return [key for key in candidates if rule_applies(self.states_of(key), states)]

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "rules_for_loop_unhappy_path": self.unhappy_paths,
            "rules_not_in_stories": sorted(self.rules_not_in_stories),
            "rule_only_data": None if self.rule_only is None else self.rule_only.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleLookup:
        rule_only = data["rule_only_data"]
        return cls(
            rules=dict(data["rules"]),
            unhappy_paths=dict(data["rules_for_loop_unhappy_path"]),
            rules_not_in_stories=frozenset(data["rules_not_in_stories"]),
            rule_only=None if rule_only is None else RuleOnlyData.from_json(rule_only),
        )


@dataclass(frozen=True, slots=True)
class RuleDecision:
    """What the rules say about the next action; `source` names the rule (key) used."""

    action: str | None = None
    source: str | None = None
    returning_from_unhappy_path: bool = False
    is_end_to_end: bool = False
    is_no_user_prediction: bool = False


def active_loop(tracker: Tracker) -> str | None:
    return loop_name(tracker.active_loop_name)


def _default_action(tracker: Tracker) -> RuleDecision:
    if tracker.latest_action_name != ACTION_LISTEN:
        return RuleDecision()
    intent = tracker.latest_message.get("intent", {}).get("name")
    action = DEFAULT_ACTION_MAPPINGS.get(intent or "")
    return RuleDecision(action, DEFAULT_RULES + intent) if action and intent else RuleDecision()


def _loop_happy_path(tracker: Tracker) -> RuleDecision:
    """Inside an unrejected loop: run the loop, and listen right after it ran."""
    loop = active_loop(tracker)
    if loop is None or tracker.active_loop.get("rejected"):
        return RuleDecision()
    latest = tracker.latest_action_name
    if latest == loop:
        source = f"{LOOP_RULES}{loop} - {ACTION_LISTEN}"
        return RuleDecision(ACTION_LISTEN, source, is_no_user_prediction=True)
    if latest is None:
        return RuleDecision()
    return RuleDecision(loop, LOOP_RULES + loop, is_no_user_prediction=True)


def _from_rules(
    lookup: RuleLookup, tracker: Tracker, domain: Domain, use_text: bool
) -> RuleDecision:
    if use_text and tracker.latest_action_name != ACTION_LISTEN:
        return RuleDecision()
    states = tracker_states(
        tracker, domain, max_history=lookup.longest, use_text_for_last_user_input=use_text
    )
    keys = lookup.matching_rules(states)
    best = max(keys, key=lambda key: (len(key), key)) if keys else None
    action = lookup.rules[best] if best else None
    returning = False
    loop = active_loop(tracker)
    if loop is not None:
        unhappy = lookup.unhappy_paths
        conditions = {unhappy[key] for key in lookup.matching_unhappy_paths(states)}
        if best and action == ACTION_LISTEN and not active_loop_in(lookup.states_of(best)[-1]):
            if DO_NOT_PREDICT_LOOP_ACTION not in conditions:
                return RuleDecision(loop, best, is_end_to_end=use_text)
            action = None
        returning = LOOP_WAS_INTERRUPTED in conditions
    return RuleDecision(action, best if action else None, returning, use_text and bool(action))


def decide(lookup: RuleLookup, tracker: Tracker, domain: Domain) -> RuleDecision:
    """The RulePolicy's prediction order (dialogue-semantics.md §4.2)."""
    from_text = _from_rules(lookup, tracker, domain, use_text=True)
    default = _default_action(tracker)
    if default.action and not from_text.action:
        return default
    happy_path = _loop_happy_path(tracker)
    if happy_path.action:
        return happy_path
    if from_text.action:
        return from_text
    from_intent = _from_rules(lookup, tracker, domain, use_text=False)
    returning = from_text.returning_from_unhappy_path or from_intent.returning_from_unhappy_path
    return RuleDecision(from_intent.action, from_intent.source, returning)
