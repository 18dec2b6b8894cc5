"""Gold labels against predicted labels: the one report builder and file writer.

Intents, entity tokens and retrieval responses are all evaluated the same way: two
parallel label lists become a scikit-learn classification report (Rasa's
``*_report.json`` shape), a confusion matrix picture, an errors list and, when the
predictions carry confidences, a histogram of right and wrong confidences.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix

from myna.nlu.evaluation.plots import plot_confidence_histogram, plot_confusion_matrix

# Rasa lists at most this many wrong predictions under a label's ``confused_with``.
CONFUSED_WITH_LIMIT = 3
# The label of a missing prediction (an intent classifier that found nothing).
NO_PREDICTION = "None"

Report = dict[str, Any]


@dataclass(frozen=True)
class LabelEvaluation:
    """One kind of prediction (``name`` is the file prefix, e.g. ``intent``).

    ``gold`` and ``predicted`` are parallel; ``excluded`` labels (``no_entity``) stay in
    the confusion matrix but get no row of their own in the report.
    """

    name: str
    title: str
    gold: Sequence[str]
    predicted: Sequence[str]
    errors: list[dict[str, Any]] = field(default_factory=list)
    successes: list[dict[str, Any]] = field(default_factory=list)
    correct_confidences: list[float] = field(default_factory=list)
    wrong_confidences: list[float] = field(default_factory=list)
    excluded: frozenset[str] = frozenset()
    add_confused_with: bool = False

    def __post_init__(self) -> None:
        if len(self.gold) != len(self.predicted):
            raise ValueError(f"{self.name}: {len(self.gold)} gold vs {len(self.predicted)} labels")

    @cached_property
    def labels(self) -> list[str]:
        """Every label seen in the gold or predicted lists, sorted."""
        return sorted({*self.gold, *self.predicted})

    @cached_property
    def matrix(self) -> np.ndarray:
        return confusion_matrix(self.gold, self.predicted, labels=self.labels)

    @cached_property
    def report(self) -> Report:
        """sklearn's report over the gold labels plus averages; ``{}`` when nothing to report.

        As in Rasa, only gold labels get a row: a label that is only ever predicted (say
        ``nlu_fallback``) adds no row, and its predictions count in no average. Both
        ``accuracy`` and ``micro avg`` are given, whichever sklearn left out.
        """
        labels = sorted({*self.gold} - self.excluded)
        if not labels:
            return {}
        report: Report = classification_report(
            self.gold, self.predicted, labels=labels, output_dict=True, zero_division=0
        )
        if "micro avg" not in report:
            accuracy = report["accuracy"]
            support = report["macro avg"]["support"]
            report["micro avg"] = {
                "precision": accuracy,
                "recall": accuracy,
                "f1-score": accuracy,
                "support": support,
            }
        report.setdefault("accuracy", self.accuracy)
        for row in report.values():
            if isinstance(row, dict):
                # Newer scikit-learn gives a float support; Rasa's reports hold a count.
                row["support"] = int(row["support"])
        if self.add_confused_with:
            for label in labels:
                report[label]["confused_with"] = self._confused_with(label)
        return report

    @property
    def accuracy(self) -> float:
        """Share of items whose prediction equals the gold label (1.0 for no items)."""
        if not self.gold:
            return 1.0
        hits = sum(g == p for g, p in zip(self.gold, self.predicted, strict=True))
        return hits / len(self.gold)

    def average(self, kind: str, metric: str = "f1-score") -> float:
        """``average("macro")`` is the macro F1; 0.0 when the report is empty."""
        return float(self.report.get(f"{kind} avg", {}).get(metric, 0.0))

    def _confused_with(self, label: str) -> dict[str, int]:
        row = self.matrix[self.labels.index(label)]
        wrong = [
            (int(count), other)
            for other, count in zip(self.labels, row, strict=True)
            if other != label and count > 0
        ]
        wrong.sort(key=lambda pair: (-pair[0], pair[1]))
        return {other: count for count, other in wrong[:CONFUSED_WITH_LIMIT]}

    def write(self, out_dir: Path, *, successes: bool = False) -> list[Path]:
        """Write report, errors (and successes), confusion matrix and histogram."""
        out_dir.mkdir(parents=True, exist_ok=True)
        written = [
            write_json(out_dir / f"{self.name}_report.json", self.report),
            write_json(out_dir / f"{self.name}_errors.json", self.errors),
        ]
        if successes:
            written.append(write_json(out_dir / f"{self.name}_successes.json", self.successes))
        matrix_path = out_dir / f"{self.name}_confusion_matrix.png"
        title = f"{self.title} confusion matrix"
        plot_confusion_matrix(self.matrix, self.labels, title, matrix_path)
        written.append(matrix_path)
        if self.correct_confidences or self.wrong_confidences:
            histogram_path = out_dir / f"{self.name}_histogram.png"
            plot_confidence_histogram(
                self.correct_confidences,
                self.wrong_confidences,
                f"{self.title} prediction confidences",
                histogram_path,
            )
            written.append(histogram_path)
        return written


@dataclass
class LabelCollector:
    """Builds a LabelEvaluation one classified item at a time."""

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    successes: list[dict[str, Any]] = field(default_factory=list)
    correct_confidences: list[float] = field(default_factory=list)
    wrong_confidences: list[float] = field(default_factory=list)

    def add(
        self, gold: str, predicted: str | None, confidence: float, entry: dict[str, Any]
    ) -> None:
        """One item; ``entry`` is its line in the errors or successes file."""
        self.gold.append(gold)
        self.predicted.append(_label_or_none(predicted))
        if predicted == gold:
            self.successes.append(entry)
            self.correct_confidences.append(confidence)
        else:
            self.errors.append(entry)
            self.wrong_confidences.append(confidence)

    def build(self, name: str, title: str) -> LabelEvaluation:
        """The evaluation, with ``confused_with`` per label and the most confident errors
        first."""
        ranked = sorted(
            zip(self.wrong_confidences, self.errors, strict=True), key=lambda pair: -pair[0]
        )
        return LabelEvaluation(
            name=name,
            title=title,
            gold=self.gold,
            predicted=self.predicted,
            errors=[entry for _, entry in ranked],
            successes=self.successes,
            correct_confidences=self.correct_confidences,
            wrong_confidences=self.wrong_confidences,
            add_confused_with=True,
        )


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _label_or_none(name: str | None) -> str:
    """A predicted label for the report; a missing prediction gets its own label."""
    return NO_PREDICTION if name is None else str(name)
