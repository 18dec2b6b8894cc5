"""Turning rule and story trackers into a `RuleLookup`, and the checks that run first.

- `restrict_rules`: a rule may hold at most one user message (`InvalidRule`).
- Rule-vs-rule conflicts: the same key leading to different actions (the key is
  dropped, and reported when checking for contradictions).
- Incomplete rules: after action A, a rule lacks a featurised slot or the active loop
  that A sets in another rule (the rule's last action is exempt when the rule ends
  with `wait_for_user_input: false`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from myna.dialogue.policies.rule_lookup import (
    DO_NOT_PREDICT_LOOP_ACTION,
    LOOP_WAS_INTERRUPTED,
    rule_key,
)
from myna.dialogue.slot_features import slot_features
from myna.dialogue.states import (
    ACTIVE_LOOP,
    PREV_ACTION,
    RULE_SNIPPET_ACTION,
    SHOULD_NOT_BE_SET,
    SLOTS,
    RuleOnlyData,
    State,
    active_loop_in,
    is_prev_action_listen,
    training_states,
)
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from myna.project.domain import Domain
from myna.project.errors import Problem, Source
from myna.tracker import ACTION_LISTEN


class InvalidRule(ValueError):
    """Rules the RulePolicy cannot train on; `problems` point at the rule steps."""

    def __init__(self, headline: str, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        details = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(f"{headline}\n{details}")


class RuleContradictionError(InvalidRule):
    """Rules contradicting other rules or stories, or incomplete rules."""


@dataclass(slots=True)
class LabelledStates:
    """The (states before, action) pairs of one tracker, with each action's source."""

    tracker: TrainingTracker
    states: list[State]
    actions: list[ActionExecuted]

    def pairs(self) -> Iterable[tuple[list[State], str, Source]]:
        for index, action in enumerate(self.actions):
            label = action.name or action.action_text or ""
            yield self.states[: index + 1], label, self.tracker.source_of(action)


def labelled(trackers: Iterable[TrainingTracker], domain: Domain) -> list[LabelledStates]:
    """Rules omit unset slots (they require only what they mention); stories do not."""
    result = []
    for tracker in trackers:
        states, actions = training_states(tracker.events, domain, omit_unset_slots=tracker.is_rule)
        result.append(LabelledStates(tracker, states, actions))
    return result


def check_rule_restriction(rules: Iterable[TrainingTracker]) -> None:
    problems = [
        Problem(rule.sources[0], f"rule '{rule.name}' has more than one user message")
        for rule in rules
        if sum(isinstance(event, UserUttered) for event in rule.events) > 1
    ]
    if problems:
        raise InvalidRule(
            "Rules may contain at most one user message (restrict_rules); "
            "use stories for longer conversations:",
            problems,
        )


@dataclass(slots=True)
class RuleTable:
    """Rule keys → action, where each key was written, and the conflicts found."""

    rules: dict[str, str] = field(default_factory=dict)
    sources: dict[str, list[tuple[str, Source]]] = field(default_factory=lambda: defaultdict(list))
    conflicts: list[Problem] = field(default_factory=list)


def rule_table(rules: Iterable[LabelledStates]) -> RuleTable:
    """Every rule key and its action; keys predicting two different actions are dropped."""
    table = RuleTable()
    first: dict[str, tuple[str, str, Source]] = {}
    ambiguous: set[str] = set()
    for labelled_rule in rules:
        name = labelled_rule.tracker.name
        for states, action, source in labelled_rule.pairs():
            key = rule_key(states)
            if key is None or action == RULE_SNIPPET_ACTION:
                continue
            table.sources[key].append((name, source))
            earlier_name, earlier_action, earlier_source = first.setdefault(
                key, (name, action, source)
            )
            if earlier_action != action:
                ambiguous.add(key)
                message = (
                    f"rule '{name}' predicts '{action}' where rule '{earlier_name}' "
                    f"({earlier_source}) predicts '{earlier_action}' after the same states"
                )
                table.conflicts.append(Problem(source, message))
    table.rules = {key: entry[1] for key, entry in first.items() if key not in ambiguous}
    return table


