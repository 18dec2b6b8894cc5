"""config.yml: golden values, auto-configuration, defects and fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from myna.project.config import (
    DEFAULT_PIPELINE,
    DEFAULT_POLICIES,
    ComponentSpec,
    ProjectConfig,
    load_config,
)
from myna.project.errors import Problem, Severity, Source


def _load(tmp_path: Path, text: str) -> tuple[ProjectConfig, list[Problem]]:
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_config(path, problems), problems


def _names(specs: tuple[ComponentSpec, ...]) -> list[str]:
    return [spec.name for spec in specs]


def test_golden_config(shared: Path) -> None:
    path = shared / "golden" / "bot" / "config.yml"
    problems: list[Problem] = []
    config = load_config(path, problems)
    assert problems == []
    assert (config.recipe, config.assistant_id, config.language) == (
        "default.v1",
        "golden_bot",
        "en",
    )
    assert _names(config.pipeline) == [
        "WhitespaceTokenizer",
        "RegexFeaturizer",
        "LexicalSyntacticFeaturizer",
        "CountVectorsFeaturizer",
        "CountVectorsFeaturizer",
        "DIETClassifier",
        "EntitySynonymMapper",
        "FallbackClassifier",
    ]
    diet = config.pipeline[5]
    assert dict(diet.options) == {"epochs": 60, "constrain_similarities": True, "random_seed": 1}
    assert diet.source == Source(str(path), 13, 5)
    assert diet.option_sources["random_seed"] == Source(str(path), 16, 5)
    assert _names(config.policies) == ["MemoizationPolicy", "RulePolicy", "TEDPolicy"]
    assert dict(config.policies[2].options) == {"max_history": 5, "epochs": 30, "random_seed": 1}
    assert not config.auto_configured_pipeline and not config.auto_configured_policies
    assert config.source == Source(str(path), 1, 1)


@pytest.mark.parametrize("sections", ["", "pipeline:\npolicies: []\n"])
def test_absent_or_empty_sections_are_auto_configured(tmp_path: Path, sections: str) -> None:
    config, problems = _load(tmp_path, f"assistant_id: bot\nlanguage: en\n{sections}")
    assert problems == []
    assert config.auto_configured_pipeline and config.auto_configured_policies
    assert [(s.name, dict(s.options)) for s in config.pipeline] == [
        (name, dict(options)) for name, options in DEFAULT_PIPELINE
    ]
    assert [(s.name, dict(s.options)) for s in config.policies] == [
        (name, dict(options)) for name, options in DEFAULT_POLICIES
    ]
    assert dict(config.pipeline[4].options) == {
        "analyzer": "char_wb",
        "min_ngram": 1,
        "max_ngram": 4,
    }
    assert _names(config.policies) == [
        "MemoizationPolicy",
        "RulePolicy",
        "TEDPolicy",
    ]


def test_only_the_missing_section_is_auto_configured(tmp_path: Path) -> None:
    config, _ = _load(tmp_path, "assistant_id: b\nlanguage: en\npolicies:\n  - name: RulePolicy\n")
    assert config.auto_configured_pipeline and not config.auto_configured_policies
    assert _names(config.policies) == ["RulePolicy"]


def test_assistant_id_warnings(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "language: en\n")
    assert [(p.severity, p.source.line) for p in problems] == [(Severity.WARNING, 1)]
    assert "'assistant_id' is missing" in problems[0].message
    _, problems = _load(tmp_path, "language: en\nassistant_id: placeholder_default\n")
    assert [(p.severity, p.source.line, p.source.column) for p in problems] == [
        (Severity.WARNING, 2, 15)
    ]
    assert "placeholder_default" in problems[0].message


def test_missing_language_is_an_error_with_an_explicit_pipeline(tmp_path: Path) -> None:
    config, problems = _load(
        tmp_path, "assistant_id: b\npipeline:\n  - name: WhitespaceTokenizer\n"
    )
    assert config.language is None
    assert [(p.severity, p.message) for p in problems] == [
        (Severity.ERROR, "'language' is missing (e.g. 'language: en'); the NLU pipeline needs it")
    ]
    _, problems = _load(tmp_path, "assistant_id: b\n")
    assert [p.severity for p in problems] == [Severity.WARNING]


def test_component_entries_need_a_name(tmp_path: Path) -> None:
    text = """\
assistant_id: b
language: en
recipe: graph.v1
pipeline:
  - name: WhitespaceTokenizer
  - epochs: 10
  - DIETClassifier
  - name: ""
policies:
  name: RulePolicy
"""
    config, problems = _load(tmp_path, text)
    found = [(p.source.line, p.source.column, p.message) for p in problems]
    assert found == [
        (3, 9, "unknown recipe 'graph.v1' (the only recipe is 'default.v1')"),
        (6, 5, "an entry of 'pipeline' needs a 'name' (the component's class name)"),
        (7, 5, "an entry of 'pipeline' must be a mapping, not a string"),
        (8, 11, "an entry of 'pipeline' needs a 'name' (the component's class name)"),
        (10, 3, "'policies' must be a list, not a mapping"),
    ]
    assert _names(config.pipeline) == ["WhitespaceTokenizer"]
    assert config.policies == () and not config.auto_configured_policies


def test_unknown_keys_warn_and_yaml_1_2_numbers(tmp_path: Path) -> None:
    text = """\
assistant_id: b
language: en
version: "3.1"
importers: []
pipeline:
  - name: DIETClassifier
    learning_rate: 1e-3
    use_masked_language_model: no
"""
    config, problems = _load(tmp_path, text)
    assert [(p.severity, p.source.line, p.message) for p in problems] == [
        (Severity.WARNING, 4, "unknown key 'importers' in the config file")
    ]
    assert config.pipeline[0].options["learning_rate"] == 0.001
    assert config.pipeline[0].options["use_masked_language_model"] == "no"


def test_fingerprint_is_stable_and_tracks_changes(tmp_path: Path) -> None:
    base = "assistant_id: b\nlanguage: en\npipeline:\n  - name: DIETClassifier\n"
    one, _ = _load(tmp_path, base + "    epochs: 10\n    random_seed: 1\n")
    same, _ = _load(tmp_path, base + "    random_seed: 1\n    epochs: 10\n")
    other, _ = _load(tmp_path, base + "    random_seed: 1\n    epochs: 11\n")
    german, _ = _load(tmp_path, base.replace("en", "de") + "    random_seed: 1\n    epochs: 10\n")
    assert len(one.fingerprint("pipeline")) == 64
    assert one.fingerprint("pipeline") == same.fingerprint("pipeline")
    assert one.fingerprint("pipeline") != other.fingerprint("pipeline")
    assert one.fingerprint("pipeline") != german.fingerprint("pipeline")
    assert one.fingerprint("policies") == german.fingerprint("policies")
    assert one.fingerprint("policies") != one.fingerprint("pipeline")


def test_missing_or_broken_file_gives_defaults(tmp_path: Path) -> None:
    problems: list[Problem] = []
    config = load_config(tmp_path / "config.yml", problems)
    assert problems == [] and config.auto_configured_pipeline and config.language is None
    config, problems = _load(tmp_path, "pipeline: [\n")
    assert len(problems) == 1 and "invalid YAML" in problems[0].message
    assert config.auto_configured_policies
    config, problems = _load(tmp_path, "- name: x\n")
    assert [p.message for p in problems] == ["the config file must be a mapping, not a list"]
