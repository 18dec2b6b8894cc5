"""The lazy component registry: lookups, unknown and unsupported names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from myna.nlu.component import Component
from myna.nlu.registry import (
    NLU_COMPONENTS,
    NLU_TRAINERS,
    UnknownComponentError,
    UnsupportedComponentError,
    known_names,
    lookup,
    lookup_trainer,
)


@pytest.mark.parametrize("name", sorted(NLU_COMPONENTS))
def test_every_entry_resolves_to_a_component_of_that_name(name: str) -> None:
    if name == "JiebaTokenizer":
        pytest.importorskip("jieba")
    component = lookup(name)
    assert issubclass(component, Component)
    assert component.__name__ == name


@pytest.mark.parametrize("name", sorted(NLU_TRAINERS))
def test_every_trainer_extends_the_serving_class_and_keeps_its_name(name: str) -> None:
    serving, trainer = lookup(name), lookup_trainer(name)
    assert trainer is not serving and issubclass(trainer, serving)
    assert trainer(serving.Config()).name == name


def test_lookup_trainer_falls_back_to_the_serving_class() -> None:
    assert lookup_trainer("WhitespaceTokenizer") is lookup("WhitespaceTokenizer")
    with pytest.raises(UnsupportedComponentError):
        lookup_trainer("SpacyTokenizer")
    with pytest.raises(UnknownComponentError):
        lookup_trainer("Zzz")


def test_unknown_name_suggests_and_lists_known_ones() -> None:
    with pytest.raises(UnknownComponentError) as caught:
        lookup("WhitespaceTokeniser")
    message = str(caught.value)
    assert "did you mean 'WhitespaceTokenizer'?" in message
    assert all(name in message for name in known_names())


def test_unknown_name_without_a_close_match_has_no_suggestion() -> None:
    with pytest.raises(UnknownComponentError) as caught:
        lookup("Zzz")
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "alternative"),
    [
        ("SpacyTokenizer", "WhitespaceTokenizer"),
        ("SpacyFeaturizer", "LanguageModelFeaturizer"),
        ("CRFEntityExtractor", "DIETClassifier with intent_classification: false"),
        ("SklearnIntentClassifier", "DIETClassifier"),
        ("MitieNLP", "remove it"),
    ],
)
def test_unsupported_components_name_the_alternative(name: str, alternative: str) -> None:
    with pytest.raises(UnsupportedComponentError, match=alternative):
        lookup(name)


def test_importing_registry_and_pipeline_pulls_in_neither_torch_nor_sklearn() -> None:
    code = (
        "import sys, myna.nlu.registry, myna.nlu.pipeline; "
        "print(sorted(m for m in ('torch', 'sklearn', 'jieba') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_serving_components_pull_in_neither_torch_nor_sklearn() -> None:
    names = [n for n in NLU_COMPONENTS if n != "JiebaTokenizer"]
    code = (
        "import sys; from myna.nlu.registry import lookup; "
        f"[lookup(n) for n in {names!r}]; "
        "print(sorted(m for m in ('torch', 'sklearn') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
