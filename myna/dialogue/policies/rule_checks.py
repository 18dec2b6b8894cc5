"""Replaying rules and stories through the trained rules: contradictions, and rule use.

Every predictable action of every tracker (not the first one, nor one right after a
`...`) is predicted by the rules alone. A rule-based prediction that differs from the
action the story or rule takes is a contradiction. When a loop is predicted although
the tracker does something else, the loop's rejection is emulated first (stories and
rules inside a loop describe its unhappy paths). Rule predictions a story confirms are
"used in stories"; the turns of all other rules are hidden from ML policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from myna.dialogue.policies.rule_lookup import (
    DEFAULT_ACTION_MAPPINGS,
    DEFAULT_RULES,
    LOOP_RULES,
    RuleDecision,
    RuleLookup,
    active_loop,
    decide,
)
from myna.dialogue.states import RULE_SNIPPET_ACTION
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import ActionExecuted, ActionExecutionRejected, Event
from myna.project.domain import Domain
from myna.project.errors import Problem, Source
from myna.tracker import ACTION_LISTEN, Tracker, applied_events


@dataclass(slots=True)
class Analysis:
    contradictions: list[Problem] = field(default_factory=list)
    used_in_stories: set[str] = field(default_factory=set)


def all_rule_sources(lookup: RuleLookup, domain: Domain) -> set[str]:
    """Every source a rule prediction can have: rule keys, default intents, loops."""
    loops = {f"{LOOP_RULES}{name}" for name in domain.forms}
    loops |= {f"{LOOP_RULES}{name} - {ACTION_LISTEN}" for name in domain.forms}
    defaults = {DEFAULT_RULES + intent for intent in DEFAULT_ACTION_MAPPINGS}
    return set(lookup.rules) | defaults | loops


def _decision(lookup: RuleLookup, running: Tracker, domain: Domain, gold: str) -> RuleDecision:
    decision = decide(lookup, running, domain)
    loop = active_loop(running)
    if loop is not None and decision.action == loop != gold:
        running.update(ActionExecutionRejected(loop))
        decision = decide(lookup, running, domain)
    return decision


def _owners(source: str, sources: Mapping[str, Sequence[tuple[str, Source]]]) -> str:
    owners = sources.get(source)
    if not owners:
        return f"'{source}'"
    names = dict.fromkeys(f"rule '{name}' ({where})" for name, where in owners)
    return ", ".join(names)


def _contradiction(
    tracker: TrainingTracker,
    event: ActionExecuted,
    gold: str,
    decision: RuleDecision,
    sources: Mapping[str, Sequence[tuple[str, Source]]],
) -> Problem:
    return Problem(
        tracker.source_of(event),
        f"{tracker.kind} '{tracker.name}' takes '{gold}' here, but "
        f"{_owners(decision.source or '', sources)} predict(s) '{decision.action}'",
    )


def _predictable_actions(events: Sequence[Event]) -> list[tuple[int, ActionExecuted]]:
    """Applied actions worth predicting: not the first one, nor one right after `...`."""
    applied = applied_events(events)
    found: list[tuple[int, ActionExecuted]] = []
    unpredictable = True
    for index, event in enumerate(applied):
        if not isinstance(event, ActionExecuted):
            continue
        if not unpredictable and event.name != RULE_SNIPPET_ACTION:
            found.append((index, event))
        unpredictable = event.name == RULE_SNIPPET_ACTION
    return found


def analyse(
    lookup: RuleLookup,
    sources: Mapping[str, Sequence[tuple[str, Source]]],
    trackers: Sequence[TrainingTracker],
    domain: Domain,
) -> Analysis:
    """Contradictions between the rules and every tracker, and the rules stories use."""
    analysis = Analysis()
    for tracker in trackers:
        applied = applied_events(tracker.events)
        running = Tracker(tracker.name, domain.slot_initial_values())
        position = 0
        for index, event in _predictable_actions(tracker.events):
            running.update_with_events(applied[position:index])
            position = index
            gold = event.name or event.action_text or ""
            decision = _decision(lookup, running, domain, gold)
            if decision.action == gold and not tracker.is_rule and decision.source:
                analysis.used_in_stories.add(decision.source)
            elif decision.action not in (None, gold) and decision.source:
                analysis.contradictions.append(
                    _contradiction(tracker, event, gold, decision, sources)
                )
    return analysis
