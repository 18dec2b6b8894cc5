"""DIETClassifier and ResponseSelector trained on the restaurant example.

The ONNX runtime agrees with the torch model on every test-story and NLU text, the
persisted pipeline parses the same after loading (in a process without torch or
scikit-learn), and unusual input parses without error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import MODELS, Restaurant

from myna.nlu.classifiers import diet_component
from myna.nlu.classifiers.diet_component import MAX_TOKENS
from myna.nlu.classifiers.diet_training import DIETTrainer
from myna.nlu.diet.runtime import DIETPrediction, DIETRuntime
from myna.nlu.message import Message
from myna.nlu.pipeline import Pipeline

pytestmark = pytest.mark.slow


def _trainer(restaurant: Restaurant, name: str) -> DIETTrainer:
    component = next(c for c in restaurant.pipeline.components if c.name == name)
    assert isinstance(component, DIETTrainer)
    return component


def _featurized(pipeline: Pipeline, until: DIETTrainer, text: str) -> Message:
    message = Message(text)
    for component in pipeline.components[: pipeline.components.index(until)]:
        component.process(message)
    return message


@pytest.mark.parametrize("name", MODELS)
def test_onnx_runtime_matches_torch(restaurant: Restaurant, name: str) -> None:
    trainer = _trainer(restaurant, name)
    assert trainer.runtime is not None
    for text in restaurant.texts:
        message = _featurized(restaurant.pipeline, trainer, text)
        result = trainer.predict(message)
        assert result is not None
        prediction, _ = result
        expected = trainer.predict_torch(message)
        ids = prediction.intent_ids[0]
        np.testing.assert_allclose(
            prediction.intent_confidences[0], expected["intent_scores"][ids], rtol=0, atol=1e-4
        )
        for head in trainer.runtime.heads:
            assert prediction.tags[head][0].tolist() == expected[head].tolist(), text


def test_entities_and_intents_come_from_diet(restaurant: Restaurant) -> None:
    result = restaurant.pipeline.parse("book a table for two in Berlin")
    assert result["intent"]["name"] == "book_restaurant"
    assert len(result["intent_ranking"]) == 10
    for entity in result["entities"]:
        assert {"entity", "start", "end", "value", "extractor"} <= set(entity)


def test_persisted_pipeline_parses_identically(restaurant: Restaurant, tmp_path: Path) -> None:
    restaurant.pipeline.persist(tmp_path)
    loaded = Pipeline.load(tmp_path)
    assert [type(c).__name__ for c in loaded.components][5:8] == [
        "DIETClassifier",
        "EntitySynonymMapper",
        "ResponseSelector",
    ]
    for text in restaurant.texts:
        assert loaded.parse(text) == restaurant.pipeline.parse(text)


_SERVE = """
import json, sys
from pathlib import Path
from myna.nlu.pipeline import Pipeline
pipeline = Pipeline.load(Path(sys.argv[1]))
results = [pipeline.parse(text) for text in json.loads(sys.argv[2])]
heavy = [name for name in ("torch", "sklearn") if name in sys.modules]
print(json.dumps({"heavy": heavy, "results": results}))
"""


def test_serving_needs_neither_torch_nor_sklearn(restaurant: Restaurant, tmp_path: Path) -> None:
    restaurant.pipeline.persist(tmp_path)
    texts = restaurant.texts[:25]
    done = subprocess.run(
        [sys.executable, "-c", _SERVE, str(tmp_path), json.dumps(texts)],
        capture_output=True,
        text=True,
        check=True,
    )
    output = json.loads(done.stdout)
    assert output["heavy"] == []
    assert output["results"] == [restaurant.pipeline.parse(text) for text in texts]


LONG = ("book a table in Berlin for two " * 400)[:10_000]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        LONG,
        "x" * 10_000,
        "😀🎉 👍🏽",
        "مرحبا، أريد حجز طاولة",
        "我想预订一张桌子",
        "a\u200bb",
    ],
)
def test_unusual_input_parses(restaurant: Restaurant, text: str) -> None:
    message = restaurant.pipeline.process(text)
    result = message.to_parse_result()
    assert result["text"] == text and result["intent"]["name"]
    # Long messages: DIET looks at the first MAX_TOKENS tokens only.
    limit = message.tokens[MAX_TOKENS - 1].end if len(message.tokens) >= MAX_TOKENS else len(text)
    assert all(entity["end"] <= limit for entity in result["entities"])


def _assert_close(batched: Any, alone: Any) -> None:
    """Equal parse results, floats to 1e-5: a batch pads, which can move the last bits."""
    if isinstance(alone, float):
        assert batched == pytest.approx(alone, abs=1e-5)
    elif isinstance(alone, dict):
        assert isinstance(batched, dict) and batched.keys() == alone.keys()
        for key, value in alone.items():
            _assert_close(batched[key], value)
    elif isinstance(alone, list):
        assert isinstance(batched, list) and len(batched) == len(alone)
        for ours, theirs in zip(batched, alone, strict=True):
            _assert_close(ours, theirs)
    else:
        assert batched == alone


@pytest.mark.parametrize("batch_size", [7, diet_component.BATCH_SIZE])
def test_batch_parse_equals_parsing_one_by_one(
    restaurant: Restaurant, batch_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches mix lengths (one over MAX_TOKENS), empty text and `/intent` shortcuts."""
    monkeypatch.setattr(diet_component, "BATCH_SIZE", batch_size)
    texts = [*restaurant.texts, "", "/greet", "😀", LONG, "book a table in Rome"]
    runs: list[int] = []
    predict = DIETRuntime.predict

    def counted(runtime: DIETRuntime, indices: np.ndarray, *args: Any) -> DIETPrediction:
        runs.append(len(indices))
        return predict(runtime, indices, *args)

    monkeypatch.setattr(DIETRuntime, "predict", counted)
    batched = restaurant.pipeline.parse_batch(texts)
    # DIETClassifier and ResponseSelector: full batches but the last, all but the shortcut.
    full, rest = divmod(len(texts) - 1, batch_size)
    assert sorted(runs) == sorted(2 * ([batch_size] * full + [rest] * (rest > 0)))
    monkeypatch.setattr(DIETRuntime, "predict", predict)
    assert [result["text"] for result in batched] == texts
    for text, result in zip(texts, batched, strict=True):
        _assert_close(result, restaurant.pipeline.parse(text))
    shortcut = batched[-4]["intent"]
    assert (shortcut["name"], shortcut["confidence"]) == ("greet", 1.0)
