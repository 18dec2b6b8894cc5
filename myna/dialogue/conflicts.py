"""Find stories and rules in which the same dialogue history leads to different actions.

Stories and rules are turned into training trackers and dialogue states exactly as the
policies see them (`myna.dialogue`), so there is one definition of a dialogue state.
Two stories conflict when the last ``max_history`` states before an action are equal
but the actions differ; two rules conflict when their rule keys (the states after the
rule's `...`) are equal but their actions differ. The finer rule-against-story check
needs the trained RulePolicy and runs at training.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from myna.dialogue.policies.rule_training import labelled, rule_table
from myna.dialogue.states import FrozenState, freeze, training_states
from myna.dialogue.training_trackers import rule_trackers, story_trackers
from myna.project.domain import Domain
from myna.project.errors import Problem, Source
from myna.project.stories import StoryData

DEFAULT_MAX_HISTORY = 5


@dataclass(frozen=True, slots=True)
class Decision:
    """One action a story takes, and where it was written."""

    story: str
    action: str
    source: Source


def _story_decisions(
    data: StoryData, domain: Domain, history: int
) -> Iterator[tuple[tuple[FrozenState, ...], Decision]]:
    for tracker in story_trackers(data.stories, domain):
        states, actions = training_states(tracker.events, domain)
        for index, action in enumerate(actions):
            key = tuple(freeze(state) for state in states[max(0, index + 1 - history) : index + 1])
            label = action.name or action.action_text or ""
            yield key, Decision(tracker.name, label, tracker.source_of(action))


def _story_conflicts(data: StoryData, domain: Domain, history: int) -> Iterator[Problem]:
    seen: dict[tuple[FrozenState, ...], Decision] = {}
    reported: set[tuple[str, str]] = set()
    for key, decision in _story_decisions(data, domain, history):
        earlier = seen.setdefault(key, decision)
        pair = (earlier.story, decision.story)
        if earlier.action != decision.action and pair not in reported:
            reported.add(pair)
            yield Problem(
                decision.source,
                f"story '{decision.story}' predicts '{decision.action}' where story "
                f"'{earlier.story}' ({earlier.source}) predicts '{earlier.action}' "
                "after the same conversation history",
            )


def find_conflicts(
    data: StoryData, domain: Domain, max_history: int | None = None
) -> Iterator[Problem]:
    yield from _story_conflicts(data, domain, max_history or DEFAULT_MAX_HISTORY)
    yield from rule_table(labelled(rule_trackers(data.rules, domain), domain)).conflicts
