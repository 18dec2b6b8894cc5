"""Pictures and terminal tables."""

from __future__ import annotations

import io
import random
from pathlib import Path

from eval_helpers import assert_png
from PIL import Image
from rich.console import Console

from myna.nlu.evaluation import (
    CrossValidationSummary,
    EvaluationSummary,
    FoldScores,
    Scores,
    cross_validation_table,
    report_table,
    summary_table,
)
from myna.nlu.evaluation.reports import LabelEvaluation


def _render(table: object) -> str:
    console = Console(file=io.StringIO(), width=160)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_confusion_matrix_grows_with_many_labels(tmp_path: Path) -> None:
    rng = random.Random(0)
    names = [f"intent_{i:02d}_request_something" for i in range(25)]
    gold = [name for name in names for _ in range(5)]
    predicted = [name if rng.random() < 0.8 else rng.choice(names) for name in gold]
    LabelEvaluation("many", "Many", gold, predicted).write(tmp_path)
    LabelEvaluation("few", "Few", ["a", "b"], ["a", "a"]).write(tmp_path)
    assert_png(tmp_path / "many_confusion_matrix.png", min_side=1000)
    assert_png(tmp_path / "few_confusion_matrix.png")
    with Image.open(tmp_path / "few_confusion_matrix.png") as few:
        assert few.size[0] < 1000


def test_report_table_sorted_by_f1_with_overall_lines() -> None:
    evaluation = LabelEvaluation(
        "intent", "Intent", ["a", "a", "b", "c"], ["a", "a", "c", "c"], add_confused_with=True
    )
    text = _render(report_table(evaluation.report))
    assert text.index(" a ") < text.index(" c ") < text.index(" b ")
    assert "accuracy" in text and "macro avg" in text and "weighted avg" in text
    assert "c (1)" in text


def test_summary_and_cross_validation_tables() -> None:
    scores = Scores(0.5, 0.6, 0.4, 0.45, entity_f1=None, response_accuracy=0.8)
    better = Scores(0.7, 0.8, 0.6, 0.65, entity_f1=None, response_accuracy=1.0)
    summary = EvaluationSummary(scores, 10, 5, 0, 1, 0.002, {"DIETClassifier": 0.75})
    text = _render(summary_table(summary))
    assert "Intent accuracy" in text and "0.500" in text and "n/a" in text
    assert "Entity F1 DIETClassifier" in text and "2.00 ms" in text
    folds = [FoldScores(1, better, scores, 8, 2), FoldScores(2, better, better, 8, 2)]
    cv = CrossValidationSummary(folds, summary)
    text = _render(cross_validation_table(cv))
    assert "0.600 ± 0.100" in text  # test accuracy over the two folds
    assert "0.700 ± 0.000" in text  # train accuracy
    assert "Entity F1" not in text  # no fold has entity figures
