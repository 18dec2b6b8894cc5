"""The policy ensemble: every policy predicts, one wins (dialogue-semantics.md §3).

1. If the last action-related event is `action_execution_rejected`, that action scores
   0 in every prediction.
2. If a prediction ignores the user ("no user", a loop's happy path) only such
   predictions compete; else if any is end-to-end, only end-to-end ones compete.
3. Highest confidence wins; ties go to the higher priority, then to the policy listed
   first in the config.
4. The result carries every policy's mandatory events and the winner's optional ones,
   plus `user_featurization` when the last action was `action_listen`.

A policy whose predictions are scores only (`Policy.scores_only`: Memoization, TED) is
not asked when it cannot change the outcome: a prediction already made scores 1.0 at a
higher priority, or ignores the user, or is end-to-end. The winner is the same; TED's
graph simply does not run on turns a rule or a remembered story decides.

Also the processor's circuit breaker: `MAX_NUMBER_OF_PREDICTIONS` (env, default 10).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from myna.dialogue.policies.base import Policy, PolicyPrediction
from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    DefinePrevUserUtteredFeaturization,
    Event,
)
from myna.project.domain import Domain
from myna.tracker import ACTION_LISTEN, ACTION_SESSION_START, Tracker

MAX_NUMBER_OF_PREDICTIONS_ENV = "MAX_NUMBER_OF_PREDICTIONS"
DEFAULT_MAX_NUMBER_OF_PREDICTIONS = 10


@dataclass(frozen=True, slots=True)
class EnsemblePrediction:
    """The chosen next action and what to log with it."""

    action_name: str
    policy_name: str
    confidence: float
    events: tuple[Event, ...]
    hide_rule_turn: bool
    is_end_to_end: bool
    probabilities: tuple[float, ...]
    action_metadata: dict[str, Any] | None = None


def rejected_action(tracker: Tracker) -> str | None:
    """The action rejected by the last action-related event, if it was a rejection."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecutionRejected):
            return event.name
        if isinstance(event, ActionExecuted):
            return None
    return None


def _without_rejected(
    predictions: Sequence[PolicyPrediction], tracker: Tracker, domain: Domain
) -> list[PolicyPrediction]:
    rejected = rejected_action(tracker)
    if rejected is None or rejected not in domain.action_names:
        return list(predictions)
    index = domain.action_names.index(rejected)
    return [
        dataclasses.replace(
            prediction,
            probabilities=tuple(
                0.0 if i == index else p for i, p in enumerate(prediction.probabilities)
            ),
        )
        for prediction in predictions
    ]


def pick_winner(predictions: Sequence[PolicyPrediction]) -> PolicyPrediction:
    """The winning prediction among policies listed in config order (steps 2 and 3)."""
    if not predictions:
        raise ValueError("the ensemble needs at least one policy prediction")
    no_user = any(p.is_no_user_prediction for p in predictions)
    end_to_end = any(p.is_end_to_end for p in predictions)
    competing = [
        p
        for p in predictions
        if p.is_no_user_prediction == no_user and (no_user or p.is_end_to_end == end_to_end)
    ]
    best = competing[0]
    for prediction in competing[1:]:
        if (prediction.max_confidence, prediction.policy_priority) > (
            best.max_confidence,
            best.policy_priority,
        ):
            best = prediction
    return best


def combine(
    predictions: Sequence[PolicyPrediction], tracker: Tracker, domain: Domain
) -> EnsemblePrediction:
    """Zero a rejected action, pick the winner and collect the events to apply."""
    predictions = _without_rejected(predictions, tracker, domain)
    winner = pick_winner(predictions)
    events: list[Event] = [event for p in predictions for event in p.events]
    events.extend(winner.optional_events)
    if tracker.latest_action_name == ACTION_LISTEN:
        events.append(DefinePrevUserUtteredFeaturization(winner.is_end_to_end))
    return EnsemblePrediction(
        action_name=domain.action_names[winner.action_index],
        policy_name=winner.policy_name,
        confidence=winner.max_confidence,
        events=tuple(events),
        hide_rule_turn=winner.hide_rule_turn,
        is_end_to_end=winner.is_end_to_end,
        probabilities=winner.probabilities,
        action_metadata=winner.action_metadata,
    )


class PolicyEnsemble:
    """The configured policies, in config order."""

    def __init__(self, policies: Sequence[Policy]) -> None:
        if not policies:
            raise ValueError("the ensemble needs at least one policy")
        self.policies = list(policies)

    def predict(self, tracker: Tracker, domain: Domain) -> EnsemblePrediction:
        rule_only = next(
            (data for policy in self.policies if (data := policy.rule_only_data()) is not None),
            None,
        )
        made: dict[int, PolicyPrediction] = {
            index: policy.predict(tracker, domain, rule_only)
            for index, policy in enumerate(self.policies)
            if not policy.scores_only
        }
        by_priority = sorted(
            (index for index, policy in enumerate(self.policies) if policy.scores_only),
            key=lambda index: -self.policies[index].priority,
        )
        for index in by_priority:
            policy = self.policies[index]
            if not made or _could_win(policy, [made[i] for i in sorted(made)], tracker, domain):
                made[index] = policy.predict(tracker, domain, rule_only)
        return combine([made[index] for index in sorted(made)], tracker, domain)


def _could_win(
    policy: Policy, made: Sequence[PolicyPrediction], tracker: Tracker, domain: Domain
) -> bool:
    """Whether a scores-only `policy` (no events, plain scores ≤ 1) could still win."""
    best = pick_winner(_without_rejected(made, tracker, domain))
    if best.is_no_user_prediction or best.is_end_to_end:
        return False
    return best.max_confidence < 1.0 or best.policy_priority <= policy.priority


def max_number_of_predictions(environ: Mapping[str, str] | None = None) -> int:
    """`MAX_NUMBER_OF_PREDICTIONS` from the environment (default 10)."""
    raw = (os.environ if environ is None else environ).get(MAX_NUMBER_OF_PREDICTIONS_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_NUMBER_OF_PREDICTIONS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"{MAX_NUMBER_OF_PREDICTIONS_ENV} must be a positive integer, got {raw!r}"
        ) from None
    if value < 1:
        raise ValueError(f"{MAX_NUMBER_OF_PREDICTIONS_ENV} must be a positive integer, got {raw!r}")
    return value


def actions_since_listen(tracker: Tracker) -> int:
    """Actions executed since the last `action_listen` / `action_session_start`."""
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.name in (ACTION_LISTEN, ACTION_SESSION_START):
                return count
            count += 1
    return count


def circuit_breaker_tripped(tracker: Tracker, limit: int | None = None) -> bool:
    """Whether the processor must stop predicting (no further action this turn)."""
    return actions_since_listen(tracker) >= (limit or max_number_of_predictions())
