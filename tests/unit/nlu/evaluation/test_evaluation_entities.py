"""Entity evaluation per extractor: token-level reports, exact-match scores, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import HERE, TEST, assert_png, example, parse_result, trained_pipeline

from myna.nlu.evaluation import EntityEvaluation, EntityScores, evaluate_entities
from myna.nlu.evaluation.entities import entity_label
from myna.project.nlu import EntityAnnotation, NLUExample

REGEX = "RegexEntityExtractor"


@pytest.fixture(scope="module")
def entities() -> EntityEvaluation:
    pipeline = trained_pipeline()
    results = [pipeline.parse(example.text) for example in TEST.examples]
    evaluation = evaluate_entities(TEST.examples, results)
    assert evaluation is not None
    return evaluation


def test_token_level_report(entities: EntityEvaluation) -> None:
    # Gold city tokens: Berlin, Paris, Rome; predicted: Berlin, Paris and a wrong Paris.
    report = entities.extractors[REGEX].report
    assert set(report) == {"city", "accuracy", "micro avg", "macro avg", "weighted avg"}
    assert report["city"]["precision"] == pytest.approx(2 / 3)
    assert report["city"]["recall"] == pytest.approx(2 / 3)
    assert report["city"]["support"] == 3
    assert report["micro avg"]["f1-score"] == pytest.approx(2 / 3)


def test_entity_level_scores(entities: EntityEvaluation) -> None:
    assert entities.scores == {REGEX: EntityScores(correct=2, predicted=3, gold=3)}
    assert entities.scores[REGEX].f1 == pytest.approx(2 / 3)
    assert entities.combined == EntityScores(correct=2, predicted=3, gold=3)


def test_errors_list_gold_and_predicted(entities: EntityEvaluation) -> None:
    errors = entities.extractors[REGEX].errors
    assert [error["text"] for error in errors] == ["a seat in Rome please", "bye Paris"]
    assert errors[0]["entities"] == [{"entity": "city", "start": 10, "end": 14, "value": "Rome"}]
    assert errors[0]["predicted_entities"] == []
    assert errors[1]["entities"] == []
    assert errors[1]["predicted_entities"][0]["value"] == "Paris"


def test_files_per_extractor_without_confidences_have_no_histogram(
    entities: EntityEvaluation, tmp_path: Path
) -> None:
    written = {path.name for path in entities.write(tmp_path)}
    assert written == {
        f"{REGEX}_report.json",
        f"{REGEX}_errors.json",
        f"{REGEX}_confusion_matrix.png",
    }
    assert_png(tmp_path / f"{REGEX}_confusion_matrix.png")
    assert len(json.loads((tmp_path / f"{REGEX}_errors.json").read_text())) == 2


def test_entity_label_includes_role_and_group() -> None:
    assert entity_label("city") == "city"
    assert entity_label("city", "departure") == "city#departure"
    assert entity_label("city", "departure", "1") == "city#departure@1"
    assert entity_label("city", None, "2") == "city@2"


def _diet_entity(start: int, end: int, role: str, confidence: float) -> dict[str, object]:
    return {
        "entity": "city",
        "start": start,
        "end": end,
        "value": "x",
        "role": role,
        "confidence_entity": confidence,
        "extractor": "DIETClassifier",
    }


def test_roles_split_labels_and_confidences_give_a_histogram(tmp_path: Path) -> None:
    text = "from Berlin to Rome"
    annotations = (
        EntityAnnotation("city", 5, 11, "Berlin", role="departure"),
        EntityAnnotation("city", 15, 19, "Rome", role="destination"),
    )
    gold = NLUExample(text, "fly", annotations, None, HERE)
    # DIET gets Berlin right and gives Rome the wrong role.
    predicted = [_diet_entity(5, 11, "departure", 0.9), _diet_entity(15, 19, "departure", 0.6)]
    result = parse_result(text, "fly", entities=predicted)
    evaluation = evaluate_entities([gold], [result])
    assert evaluation is not None
    diet = evaluation.extractors["DIETClassifier"]
    assert diet.report["city#departure"]["precision"] == pytest.approx(0.5)
    assert diet.report["city#destination"]["recall"] == 0.0
    assert diet.correct_confidences == [0.9]
    assert diet.wrong_confidences == [0.6]
    assert evaluation.scores["DIETClassifier"] == EntityScores(correct=1, predicted=2, gold=2)
    names = {path.name for path in evaluation.write(tmp_path)}
    assert "DIETClassifier_histogram.png" in names
    assert_png(tmp_path / "DIETClassifier_histogram.png")


def test_combined_score_counts_an_entity_found_by_two_extractors_once() -> None:
    text = "to Paris"
    gold = example(text, "fly", ("city", "Paris"))
    found = {"entity": "city", "start": 3, "end": 8, "value": "Paris"}
    result = parse_result(text, entities=[{**found, "extractor": "A"}, {**found, "extractor": "B"}])
    evaluation = evaluate_entities([gold], [result])
    assert evaluation is not None
    assert evaluation.combined == EntityScores(correct=1, predicted=1, gold=1)


def test_named_extractor_without_predictions_is_still_judged() -> None:
    gold = example("to Paris", "fly", ("city", "Paris"))
    evaluation = evaluate_entities([gold], [parse_result("to Paris")], ["DIETClassifier"])
    assert evaluation is not None
    assert evaluation.scores["DIETClassifier"] == EntityScores(correct=0, predicted=0, gold=1)
    assert evaluation.extractors["DIETClassifier"].report["city"]["recall"] == 0.0


def test_nothing_to_judge_gives_none() -> None:
    assert evaluate_entities([example("hi", "greet")], [parse_result("hi", "greet")]) is None
