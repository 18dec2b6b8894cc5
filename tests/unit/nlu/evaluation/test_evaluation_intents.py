"""Intent evaluation: report figures, confused_with, errors and successes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import TEST, example, parse_result, trained_pipeline

from myna.nlu.evaluation import evaluate_intents
from myna.nlu.evaluation.reports import LabelEvaluation


@pytest.fixture(scope="module")
def intents() -> LabelEvaluation:
    pipeline = trained_pipeline()
    results = [pipeline.parse(example.text) for example in TEST.examples]
    return evaluate_intents(TEST.examples, results)


def test_report_per_intent(intents: LabelEvaluation) -> None:
    report = intents.report
    # greet is predicted 4 times (2 right), goodbye 3 of 4 right, book 2 of 4 right.
    assert report["greet"]["precision"] == pytest.approx(0.5)
    assert report["greet"]["recall"] == pytest.approx(1.0)
    assert report["greet"]["f1-score"] == pytest.approx(2 / 3)
    assert report["greet"]["support"] == 2
    assert report["goodbye"]["precision"] == pytest.approx(1.0)
    assert report["goodbye"]["recall"] == pytest.approx(0.75)
    assert report["book"]["recall"] == pytest.approx(0.5)
    assert "nlu_fallback" not in report  # only predicted: no row, as in Rasa


def test_report_overall_lines(intents: LabelEvaluation) -> None:
    report = intents.report
    assert report["accuracy"] == pytest.approx(0.7)
    assert intents.accuracy == pytest.approx(0.7)
    assert report["macro avg"]["f1-score"] == pytest.approx((2 / 3 + 6 / 7 + 2 / 3) / 3)
    # 7 right of 10 gold; the nlu_fallback prediction counts in no label's precision.
    assert report["micro avg"]["precision"] == pytest.approx(7 / 9)
    assert report["micro avg"]["recall"] == pytest.approx(0.7)
    assert report["weighted avg"]["precision"] == pytest.approx(0.9)
    assert report["weighted avg"]["support"] == 10
    assert intents.average("macro") == report["macro avg"]["f1-score"]


def test_confused_with_counts_wrong_predictions(intents: LabelEvaluation) -> None:
    assert intents.report["book"]["confused_with"] == {"greet": 1, "nlu_fallback": 1}
    assert intents.report["goodbye"]["confused_with"] == {"greet": 1}
    assert intents.report["greet"]["confused_with"] == {}


def test_errors_most_confident_first(intents: LabelEvaluation) -> None:
    assert [error["text"] for error in intents.errors] == [
        "hello and bye",
        "hi there, book a table",
        "a seat in Rome please",
    ]
    assert intents.errors[0] == {
        "text": "hello and bye",
        "intent": "goodbye",
        "intent_prediction": {"name": "greet", "confidence": 1.0},
    }
    assert intents.errors[2]["intent_prediction"] == {"name": "nlu_fallback", "confidence": 0.3}
    assert len(intents.successes) == 7
    assert intents.correct_confidences == [1.0] * 7


def test_confused_with_keeps_the_three_most_frequent() -> None:
    gold = ["a"] * 7
    predicted = ["b", "b", "b", "c", "c", "d", "e"]
    evaluation = LabelEvaluation("x", "X", gold, predicted, add_confused_with=True)
    assert evaluation.report["a"]["confused_with"] == {"b": 3, "c": 2, "d": 1}


def test_retrieval_examples_count_as_their_retrieval_intent_and_none_is_a_label() -> None:
    examples = [example("what is your name", "faq/ask_name"), example("hi", "greet")]
    results = [parse_result("what is your name", "faq", 0.9), parse_result("hi", None, 0.0)]
    evaluation = evaluate_intents(examples, results)
    assert evaluation.gold == ["faq", "greet"]
    assert evaluation.predicted == ["faq", "None"]
    assert evaluation.errors == [
        {"text": "hi", "intent": "greet", "intent_prediction": {"name": None, "confidence": 0.0}}
    ]


def test_written_files(intents: LabelEvaluation, tmp_path: Path) -> None:
    written = intents.write(tmp_path, successes=True)
    names = sorted(path.name for path in written)
    assert names == [
        "intent_confusion_matrix.png",
        "intent_errors.json",
        "intent_histogram.png",
        "intent_report.json",
        "intent_successes.json",
    ]
    saved = json.loads((tmp_path / "intent_report.json").read_text())
    assert saved["greet"]["precision"] == 0.5
    assert len(json.loads((tmp_path / "intent_successes.json").read_text())) == 7


def test_a_fallback_prediction_is_undone_before_judging_as_rasa_does() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "book", "confidence": 0.28},
        {"name": "greet", "confidence": 0.25},
    ]
    examples = [example("a table", "book"), example("hey you", "greet"), example("hm", "greet")]
    results = [
        parse_result("a table", "nlu_fallback", 0.3, intent_ranking=ranking),
        parse_result("hey you", "nlu_fallback", 0.3, intent_ranking=ranking),
        parse_result("hm", "nlu_fallback", 0.3),  # nothing ranked: the fallback stays
    ]
    evaluation = evaluate_intents(examples, results)
    assert evaluation.report["book"]["recall"] == 1.0
    assert evaluation.report["greet"]["confused_with"] == {"book": 1, "nlu_fallback": 1}
    predictions = {error["text"]: error["intent_prediction"] for error in evaluation.errors}
    assert predictions["hey you"] == {"name": "book", "confidence": 0.28}
