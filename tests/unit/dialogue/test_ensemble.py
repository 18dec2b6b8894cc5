"""Ensemble winner selection (spec §3), rejection zeroing, events, circuit breaker."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from dialogue_helpers import action, domain_from, tracker, user

from myna.dialogue.ensemble import (
    PolicyEnsemble,
    actions_since_listen,
    circuit_breaker_tripped,
    combine,
    max_number_of_predictions,
    pick_winner,
)
from myna.dialogue.policies.base import Policy, PolicyConfig, PolicyPrediction, one_hot
from myna.dialogue.states import RuleOnlyData
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import (
    ActionExecutionRejected,
    LoopInterrupted,
    SlotSet,
)
from myna.project.domain import Domain
from myna.tracker import Tracker

DOMAIN = """\
intents: [greet]
responses:
  utter_a: [{text: a}]
  utter_b: [{text: b}]
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _prediction(
    domain: Domain, action_name: str, score: float, name: str, priority: int, **flags: object
) -> PolicyPrediction:
    return PolicyPrediction(
        tuple(one_hot(domain, action_name, score)),
        name,
        priority,
        **flags,  # type: ignore[arg-type]
    )


def test_highest_confidence_then_priority_then_config_order(domain: Domain) -> None:
    low = _prediction(domain, "utter_a", 0.5, "Low", 5)
    high = _prediction(domain, "utter_b", 0.8, "High", 1)
    assert pick_winner([low, high]).policy_name == "High"
    tied = _prediction(domain, "utter_a", 0.8, "Tied", 3)
    assert pick_winner([high, tied]).policy_name == "Tied"
    twin = _prediction(domain, "utter_b", 0.8, "Twin", 3)
    assert pick_winner([tied, twin]).policy_name == "Tied"
    assert pick_winner([twin, tied]).policy_name == "Twin"


def test_no_user_predictions_beat_everything_then_end_to_end(domain: Domain) -> None:
    confident = _prediction(domain, "utter_a", 1.0, "Confident", 9)
    e2e = _prediction(domain, "utter_b", 0.4, "E2E", 1, is_end_to_end=True)
    loop = _prediction(domain, "utter_b", 0.2, "Loop", 1, is_no_user_prediction=True)
    assert pick_winner([confident, e2e]).policy_name == "E2E"
    assert pick_winner([confident, e2e, loop]).policy_name == "Loop"


def test_rejected_action_scores_zero_everywhere(domain: Domain) -> None:
    conversation = tracker(domain, user("greet"), ActionExecutionRejected("utter_a"))
    first = _prediction(domain, "utter_a", 1.0, "First", 4)
    second = _prediction(domain, "utter_b", 0.3, "Second", 1)
    result = combine([first, second], conversation, domain)
    assert (result.action_name, result.policy_name, result.confidence) == ("utter_b", "Second", 0.3)
    conversation.update(action("utter_b"))
    assert combine([first, second], conversation, domain).action_name == "utter_a"


def test_events_mandatory_from_all_optional_from_winner_plus_featurization(
    domain: Domain,
) -> None:
    winner = _prediction(domain, "utter_a", 1.0, "Winner", 1, optional_events=(SlotSet("x", 1),))
    loser = _prediction(
        domain,
        "utter_b",
        0.5,
        "Loser",
        1,
        events=(LoopInterrupted(True),),
        optional_events=(SlotSet("y", 2),),
        hide_rule_turn=True,
    )
    result = combine([loser, winner], tracker(domain, user("greet")), domain)
    assert [e.to_dict()["event"] for e in result.events] == [
        "loop_interrupted",
        "slot",
        "user_featurization",
    ]
    assert (result.events[1].to_dict()["name"], result.hide_rule_turn) == ("x", False)
    after_action = tracker(domain, user("greet"), action("utter_a"))
    assert [e.to_dict()["event"] for e in combine([winner], after_action, domain).events] == [
        "slot"
    ]


class _Fixed(Policy):
    """A policy that always predicts one action and records the rule-only data it got."""

    def __init__(
        self, action_name: str, score: float, data: RuleOnlyData | None = None, priority: int = 2
    ) -> None:
        super().__init__(PolicyConfig(priority=priority))
        self.action_name, self.score, self.data = action_name, score, data
        self.seen: list[RuleOnlyData | None] = []

    def train(self, trackers: Sequence[TrainingTracker], domain: Domain) -> None:
        raise NotImplementedError

    def predict(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> PolicyPrediction:
        self.seen.append(rule_only_data)
        return self.prediction(one_hot(domain, self.action_name, self.score))

    def persist(self, directory: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, directory: Path, config: PolicyConfig) -> _Fixed:
        raise NotImplementedError

    def rule_only_data(self) -> RuleOnlyData | None:
        return self.data


def test_ensemble_passes_rule_only_data_to_every_policy(domain: Domain) -> None:
    data = RuleOnlyData(slots=frozenset({"s"}))
    first, second = _Fixed("utter_a", 0.4), _Fixed("utter_b", 0.6, data)
    result = PolicyEnsemble([first, second]).predict(tracker(domain, user("greet")), domain)
    assert (result.action_name, result.policy_name) == ("utter_b", "_Fixed")
    assert first.seen == second.seen == [data]


class _ScoresOnly(_Fixed):
    scores_only = True


@pytest.mark.parametrize(
    ("rule_score", "rejected", "asked", "winner"),
    [
        (1.0, False, False, "_Fixed"),  # a sure higher-priority prediction: TED cannot win
        (0.9, False, True, "_ScoresOnly"),  # below 1.0: it may, and here it does
        (1.0, True, True, "_ScoresOnly"),  # the sure action was just rejected
    ],
)
def test_scores_only_policies_are_asked_only_when_they_could_win(
    domain: Domain, rule_score: float, rejected: bool, asked: bool, winner: str
) -> None:
    rules, ted = _Fixed("utter_a", rule_score, priority=6), _ScoresOnly("utter_b", 0.95, priority=1)
    events = [user("greet"), *([ActionExecutionRejected("utter_a")] if rejected else [])]
    result = PolicyEnsemble([ted, rules]).predict(tracker(domain, *events), domain)
    assert bool(ted.seen) is asked
    assert result.policy_name == winner
    same_priority = _ScoresOnly("utter_b", 0.95, priority=6)
    PolicyEnsemble([rules, same_priority]).predict(tracker(domain, user("greet")), domain)
    assert same_priority.seen  # at the same priority its own 1.0 would compete


def test_max_number_of_predictions_from_the_environment() -> None:
    assert max_number_of_predictions({}) == 10
    assert max_number_of_predictions({"MAX_NUMBER_OF_PREDICTIONS": "3"}) == 3
    with pytest.raises(ValueError, match="positive integer"):
        max_number_of_predictions({"MAX_NUMBER_OF_PREDICTIONS": "many"})


def test_circuit_breaker_counts_actions_since_listen(domain: Domain) -> None:
    conversation = tracker(domain, user("greet"), action("utter_a"), action("utter_b"))
    assert actions_since_listen(conversation) == 2
    assert circuit_breaker_tripped(conversation, limit=2)
    assert not circuit_breaker_tripped(conversation, limit=3)
