"""RulePolicy (dialogue-semantics.md §4.2): fixed behaviour from rules, loops and defaults.

Training: every rule tracker becomes state keys → actions (`rule_lookup`), checked
first (`rule_training`: at most one user message, incomplete rules, rule conflicts)
and then replayed together with the stories (`rule_checks`: contradictions, and which
rules stories use). Prediction follows `rule_lookup.decide`; when no rule applies the
policy predicts `core_fallback_action_name` with `core_fallback_threshold`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Self

from pydantic import Field

from myna.dialogue.policies.base import (
    Policy,
    PolicyConfig,
    PolicyPrediction,
    nlu_confidence,
    one_hot,
)
from myna.dialogue.policies.rule_checks import all_rule_sources, analyse
from myna.dialogue.policies.rule_lookup import RuleLookup, decide
from myna.dialogue.policies.rule_training import (
    RuleContradictionError,
    check_rule_restriction,
    incomplete_rules,
    labelled,
    rule_only_data,
    rule_table,
    unhappy_paths,
)
from myna.dialogue.states import RuleOnlyData
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import LoopInterrupted
from myna.nlu.component import load_json, save_json
from myna.project.domain import Domain
from myna.tracker import Tracker

_FILENAME = "rule_policy.json"


class RuleConfig(PolicyConfig):
    priority: int = 4
    core_fallback_threshold: float = Field(0.3, ge=0.0, le=1.0)
    core_fallback_action_name: str = "action_default_fallback"
    enable_fallback_prediction: bool = True
    restrict_rules: bool = True
    check_for_contradictions: bool = True
    use_nlu_confidence_as_score: bool = False


class RulePolicy(Policy):
    Config = RuleConfig
    config: RuleConfig

    def __init__(self, config: PolicyConfig, lookup: RuleLookup | None = None) -> None:
        super().__init__(config)
        self.lookup = lookup or RuleLookup()

    def train(self, trackers: Sequence[TrainingTracker], domain: Domain) -> None:
        if self.config.core_fallback_action_name not in domain.action_names:
            raise ValueError(
                f"the RulePolicy's core_fallback_action_name "
                f"'{self.config.core_fallback_action_name}' is not an action of the domain"
            )
        rule_trackers = [tracker for tracker in trackers if tracker.is_rule]
        story_trackers = [tracker for tracker in trackers if not tracker.is_rule]
        if self.config.restrict_rules:
            check_rule_restriction(rule_trackers)
        rules, stories = labelled(rule_trackers, domain), labelled(story_trackers, domain)
        table = rule_table(rules)
        lookup = RuleLookup(rules=table.rules, unhappy_paths=unhappy_paths([*rules, *stories]))
        if self.config.check_for_contradictions:
            analysis = analyse(lookup, table.sources, [*rule_trackers, *story_trackers], domain)
            problems = [*incomplete_rules(rules, domain), *table.conflicts]
            problems += analysis.contradictions
            if problems:
                raise RuleContradictionError(
                    "Rules contradict each other or the stories, or are incomplete:", problems
                )
            unused = all_rule_sources(lookup, domain) - analysis.used_in_stories
            lookup.rules_not_in_stories = frozenset(unused)
            lookup.rule_only = rule_only_data(rules, stories)
        self.lookup = lookup

    def fallback_scores(self, domain: Domain) -> list[float]:
        scores = [0.0] * len(domain.action_names)
        if self.config.enable_fallback_prediction:
            index = domain.action_names.index(self.config.core_fallback_action_name)
            scores[index] = self.config.core_fallback_threshold
        return scores

    def predict(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> PolicyPrediction:
        decision = decide(self.lookup, tracker, domain)
        if decision.action is not None and decision.action in domain.action_names:
            score = nlu_confidence(tracker) if self.config.use_nlu_confidence_as_score else 1.0
            scores = one_hot(domain, decision.action, score)
        else:
            scores = self.fallback_scores(domain)
        return self.prediction(
            scores,
            events=(LoopInterrupted(True),) if decision.returning_from_unhappy_path else (),
            is_end_to_end=decision.is_end_to_end,
            is_no_user_prediction=decision.is_no_user_prediction,
            hide_rule_turn=decision.source in self.lookup.rules_not_in_stories,
        )

    def rule_only_data(self) -> RuleOnlyData | None:
        return self.lookup.rule_only

    def persist(self, directory: Path) -> None:
        save_json(directory, _FILENAME, self.lookup.to_json())

    @classmethod
    def load(cls, directory: Path, config: PolicyConfig) -> Self:
        return cls(config, RuleLookup.from_json(load_json(directory, _FILENAME)))
