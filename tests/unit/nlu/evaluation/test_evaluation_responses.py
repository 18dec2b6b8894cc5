"""Response selection evaluation: retrieval examples only, Rasa's selector choice rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eval_helpers import assert_png, example, parse_result

from myna.nlu.evaluation import evaluate_responses


def _selected(key: str | None, confidence: float) -> dict[str, Any]:
    return {"response": {"intent_response_key": key, "confidence": confidence}, "ranking": []}


EXAMPLES = [
    example("what is your name", "faq/ask_name"),
    example("how old are you", "faq/ask_age"),
    example("who made you", "faq/ask_name"),
    example("tell me a joke", "chitchat/joke"),
    example("hello", "greet"),
]
RESULTS = [
    parse_result(
        "what is your name",
        "faq",
        response_selector={"faq": _selected("faq/ask_name", 0.9), "default": _selected(None, 0)},
    ),
    parse_result(
        "how old are you", "faq", response_selector={"faq": _selected("faq/ask_name", 0.7)}
    ),
    parse_result("who made you", "faq", response_selector={"faq": _selected("faq/ask_name", 0.8)}),
    # No selector for chitchat: the default selector's choice is read.
    parse_result(
        "tell me a joke", "chitchat", response_selector={"default": _selected("chitchat/joke", 0.6)}
    ),
    parse_result("hello", "greet"),
]


def test_report_and_accuracy() -> None:
    evaluation = evaluate_responses(EXAMPLES, RESULTS)
    assert evaluation is not None
    assert evaluation.gold == ["faq/ask_name", "faq/ask_age", "faq/ask_name", "chitchat/joke"]
    assert evaluation.accuracy == pytest.approx(0.75)
    report = evaluation.report
    assert report["faq/ask_name"]["precision"] == pytest.approx(2 / 3)
    assert report["faq/ask_age"]["recall"] == 0.0
    assert report["faq/ask_age"]["confused_with"] == {"faq/ask_name": 1}
    assert report["chitchat/joke"]["f1-score"] == 1.0


def test_errors_and_files(tmp_path: Path) -> None:
    evaluation = evaluate_responses(EXAMPLES, RESULTS)
    assert evaluation is not None
    assert evaluation.errors == [
        {
            "text": "how old are you",
            "intent_response_key_target": "faq/ask_age",
            "intent_response_key_prediction": {"name": "faq/ask_name", "confidence": 0.7},
        }
    ]
    names = {path.name for path in evaluation.write(tmp_path)}
    assert names == {
        "response_selection_report.json",
        "response_selection_errors.json",
        "response_selection_confusion_matrix.png",
        "response_selection_histogram.png",
    }
    assert_png(tmp_path / "response_selection_confusion_matrix.png")
    saved = json.loads((tmp_path / "response_selection_report.json").read_text())
    assert saved["accuracy"] == 0.75


def test_missing_selector_output_is_a_wrong_prediction() -> None:
    evaluation = evaluate_responses(EXAMPLES[:1], [parse_result("what is your name", "faq")])
    assert evaluation is not None
    assert evaluation.predicted == ["None"]
    assert evaluation.accuracy == 0.0


def test_no_retrieval_intents_gives_none() -> None:
    assert evaluate_responses(EXAMPLES[4:], RESULTS[4:]) is None
