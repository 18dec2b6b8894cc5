"""Rich tables for the terminal: a report's rows, a run's headline figures, CV mean ± std."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from myna.nlu.evaluation.summary import METRICS, CrossValidationSummary, EvaluationSummary

_OVERALL = ("accuracy", "micro avg", "macro avg", "weighted avg")
_METRIC_NAMES = {
    "intent_accuracy": "Intent accuracy",
    "intent_precision": "Intent precision (weighted)",
    "intent_macro_f1": "Intent F1 (macro)",
    "intent_weighted_f1": "Intent F1 (weighted)",
    "entity_f1": "Entity F1 (micro, exact)",
    "response_accuracy": "Response accuracy",
}


def report_table(report: Mapping[str, Any], title: str = "Intents", label: str = "Intent") -> Table:
    """One row per label sorted by F1 (worst last), then the overall lines."""
    table = Table(title=title)
    table.add_column(label)
    for column in ("Precision", "Recall", "F1", "Support"):
        table.add_column(column, justify="right")
    table.add_column("Confused with")
    rows = [(name, row) for name, row in report.items() if name not in _OVERALL]
    rows.sort(key=lambda pair: (-pair[1]["f1-score"], pair[0]))
    for name, row in rows:
        confused = ", ".join(f"{other} ({n})" for other, n in row.get("confused_with", {}).items())
        table.add_row(name, *_figures(row), confused)
    table.add_section()
    for name in _OVERALL:
        value = report.get(name)
        if isinstance(value, Mapping):
            table.add_row(name, *_figures(value), "", style="bold")
        elif value is not None:
            table.add_row(name, "", "", f"{value:.3f}", "", "", style="bold")
    return table


def summary_table(summary: EvaluationSummary) -> Table:
    """Headline figures of one evaluation."""
    table = Table(title="NLU evaluation")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    for metric in METRICS:
        value = getattr(summary.scores, metric)
        table.add_row(_METRIC_NAMES[metric], "n/a" if value is None else f"{value:.3f}")
    for extractor, f1 in sorted(summary.entity_f1_by_extractor.items()):
        table.add_row(f"Entity F1 {extractor}", f"{f1:.3f}")
    table.add_section()
    table.add_row("Examples", str(summary.examples))
    table.add_row("Intent errors", str(summary.intent_errors))
    table.add_row("Entity errors", str(summary.entity_errors))
    table.add_row("Response errors", str(summary.response_errors))
    table.add_row("Parse time per message", f"{summary.parse_seconds_per_message * 1000:.2f} ms")
    return table


def cross_validation_table(summary: CrossValidationSummary) -> Table:
    """Train and test mean ± std over the folds for every metric."""
    table = Table(title=f"Cross-validation over {len(summary.folds)} folds")
    table.add_column("Metric")
    table.add_column("Train", justify="right")
    table.add_column("Test", justify="right")
    for metric in METRICS:
        cells = [_mean_std(summary.mean_std(split, metric)) for split in ("train", "test")]
        if any(cell != "n/a" for cell in cells):
            table.add_row(_METRIC_NAMES[metric], *cells)
    return table


def _figures(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (
        f"{row['precision']:.3f}",
        f"{row['recall']:.3f}",
        f"{row['f1-score']:.3f}",
        str(int(row["support"])),
    )


def _mean_std(value: tuple[float, float] | None) -> str:
    return "n/a" if value is None else f"{value[0]:.3f} ± {value[1]:.3f}"
