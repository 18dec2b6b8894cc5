"""Typed component configs: defaults, and errors that point at config.yml lines."""

from __future__ import annotations

import pytest
from nlu_helpers import spec

from myna.nlu.classifiers.fallback import FallbackClassifier
from myna.nlu.component import build_config
from myna.nlu.featurizers.count_vectors import CountVectorsFeaturizer
from myna.nlu.featurizers.lexical import LexicalSyntacticFeaturizer
from myna.nlu.registry import lookup
from myna.project.config import ComponentSpec, parse_config
from myna.project.errors import ProjectError, Source
from myna.project.yaml_reader import parse_yaml

OPTION_LINE = Source("config.yml", 12, 5)


def _spec(name: str, **options: object) -> ComponentSpec:
    return spec(name, options, Source("config.yml", 10), {k: OPTION_LINE for k in options})


def test_defaults_come_from_the_class() -> None:
    config = build_config(FallbackClassifier, _spec("FallbackClassifier"))
    assert config.model_dump() == {"threshold": 0.3, "ambiguity_threshold": 0.1}


def test_typo_points_at_the_option_and_suggests() -> None:
    component_spec = _spec("CountVectorsFeaturizer", analyser="char")
    with pytest.raises(ProjectError) as caught:
        build_config(CountVectorsFeaturizer, component_spec)
    assert str(caught.value) == (
        "config.yml:12:5: unknown option 'analyser' for CountVectorsFeaturizer "
        "(did you mean 'analyzer'?)"
    )


def test_wrong_type_names_option_and_expected_type() -> None:
    with pytest.raises(ProjectError) as caught:
        build_config(FallbackClassifier, _spec("FallbackClassifier", threshold="high"))
    assert caught.value.source == OPTION_LINE
    assert caught.value.message == (
        "option 'threshold' of FallbackClassifier expects float, got 'high'"
    )


def test_literal_options_list_their_choices() -> None:
    with pytest.raises(ProjectError, match="expects one of 'word', 'char', 'char_wb'"):
        build_config(CountVectorsFeaturizer, _spec("CountVectorsFeaturizer", analyzer="chars"))


def test_validator_messages_are_kept() -> None:
    component_spec = _spec("LexicalSyntacticFeaturizer", features=[["low"], ["pos"], ["low"]])
    with pytest.raises(ProjectError, match="feature 'pos' needs spaCy"):
        build_config(LexicalSyntacticFeaturizer, component_spec)


def test_option_without_a_recorded_position_falls_back_to_the_component() -> None:
    component_spec = spec("FallbackClassifier", {"treshold": 0.5}, Source("config.yml", 10))
    with pytest.raises(ProjectError) as caught:
        build_config(FallbackClassifier, component_spec)
    assert caught.value.source == Source("config.yml", 10)
    assert "did you mean 'threshold'?" in caught.value.message


def test_configs_are_frozen() -> None:
    config = build_config(FallbackClassifier, _spec("FallbackClassifier"))
    with pytest.raises(ValueError, match="frozen"):
        config.threshold = 0.5  # type: ignore[misc]


CONFIG_YML = """recipe: default.v1
assistant_id: test
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: LexicalSyntacticFeaturizer
    features: [[low], [BOS, title], [upper]]
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: FallbackClassifier
    treshold: 0.4
"""


def test_typo_in_a_real_config_file_names_file_and_line() -> None:
    problems: list = []
    config = parse_config(parse_yaml(CONFIG_YML, "config.yml"), problems)
    assert problems == []
    *valid, fallback = config.pipeline
    for component_spec in valid:
        build_config(lookup(component_spec.name), component_spec)
    with pytest.raises(ProjectError) as caught:
        build_config(FallbackClassifier, fallback)
    assert str(caught.value).startswith(
        "config.yml:13:5: unknown option 'treshold' for FallbackClassifier "
        "(did you mean 'threshold'?)"
    )
