"""Pipeline: built from config specs, trained in order, persisted and loaded unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from nlu_helpers import data, example, lookup_table, regex, spec

from myna.nlu.classifiers.keyword import KeywordIntentClassifier
from myna.nlu.features import sparse_index_features
from myna.nlu.pipeline import Pipeline
from myna.nlu.registry import NLU_TRAINERS
from myna.project.errors import ProjectError, Source

SPECS = [
    spec("WhitespaceTokenizer"),
    spec("RegexFeaturizer"),
    spec("LexicalSyntacticFeaturizer"),
    spec("CountVectorsFeaturizer"),
    spec("CountVectorsFeaturizer", {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}),
    spec("KeywordIntentClassifier", {"case_sensitive": False}),
    spec("RegexEntityExtractor"),
    spec("EntitySynonymMapper"),
    spec("FallbackClassifier", {"threshold": 0.5}),
]

TRAINING = data(
    example("hello", "greet"),
    example("book a table in Berlin", "book", ("city", "Berlin", "Berlin")),
    example("a table in NYC", "book", ("city", "NYC", "New York")),
    example("what is your name", "faq/ask_name"),
    regexes=(regex("zipcode", r"\d{5}"),),
    lookups=(lookup_table("city", "Berlin", "NYC"),),
)


def _trained() -> Pipeline:
    pipeline = Pipeline.from_specs(SPECS)
    pipeline.train(TRAINING)
    return pipeline


def test_training_messages_are_featurized_by_every_featurizer() -> None:
    messages = Pipeline.from_specs(SPECS).train(TRAINING)
    assert len(messages) == 4
    origins = [f.origin for f in messages[1].features]
    assert origins == [
        "RegexFeaturizer",
        "LexicalSyntacticFeaturizer",
        "CountVectorsFeaturizer",
        "CountVectorsFeaturizer",
    ]
    assert messages[1].example is TRAINING.examples[1]
    assert messages[1].intent is None and messages[1].entities == []


def test_parse_runs_every_component() -> None:
    result = _trained().parse("HELLO from nyc")
    assert result["intent"] == {"name": "greet", "confidence": 1.0}
    assert result["text_tokens"] == [[0, 5], [6, 10], [11, 14]]
    assert result["entities"] == [
        {
            "entity": "city",
            "start": 11,
            "end": 14,
            "value": "New York",
            "extractor": "RegexEntityExtractor",
            "processors": ["EntitySynonymMapper"],
        }
    ]


def test_fallback_when_no_keyword_matches() -> None:
    result = _trained().parse("something else")
    assert result["intent"] == {"name": "nlu_fallback", "confidence": 0.5}
    assert result["intent_ranking"] == [{"name": "nlu_fallback", "confidence": 0.5}]


def test_persist_and_load_give_the_same_features(tmp_path: Path) -> None:
    pipeline = _trained()
    pipeline.persist(tmp_path / "nlu")
    saved = json.loads((tmp_path / "nlu" / "pipeline.json").read_text(encoding="utf-8"))
    assert [c["folder"] for c in saved["components"]][:2] == [
        "0_WhitespaceTokenizer",
        "1_RegexFeaturizer",
    ]
    loaded = Pipeline.load(tmp_path / "nlu")
    for text in ["book a table in Berlin 10115", "", "unseen words 😀"]:
        original, again = pipeline.process(text), loaded.process(text)
        assert original.to_parse_result() == again.to_parse_result()
        assert [f.origin for f in original.features] == [f.origin for f in again.features]
        for a, b in zip(original.features, again.features, strict=True):
            np.testing.assert_array_equal(a.sequence.toarray(), b.sequence.toarray())
            np.testing.assert_array_equal(a.sentence.toarray(), b.sentence.toarray())
        layout_a = sparse_index_features(original.features)
        layout_b = sparse_index_features(again.features)
        np.testing.assert_array_equal(layout_a.indices, layout_b.indices)
        np.testing.assert_array_equal(layout_a.values, layout_b.values)


def test_shortcut_bypasses_the_pipeline_for_known_intents() -> None:
    pipeline = _trained()
    result = pipeline.parse('/book@0.7{"city": "Rome"}')
    assert result["intent"] == {"name": "book", "confidence": 0.7}
    assert result["entities"][0]["value"] == "Rome" and "text_tokens" not in result
    assert pipeline.parse("/faq")["intent"]["name"] == "faq"  # a retrieval intent's base
    assert pipeline.parse("/unknown")["intent"]["name"] == "nlu_fallback"
    assert pipeline.parse("/unknown", known_intents={"unknown"})["intent"]["name"] == "unknown"


def test_unknown_component_points_at_config() -> None:
    typo = spec("CountVectorFeaturizer", source=Source("config.yml", 7, 5))
    with pytest.raises(ProjectError) as caught:
        Pipeline.from_specs([typo])
    assert caught.value.source == Source("config.yml", 7, 5)
    assert "did you mean 'CountVectorsFeaturizer'?" in caught.value.message


def test_unsupported_component_points_at_config() -> None:
    with pytest.raises(ProjectError, match="use WhitespaceTokenizer"):
        Pipeline.from_specs([spec("SpacyTokenizer")])


def test_from_config_uses_the_pipeline_specs() -> None:
    config = SimpleNamespace(pipeline=SPECS[:2])
    pipeline = Pipeline.from_config(config)  # type: ignore[arg-type]
    assert [c.name for c in pipeline.components] == ["WhitespaceTokenizer", "RegexFeaturizer"]


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pipeline.json").write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(ValueError, match="format 99"):
        Pipeline.load(tmp_path)


class KeywordTrainer(KeywordIntentClassifier):
    """A stand-in training class, registered in NLU_TRAINERS by the test below."""

    @property
    def name(self) -> str:
        return KeywordIntentClassifier.__name__


def test_training_uses_the_trainer_class_and_loading_the_serving_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(NLU_TRAINERS, "KeywordIntentClassifier", f"{__name__}:KeywordTrainer")
    pipeline = _trained()
    assert type(pipeline.components[5]) is KeywordTrainer
    pipeline.persist(tmp_path / "nlu")
    loaded = Pipeline.load(tmp_path / "nlu")
    assert type(loaded.components[5]) is KeywordIntentClassifier
    assert loaded.parse("hello")["intent"] == pipeline.parse("hello")["intent"]


def test_bad_option_of_a_trainer_names_the_rasa_component(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(NLU_TRAINERS, "KeywordIntentClassifier", f"{__name__}:KeywordTrainer")
    with pytest.raises(ProjectError, match="for KeywordIntentClassifier"):
        Pipeline.from_specs([spec("KeywordIntentClassifier", {"case_sensitiv": True})])


class RefusingTrainer(KeywordTrainer):
    def __init__(self, config: object) -> None:
        raise ValueError("KeywordIntentClassifier: the model directory is missing")


def test_a_trainer_refusing_its_options_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(NLU_TRAINERS, "KeywordIntentClassifier", f"{__name__}:RefusingTrainer")
    with pytest.raises(ProjectError, match="model directory is missing") as caught:
        Pipeline.from_specs([spec("KeywordIntentClassifier")])
    assert caught.value.source == Source("config.yml", 3)
