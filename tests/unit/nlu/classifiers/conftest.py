"""Pipelines trained once per session: the restaurant example's, and a tiny synthetic one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch

from myna.nlu.pipeline import Pipeline
from myna.project.config import ComponentSpec
from myna.project.errors import Source
from myna.project.loader import Project, ProjectPaths, load_project
from myna.project.nlu import EntityAnnotation, NLUData, NLUExample
from myna.project.story_model import UserStep

RESTAURANT = Path(__file__).resolve().parents[4] / "examples" / "restaurant"
# Few epochs (DIET with a higher learning rate) keep the session fixture under ~2 minutes.
EPOCHS = 20
MODELS = ("DIETClassifier", "ResponseSelector")
TINY_DIET = {
    "epochs": 8,
    "transformer_size": 32,
    "number_of_transformer_layers": 1,
    "dense_dimension": {"text": 32, "label": 16},
    "random_seed": 3,
}


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread() -> None:
    torch.set_num_threads(1)


def with_options(
    specs: tuple[ComponentSpec, ...], overrides: Mapping[str, Mapping[str, Any]]
) -> list[ComponentSpec]:
    """The specs with ``overrides[name]`` merged into the options of components ``name``."""
    return [
        ComponentSpec(s.name, {**s.options, **overrides.get(s.name, {})}, s.source, {})
        for s in specs
    ]


def tiny_specs(**diet_options: Any) -> list[ComponentSpec]:
    """A small default-like pipeline with a tiny DIET (fast to train)."""
    names = ["WhitespaceTokenizer", "LexicalSyntacticFeaturizer", "CountVectorsFeaturizer"]
    specs = tuple(ComponentSpec(name, {}, Source("config.yml", 1), {}) for name in names)
    diet = ComponentSpec("DIETClassifier", {**TINY_DIET, **diet_options}, Source("c", 1), {})
    return [*specs, diet]


@dataclass
class Restaurant:
    project: Project
    pipeline: Pipeline
    texts: list[str]

    @property
    def data(self) -> NLUData:
        return self.project.training.nlu


def story_texts(project: Project) -> list[str]:
    steps = [step for story in project.test_stories.stories for step in story.steps]
    return [s.text for s in steps if isinstance(s, UserStep) and s.text]


@pytest.fixture(scope="session")
def restaurant() -> Restaurant:
    project = load_project(ProjectPaths.for_root(RESTAURANT)).project
    overrides = {
        "DIETClassifier": {"epochs": EPOCHS, "random_seed": 1, "learning_rate": 0.005},
        "ResponseSelector": {"epochs": 2 * EPOCHS, "random_seed": 1},
    }
    pipeline = Pipeline.from_specs(with_options(project.config.pipeline, overrides))
    pipeline.train(project.training.nlu, project.domain.responses.values())
    texts = story_texts(project) + [e.text for e in project.training.nlu.examples]
    return Restaurant(project, pipeline, texts)


CITIES = ("Berlin", "Rome", "Paris", "Madrid", "Oslo", "Lisbon")
_TEMPLATES = {
    "greet": ("hello", "hi there", "good morning", "hey", "hello friend", "hi"),
    "book": tuple(f"book a table in {city}" for city in CITIES)
    + tuple(f"I want a restaurant in {city} tonight" for city in CITIES),
    "faq/hours": ("when do you open", "what are your opening hours", "are you open today"),
    "faq/parking": ("where can I park", "is there parking", "do you have a car park"),
}


def synthetic_data() -> NLUData:
    """A few intents, a ``city`` entity and two retrieval intents ``faq/...``."""
    examples = []
    for intent, texts in _TEMPLATES.items():
        for text in texts:
            entities = tuple(
                EntityAnnotation("city", text.index(c), text.index(c) + len(c), c, text=c)
                for c in CITIES
                if c in text
            )
            examples.append(NLUExample(text, intent, entities, None, Source("nlu.yml", 1)))
    return NLUData(examples=tuple(examples))