def unhappy_paths(trackers: Iterable[LabelledStates]) -> dict[str, str]:
    """Inside an active loop: after the user, running the loop means it was interrupted;
    after another action, predicting something other than the loop means "not the loop"."""
    table: dict[str, str] = {}
    for labelled_tracker in trackers:
        for states, action, _ in labelled_tracker.pairs():
            loop = active_loop_in(states[-1])
            if loop is None:
                continue
            previous = states[-2].get(PREV_ACTION) if len(states) > 1 else None
            focus = [{PREV_ACTION: previous}, states[-1]] if previous else [states[-1]]
            key = rule_key(focus)
            after_user = is_prev_action_listen(states[-1])
            if key is not None and after_user and action == loop:
                table[key] = LOOP_WAS_INTERRUPTED
            elif key is not None and not after_user and action != loop:
                table[key] = DO_NOT_PREDICT_LOOP_ACTION
    return table


def _slots_and_loops(trackers: Iterable[LabelledStates]) -> tuple[set[str], set[str]]:
    slots: set[str] = set()
    loops: set[str] = set()
    for labelled_tracker in trackers:
        for state in labelled_tracker.states:
            slots.update(state.get(SLOTS, {}))
            loops.update(name for name in [active_loop_in(state)] if name)
    return slots, loops


def rule_only_data(
    rules: Sequence[LabelledStates], stories: Sequence[LabelledStates]
) -> RuleOnlyData:
    rule_slots, rule_loops = _slots_and_loops(rules)
    story_slots, story_loops = _slots_and_loops(stories)
    return RuleOnlyData(frozenset(rule_slots - story_slots), frozenset(rule_loops - story_loops))


# Incomplete rules


@dataclass(slots=True)
class _Fingerprint:
    slots: set[str] = field(default_factory=set)
    loops: set[str | None] = field(default_factory=set)


def _fingerprints(rules: Iterable[TrainingTracker], domain: Domain) -> dict[str, _Fingerprint]:
    """For each action: the featurised slots and the loops it sets in some rule."""
    featurised = {name for name, slot in domain.slots.items() if slot_features(slot, None) != ()}
    prints: dict[str, _Fingerprint] = defaultdict(_Fingerprint)
    for rule in rules:
        latest: str | None = None
        for event in rule.events:
            if isinstance(event, ActionExecuted):
                latest = event.name
            elif latest in (None, ACTION_LISTEN, RULE_SNIPPET_ACTION):
                continue
            elif isinstance(event, SlotSet) and event.name in featurised:
                prints[latest].slots.add(event.name)
            elif isinstance(event, ActiveLoop):
                prints[latest].loops.add(event.name)
    return prints


def _shown(loop: str | None) -> str:
    return "null" if loop in (None, SHOULD_NOT_BE_SET) else loop


def _incomplete(rule: LabelledStates, prints: dict[str, _Fingerprint]) -> Iterable[Problem]:
    following = [action.name for action in rule.actions[1:]] + [ACTION_LISTEN]
    for state, action, next_action in zip(rule.states[1:], rule.actions, following, strict=False):
        name = action.name
        fingerprint = prints.get(name or "")
        if fingerprint is None or RULE_SNIPPET_ACTION in (name, next_action):
            continue
        source, rule_name = rule.tracker.source_of(action), rule.tracker.name
        missing = sorted(fingerprint.slots - set(state.get(SLOTS, {})))
        if missing:
            yield Problem(
                source,
                f"incomplete rule '{rule_name}': after '{name}' it does not set the slots "
                f"{', '.join(missing)}, which '{name}' sets in other rules; add them with "
                "'slot_was_set' (or end the rule with 'wait_for_user_input: false')",
            )
        loop = state.get(ACTIVE_LOOP, {}).get("name")
        if fingerprint.loops and loop not in fingerprint.loops:
            expected = ", ".join(sorted({_shown(value) for value in fingerprint.loops}))
            yield Problem(
                source,
                f"incomplete rule '{rule_name}': after '{name}' it does not set 'active_loop' "
                f"as '{name}' does in other rules ({expected}); add an 'active_loop' step "
                "(or end the rule with 'wait_for_user_input: false')",
            )


def incomplete_rules(rules: Sequence[LabelledStates], domain: Domain) -> list[Problem]:
    prints = _fingerprints((rule.tracker for rule in rules), domain)
    return [problem for rule in rules for problem in _incomplete(rule, prints)]
