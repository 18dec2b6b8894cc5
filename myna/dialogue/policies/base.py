"""What every dialogue policy implements, and the prediction it returns.

A policy is a class with a nested pydantic `Config` (Rasa's option names and defaults,
unknown keys forbidden), trained on training trackers, predicting a probability for
every action of `domain.action_names`, and persisted as JSON (never pickle).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self, cast

from pydantic import BaseModel, ConfigDict, PositiveInt

from myna.dialogue.states import RuleOnlyData
from myna.dialogue.training_trackers import TrainingTracker
from myna.events import Event
from myna.nlu.component import Component, build_config
from myna.project.config import ComponentSpec
from myna.project.domain import Domain
from myna.tracker import Tracker


class PolicyConfig(BaseModel):
    """Options every policy accepts; subclasses set the `priority` default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    priority: int = 1
    max_history: PositiveInt | None = None
    # Legacy (Rasa 2) featurizer block: accepted for compatibility and not used.
    featurizer: list[dict[str, Any]] | None = None


@dataclass(frozen=True, slots=True)
class PolicyPrediction:
    """One policy's scores over `domain.action_names` and how the ensemble should treat them.

    `events` are applied whichever policy wins; `optional_events` only if this one wins.
    `is_no_user_prediction` marks predictions that ignore the user's input (a loop's
    happy path) and beat all others; `is_end_to_end` marks text-based predictions.
    """

    probabilities: tuple[float, ...]
    policy_name: str
    policy_priority: int
    events: tuple[Event, ...] = ()
    optional_events: tuple[Event, ...] = ()
    is_end_to_end: bool = False
    is_no_user_prediction: bool = False
    hide_rule_turn: bool = False
    action_metadata: dict[str, Any] | None = field(default=None)

    @property
    def max_confidence(self) -> float:
        return max(self.probabilities, default=0.0)

    @property
    def action_index(self) -> int:
        """Index of the highest score (the first one on ties)."""
        return self.probabilities.index(self.max_confidence) if self.probabilities else 0


class Policy(ABC):
    """One dialogue policy; its class name is the Rasa policy name."""

    Config: ClassVar[type[PolicyConfig]] = PolicyConfig
    # True for policies whose predictions are scores only: no events, never end-to-end
    # or "no user". The ensemble need not ask such a policy when it cannot win.
    scores_only: ClassVar[bool] = False

    def __init__(self, config: PolicyConfig) -> None:
        self.config = config

    @classmethod
    def from_spec(cls, spec: ComponentSpec) -> Self:
        """The policy configured by a `policies:` entry; option errors carry file:line."""
        # build_config only reads `Config` and the class name, which policies share.
        return cls(cast(PolicyConfig, build_config(cast("type[Component]", cls), spec)))

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def priority(self) -> int:
        return self.config.priority

    @abstractmethod
    def train(self, trackers: Sequence[TrainingTracker], domain: Domain) -> None:
        """Learn from the story and rule trackers (each policy picks the kinds it uses)."""

    @abstractmethod
    def predict(
        self, tracker: Tracker, domain: Domain, rule_only_data: RuleOnlyData | None = None
    ) -> PolicyPrediction:
        """Scores for the next action; `rule_only_data` comes from the RulePolicy."""

    @abstractmethod
    def persist(self, directory: Path) -> None:
        """Write what was learnt into `directory` (which exists) as JSON."""

    @classmethod
    @abstractmethod
    def load(cls, directory: Path, config: PolicyConfig) -> Self:
        """Rebuild a trained policy from `directory`."""

    def rule_only_data(self) -> RuleOnlyData | None:
        """Slots and loops only rules use (provided by the RulePolicy), else None."""
        return None

    def prediction(self, probabilities: Sequence[float], **flags: Any) -> PolicyPrediction:
        """A prediction of this policy; `flags` are the other `PolicyPrediction` fields."""
        return PolicyPrediction(tuple(probabilities), self.name, self.priority, **flags)


def one_hot(domain: Domain, action: str, score: float = 1.0) -> list[float]:
    """Scores with `score` for `action` and 0 for every other action."""
    scores = [0.0] * len(domain.action_names)
    scores[domain.action_names.index(action)] = score
    return scores


def nlu_confidence(tracker: Tracker) -> float:
    """The latest intent's confidence (1.0 when the message has none)."""
    confidence = tracker.latest_message.get("intent", {}).get("confidence")
    return 1.0 if confidence is None else float(confidence)
