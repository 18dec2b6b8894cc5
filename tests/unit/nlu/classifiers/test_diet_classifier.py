"""DIETClassifier as a pipeline component, on a tiny synthetic data set (fast to train)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from conftest import CITIES, synthetic_data, tiny_specs

from myna.nlu.classifiers.diet_classifier import DIETClassifier
from myna.nlu.classifiers.diet_component import COMPONENT_FILE
from myna.nlu.pipeline import Pipeline
from myna.project.nlu import NLUData

TEXTS = ["book a table in Oslo", "hello there", "is there parking", "", "Rome"]


def _trained(**diet_options: object) -> tuple[Pipeline, DIETClassifier]:
    pipeline = Pipeline.from_specs(tiny_specs(**diet_options))
    pipeline.train(synthetic_data())
    diet = pipeline.components[-1]
    assert isinstance(diet, DIETClassifier)
    return pipeline, diet


def test_retrieval_intents_are_classified_as_their_base_intent() -> None:
    _, diet = _trained()
    assert diet.runtime is not None
    assert diet.runtime.metadata.intents == ("book", "faq", "greet")
    assert diet.runtime.metadata.schemes["entity"].tags[1:] == (
        "B-city",
        "I-city",
        "L-city",
        "U-city",
    )


def test_same_seed_gives_the_same_parses() -> None:
    first, _ = _trained()
    second, _ = _trained()
    assert [first.parse(t) for t in TEXTS] == [second.parse(t) for t in TEXTS]


def test_entities_are_tagged_by_diet() -> None:
    pipeline, _ = _trained(epochs=30, learning_rate=0.01)
    found = pipeline.parse(f"book a table in {CITIES[1]}")["entities"]
    assert [(e["entity"], e["value"], e["extractor"]) for e in found] == [
        ("city", CITIES[1], "DIETClassifier")
    ]
    assert 0 < found[0]["confidence_entity"] <= 1


def test_intent_classification_off_leaves_the_intent_alone() -> None:
    pipeline, diet = _trained(intent_classification=False)
    assert diet.runtime is not None and diet.runtime.metadata.intents == ()
    result = pipeline.parse("hello there")
    assert result["intent"] == {"name": None, "confidence": 0.0} and "intent_ranking" not in result


def test_entity_recognition_off_has_no_tag_head() -> None:
    pipeline, diet = _trained(entity_recognition=False)
    assert diet.runtime is not None and diet.runtime.heads == ()
    assert pipeline.parse("book a table in Oslo")["entities"] == []


def test_ranking_length_limits_the_ranking() -> None:
    pipeline, _ = _trained(ranking_length=2)
    assert len(pipeline.parse("hello")["intent_ranking"]) == 2


def test_nothing_to_learn_predicts_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline = Pipeline.from_specs(tiny_specs())
    one_intent = NLUData(tuple(e for e in synthetic_data().examples if e.intent == "greet"))
    with caplog.at_level(logging.WARNING, logger="myna.nlu.classifiers.diet_training"):
        pipeline.train(one_intent)
    assert "nothing to learn" in caplog.text
    pipeline.persist(tmp_path)
    assert Pipeline.load(tmp_path).parse("hello")["intent"]["name"] is None


def test_quantize_reports_its_accuracy_cost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="myna.nlu.classifiers.diet_training"):
        pipeline, diet = _trained(quantize=True)
    cost = diet.state["quantization"]
    assert 0 <= cost["intent_agreement"] <= 100 and 0 <= cost["tag_agreement"] <= 100
    assert cost["examples"] == len(synthetic_data().examples)
    assert "quantization agreement" in caplog.text
    pipeline.persist(tmp_path)
    folder = next(tmp_path.glob("*_DIETClassifier"))
    assert json.loads((folder / COMPONENT_FILE).read_text())["quantization"] == cost
    assert (folder / "model.int8.onnx").exists()
    loaded = Pipeline.load(tmp_path)
    serving = loaded.components[-1]
    assert isinstance(serving, DIETClassifier) and serving.runtime is not None
    assert serving.runtime.metadata.quantized
    assert [loaded.parse(t) for t in TEXTS] == [pipeline.parse(t) for t in TEXTS]


@pytest.mark.parametrize("show_progress", [True, None])
def test_training_shows_the_epochs_bar_on_a_terminal_or_when_asked(
    show_progress: bool | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """`None` (the default) shows the bar only on a terminal; pytest's output is not one."""
    pipeline = Pipeline.from_specs(tiny_specs())
    diet = pipeline.components[-1]
    assert isinstance(diet, DIETClassifier)
    diet.show_progress = show_progress
    pipeline.train(synthetic_data())
    out = capsys.readouterr().out
    if show_progress:
        assert "DIETClassifier" in out and "8/8" in out
        assert "loss" in out and "i_acc" in out and "e_f1" in out
    else:
        assert "DIETClassifier" not in out and "i_acc" not in out
