"""evaluate() and cross_validate(): every file written, headline figures, folds."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from eval_helpers import CITIES, CONFIG, TEST, TRAIN, assert_png, example, trained_pipeline
from rich.console import Console

from myna.nlu.evaluation import EvaluationSummary, cross_validate, evaluate, stratified_folds
from myna.project.nlu import NLUData

EXPECTED_FILES = {
    "intent_report.json",
    "intent_errors.json",
    "intent_confusion_matrix.png",
    "intent_histogram.png",
    "RegexEntityExtractor_report.json",
    "RegexEntityExtractor_errors.json",
    "RegexEntityExtractor_confusion_matrix.png",
}


def _quiet() -> Console:
    return Console(file=io.StringIO(), width=120)


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvaluationSummary, Path]:
    out_dir = tmp_path_factory.mktemp("results")
    return evaluate(trained_pipeline(), TEST, out_dir, console=_quiet()), out_dir


def test_evaluate_writes_every_file(evaluated: tuple[EvaluationSummary, Path]) -> None:
    summary, out_dir = evaluated
    assert {path.name for path in out_dir.iterdir()} == EXPECTED_FILES
    assert {path.name for path in summary.files} == EXPECTED_FILES
    for name in EXPECTED_FILES:
        if name.endswith(".png"):
            assert_png(out_dir / name)
        else:
            json.loads((out_dir / name).read_text())


def test_evaluate_summary(evaluated: tuple[EvaluationSummary, Path]) -> None:
    summary, _ = evaluated
    scores = summary.scores
    assert scores.intent_accuracy == pytest.approx(0.7)
    assert scores.intent_macro_f1 == pytest.approx((2 / 3 + 6 / 7 + 2 / 3) / 3)
    assert scores.intent_weighted_f1 == pytest.approx((2 * 2 / 3 + 4 * 6 / 7 + 4 * 2 / 3) / 10)
    assert scores.entity_f1 == pytest.approx(2 / 3)
    assert scores.response_accuracy is None
    assert summary.entity_f1_by_extractor == {"RegexEntityExtractor": pytest.approx(2 / 3)}
    assert (summary.examples, summary.intent_errors, summary.entity_errors) == (10, 3, 2)
    assert summary.response_errors == 0
    assert summary.parse_seconds_per_message > 0


def test_evaluate_refuses_empty_test_data(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no examples"):
        evaluate(trained_pipeline(), NLUData(), tmp_path, console=_quiet())


def _cv_data() -> NLUData:
    rare = example("thanks a lot", "thank")  # 1 example, fewer than the 3 folds
    return NLUData(examples=(*TRAIN.examples, *TEST.examples, rare), lookups=CITIES)


def test_cross_validation_three_folds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    console = _quiet()
    with caplog.at_level(logging.WARNING):
        summary = cross_validate(CONFIG, _cv_data(), 3, tmp_path, seed=7, console=console)
    assert len(summary.folds) == 3
    assert [fold.fold for fold in summary.folds] == [1, 2, 3]
    assert sum(fold.test_examples for fold in summary.folds) == 17
    assert all(fold.train_examples + fold.test_examples == 17 for fold in summary.folds)
    assert summary.combined.examples == 17
    assert {path.name for path in tmp_path.iterdir()} >= EXPECTED_FILES
    assert_png(tmp_path / "intent_confusion_matrix.png")
    report = json.loads((tmp_path / "intent_report.json").read_text())
    assert report["weighted avg"]["support"] == 17
    assert "thank" in report
    assert summary.warnings and "thank" in summary.warnings[0]
    assert "fewer than 3 examples" in caplog.text
    mean, std = summary.mean_std("test", "intent_accuracy") or (None, None)
    assert mean is not None and 0.0 <= mean <= 1.0 and std is not None and std >= 0.0
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Cross-validation over 3 folds" in printed and "±" in printed


def test_stratified_folds_test_every_example_once() -> None:
    intents = ["a"] * 6 + ["b"] * 3 + ["c"]
    splits, notes = stratified_folds(intents, 3, seed=0)
    tested = sorted(index for _, test in splits for index in test)
    assert tested == list(range(10))
    for train, test in splits:
        assert set(train).isdisjoint(test)
        assert sum(intents[i] == "b" for i in test) == 1  # stratified
    assert len(notes) == 1 and "c" in notes[0]


def test_stratified_folds_reject_impossible_requests() -> None:
    with pytest.raises(ValueError, match="at least 2 folds"):
        stratified_folds(["a", "b"], 1, seed=0)
    with pytest.raises(ValueError, match="at least 5 examples"):
        stratified_folds(["a", "b"], 5, seed=0)
