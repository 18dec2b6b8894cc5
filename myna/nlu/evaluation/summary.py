"""The figures an evaluation run hands back (to the CLI, the benchmark, the training job)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, fields
from pathlib import Path

from myna.nlu.evaluation.entities import EntityEvaluation
from myna.nlu.evaluation.reports import LabelEvaluation


@dataclass(frozen=True, slots=True)
class Scores:
    """Headline metrics of one set of predictions; None where the data has nothing to judge.

    ``entity_f1`` is the entity-level micro-F1 (exact span + label) over the entities of
    every extractor together.
    """

    intent_accuracy: float
    intent_precision: float
    intent_macro_f1: float
    intent_weighted_f1: float
    entity_f1: float | None = None
    response_accuracy: float | None = None

    @classmethod
    def of(
        cls,
        intents: LabelEvaluation,
        entities: EntityEvaluation | None,
        responses: LabelEvaluation | None,
    ) -> Scores:
        return cls(
            intent_accuracy=intents.accuracy,
            intent_precision=intents.average("weighted", "precision"),
            intent_macro_f1=intents.average("macro"),
            intent_weighted_f1=intents.average("weighted"),
            entity_f1=entities.combined.f1 if entities else None,
            response_accuracy=responses.accuracy if responses else None,
        )


@dataclass(frozen=True, slots=True)
class EvaluationSummary:
    scores: Scores
    examples: int
    intent_errors: int
    entity_errors: int
    response_errors: int
    parse_seconds_per_message: float
    # Entity-level micro-F1 per extractor.
    entity_f1_by_extractor: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FoldScores:
    fold: int
    train: Scores
    test: Scores
    train_examples: int
    test_examples: int


@dataclass(frozen=True, slots=True)
class CrossValidationSummary:
    """Per-fold train/test scores; ``combined`` judges all folds' test predictions at once."""

    folds: list[FoldScores]
    combined: EvaluationSummary
    warnings: list[str] = field(default_factory=list)

    def mean_std(self, split: str, metric: str) -> tuple[float, float] | None:
        """Mean and population std over the folds of ``split`` ("train"/"test") scores."""
        values = [getattr(getattr(fold, split), metric) for fold in self.folds]
        present = [value for value in values if value is not None]
        if not present:
            return None
        return statistics.fmean(present), statistics.pstdev(present)


METRICS = tuple(metric.name for metric in fields(Scores))
